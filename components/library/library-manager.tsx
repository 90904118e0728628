"use client";

import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { type DragEvent, useRef, useState, useTransition } from "react";
import { attachLibraryFileAction, removeLibraryFileAction } from "@/app/actions/library";
import { ACCEPTED_EXTENSIONS } from "@/lib/storage/file-kinds";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { uploadFile } from "../upload-file";
import { useErrorText } from "../use-error-text";

export type LibraryItemGroup = {
  code: string;
  name: string;
  /** each item, and why the city cannot attach files to it now (null: it can) */
  items: { id: number; code: string; name: string; refusal: string | null }[];
};

type LibraryFileView = {
  id: number;
  sha256: string;
  size: number;
  mime: string;
  originalName: string;
  uploadedAt: string;
  uploaderName: string;
  attachedTo: { evidenceId: number; itemId: number; itemCode: string; moduleCode: string }[];
};

type Upload = { key: number; name: string; loaded: number; total: number };
let nextUpload = 0;

/**
 * The city's evidence library: upload files once, see which items each supports, attach one to several items at
 * once (all or none, every refusal explained), and take out a file no item carries.
 */
export function LibraryManager({
  roundId,
  moduleHref,
  files,
  groups,
  editable,
  readOnlyNote,
}: {
  roundId: number;
  moduleHref: string;
  files: LibraryFileView[];
  groups: LibraryItemGroup[];
  editable: boolean;
  /** why the library cannot be changed now, when it cannot */
  readOnlyNote: string;
}) {
  const t = useTranslations("library");
  const te = useTranslations("evidence");
  const colon = useTranslations("common")("colon");
  const errorText = useErrorText();
  const format = useFormatter();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [messages, setMessages] = useState<{ tone: "ok" | "error"; text: string }[]>([]);
  const [dragging, setDragging] = useState(false);
  const [attaching, setAttaching] = useState<number | null>(null);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [refusals, setRefusals] = useState<{ itemId: number; reason: string }[]>([]);
  const [removing, setRemoving] = useState<LibraryFileView | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const itemById = new Map(groups.flatMap((g) => g.items.map((i) => [i.id, i] as const)));

  const size = (bytes: number) =>
    bytes < 1024 * 1024
      ? `${format.number(bytes / 1024, { maximumFractionDigits: 1 })} KB`
      : `${format.number(bytes / 1024 / 1024, { maximumFractionDigits: 1 })} MB`;

  async function upload(list: File[]) {
    setMessages([]);
    const notes: { tone: "ok" | "error"; text: string }[] = [];
    for (const file of list) {
      const key = nextUpload++;
      setUploads((u) => [...u, { key, name: file.name, loaded: 0, total: file.size }]);
      try {
        const { status, body } = await uploadFile(`/api/library?roundId=${roundId}`, file, (loaded) =>
          setUploads((u) => u.map((x) => (x.key === key ? { ...x, loaded } : x))),
        );
        if (status === 201) notes.push({ tone: "ok", text: t("uploaded", { name: file.name }) });
        else if (status === 200)
          notes.push({ tone: "ok", text: t("alreadyInLibrary", { name: file.name, as: String(body.originalName) }) });
        else
          notes.push({
            tone: "error",
            text: `${file.name}${colon}${String(body.message ?? errorText("uploadFailed"))}`,
          });
      } catch {
        notes.push({ tone: "error", text: `${file.name}${colon}${errorText("uploadFailed")}` });
      } finally {
        setUploads((u) => u.filter((x) => x.key !== key));
      }
    }
    setMessages(notes);
    router.refresh();
  }

  function openAttach(file: LibraryFileView) {
    setAttaching(attaching === file.id ? null : file.id);
    setChosen(new Set());
    setRefusals([]);
    setMessages([]);
  }

  function attach(file: LibraryFileView) {
    setRefusals([]);
    startTransition(async () => {
      const result = await attachLibraryFileAction({ fileId: file.id, itemIds: [...chosen] });
      if (result.ok) {
        setMessages([{ tone: "ok", text: t("attached", { name: file.originalName, count: chosen.size }) }]);
        setAttaching(null);
        router.refresh();
        return;
      }
      setMessages([{ tone: "error", text: errorText(result.formError) ?? "" }]);
      setRefusals((result.details?.refused as { itemId: number; reason: string }[] | undefined) ?? []);
    });
  }

  function remove(file: LibraryFileView) {
    startTransition(async () => {
      const result = await removeLibraryFileAction({ fileId: file.id });
      setRemoving(null);
      if (result.ok) {
        setMessages([{ tone: "ok", text: t("removed", { name: file.originalName }) }]);
        router.refresh();
      } else
        setMessages([
          {
            tone: "error",
            text:
              result.formError === "stillAttached"
                ? t("stillAttached", { count: Number(result.details?.count ?? 0) })
                : (errorText(result.formError) ?? ""),
          },
        ]);
    });
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (editable) void upload([...e.dataTransfer.files]);
  }

  return (
    <div className="space-y-4">
      {!editable && <p className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">{readOnlyNote}</p>}
      {editable && (
        <div
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          className={`flex flex-wrap items-center justify-between gap-2 rounded-xl border border-dashed bg-white px-4 py-3 text-sm ${dragging ? "border-brand-600 bg-brand-50" : "border-slate-300"}`}
        >
          <span className="text-slate-600">{t("dropHere")}</span>
          <button
            type="button"
            onClick={() => fileInput.current?.click()}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
          >
            {te("chooseFiles")}
          </button>
          <input
            ref={fileInput}
            type="file"
            multiple
            hidden
            accept={ACCEPTED_EXTENSIONS.join(",")}
            aria-label={t("fileInput")}
            onChange={(e) => {
              void upload([...(e.target.files ?? [])]);
              e.target.value = "";
            }}
          />
        </div>
      )}
      {uploads.map((u) => (
        <div key={u.key} className="text-sm">
          <span>{te("uploading", { name: u.name })}</span>
          <progress
            className="ml-2 align-middle"
            max={u.total || 1}
            value={u.loaded}
            aria-label={te("uploading", { name: u.name })}
          />
        </div>
      ))}
      {messages.length > 0 && (
        <ul aria-live="polite" className="space-y-1 text-sm">
          {messages.map((m) => (
            <li
              key={m.text}
              role={m.tone === "error" ? "alert" : undefined}
              className={m.tone === "error" ? "text-red-700" : "text-emerald-800"}
            >
              {m.text}
            </li>
          ))}
        </ul>
      )}
      {files.length === 0 ? (
        <p className="rounded-xl border border-slate-200 bg-white p-5 text-sm text-slate-600">{t("empty")}</p>
      ) : (
        <ul className="space-y-3" aria-label={t("files", { count: files.length })}>
          {files.map((file) => {
            const attachedIds = new Set(file.attachedTo.map((a) => a.itemId));
            return (
              <li
                key={file.id}
                aria-label={file.originalName}
                className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm"
              >
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div className="min-w-0">
                    <a href={`/api/library/${file.id}`} className="font-medium text-brand-700 underline break-all">
                      {file.originalName}
                    </a>
                    <p className="mt-0.5 text-xs text-slate-500">
                      {[
                        size(file.size),
                        file.uploaderName,
                        format.dateTime(new Date(file.uploadedAt), { dateStyle: "short", timeStyle: "short" }),
                        `SHA-256 ${file.sha256.slice(0, 12)}…`,
                      ].join(" · ")}
                    </p>
                    <p className="mt-1">
                      {file.attachedTo.length === 0 ? (
                        <span className="text-slate-500">{t("attachedToNone")}</span>
                      ) : (
                        <>
                          {t("attachedTo", { count: file.attachedTo.length })}
                          {file.attachedTo.map((a, i) => (
                            <span key={a.evidenceId}>
                              {i > 0 && "、"}
                              <a
                                href={`${moduleHref}/${a.moduleCode}#item-${a.itemCode}`}
                                className="text-brand-700 underline"
                              >
                                {a.itemCode} {itemById.get(a.itemId)?.name}
                              </a>
                            </span>
                          ))}
                        </>
                      )}
                    </p>
                  </div>
                  {editable && (
                    <div className="flex gap-2">
                      <button
                        type="button"
                        aria-expanded={attaching === file.id}
                        onClick={() => openAttach(file)}
                        className="rounded-md border border-brand-600 px-3 py-1.5 text-brand-700 hover:bg-brand-50"
                      >
                        {t("attachTo")}
                      </button>
                      <button
                        type="button"
                        onClick={() => setRemoving(file)}
                        disabled={file.attachedTo.length > 0}
                        title={file.attachedTo.length > 0 ? t("removeDisabled") : undefined}
                        className="rounded-md border border-slate-300 px-3 py-1.5 text-red-700 hover:bg-red-50 disabled:text-slate-400 disabled:hover:bg-white"
                      >
                        {t("remove")}
                      </button>
                    </div>
                  )}
                </div>
                {attaching === file.id && (
                  <form
                    className="mt-3 space-y-3 border-t border-slate-100 pt-3"
                    onSubmit={(e) => {
                      e.preventDefault();
                      attach(file);
                    }}
                  >
                    <p className="text-slate-600">{t("chooseItems", { name: file.originalName })}</p>
                    {groups.map((group) => (
                      <fieldset key={group.code}>
                        <legend className="font-medium">
                          {group.code} {group.name}
                        </legend>
                        <ul className="mt-1 grid gap-x-4 gap-y-1 sm:grid-cols-2">
                          {group.items.map((item) => {
                            const already = attachedIds.has(item.id);
                            const blocked = already || item.refusal !== null;
                            const refused = refusals.find((r) => r.itemId === item.id);
                            return (
                              <li key={item.id}>
                                <label className={`flex gap-2 ${blocked ? "text-slate-400" : ""}`}>
                                  <input
                                    type="checkbox"
                                    disabled={blocked}
                                    checked={chosen.has(item.id)}
                                    onChange={(e) => {
                                      const next = new Set(chosen);
                                      if (e.target.checked) next.add(item.id);
                                      else next.delete(item.id);
                                      setChosen(next);
                                    }}
                                  />
                                  <span>
                                    {item.code} {item.name}
                                    {already && <span className="ml-1 text-xs">（{t("alreadyAttached")}）</span>}
                                    {!already && item.refusal && (
                                      <span className="ml-1 text-xs">（{errorText(item.refusal)}）</span>
                                    )}
                                  </span>
                                </label>
                                {refused && (
                                  <p role="alert" className="ml-6 text-xs text-red-700">
                                    {errorText(refused.reason)}
                                  </p>
                                )}
                              </li>
                            );
                          })}
                        </ul>
                      </fieldset>
                    ))}
                    <div className="flex gap-2">
                      <button
                        type="submit"
                        disabled={pending || chosen.size === 0}
                        className="rounded-md bg-brand-700 px-4 py-2 text-white hover:bg-brand-800 disabled:bg-slate-300"
                      >
                        {t("attachChosen", { count: chosen.size })}
                      </button>
                      <button
                        type="button"
                        onClick={() => setAttaching(null)}
                        className="rounded-md border border-slate-300 bg-white px-4 py-2 hover:bg-slate-50"
                      >
                        {t("cancel")}
                      </button>
                    </div>
                  </form>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={t("confirmRemoveTitle", { name: removing?.originalName ?? "" })}
        confirmLabel={t("confirmRemove")}
        onConfirm={() => removing && remove(removing)}
        onCancel={() => setRemoving(null)}
        pending={pending}
      >
        <p>{t("confirmRemoveBody")}</p>
      </ConfirmDialog>
    </div>
  );
}
