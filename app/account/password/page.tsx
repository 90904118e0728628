import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { signOutAction } from "@/app/actions/session";
import { ChangePasswordForm } from "@/components/change-password-form";
import { LanguageSwitch } from "@/components/language-switch";
import { currentUser, homePath } from "@/lib/auth/session";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("password"))("title") };
}

/** Every signed-in user changes their password here; a temporary one must be replaced before anything else. */
export default async function PasswordPage() {
  const user = await currentUser();
  if (!user) redirect("/signin");
  const t = await getTranslations("password");
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="absolute top-4 right-4 flex items-center gap-3">
        <LanguageSwitch />
        <form action={signOutAction}>
          <button type="submit" className="text-sm text-slate-700 hover:underline">
            {t("signOut")}
          </button>
        </form>
      </div>
      <section
        className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
        aria-labelledby="password-title"
      >
        <h1 id="password-title" className="text-lg font-semibold">
          {t("title")}
        </h1>
        {user.mustChangePassword && (
          <p role="status" className="mt-1 mb-2 text-sm text-amber-800">
            {t("mustChange")}
          </p>
        )}
        <ChangePasswordForm />
        {!user.mustChangePassword && (
          <Link href={homePath(user)} className="mt-4 block text-center text-sm text-brand-700 hover:underline">
            {t("back")}
          </Link>
        )}
      </section>
    </main>
  );
}
