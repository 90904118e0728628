import { AppShell } from "@/components/app-shell";
import { getDb } from "@/db/client";
import { countUnread } from "@/db/notifications";
import { requireRole } from "@/lib/auth/session";

// Re-checks the role for the whole group; each page checks again for the ids in its URL.
export default async function Layout({ children }: { children: React.ReactNode }) {
  const user = await requireRole("city_staff", "department_staff", "admin");
  return (
    <AppShell user={user} unread={countUnread(getDb(), user.id)}>
      {children}
    </AppShell>
  );
}
