"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { markAllRead } from "@/db/notifications";
import { defineAction } from "@/lib/action";
import { ROLES } from "@/lib/domain";

const markAllReadOfCaller = defineAction(z.unknown(), { roles: ROLES }, (_form, { user }) => {
  markAllRead(getDb(), user.id);
  revalidatePath("/", "layout");
});

/** The form's button: marks every notification of the caller as read (the form's data is not used). */
export async function markAllReadAction(form: FormData | undefined): Promise<void> {
  await markAllReadOfCaller(form);
}
