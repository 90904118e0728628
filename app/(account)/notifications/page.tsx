import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { markAllReadAction } from "@/app/actions/notifications";
import { getDb } from "@/db/client";
import { listNotifications } from "@/db/notifications";
import { requireRole } from "@/lib/auth/session";
import { localParams } from "@/lib/i18n/pick";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("notifications"))("title") };
}

export default async function NotificationsPage() {
  const user = await requireRole("admin", "reviewer", "city_staff", "department_staff");
  const [t, locale, format] = [await getTranslations("notifications"), await getLocale(), await getFormatter()];
  const rows = listNotifications(getDb(), user.id);
  return (
    <div className="space-y-6">
      <div className="flex items-center gap-4">
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        {rows.some((r) => !r.readAt) && (
          <form action={markAllReadAction}>
            <button
              type="submit"
              className="rounded border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-50"
            >
              {t("markAllRead")}
            </button>
          </form>
        )}
      </div>
      {rows.length === 0 ? (
        <p className="text-slate-600">{t("empty")}</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {rows.map((n) => {
            const text = t.has(`kinds.${n.kind}`) ? t(`kinds.${n.kind}`, localParams(n.params, locale)) : n.kind;
            return (
              <li
                key={n.id}
                className={`flex flex-wrap items-center gap-3 px-4 py-3 text-sm ${n.readAt ? "text-slate-600" : "font-medium"}`}
              >
                {!n.readAt && <span className="h-2 w-2 rounded-full bg-brand-600" aria-label={t("unread")} />}
                {n.href ? (
                  <Link href={n.href} className="hover:underline">
                    {text}
                  </Link>
                ) : (
                  <span>{text}</span>
                )}
                <time className="ml-auto text-xs text-slate-500" dateTime={n.createdAt.toISOString()}>
                  {format.dateTime(n.createdAt, { dateStyle: "medium", timeStyle: "short" })}
                </time>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
