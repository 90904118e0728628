"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { markAllRead } from "@/db/notifications";
import { currentUser } from "@/lib/auth/session";

export async function markAllReadAction() {
  const user = await currentUser();
  if (!user) return;
  markAllRead(getDb(), user.id);
  revalidatePath("/", "layout");
}
