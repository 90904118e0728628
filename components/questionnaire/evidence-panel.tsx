"use client";

import { useFormatter, useTranslations } from "next-intl";
import { type DragEvent, useRef, useState } from "react";
import { attachLibraryFileAction } from "@/app/actions/library";
import { addLinkEvidenceAction, deleteEvidenceAction } from "@/app/actions/questionnaire";
import { ACCEPTED_EXTENSIONS } from "@/lib/storage/file-kinds";
import { uploadFile } from "../upload-file";
import { useErrorText } from "../use-error-text";
import { useLibrary } from "./library-context";
import type { ClientEvidence, ClientLibraryFile } from "./types";

type Upload = { name: string; loaded: number; total: number };

export function EvidencePanel({
  itemId,
  itemName,
  initial,
  editable,
  maxMb,
  onCountChange,
}: {
  itemId: number;
  itemName: string;
  initial: ClientEvidence[];
  editable: boolean;
  maxMb: number;
  onCountChange: (count: number) => void;
}) {
  const t = useTranslations("evidence");
  const colon = useTranslations("common")("colon");
  const errorText = useErrorText();
  const format = useFormatter();
  const [entries, setEntries] = useState(initial);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const [link, setLink] = useState("");
  const [dragging, setDragging] = useState(false);
  const [choosing, setChoosing] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const library = useLibrary();
  // The library's files this item does not carry yet.
  const attachedFiles = new Set(entries.map((e) => e.sha256).filter(Boolean));
  const offered = library?.files.filter((f) => !attachedFiles.has(f.sha256)) ?? [];

  // The list as last changed: uploads, attachments and removals that finish in any order each change the latest.
  const latest = useRef(initial);
  const [attaching, setAttaching] = useState(false);
  const update = (change: (current: ClientEvidence[]) => ClientEvidence[]) => {
    const next = change(latest.current);
    latest.current = next;
    setEntries(next);
    onCountChange(next.length);
  };

  async function upload(files: File[]) {
    setErrors([]);
    for (const file of files) {
      if (file.size > maxMb * 1024 * 1024) {
        setErrors((e) => [...e, `${file.name}${colon}${t("tooLarge", { max: maxMb })}`]);
        continue;
      }
      setUploads((u) => [...u, { name: file.name, loaded: 0, total: file.size }]);
      try {
        const { status, body } = await uploadFile(`/api/evidence?itemId=${itemId}`, file, (loaded) =>
          setUploads((u) => u.map((x) => (x.name === file.name ? { ...x, loaded } : x))),
        );
        if (status === 201) {
          const added = body as unknown as ClientEvidence & { libraryFileId: number | null };
          update((current) => [...current, added]);
          if (added.libraryFileId && added.sha256)
            library?.add({
              id: added.libraryFileId,
              sha256: added.sha256,
              originalName: added.originalName ?? file.name,
              size: added.size ?? file.size,
              mime: added.mime ?? "",
            });
        } else {
          setErrors((e) => [...e, `${file.name}${colon}${String(body.message ?? errorText("uploadFailed"))}`]);
        }
      } catch {
        setErrors((e) => [...e, `${file.name}${colon}${errorText("uploadFailed")}`]);
      } finally {
        setUploads((u) => u.filter((x) => x.name !== file.name));
      }
    }
  }

  async function addLink() {
    setErrors([]);
    const result = await addLinkEvidenceAction({ itemId, url: link.trim() });
    if (!result.ok) {
      setErrors([errorText(result.fieldErrors?.url?.[0] ?? result.formError) ?? ""]);
      return;
    }
    update((current) => [
      ...current,
      {
        id: result.data.id,
        kind: "url",
        url: link.trim(),
        originalName: null,
        size: null,
        mime: null,
        uploadedAt: result.data.uploadedAt,
        uploaderName: result.data.uploaderName,
      },
    ]);
    setLink("");
  }

  async function attach(file: ClientLibraryFile) {
    setErrors([]);
    setAttaching(true);
    const result = await attachLibraryFileAction({ fileId: file.id, itemIds: [itemId] }).finally(() =>
      setAttaching(false),
    );
    if (!result.ok) {
      const refused = (result.details?.refused as { reason: string }[] | undefined)?.[0]?.reason;
      setErrors([errorText(refused ?? result.formError) ?? ""]);
      return;
    }
    update((current) => [
      ...current,
      {
        id: result.data.evidence[0]!.id,
        kind: "file",
        url: null,
        originalName: file.originalName,
        size: file.size,
        mime: file.mime,
        sha256: file.sha256,
        uploadedAt: result.data.uploadedAt,
        uploaderName: result.data.uploaderName,
      },
    ]);
    if (offered.length <= 1) setChoosing(false);
  }

  async function remove(entry: ClientEvidence) {
    const result = await deleteEvidenceAction({ evidenceId: entry.id });
    if (result.ok) update((current) => current.filter((e) => e.id !== entry.id));
    else setErrors([errorText(result.formError) ?? ""]);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (editable) void upload([...e.dataTransfer.files]);
  }

  const size = (bytes: number | null) =>
    bytes === null
      ? ""
      : bytes < 1024 * 1024
        ? `${format.number(bytes / 1024, { maximumFractionDigits: 1 })} KB`
        : `${format.number(bytes / 1024 / 1024, { maximumFractionDigits: 1 })} MB`;

  return (
    <div className="mt-4 border-t border-slate-100 pt-3" aria-label={t("title", { item: itemName })} role="region">
      <h5 className="text-sm font-medium text-slate-700">{t("heading", { count: entries.length })}</h5>
      {entries.length > 0 && (
        <ul className="mt-2 space-y-1 text-sm">
          {entries.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center gap-x-3 gap-y-1">
              {e.kind === "file" ? (
                <a href={`/api/evidence/${e.id}`} className="text-brand-700 underline">
                  {e.originalName}
                </a>
              ) : (
                <a
                  href={e.url ?? "#"}
                  target="_blank"
                  rel="noopener noreferrer"
                  className="text-brand-700 underline break-all"
                >
                  {e.url}
                </a>
              )}
              <span className="text-xs text-slate-500">
                {[
                  size(e.size),
                  e.uploaderName,
                  format.dateTime(new Date(e.uploadedAt), { dateStyle: "short", timeStyle: "short" }),
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </span>
              {editable && (
                <button
                  type="button"
                  onClick={() => void remove(e)}
                  className="text-xs text-red-700 hover:underline"
                  aria-label={t("deleteNamed", { name: e.originalName ?? e.url ?? "" })}
                >
                  {t("delete")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {uploads.map((u) => (
        <div key={u.name} className="mt-2 text-sm">
          <span>{t("uploading", { name: u.name })}</span>
          <progress
            className="ml-2 align-middle"
            max={u.total || 1}
            value={u.loaded}
            aria-label={t("uploading", { name: u.name })}
          />
        </div>
      ))}
      {errors.length > 0 && (
        <ul role="alert" className="mt-2 space-y-1 text-sm text-red-700">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {editable && (
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          <div
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            className={`flex items-center justify-between gap-2 rounded-md border border-dashed px-3 py-2 text-sm ${dragging ? "border-brand-600 bg-brand-50" : "border-slate-300"}`}
          >
            <span className="text-slate-500">{t("dropHere", { max: maxMb })}</span>
            <button
              type="button"
              onClick={() => fileInput.current?.click()}
              className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50"
            >
              {t("chooseFiles")}
            </button>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              accept={ACCEPTED_EXTENSIONS.join(",")}
              aria-label={t("fileInput", { item: itemName })}
              onChange={(e) => {
                void upload([...(e.target.files ?? [])]);
                e.target.value = "";
              }}
            />
          </div>
          <form
            className="flex gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              void addLink();
            }}
          >
            <input
              type="url"
              value={link}
              onChange={(e) => setLink(e.target.value)}
              placeholder="https://"
              aria-label={t("linkInput", { item: itemName })}
              className="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
            />
            <button
              type="submit"
              disabled={!link.trim()}
              className="rounded border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-50 disabled:text-slate-400"
            >
              {t("addLink")}
            </button>
          </form>
        </div>
      )}
      {editable && offered.length > 0 && (
        <div className="mt-2 text-sm">
          <button
            type="button"
            aria-expanded={choosing}
            onClick={() => setChoosing((open) => !open)}
            className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50 disabled:text-slate-400"
          >
            {t("fromLibrary", { count: offered.length })}
          </button>
          {choosing && offered.length > 0 && (
            <ul
              className="mt-2 max-h-60 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2"
              aria-label={t("libraryFor", { item: itemName })}
            >
              {offered.map((f) => (
                <li key={f.id} className="flex flex-wrap items-center justify-between gap-2">
                  <span className="min-w-0 break-all">
                    {f.originalName} <span className="text-xs text-slate-500">{size(f.size)}</span>
                  </span>
                  <button
                    type="button"
                    disabled={attaching}
                    onClick={() => void attach(f)}
                    className="rounded border border-brand-600 px-2 py-0.5 text-brand-700 hover:bg-brand-50"
                    aria-label={t("attachNamed", { name: f.originalName })}
                  >
                    {t("attach")}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
