import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { CreateTokenForm, RevokeTokenButton } from "@/components/account/tokens";
import { listApiTokens } from "@/db/api-tokens";
import { getDb } from "@/db/client";
import { listUserOptions } from "@/db/users";
import { isAdmin } from "@/lib/auth/policy";
import { requireRole } from "@/lib/auth/session";
import { ROLES } from "@/lib/domain";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("tokens"))("title") };
}

/** Personal access tokens for /api/v1: the user's own (an admin: everyone's), created, shown once, revoked. */
export default async function TokensPage() {
  const user = await requireRole(...ROLES);
  const [t, format] = [await getTranslations("tokens"), await getFormatter()];
  const db = getDb();
  const tokens = listApiTokens(db, user);
  const now = new Date();
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "short" });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">{t("intro")}</p>
        <p className="mt-1 text-sm">
          <a href="/api-docs" className="text-brand-700 underline">
            {t("docsLink")}
          </a>
        </p>
      </div>
      <CreateTokenForm users={isAdmin(user) ? listUserOptions(db, { activeOnly: true }) : null} ownId={user.id} />
      <section aria-labelledby="tokens-heading" className="space-y-2">
        <h2 id="tokens-heading" className="text-lg font-semibold">
          {t("list")}
        </h2>
        {tokens.length === 0 ? (
          <p className="text-sm text-slate-600">{t("none")}</p>
        ) : (
          <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
            <table className="w-full text-sm">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="px-3 py-2">{t("purpose")}</th>
                  {isAdmin(user) && <th className="px-3 py-2">{t("owner")}</th>}
                  <th className="px-3 py-2">{t("scope")}</th>
                  <th className="px-3 py-2">{t("expires")}</th>
                  <th className="px-3 py-2">{t("lastUsed")}</th>
                  <th className="px-3 py-2">{t("state")}</th>
                  <th className="px-3 py-2" />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.map((k) => {
                  const state = k.revokedAt ? "revoked" : k.expiresAt <= now ? "expired" : "active";
                  return (
                    <tr key={k.id}>
                      <td className="px-3 py-2">
                        {k.name} <code className="text-xs text-slate-500">{k.prefix}…</code>
                      </td>
                      {isAdmin(user) && <td className="px-3 py-2">{k.email}</td>}
                      <td className="px-3 py-2">{t(`scopes.${k.scope}`)}</td>
                      <td className="px-3 py-2">{when(k.expiresAt)}</td>
                      <td className="px-3 py-2">{k.lastUsedAt ? when(k.lastUsedAt) : t("never")}</td>
                      <td className="px-3 py-2">{t(`states.${state}`)}</td>
                      <td className="px-3 py-2 text-right">
                        {state === "active" && <RevokeTokenButton tokenId={k.id} name={k.name} />}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
