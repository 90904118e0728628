"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { createWebhook, retryDelivery, setWebhookActive } from "@/db/webhooks";
import { defineAction, refuse } from "@/lib/action";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/events";

const ADMIN = { roles: ["admin"] } as const;
const id = z.number().int().positive();

export const createWebhookAction = defineAction(
  z.object({
    url: z
      .url({ protocol: /^https?$/, error: "urlInvalid" })
      .max(2000, { error: "tooLong" })
      // A user name or password in the URL cannot be sent (fetch refuses it): say so now rather than at delivery.
      .refine((u) => !new URL(u).username && !new URL(u).password, { error: "urlInvalid" }),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, { error: "chooseEvents" }),
  }),
  ADMIN,
  (input, { user }) => {
    const result = createWebhook(getDb(), user, { url: input.url, events: [...new Set(input.events)] });
    if (!result.ok) refuse(result.reason);
    revalidatePath("/admin/webhooks");
    // Shown once: the receiver needs it to check signatures.
    return { secret: result.secret };
  },
);

export const setWebhookActiveAction = defineAction(
  z.object({ webhookId: id, active: z.boolean() }),
  ADMIN,
  ({ webhookId, active }, { user }) => {
    const result = setWebhookActive(getDb(), user, webhookId, active);
    if (!result.ok) refuse(result.reason);
    revalidatePath("/admin/webhooks");
  },
);

export const retryDeliveryAction = defineAction(z.object({ deliveryId: id }), ADMIN, ({ deliveryId }, { user }) => {
  const result = retryDelivery(getDb(), user, deliveryId);
  if (!result.ok) refuse(result.reason);
  revalidatePath("/admin/webhooks");
});
