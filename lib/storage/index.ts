import path from "node:path";
import { dataDir } from "@/lib/config/paths";
import { LocalEvidenceStore } from "./local-store";

let store: LocalEvidenceStore | undefined;

/** The evidence store of this server: files under DATA_DIR/evidence. */
export function evidenceStore(): LocalEvidenceStore {
  store ??= new LocalEvidenceStore(path.join(dataDir(), "evidence"));
  return store;
}
