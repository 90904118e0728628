/**
 * An unexpected error is logged under the request's id, and the user is shown that id as 错误编号 so that
 * support can find the line. Server actions answer with a message key only, so the key carries the id:
 * "unexpected#7H3K9QW2XA". Every message is translated through one place (components/use-error-text.ts).
 */
const UNEXPECTED = "unexpected";

export function unexpectedKey(reference: string | undefined): "unexpected" | `unexpected#${string}` {
  return reference ? `${UNEXPECTED}#${reference}` : UNEXPECTED;
}

/** The key to translate and, for an unexpected error, the reference it carries. */
export function splitErrorKey(key: string): { key: string; reference?: string } {
  const [base, reference] = key.split("#", 2);
  return base === UNEXPECTED && reference ? { key: "unexpectedWithReference", reference } : { key };
}
