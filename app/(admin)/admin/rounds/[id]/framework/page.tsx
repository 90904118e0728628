import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { FrameworkEditor } from "@/components/admin/framework-editor";
import { getDb } from "@/db/client";
import { exportFramework } from "@/db/framework";
import { frameworkRevision } from "@/lib/framework/revision";
import { roundAllows } from "@/lib/workflow/round-lifecycle";
import { adminRound } from "../admin-round";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const round = await adminRound(params);
  return { title: `${(await getTranslations("frameworkEditor"))("title")} · ${round.name}` };
}

export default async function FrameworkEditorPage({ params }: { params: Promise<{ id: string }> }) {
  const round = await adminRound(params);
  const t = await getTranslations("frameworkEditor");
  const framework = exportFramework(getDb(), round.id);
  return (
    <div className="space-y-4">
      <Link href={`/admin/rounds/${round.id}`} className="text-sm text-brand-700 hover:underline">
        ← {round.name}
      </Link>
      <h1 className="text-2xl font-bold">{t("title")}</h1>
      <FrameworkEditor
        roundId={round.id}
        initial={framework}
        revision={frameworkRevision(framework)}
        editable={roundAllows("edit_framework", round.status)}
      />
    </div>
  );
}
