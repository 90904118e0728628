/**
 * Runs once when the server starts (Next.js instrumentation): marks DATA_DIR as used by this server (seeding
 * or a second demo against it is then refused), and sweeps what uploads interrupted by a crash or a kill left in
 * the evidence store's temporary directory. Nothing of this process is uploading yet; files last written within
 * the hour are left, in case another process shares DATA_DIR.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ evidenceStore }, { claimDataDir }, { dataDir }] = await Promise.all([import("@/lib/storage"), import("@/lib/config/server-lock"), import("@/lib/config/paths")]);
  claimDataDir(dataDir());
  const swept = await evidenceStore().sweepTemp(60 * 60_000);
  if (swept.files) console.log(`evidence: removed ${swept.files} temporary file(s) of interrupted uploads (${swept.bytes} bytes)`);
}
