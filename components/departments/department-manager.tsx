"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import {
  assignItemsAction,
  inviteDepartmentUserAction,
  setDepartmentUserActiveAction,
} from "@/app/actions/departments";
import { type InviteDepartmentUserInput, inviteDepartmentUserSchema, PASSWORD_MIN } from "@/lib/auth/schemas";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { TextField } from "../ui/text-field";
import { useErrorText } from "../use-error-text";

type Message = { ok: boolean; text: string };

function Status({ message }: { message?: Message }) {
  if (!message) return null;
  return (
    <p role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-emerald-700" : "text-red-700"}`}>
      {message.text}
    </p>
  );
}

/** The lead creates an account for a colleague of a department, with a temporary password to hand over. */
export function InviteDepartmentUserForm() {
  const t = useTranslations("departments");
  const errorText = useErrorText();
  const router = useRouter();
  const [message, setMessage] = useState<Message>();
  const { register, handleSubmit, setError, reset, formState } = useForm<InviteDepartmentUserInput>({
    resolver: zodResolver(inviteDepartmentUserSchema),
  });
  const onSubmit = handleSubmit(async (values) => {
    setMessage(undefined);
    const result = await inviteDepartmentUserAction(values);
    if (result.ok) {
      setMessage({ ok: true, text: t("invited", { name: values.name, department: values.department }) });
      reset({ email: "", name: "", department: values.department, password: "" });
      router.refresh();
      return;
    }
    for (const [field, messages] of Object.entries(result.fieldErrors ?? {}))
      if (messages[0]) setError(field as keyof InviteDepartmentUserInput, { message: messages[0] });
    setMessage({ ok: false, text: errorText(result.formError) ?? "" });
  });
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={t("invite")}
      className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2"
    >
      <h2 className="font-semibold sm:col-span-2">{t("invite")}</h2>
      <p className="text-sm text-slate-600 sm:col-span-2">{t("inviteHint")}</p>
      <TextField
        label={t("departmentName")}
        error={errorText(formState.errors.department?.message)}
        {...register("department")}
      />
      <TextField label={t("name")} error={errorText(formState.errors.name?.message)} {...register("name")} />
      <TextField
        label={t("email")}
        type="email"
        error={errorText(formState.errors.email?.message)}
        {...register("email")}
      />
      <TextField
        label={t("password", { min: PASSWORD_MIN })}
        type="text"
        autoComplete="off"
        error={errorText(formState.errors.password?.message)}
        {...register("password")}
      />
      <div className="flex items-center gap-3 sm:col-span-2">
        <Button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t("inviting") : t("inviteSubmit")}
        </Button>
        <Status message={message} />
      </div>
    </form>
  );
}

/** Deactivates (after a confirmation) or reactivates a department user of the city. */
export function DepartmentUserToggle({ userId, name, active }: { userId: number; name: string; active: boolean }) {
  const t = useTranslations("departments");
  const errorText = useErrorText();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<Message>();
  const apply = (next: boolean) =>
    start(async () => {
      const result = await setDepartmentUserActiveAction({ userId, active: next });
      setConfirming(false);
      if (!result.ok) return setMessage({ ok: false, text: errorText(result.formError) ?? "" });
      setMessage({ ok: true, text: t(next ? "activated" : "deactivated", { name }) });
      router.refresh();
    });
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button
        type="button"
        variant="secondary"
        disabled={pending}
        onClick={() => (active ? setConfirming(true) : apply(true))}
      >
        {active ? t("deactivate") : t("activate")}
      </Button>
      <Status message={message} />
      <ConfirmDialog
        open={confirming}
        title={t("deactivate")}
        confirmLabel={t("deactivate")}
        pending={pending}
        onConfirm={() => apply(false)}
        onCancel={() => setConfirming(false)}
      >
        <p>{t("deactivateConfirm", { name })}</p>
      </ConfirmDialog>
    </div>
  );
}

export type AssignableIndicator = {
  code: string;
  name: string;
  items: { id: number; code: string; name: string; assigneeId: number | null }[];
};
export type AssignableModule = { code: string; name: string; indicators: AssignableIndicator[] };
/** a department user who can be chosen (a deactivated one only shows on the items still assigned to them) */
export type Assignee = { id: number; label: string; active: boolean };

/**
 * Who fills which item: a choice per item, and one per indicator that assigns all its items. Each choice is saved
 * at once (and audited); the page then shows the progress per department anew.
 */
