import { useTranslations } from "next-intl";
import type { ModuleStatus } from "@/lib/domain";
import { Badge, type BadgeTone } from "./ui/badge";

const TONES: Record<ModuleStatus, BadgeTone> = {
  not_started: "slate",
  draft: "blue",
  submitted: "violet",
  in_review: "violet",
  returned: "amber",
  verified: "green",
  not_submitted: "red",
};

export function StatusBadge({ status }: { status: ModuleStatus }) {
  const t = useTranslations("status");
  return <Badge tone={TONES[status]}>{t(status)}</Badge>;
}
