import { AppShell } from "@/components/app-shell";
import { requireRole } from "@/lib/auth/session";

// Pages every signed-in role has.
export default async function Layout({ children }: { children: React.ReactNode }) {
  const user = await requireRole("admin", "reviewer", "city_staff");
  return <AppShell user={user}>{children}</AppShell>;
}
