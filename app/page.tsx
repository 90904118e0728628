import { redirect } from "next/navigation";
import { currentUser, homePath } from "@/lib/auth/session";

export default async function Home() {
  const user = await currentUser();
  redirect(user ? homePath(user) : "/signin");
}
