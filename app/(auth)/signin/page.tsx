import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LanguageSwitch } from "@/components/language-switch";
import { SignInForm } from "@/components/sign-in-form";
import { getDb } from "@/db/client";
import { isDemoInstance } from "@/db/seed";
import { currentUser, homePath } from "@/lib/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("title") };
}

export default async function SignInPage() {
  const user = await currentUser();
  if (user) redirect(homePath(user));
  const t = await getTranslations();
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="absolute top-4 right-4">
        <LanguageSwitch />
      </div>
      <div className="w-full max-w-sm">
        <p className="text-center text-sm font-semibold tracking-wide text-brand-600">{t("app.shortName")}</p>
        <h1 className="mt-1 text-center text-2xl font-bold text-slate-900">{t("app.name")}</h1>
        <p className="mt-2 text-center text-sm text-slate-600">{t("app.tagline")}</p>
        <section
          className="mt-8 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
          aria-labelledby="signin-title"
        >
          <h2 id="signin-title" className="text-lg font-semibold">
            {t("auth.title")}
          </h2>
          <p className="mb-4 text-sm text-slate-600">{t("auth.subtitle")}</p>
          <SignInForm />
        </section>
        {isDemoInstance(getDb()) && <p className="mt-4 text-center text-xs text-slate-500">{t("auth.demoHint")}</p>}
      </div>
    </main>
  );
}
