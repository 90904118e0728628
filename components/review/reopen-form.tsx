"use client";

import { useTranslations } from "next-intl";
import { reopenAction } from "@/app/actions/review";
import { ReasonForm } from "../reason-form";

/** An admin reopens a verified module for another review, giving the reason. */
export function ReopenForm({ submissionId }: { submissionId: number }) {
  const t = useTranslations("review");
  return (
    <ReasonForm
      label={t("reopenReason")}
      submitLabel={t("reopen")}
      confirm={{ title: t("confirmReopenTitle"), body: t("confirmReopenBody"), label: t("confirmReopen") }}
      onSubmit={(reason) => reopenAction({ submissionId, reason })}
    />
  );
}
