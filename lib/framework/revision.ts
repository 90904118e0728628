import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { FrameworkFile } from "./schema";

/**
 * A fingerprint of a framework's content (total, modules and validation rules, not the round's name or year), so
 * that the editor can tell when the framework it loaded was replaced meanwhile, say by a file import in another
 * tab. Rules count only when there are some: a framework without any has the fingerprint it had before rules
 * existed, so the signatures of rounds finalised then still verify.
 */
export function frameworkRevision(framework: Pick<FrameworkFile, "total" | "modules"> & { rules?: unknown[] }): string {
  const content = framework.rules?.length
    ? { total: framework.total, modules: framework.modules, rules: framework.rules }
    : { total: framework.total, modules: framework.modules };
  return createHash("sha256")
    .update(canonicalize(content) ?? "")
    .digest("hex");
}
