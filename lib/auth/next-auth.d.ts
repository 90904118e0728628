import type { Locale, Role } from "@/lib/domain";

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
    /** the row of the sessions table this cookie stands for */
    sid: string;
    uid: number;
    role: Role;
    cityId: number | null;
    locale: Locale;
  }
}
