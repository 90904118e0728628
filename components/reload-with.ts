/**
 * Loads the page again with `?name=value`, then scrolls to `anchor`: after answers were saved in bulk (an Excel
 * import, a copy from last round) every field of the form must start again from what is stored, and the page then
 * says what happened.
 */
export function reloadWith(name: string, value: number, anchor: string): void {
  const url = new URL(window.location.href);
  url.searchParams.set(name, String(value));
  url.hash = anchor;
  window.location.assign(url.href);
}
