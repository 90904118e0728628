import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { signOutAction } from "@/app/actions/session";
import { homePath } from "@/lib/auth/session";
import type { SessionUser } from "@/lib/domain";
import { LanguageSwitch } from "./language-switch";
import { SessionEndedDialog } from "./session-ended-dialog";

/** The header and main area of every signed-in page; `unread` is the user's count of unread notifications. */
export async function AppShell({
  user,
  unread,
  children,
}: {
  user: SessionUser;
  unread: number;
  children: React.ReactNode;
}) {
  const t = await getTranslations();
  const navLabel =
    user.role === "admin" ? t("nav.rounds") : user.role === "reviewer" ? t("nav.reviewQueue") : t("nav.dashboard");
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        {t("nav.skipToContent")}
      </a>
      <header className="no-print border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-3">
          <Link href={homePath(user)} className="font-bold text-brand-700">
            {t("app.name")}
          </Link>
          <nav aria-label={t("nav.rounds")} className="text-sm">
            <Link href={homePath(user)} className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
              {navLabel}
            </Link>
            {user.role === "admin" && (
              <>
                <Link href="/admin/users" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
                  {t("nav.users")}
                </Link>
                <Link href="/admin/cities" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
                  {t("nav.cities")}
                </Link>
                <Link href="/admin/audit" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
                  {t("nav.audit")}
                </Link>
                <Link href="/admin/webhooks" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
                  {t("nav.webhooks")}
                </Link>
              </>
            )}
            {user.role === "reviewer" && (
              <Link href="/review/appeals" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
                {t("nav.appeals")}
              </Link>
            )}
            <Link href="/notifications" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
              {t("nav.notifications")}
              {unread > 0 && (
                <span
                  className="ml-1 rounded-full bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white"
                  aria-label={t("nav.unread", { count: unread })}
                >
                  {unread}
                </span>
              )}
            </Link>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="text-slate-600">
              {t("nav.signedInAs", { name: user.name, role: t(`roles.${user.role}`) })}
            </span>
            <Link href="/account/password" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
              {t("nav.password")}
            </Link>
            <Link href="/account/tokens" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
              {t("nav.tokens")}
            </Link>
            <LanguageSwitch />
            <form action={signOutAction}>
              <button type="submit" className="rounded px-2 py-1 text-slate-700 hover:bg-slate-100">
                {t("nav.signOut")}
              </button>
            </form>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-8">
        {children}
      </main>
      <SessionEndedDialog email={user.email} userId={user.id} />
    </>
  );
}
