import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { LanguageSwitch } from "@/components/language-switch";
import { BundleChecker } from "@/components/verify/bundle-checker";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("verify"))("title") };
}

/**
 * Public: anyone with a verification bundle (a city, an auditor, a journalist) checks it here, in their own
 * browser — the file is not uploaded; the page recomputes every score with the server's scoring code.
 */
export default async function VerifyPage() {
  const t = await getTranslations();
  return (
    <main className="mx-auto max-w-3xl px-4 py-10">
      <div className="flex items-start justify-between gap-4">
        <div>
          <p className="text-sm font-semibold tracking-wide text-brand-600">{t("app.name")}</p>
          <h1 className="mt-1 text-2xl font-bold">{t("verify.title")}</h1>
        </div>
        <LanguageSwitch />
      </div>
      <p className="mt-3 text-sm text-slate-700">{t("verify.intro")}</p>
      <BundleChecker />
    </main>
  );
}
