import { NextResponse, type NextRequest } from "next/server";

// Only a fast cookie check that sends anonymous visitors to sign-in. Every page, route handler and server
// action verifies the session and role itself.
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export function proxy(request: NextRequest) {
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (hasSession) return NextResponse.next();
  if (request.nextUrl.pathname.startsWith("/api/")) {
    return NextResponse.json({ error: "unauthenticated" }, { status: 401 });
  }
  return NextResponse.redirect(new URL("/signin", request.url));
}

export const config = {
  // Everything except sign-in, the auth endpoints, Next's assets and files with an extension.
  matcher: ["/((?!signin|api/auth|_next/|favicon.ico|.*\\.[a-z0-9]+$).*)"],
};
