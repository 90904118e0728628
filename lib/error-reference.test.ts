import { describe, expect, it } from "vitest";
import { splitErrorKey, unexpectedKey } from "./error-reference";

describe("error references", () => {
  it("an unexpected error's key carries the request id, and is translated with it", () => {
    expect(unexpectedKey("7H3K9QW2XA")).toBe("unexpected#7H3K9QW2XA");
    expect(splitErrorKey("unexpected#7H3K9QW2XA")).toEqual({ key: "unexpectedWithReference", reference: "7H3K9QW2XA" });
  });

  it("other keys, and an unexpected error outside a request, stay as they are", () => {
    expect(unexpectedKey(undefined)).toBe("unexpected");
    expect(splitErrorKey("unexpected")).toEqual({ key: "unexpected" });
    expect(splitErrorKey("staleRevision")).toEqual({ key: "staleRevision" });
    expect(splitErrorKey("other#x")).toEqual({ key: "other#x" });
  });
});
