"use client";

import { useFormatter, useTranslations } from "next-intl";
import { type DragEvent, useRef, useState } from "react";
import { addLinkEvidenceAction, deleteEvidenceAction } from "@/app/actions/questionnaire";
import { ACCEPTED_EXTENSIONS } from "@/lib/storage/file-kinds";
import { useErrorText } from "../use-error-text";
import type { ClientEvidence } from "./types";

type Upload = { name: string; loaded: number; total: number };

/** Sends one file as the raw request body so that the server can stream it; reports progress. */
function uploadFile(
  itemId: number,
  file: File,
  onProgress: (loaded: number) => void,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/evidence?itemId=${itemId}`);
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        body = {};
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("network"));
    xhr.send(file);
  });
}

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
  const fileInput = useRef<HTMLInputElement>(null);

  const update = (next: ClientEvidence[]) => {
    setEntries(next);
    onCountChange(next.length);
  };

  async function upload(files: File[]) {
    setErrors([]);
    let current = entries;
    for (const file of files) {
      if (file.size > maxMb * 1024 * 1024) {
        setErrors((e) => [...e, `${file.name}${colon}${t("tooLarge", { max: maxMb })}`]);
        continue;
      }
      setUploads((u) => [...u, { name: file.name, loaded: 0, total: file.size }]);
      try {
        const { status, body } = await uploadFile(itemId, file, (loaded) =>
          setUploads((u) => u.map((x) => (x.name === file.name ? { ...x, loaded } : x))),
        );
        if (status === 201) {
          current = [...current, body as unknown as ClientEvidence];
          update(current);
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
    update([
      ...entries,
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

  async function remove(entry: ClientEvidence) {
    const result = await deleteEvidenceAction({ evidenceId: entry.id });
    if (result.ok) update(entries.filter((e) => e.id !== entry.id));
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
    </div>
  );
}
