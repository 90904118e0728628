"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { cancelCalibrationAction } from "@/app/actions/calibration";
import { ReasonForm } from "../reason-form";

/** An admin withdraws an open calibration (its reviewer left, or it was drawn by mistake), giving the reason. */
export function CancelCalibration({ calibrationId, roundId }: { calibrationId: number; roundId: number }) {
  const t = useTranslations("calibration");
  const router = useRouter();
  return (
    <ReasonForm
      label={t("cancelReason")}
      submitLabel={t("cancel")}
      confirm={{ title: t("confirmCancelTitle"), body: t("confirmCancelBody"), label: t("confirmCancel") }}
      onSubmit={async (reason) => {
        const result = await cancelCalibrationAction({ calibrationId, reason });
        if (result.ok) router.push(`/admin/rounds/${roundId}`);
        return result;
      }}
    />
  );
}