export function AssignmentEditor({
  roundId,
  modules,
  people,
  editable,
}: {
  roundId: number;
  modules: AssignableModule[];
  people: Assignee[];
  editable: boolean;
}) {
  const t = useTranslations("departments");
  const errorText = useErrorText();
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<Message>();
  /** a whole indicator about to move away from several people: asked first */
  const [confirming, setConfirming] = useState<{ indicator: AssignableIndicator; value: string }>();
  const nameOf = (id: number | null) => (id === null ? t("keepMine") : (people.find((p) => p.id === id)?.label ?? ""));
  const assign = (itemIds: number[], value: string) => {
    const userId = value === "" ? null : Number(value);
    setMessage(undefined);
    start(async () => {
      const result = await assignItemsAction({ roundId, itemIds, userId });
      if (!result.ok) return setMessage({ ok: false, text: errorText(result.formError) ?? "" });
      const count = result.data.changed;
      setMessage({
        ok: true,
        text: userId === null ? t("savedMine", { count }) : t("saved", { count, name: nameOf(userId) }),
      });
      router.refresh();
    });
  };
  const options = (
    <>
      <option value="">{t("keepMine")}</option>
      {people.map((p) => (
        <option key={p.id} value={p.id} disabled={!p.active}>
          {p.active ? p.label : `${p.label} · ${t("inactive")}`}
        </option>
      ))}
    </>
  );
  const select = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm disabled:bg-slate-50";
  return (
    <section aria-labelledby="assignments-heading" className="space-y-3">
      <h2 id="assignments-heading" className="text-lg font-semibold">
        {t("assignments")}
      </h2>
      <p className="text-sm text-slate-600">{t("assignmentsHint")}</p>
      <div aria-live="polite" className="min-h-5">
        <Status message={message} />
      </div>
      {modules.map((mod) => (
        <details key={mod.code} className="rounded-xl border border-slate-200 bg-white shadow-sm" open>
          <summary className="cursor-pointer px-4 py-3 font-semibold">
            <span className="mr-2 text-slate-400">{mod.code}</span>
            {mod.name}
          </summary>
          <div className="divide-y divide-slate-100 border-t border-slate-100">
            {mod.indicators.map((ind) => {
              const ids = ind.items.map((i) => i.id);
              const owners = new Set(ind.items.map((i) => i.assigneeId ?? ""));
              const common = owners.size === 1 ? String([...owners][0]) : "mixed";
              return (
                <div key={ind.code} className="px-4 py-3">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <span className="font-medium">
                      <span className="mr-2 text-slate-400">{ind.code}</span>
                      {ind.name}
                    </span>
                    <select
                      aria-label={t("assignIndicator", { code: ind.code, name: ind.name })}
                      className={select}
                      disabled={!editable || pending}
                      value={common}
                      onChange={(e) => {
                        const value = e.target.value;
                        if (value === "mixed") return;
                        // Several people lose items at once: say so first; a single owner's move is plain to see.
                        if (common === "mixed") setConfirming({ indicator: ind, value });
                        else assign(ids, value);
                      }}
                    >
                      {common === "mixed" && <option value="mixed">{t("mixed")}</option>}
                      {options}
                    </select>
                  </div>
                  <ul className="mt-2 space-y-1 pl-4 text-sm">
                    {ind.items.map((item) => (
                      <li key={item.id} className="flex flex-wrap items-center justify-between gap-2">
                        <span>
                          <span className="mr-2 text-slate-400">{item.code}</span>
                          {item.name}
                        </span>
                        <select
                          aria-label={t("assignTo", { code: item.code, name: item.name })}
                          className={select}
                          disabled={!editable || pending}
                          value={item.assigneeId ?? ""}
                          onChange={(e) => assign([item.id], e.target.value)}
                        >
                          {options}
                        </select>
                      </li>
                    ))}
                  </ul>
                </div>
              );
            })}
          </div>
        </details>
      ))}
      <ConfirmDialog
        open={!!confirming}
        title={t("confirmIndicatorTitle")}
        confirmLabel={t("confirmIndicatorButton")}
        pending={pending}
        onConfirm={() => {
          if (confirming)
            assign(
              confirming.indicator.items.map((i) => i.id),
              confirming.value,
            );
          setConfirming(undefined);
        }}
        onCancel={() => setConfirming(undefined)}
      >
        {confirming && (
          <p>
            {t("confirmIndicator", {
              code: confirming.indicator.code,
              name: confirming.indicator.name,
              count: confirming.indicator.items.length,
              to: nameOf(confirming.value === "" ? null : Number(confirming.value)),
            })}
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
