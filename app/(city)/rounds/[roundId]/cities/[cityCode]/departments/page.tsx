import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import {
  type AssignableModule,
  AssignmentEditor,
  DepartmentUserToggle,
  InviteDepartmentUserForm,
} from "@/components/departments/department-manager";
import { assigneesOf, departmentProgress, listDepartmentUsers } from "@/db/departments";
import { loadFrameworkShape } from "@/db/framework";
import { mayManageDepartments } from "@/lib/auth/policy";
import { pick, roundName } from "@/lib/i18n/pick";
import { type CityRoundParams, loadCityRound } from "../load";

export async function generateMetadata({ params }: { params: Promise<CityRoundParams> }): Promise<Metadata> {
  const { city } = await loadCityRound(params);
  const locale = await getLocale();
  return { title: `${(await getTranslations("departments"))("title")} · ${pick(locale, city.nameZh, city.nameEn)}` };
}

/** The lead's page: invite department users, assign them items, follow each department's progress. */
export default async function DepartmentsPage({ params }: { params: Promise<CityRoundParams> }) {
  const { db, user, city, round } = await loadCityRound(params);
  const [t, tc, locale, format] = [
    await getTranslations("departments"),
    await getTranslations("city"),
    await getLocale(),
    await getFormatter(),
  ];
  const manages = mayManageDepartments(user, city.id);
  const editable = manages && round.status === "open";
  const people = listDepartmentUsers(db, city.id);
  const progress = departmentProgress(db, round.id, city.id, { name: t("lead") });
  const assignees = assigneesOf(db, round.id, city.id);
  const modules: AssignableModule[] = loadFrameworkShape(db, round.id).map((m) => ({
    code: m.code,
    name: pick(locale, m.module.nameZh, m.module.nameEn),
    indicators: m.indicators.map((i) => ({
      code: i.code,
      name: pick(locale, i.indicator.nameZh, i.indicator.nameEn),
      items: i.items.map((x) => ({
        id: x.id,
        code: x.code,
        name: pick(locale, x.nameZh, x.nameEn),
        assigneeId: assignees.get(x.id) ?? null,
      })),
    })),
  }));
  const base = `/rounds/${round.id}/cities/${city.code}`;
  const cell = "px-3 py-2 tabular-nums";
  return (
    <div className="space-y-6">
      <nav className="text-sm">
        <Link href={base} className="text-brand-700 hover:underline">
          ← {tc("title", { city: pick(locale, city.nameZh, city.nameEn) })}
        </Link>
      </nav>
      <div>
        <h1 className="text-2xl font-bold">{t("title")}</h1>
        <p className="mt-1 text-slate-600">{tc("round", { round: roundName(locale, round) })}</p>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">{t("intro")}</p>
      </div>
      {!manages && (
        <p role="status" className="rounded-md border border-slate-200 bg-slate-100 px-4 py-3 text-sm text-slate-700">
          {t("readOnlyAdmin")}
        </p>
      )}
      {manages && !editable && (
        <p role="status" className="rounded-md border border-slate-200 bg-slate-100 px-4 py-3 text-sm text-slate-700">
          {t("readOnlyRound")}
        </p>
      )}
      <section aria-labelledby="progress-heading" className="space-y-2">
        <h2 id="progress-heading" className="text-lg font-semibold">
          {t("progress")}
        </h2>
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th className="px-3 py-2">{t("department")}</th>
                <th className="px-3 py-2">{t("person")}</th>
                <th className="px-3 py-2">{t("assigned")}</th>
                <th className="px-3 py-2">{t("answered")}</th>
                <th className="px-3 py-2">{t("missingAnswers")}</th>
                <th className="px-3 py-2">{t("missingEvidence")}</th>
                <th className="px-3 py-2">{t("toCheck")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {progress.map((p) => (
                <tr key={p.userId ?? "lead"} data-testid={`progress-${p.userId ?? "lead"}`}>
                  <td className="px-3 py-2">{p.userId === null ? "—" : p.department}</td>
                  <td className="px-3 py-2">
                    {p.name}
                    {!p.active && <span className="ml-2 text-xs text-slate-500">{t("inactive")}</span>}
                  </td>
                  <td className={cell}>{p.assigned}</td>
                  <td className={cell}>
                    {p.answered} / {p.assigned}
                  </td>
                  <td className={`${cell} ${p.missingAnswers ? "text-amber-700" : ""}`}>{p.missingAnswers}</td>
                  <td className={`${cell} ${p.missingEvidence ? "text-amber-700" : ""}`}>{p.missingEvidence}</td>
                  <td className={`${cell} ${p.toCheck ? "text-amber-700" : ""}`}>{p.toCheck}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="people-heading" className="space-y-2">
        <h2 id="people-heading" className="text-lg font-semibold">
          {t("people")}
        </h2>
        {people.length === 0 ? (
          <p className="text-sm text-slate-600">{t("noPeople")}</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
            {people.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm">
                <div>
                  <p className="font-medium">
                    {p.department} · {p.name}
                    {!p.active && <span className="ml-2 text-xs text-slate-500">{t("inactive")}</span>}
                  </p>
                  <p className="text-slate-500">
                    {p.email} · {t("lastSignIn")}:{" "}
                    {p.lastSignInAt
                      ? format.dateTime(p.lastSignInAt, { dateStyle: "medium", timeStyle: "short" })
                      : t("never")}
                    {p.mustChangePassword && ` · ${t("mustChange")}`}
                  </p>
                </div>
                {manages && <DepartmentUserToggle userId={p.id} name={p.name} active={p.active} />}
              </li>
            ))}
          </ul>
        )}
      </section>
      {manages && <InviteDepartmentUserForm />}
      <AssignmentEditor
        roundId={round.id}
        modules={modules}
        people={people.map((p) => ({ id: p.id, label: `${p.department} · ${p.name}`, active: p.active }))}
        editable={editable}
      />
    </div>
  );
}
