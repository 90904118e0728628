import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { CreateWebhookForm, RetryDeliveryButton, WebhookToggle } from "@/components/admin/webhooks";
import { getDb } from "@/db/client";
import { listDeliveries, listWebhooks } from "@/db/webhooks";
import { requireRole } from "@/lib/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("webhooks"))("title") };
}

/** Webhooks for the organiser's tools: receivers, their events, and the delivery log. */
export default async function WebhooksPage() {
  await requireRole("admin");
  const [t, format] = [await getTranslations("webhooks"), await getFormatter()];
  const db = getDb();
  const hooks = listWebhooks(db);
  const deliveries = listDeliveries(db);
  const when = (d: Date) => format.dateTime(d, { dateStyle: "medium", timeStyle: "medium" });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">{t("intro")}</p>
      </div>
      <CreateWebhookForm />
      <section aria-labelledby="hooks-heading" className="space-y-2">
        <h2 id="hooks-heading" className="text-lg font-semibold">
          {t("list")}
        </h2>
        {hooks.length === 0 ? (
          <p className="text-sm text-slate-600">{t("none")}</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm shadow-sm">
            {hooks.map((h) => (
              <li key={h.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
                <div>
                  <p className="font-mono break-all">{h.url}</p>
                  <p className="text-slate-500">
                    {h.events.map((e) => t(`events.${e}`)).join("、")}
                    {!h.active && ` · ${t("inactive")}`}
                  </p>
                </div>
                <WebhookToggle webhookId={h.id} url={h.url} active={h.active} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="deliveries-heading" className="space-y-2">
        <h2 id="deliveries-heading" className="text-lg font-semibold">
          {t("deliveries")}
        </h2>
        {deliveries.length === 0 ? (
          <p className="text-sm text-slate-600">{t("noDeliveries")}</p>
        ) : (
          <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
            <table className="w-full text-sm">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="px-3 py-2">{t("at")}</th>
                  <th className="px-3 py-2">{t("event")}</th>
                  <th className="px-3 py-2">{t("url")}</th>
                  <th className="px-3 py-2">{t("status")}</th>
                  <th className="px-3 py-2">{t("attempts")}</th>
                  <th className="px-3 py-2">{t("result")}</th>
                  <th className="px-3 py-2" />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {deliveries.map((d) => (
                  <tr key={d.id}>
                    <td className="px-3 py-2">{when(d.createdAt)}</td>
                    <td className="px-3 py-2">{t(`events.${d.event}`)}</td>
                    <td className="px-3 py-2 font-mono text-xs break-all">{d.url}</td>
                    <td className="px-3 py-2">
                      {t(`statuses.${d.status}`)}
                      {d.status === "pending" && d.attempts > 0 && (
                        <span className="block text-xs text-slate-500">
                          {t("nextAttempt", { at: when(d.nextAttemptAt) })}
                        </span>
                      )}
                    </td>
                    <td className="px-3 py-2 tabular-nums">{d.attempts}</td>
                    <td className="px-3 py-2 text-xs break-all">
                      {d.deliveredAt ? when(d.deliveredAt) : (d.lastError ?? "—")}
                    </td>
                    <td className="px-3 py-2">{d.status === "failed" && <RetryDeliveryButton deliveryId={d.id} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
