import { AppShell } from "@/components/app-shell";
import { requireRole } from "@/lib/auth/session";

// Re-checks the role for the whole group; each page checks again for the ids in its URL.
export default async function Layout({ children }: { children: React.ReactNode }) {
  const user = await requireRole("reviewer", "admin");
  return <AppShell user={user}>{children}</AppShell>;
}
