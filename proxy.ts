import { type NextRequest, NextResponse } from "next/server";
import { newNonce, pageContentSecurityPolicy } from "@/lib/security-headers";

// Runs before every page (not the API, whose upload bodies must stream past untouched, nor static files).
// It gives the page its Content-Security-Policy with a fresh nonce, and sends anonymous visitors to sign-in:
// a fast cookie check only, as every page, route handler and server action verifies the session itself.
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];
const PUBLIC_PAGES = ["/signin", "/verify", "/api-docs"];

export function proxy(request: NextRequest) {
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  // A server action answers for itself (401-like refusal, or signing in again in place); a redirect would turn
  // its POST into a request for the sign-in page.
  const isServerAction = request.headers.has("next-action");
  if (!hasSession && !isServerAction && !PUBLIC_PAGES.includes(request.nextUrl.pathname))
    return NextResponse.redirect(new URL("/signin", request.url));

  const nonce = newNonce();
  const https = request.headers.get("x-forwarded-proto") === "https" || request.nextUrl.protocol === "https:";
  const policy = pageContentSecurityPolicy(nonce, { https, dev: process.env.NODE_ENV === "development" });
  // Next.js reads the nonce from the request's policy header and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|.*\\.[a-z0-9]+$).*)"],
};
