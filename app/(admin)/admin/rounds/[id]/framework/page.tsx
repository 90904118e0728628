import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { FrameworkEditor } from "@/components/admin/framework-editor";
import { getDb } from "@/db/client";
import { exportFramework, getRound } from "@/db/rounds";
import { requireRole } from "@/lib/auth/session";

async function load(params: Promise<{ id: string }>) {
  await requireRole("admin");
  const { id } = await params;
  const round = /^\d+$/.test(id) ? getRound(getDb(), Number(id)) : null;
  if (!round) notFound();
  return round;
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const round = await load(params);
  return { title: `${(await getTranslations("frameworkEditor"))("title")} · ${round.name}` };
}

export default async function FrameworkEditorPage({ params }: { params: Promise<{ id: string }> }) {
  const round = await load(params);
  const t = await getTranslations("frameworkEditor");
  return (
    <div className="space-y-4">
      <Link href={`/admin/rounds/${round.id}`} className="text-sm text-brand-700 hover:underline">← {round.name}</Link>
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <FrameworkEditor roundId={round.id} initial={exportFramework(getDb(), round.id)} editable={round.status === "draft"} />
    </div>
  );
}
