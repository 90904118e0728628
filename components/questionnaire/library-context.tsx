"use client";

import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import type { ClientLibraryFile } from "./types";

/**
 * The city's evidence library for the round, shared by every item of a questionnaire: a file uploaded to one item
 * is offered to the others at once.
 */
type Library = {
  files: ClientLibraryFile[];
  add: (file: ClientLibraryFile) => void;
};

const LibraryContext = createContext<Library | null>(null);

export function LibraryProvider({ initial, children }: { initial: ClientLibraryFile[]; children: ReactNode }) {
  const [files, setFiles] = useState(initial);
  const add = useCallback(
    (file: ClientLibraryFile) => setFiles((known) => (known.some((f) => f.id === file.id) ? known : [file, ...known])),
    [],
  );
  const value = useMemo(() => ({ files, add }), [files, add]);
  return <LibraryContext.Provider value={value}>{children}</LibraryContext.Provider>;
}

/** The questionnaire's library, or null outside one (an item shown without it offers only uploads). */
export function useLibrary(): Library | null {
  return useContext(LibraryContext);
}
