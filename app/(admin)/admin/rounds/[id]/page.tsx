import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { AssignmentCell } from "@/components/admin/assignment-cell";
import { listActiveReviewers, listRoundAssignments, listStages } from "@/db/assignments";
import { getDb } from "@/db/client";
import { getRound, listModules } from "@/db/rounds";
import { requireRole } from "@/lib/auth/session";
import { pick } from "@/lib/i18n/pick";

async function load(params: Promise<{ id: string }>) {
  await requireRole("admin");
  const { id } = await params;
  const round = /^\d+$/.test(id) ? getRound(getDb(), Number(id)) : null;
  if (!round) notFound();
  return round;
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: (await load(params)).name };
}

export default async function RoundPage({ params }: { params: Promise<{ id: string }> }) {
  const round = await load(params);
  const db = getDb();
  const [t, locale] = [await getTranslations("assignments"), await getLocale()];
  const modules = listModules(db, round.id);
  const stages = listStages(db, round.id);
  const assignments = listRoundAssignments(db, round.id);
  const reviewers = listActiveReviewers(db);
  return (
    <div className="space-y-6">
      <nav className="text-sm"><Link href="/admin" className="text-brand-700 hover:underline">← {t("back")}</Link></nav>
      <h1 className="text-2xl font-bold">{round.name}</h1>
      <section aria-labelledby="assignments-heading" className="space-y-3">
        <h2 id="assignments-heading" className="text-lg font-semibold">{t("title")}</h2>
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">{t("module")}</th>
                {stages.map((s) => <th key={s.id} scope="col" className="px-3 py-2 font-medium">{t("stage", { position: s.position, name: pick(locale, s.nameZh, s.nameEn) })}</th>)}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {modules.map((m) => (
                <tr key={m.id} className="align-top">
                  <th scope="row" className="px-3 py-2 text-left font-medium">{m.code} {pick(locale, m.nameZh, m.nameEn)}</th>
                  {stages.map((s) => (
                    <td key={s.id} className="px-3 py-2">
                      <AssignmentCell
                        roundId={round.id}
                        moduleId={m.id}
                        stageId={s.id}
                        label={`${m.code} · ${pick(locale, s.nameZh, s.nameEn)}`}
                        assigned={assignments.filter((a) => a.moduleId === m.id && a.stageId === s.id)}
                        reviewers={reviewers}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
