"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useState, useTransition } from "react";
import { createTokenAction, revokeTokenAction } from "@/app/actions/tokens";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { TextField } from "../ui/text-field";
import { useErrorText } from "../use-error-text";

const EXPIRY_DAYS = [30, 90, 180, 365] as const;

/** Creates a token and shows it once, with how to use it; an admin may create one for any user. */
export function CreateTokenForm({ users, ownId }: { users: { id: number; email: string }[] | null; ownId: number }) {
  const t = useTranslations("tokens");
  const errorText = useErrorText();
  const router = useRouter();
  const ids = { scope: useId(), expiry: useId(), owner: useId() };
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"read" | "write">("read");
  const [days, setDays] = useState<number>(90);
  const [owner, setOwner] = useState(ownId);
  const [created, setCreated] = useState<{ token: string; expiresAt: string }>();
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  const select = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm";
  return (
    <form
      aria-label={t("create")}
      className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        setError(undefined);
        start(async () => {
          const result = await createTokenAction({
            name,
            scope,
            expiresInDays: days,
            ...(owner !== ownId ? { userId: owner } : {}),
          });
          if (!result.ok) {
            const field = Object.values(result.fieldErrors ?? {})[0]?.[0];
            return setError(errorText(field ?? result.formError));
          }
          setCreated(result.data);
          setName("");
          router.refresh();
        });
      }}
    >
      <h2 className="font-semibold sm:col-span-2">{t("create")}</h2>
      <TextField label={t("name")} value={name} onChange={(e) => setName(e.target.value)} maxLength={80} />
      <div>
        <label htmlFor={ids.scope} className="mb-1 block text-sm font-medium text-slate-700">
          {t("scope")}
        </label>
        <select
          id={ids.scope}
          className={select}
          value={scope}
          onChange={(e) => setScope(e.target.value as "read" | "write")}
        >
          <option value="read">{t("scopes.read")}</option>
          <option value="write">{t("scopes.write")}</option>
        </select>
      </div>
      <div>
        <label htmlFor={ids.expiry} className="mb-1 block text-sm font-medium text-slate-700">
          {t("expiresIn")}
        </label>
        <select id={ids.expiry} className={select} value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {EXPIRY_DAYS.map((d) => (
            <option key={d} value={d}>
              {t("days", { days: d })}
            </option>
          ))}
        </select>
      </div>
      {users && (
        <div>
          <label htmlFor={ids.owner} className="mb-1 block text-sm font-medium text-slate-700">
            {t("owner")}
          </label>
          <select id={ids.owner} className={select} value={owner} onChange={(e) => setOwner(Number(e.target.value))}>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="flex items-center gap-3 sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {t("createSubmit")}
        </Button>
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
      </div>
      {created && (
        <div
          role="status"
          className="space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm sm:col-span-2"
        >
          <p className="font-medium text-amber-900">{t("createdOnce")}</p>
          <code className="block break-all rounded bg-white p-2 text-xs" data-testid="new-token">
            {created.token}
          </code>
          <p className="text-slate-700">{t("usage")}</p>
        </div>
      )}
    </form>
  );
}

/** Revokes a token after a confirmation: whatever uses it stops working at once. */
export function RevokeTokenButton({ tokenId, name }: { tokenId: number; name: string }) {
  const t = useTranslations("tokens");
  const errorText = useErrorText();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const [pending, start] = useTransition();
  return (
    <>
      <Button type="button" variant="secondary" onClick={() => setOpen(true)}>
        {t("revoke")}
      </Button>
      {error && (
        <span role="alert" className="ml-2 text-red-700">
          {error}
        </span>
      )}
      <ConfirmDialog
        open={open}
        title={t("revoke")}
        confirmLabel={t("revoke")}
        pending={pending}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          start(async () => {
            const result = await revokeTokenAction({ tokenId });
            setOpen(false);
            if (!result.ok) return setError(errorText(result.formError));
            router.refresh();
          })
        }
      >
        <p>{t("revokeConfirm", { name })}</p>
      </ConfirmDialog>
    </>
  );
}
