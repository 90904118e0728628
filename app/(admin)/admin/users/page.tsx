import type { Metadata } from "next";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { CreateUserForm, UserActions } from "@/components/admin/user-admin";
import { Badge } from "@/components/ui/badge";
import { listCities } from "@/db/cities";
import { getDb } from "@/db/client";
import { listUsers } from "@/db/users";
import { requireRole } from "@/lib/auth/session";
import { pick } from "@/lib/i18n/pick";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("users"))("title") };
}

export default async function UsersPage() {
  await requireRole("admin");
  const db = getDb();
  const [t, tr, locale, format] = [
    await getTranslations("users"),
    await getTranslations("roles"),
    await getLocale(),
    await getFormatter(),
  ];
  const cityRows = listCities(db);
  const cityName = new Map(cityRows.map((c) => [c.id, pick(locale, c.nameZh, c.nameEn)]));
  const users = listUsers(db);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <CreateUserForm cities={cityRows.map((c) => ({ id: c.id, name: pick(locale, c.nameZh, c.nameEn) }))} />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              {[t("email"), t("name"), t("role"), t("city"), t("lastSignIn"), t("state"), t("actions")].map((h) => (
                <th key={h} scope="col" className="px-3 py-2 font-medium">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {users.map((u) => (
              <tr key={u.id} className="align-top">
                <td className="px-3 py-2">{u.email}</td>
                <td className="px-3 py-2">{u.name}</td>
                <td className="px-3 py-2">{tr(u.role)}</td>
                <td className="px-3 py-2">{u.cityId ? cityName.get(u.cityId) : ""}</td>
                <td className="px-3 py-2">
                  {u.lastSignInAt ? format.dateTime(u.lastSignInAt, { dateStyle: "short", timeStyle: "short" }) : "—"}
                </td>
                <td className="space-x-1 px-3 py-2">
                  {!u.active && <Badge tone="red">{t("inactive")}</Badge>}
                  {u.locked && <Badge tone="amber">{t("locked")}</Badge>}
                  {u.mustChangePassword && <Badge tone="blue">{t("mustChange")}</Badge>}
                </td>
                <td className="px-3 py-2">
                  <UserActions userId={u.id} email={u.email} active={u.active} locked={u.locked} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
