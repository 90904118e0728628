import { describe, expect, it, vi } from "vitest";

vi.mock("@/lib/auth/session", () => ({ currentUser: async () => null }));
const { ActionError, readLimitedBody } = await import("./action");

/** A request whose body arrives in chunks and declares no length, as a chunked upload does. */
function streamed(chunks: number[]): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const size of chunks) controller.enqueue(new Uint8Array(size).fill(65));
      controller.close();
    },
  });
  return new Request("http://test/upload", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readLimitedBody", () => {
  it("reads a body within the limit", async () => {
    expect((await readLimitedBody(streamed([1000, 24]), 1)).byteLength).toBe(1024);
  });

  it("refuses a body over the limit even without a Content-Length, and an empty one", async () => {
    await expect(readLimitedBody(streamed([700_000, 700_000]), 1)).rejects.toEqual(new ActionError("fileTooLarge", 413, { max: 1 }));
    const declared = new Request("http://test/upload", { method: "POST", body: "x", headers: { "content-length": String(5 * 1024 * 1024) } });
    await expect(readLimitedBody(declared, 1)).rejects.toMatchObject({ key: "fileTooLarge", status: 413 });
    await expect(readLimitedBody(streamed([]), 1)).rejects.toMatchObject({ key: "fileEmpty", status: 400 });
  });
});
