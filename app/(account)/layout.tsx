import { AppShell } from "@/components/app-shell";
import { getDb } from "@/db/client";
import { countUnread } from "@/db/notifications";
import { requireRole } from "@/lib/auth/session";

// Pages every signed-in role has.
export default async function Layout({ children }: { children: React.ReactNode }) {
  const user = await requireRole("admin", "reviewer", "city_staff", "department_staff");
  return (
    <AppShell user={user} unread={countUnread(getDb(), user.id)}>
      {children}
    </AppShell>
  );
}
