/** Largest evidence file accepted, in bytes (EVIDENCE_MAX_MB, default 50). */
export function evidenceMaxBytes(): number {
  const mb = Number(process.env.EVIDENCE_MAX_MB ?? 50);
  return Math.floor((Number.isFinite(mb) && mb > 0 ? mb : 50) * 1024 * 1024);
}
