import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { type LibraryItemGroup, LibraryManager } from "@/components/library/library-manager";
import { itemEditability } from "@/db/editing";
import { listLibrary } from "@/db/evidence-library";
import { loadFrameworkShape } from "@/db/framework";
import { mayActForCity } from "@/lib/auth/policy";
import { pick, roundName } from "@/lib/i18n/pick";
import { type CityRoundParams, loadCityRound } from "../load";

export async function generateMetadata({ params }: { params: Promise<CityRoundParams> }): Promise<Metadata> {
  const { city } = await loadCityRound(params);
  const locale = await getLocale();
  return { title: (await getTranslations("library"))("title", { city: pick(locale, city.nameZh, city.nameEn) }) };
}

/** The city's evidence library for the round: each file once, the items it supports, attaching it to more. */
export default async function LibraryPage({ params }: { params: Promise<CityRoundParams> }) {
  const { db, user, city, round } = await loadCityRound(params);
  const [t, locale] = [await getTranslations("library"), await getLocale()];
  const files = listLibrary(db, round.id, city.id);
  const acting = mayActForCity(user, city.id);
  const editability = acting ? itemEditability(db, user, round.id) : null;
  const groups: LibraryItemGroup[] = loadFrameworkShape(db, round.id).map((m) => ({
    code: m.code,
    name: pick(locale, m.module.nameZh, m.module.nameEn),
    items: m.indicators.flatMap((i) =>
      i.items.map((x) => ({
        id: x.id,
        code: x.code,
        name: pick(locale, x.nameZh, x.nameEn),
        refusal: editability?.get(x.id) ?? (acting ? null : "roleNotAllowed"),
      })),
    ),
  }));
  const base = `/rounds/${round.id}/cities/${city.code}`;
  return (
    <div className="space-y-6">
      <nav className="text-sm">
        <Link href={base} className="text-brand-700 hover:underline">
          ← {pick(locale, city.nameZh, city.nameEn)} · {t("backToDashboard")}
        </Link>
      </nav>
      <div>
        <h1 className="text-2xl font-bold">{t("title", { city: pick(locale, city.nameZh, city.nameEn) })}</h1>
        <p className="mt-1 text-slate-600">{t("round", { round: roundName(locale, round) })}</p>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">{t("intro")}</p>
      </div>
      <LibraryManager
        roundId={round.id}
        moduleHref={`${base}/modules`}
        files={files.map((f) => ({ ...f, uploadedAt: f.uploadedAt.toISOString() }))}
        groups={groups}
        editable={acting && round.status === "open"}
        readOnlyNote={acting ? t("readOnlyRound") : t("readOnlyRole")}
      />
    </div>
  );
}
