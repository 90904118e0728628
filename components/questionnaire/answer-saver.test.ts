/** The autosave client (components/questionnaire/use-autosave.ts › AnswerSaver) against a fake fetch and fake time. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AnswerSaver, type SaveState } from "./use-autosave";

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | "offline";

let replies: Reply[];
let sent: { itemId: number; baseRevision: number; value: unknown }[];
let states: SaveState[];
let sessionEnded: number;

beforeEach(() => {
  vi.useFakeTimers();
  replies = [];
  sent = [];
  states = [];
  sessionEnded = 0;
  vi.stubGlobal("window", {
    dispatchEvent: (event: Event) => event.type === "cityeval:session-ended" && sessionEnded++,
  });
  vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
    sent.push(JSON.parse(String(init.body)) as (typeof sent)[number]);
    const reply = replies.shift() ?? { status: 200, body: { revision: sent.at(-1)!.baseRevision + 1 } };
    if (reply === "offline") throw new TypeError("Failed to fetch");
    return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status, headers: reply.headers });
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const saver = (revision = 0) => new AnswerSaver(7, revision, (state) => states.push(state));
const payload = (value: unknown) => ({ value, notApplicable: false, notApplicableReason: "" });
const last = () => states.at(-1)!;

describe("the autosave client", () => {
  it("sends the last change shortly after typing stops, each save on the revision the previous one returned", async () => {
    const s = saver(3);
    s.schedule(payload(1));
    await vi.advanceTimersByTimeAsync(500);
    s.schedule(payload(12)); // typing on: the wait starts again
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(200); // 700 ms after the last change: one request, with the latest value
    expect(sent).toEqual([{ itemId: 7, baseRevision: 3, value: 12, notApplicable: false, notApplicableReason: "" }]);
    expect(last().status).toBe("saved");
    s.schedule(payload(13));
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent[1]).toMatchObject({ baseRevision: 4, value: 13 });
  });

  it("keeps the change while offline and retries with growing pauses until it is saved", async () => {
    replies = ["offline", "offline"];
    const s = saver();
    s.schedule(payload(5));
    await vi.advanceTimersByTimeAsync(700);
    expect(last().status).toBe("retrying");
    await vi.advanceTimersByTimeAsync(1000); // first retry after 1 s: offline again
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1500);
    expect(sent).toHaveLength(2); // the next pause is 2 s
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toHaveLength(3);
    expect(sent.every((r) => r.value === 5 && r.baseRevision === 0)).toBe(true);
    expect(last().status).toBe("saved");
  });

  it("a busy server's reason is shown and its Retry-After respected", async () => {
    replies = [{ status: 503, body: { error: "databaseBusy", message: "系统正忙" }, headers: { "Retry-After": "5" } }];
    const s = saver();
    s.schedule(payload(5));
    await vi.advanceTimersByTimeAsync(700);
    expect(last()).toEqual({ status: "retrying", message: "系统正忙" });
    await vi.advanceTimersByTimeAsync(4000);
    expect(sent).toHaveLength(1); // not before 5 s
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(2);
    expect(last().status).toBe("saved");
  });

  it("a newer revision saved by someone else becomes a conflict to resolve, never an overwrite", async () => {
    const current = {
      value: 9,
      notApplicableReason: null,
      revision: 4,
      updatedAt: "2026-11-29T01:00:00Z",
      updatedByName: "李四",
    };
    replies = [{ status: 409, body: { error: "staleRevision", message: "已被李四修改", current } }];
    const s = saver(3);
    s.schedule(payload(5));
    await vi.advanceTimersByTimeAsync(700);
    expect(last()).toEqual({ status: "conflict", message: "已被李四修改", conflict: current });
    s.schedule(payload(6)); // typing on waits for the person's choice
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toHaveLength(1);
    s.overwrite(); // keep mine: sent on top of the newer revision
    await vi.advanceTimersByTimeAsync(0);
    expect(sent[1]).toMatchObject({ baseRevision: 4, value: 6 });
    expect(last().status).toBe("saved");
  });

  it("taking the other person's value drops the change", async () => {
    const current = {
      value: 9,
      notApplicableReason: null,
      revision: 4,
      updatedAt: "2026-11-29T01:00:00Z",
      updatedByName: "李四",
    };
    replies = [{ status: 409, body: { error: "staleRevision", current } }];
    const s = saver(3);
    s.schedule(payload(5));
    await vi.advanceTimersByTimeAsync(700);
    s.acceptTheirs();
    expect(last().status).toBe("saved");
    s.schedule(payload(10));
    await vi.advanceTimersByTimeAsync(700);
    expect(sent[1]).toMatchObject({ baseRevision: 4, value: 10 });
  });

  it("an ended session keeps the change, asks for a sign-in, and sends it once signed in again", async () => {
    replies = [{ status: 401, body: { error: "unauthenticated" } }];
    const s = saver(2);
    s.schedule(payload(5));
    await vi.advanceTimersByTimeAsync(700);
    expect(last().status).toBe("signedOut");
    expect(sessionEnded).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(1); // no retry loop while signed out
    s.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent[1]).toMatchObject({ baseRevision: 2, value: 5 });
    expect(last().status).toBe("saved");
  });

  it("a refusal of the module's state is shown as refused and not retried", async () => {
    replies = [{ status: 409, body: { error: "wrongState", message: "该模块当前状态下不能修改。" } }];
    const s = saver(1);
    s.schedule(payload(3));
    await vi.advanceTimersByTimeAsync(5000);
    expect(last()).toEqual({ status: "refused", message: "该模块当前状态下不能修改。" });
    expect(sent).toHaveLength(1);
  });

  it("a refusal (400 or 4xx) is shown and not retried", async () => {
    replies = [{ status: 400, body: { error: "outOfRange", message: "数值超出允许范围。" } }];
    const s = saver();
    s.schedule(payload(-1));
    await vi.advanceTimersByTimeAsync(5000);
    expect(last()).toEqual({ status: "invalid", message: "数值超出允许范围。" });
    expect(sent).toHaveLength(1);
  });
});
