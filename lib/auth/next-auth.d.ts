import type { Locale, Role } from "@/db/schema";

declare module "next-auth" {
  interface User {
    role: Role;
    cityId: number | null;
    locale: Locale;
  }
  interface Session {
    user: { id: string; name: string; email: string; role: Role; cityId: number | null; locale: Locale };
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    uid: number;
    role: Role;
    cityId: number | null;
    locale: Locale;
  }
}
