/**
 * The Content-Security-Policy of every page, with the request's nonce (proxy.ts makes one per request and
 * Next.js puts it on its own scripts): no inline or foreign script runs, nothing may frame the app, forms
 * post only to it. Styles may be inline (React style attributes, chart layout); scripts never.
 * The other security headers, static for every response, are in next.config.mjs.
 */
export function pageContentSecurityPolicy(nonce: string, { https, dev }: { https: boolean; dev: boolean }): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced Next.js runtime loads are trusted; dev mode needs eval for fast refresh.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    // Evidence previews (PDF, images) are framed from our own /api/evidence; nothing else.
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** A fresh, unguessable nonce (128 bits). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
