import { NextResponse, type NextRequest } from "next/server";

// Only a fast cookie check that sends anonymous visitors to sign-in. Every page, route handler and server
// action verifies the session and role itself.
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function proxy(request: NextRequest) {
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (hasSession) return NextResponse.next();
  return NextResponse.redirect(new URL("/signin", request.url));
}

export const config = {
  // Pages only: not sign-in, Next's assets or files with an extension, and not the API, whose route handlers
  // answer 401 themselves and whose upload bodies must stream past the proxy untouched.
  matcher: ["/((?!signin|api/|_next/|favicon.ico|.*\\.[a-z0-9]+$).*)"],
};
