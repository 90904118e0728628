import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { FrameworkFile } from "./schema";

/**
 * A fingerprint of a framework's content (total and modules, not the round's name or year), so that the editor
 * can tell when the framework it loaded was replaced meanwhile, say by a file import in another tab.
 */
export function frameworkRevision(framework: Pick<FrameworkFile, "total" | "modules">): string {
  return createHash("sha256")
    .update(canonicalize({ total: framework.total, modules: framework.modules }) ?? "")
    .digest("hex");
}
