"use client";

import { useEffect, useState } from "react";
import { announceSessionEnded, onSessionResumed } from "@/components/session-events";

export type SaveStatus =
  | "idle"
  | "pending"
  | "saving"
  | "saved"
  | "retrying"
  | "invalid"
  | "conflict"
  | "refused"
  | "signedOut";
export type Conflict = {
  value: unknown;
  notApplicableReason: string | null;
  revision: number;
  updatedAt: string;
  updatedByName: string | null;
};
export type SavePayload = { value: unknown; notApplicable: boolean; notApplicableReason: string };
export type SaveState = { status: SaveStatus; message?: string; conflict?: Conflict };

const DEBOUNCE_MS = 700;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * Saves one item's answer shortly after the last change, one request at a time, each based on the revision
 * the previous save returned. Network and server failures are retried with backoff while the change stays
 * marked unsaved; a 409 from a newer revision becomes a conflict for the person to resolve, never an overwrite.
 * A 401 (the session ended) keeps the change and asks for a new sign-in (components/session-ended-dialog.tsx);
 * once signed in again, the change is sent on the revision it was based on.
 */
export class AnswerSaver {
  private latest: SavePayload | null = null;
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = FIRST_RETRY_MS;
  private conflict: Conflict | undefined;

  constructor(
    private readonly itemId: number,
    private revision: number,
    private readonly report: (state: SaveState) => void,
  ) {}

  schedule(payload: SavePayload) {
    this.latest = payload;
    if (this.conflict) return; // kept until the person chooses
    this.report({ status: "pending" });
    this.later(DEBOUNCE_MS);
  }

  /** Keep my change: save it on top of the newer revision. */
  overwrite() {
    if (!this.conflict) return;
    this.revision = this.conflict.revision;
    this.conflict = undefined;
    void this.send();
  }

  /** Take the newer value: drop my change and continue from its revision. */
  acceptTheirs() {
    if (!this.conflict) return;
    this.revision = this.conflict.revision;
    this.conflict = undefined;
    this.latest = null;
    this.report({ status: "saved" });
  }

  /** The form refused the value locally: nothing is sent until it is corrected. */
  markInvalid() {
    clearTimeout(this.timer);
    this.latest = null;
    this.report({ status: "invalid" });
  }

  /** Signed in again: send what waited. */
  resume() {
    if (this.latest && !this.conflict && !this.inFlight) void this.send();
  }

  dispose() {
    clearTimeout(this.timer);
  }

  private later(ms: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.send(), ms);
  }

  private async send(): Promise<void> {
    if (this.inFlight || !this.latest) return;
    const payload = this.latest;
    this.latest = null;
    this.inFlight = true;
    this.report({ status: "saving" });
    let outcome: "saved" | "retry" | "stop" = "retry";
    // A server that answered (busy, restarting, or a bug with its 错误编号) says why, and maybe when to retry.
    let retryMessage: string | undefined;
    let retryAfterMs = 0;
    try {
      const response = await fetch("/api/answers", {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ itemId: this.itemId, baseRevision: this.revision, ...payload }),
      });
      const body = (await response.json().catch(() => ({}))) as {
        revision?: number;
        message?: string;
        error?: string;
        current?: Conflict;
      };
      if (response.ok && typeof body.revision === "number") {
        this.revision = body.revision;
        this.retryDelay = FIRST_RETRY_MS;
        outcome = "saved";
      } else if (response.status === 409 && body.error === "staleRevision" && body.current) {
        this.latest ??= payload;
        this.conflict = body.current;
        this.report({ status: "conflict", message: body.message, conflict: body.current });
        outcome = "stop";
      } else if (response.status === 401) {
        this.latest ??= payload;
        this.report({ status: "signedOut" });
        announceSessionEnded();
        outcome = "stop";
      } else if (response.status >= 400 && response.status < 500) {
        this.report({ status: response.status === 400 ? "invalid" : "refused", message: body.message });
        outcome = "stop";
      } else {
        retryMessage = body.message;
        retryAfterMs = Number(response.headers.get("retry-after") ?? 0) * 1000 || 0;
      }
    } catch {
      outcome = "retry";
    } finally {
      this.inFlight = false;
    }
    if (outcome === "retry") {
      this.latest ??= payload;
      this.report({ status: "retrying", message: retryMessage });
      this.later(Math.min(Math.max(this.retryDelay, retryAfterMs), MAX_RETRY_MS));
      this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS);
    } else if (outcome === "saved") {
      if (this.latest) void this.send();
      else this.report({ status: "saved" });
    }
  }
}

export function useAutosave(itemId: number, initialRevision: number) {
  const [state, setState] = useState<SaveState>({ status: "idle" });
  const [saver] = useState(() => new AnswerSaver(itemId, initialRevision, setState));
  useEffect(() => () => saver.dispose(), [saver]);
  useEffect(() => onSessionResumed(() => saver.resume()), [saver]);
  return { ...state, saver };
}
