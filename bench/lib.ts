/** Shared pieces of the benchmarks: a production server on a throwaway database, sign-in, load, memory. */
import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { productionServerArgs } from "@/lib/server/command";

export const BENCH_SECRET = "bench-only-secret-0123456789-abcdefghijklmnop";

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "cityeval-bench-"));
}

export async function startServer(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("run `npx next build` first");
  const server = spawn(process.execPath, [...nodeArgs, ...productionServerArgs(port, "127.0.0.1")], {
    env: { ...process.env, DATA_DIR: dataDir, AUTH_SECRET: BENCH_SECRET, NODE_ENV: "production", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill();
  throw new Error("server did not start");
}

/** Signs in through the Auth.js endpoints and returns the session cookie header. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/" }),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith("authjs.session-token="));
  if (!session) throw new Error(`sign-in failed for ${email}`);
  return session.split(";")[0]!;
}

export type LoadResult = {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? "GET", headers: init.headers, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      // A server killed halfway through its answer: without these the promise would never settle, and a
      // process with nothing else to wait for would end quietly as if all were done.
      res.on("error", reject);
      res.on("close", () => {
        if (!res.complete) reject(new Error(`the response to ${url} was cut off`));
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      // The server closed an idle kept-alive connection just as this request was sent on it: the request never
      // reached it, and a browser would send it again on a new connection (Node.js's documented remedy).
      if (req.reusedSocket && error.code === "ECONNRESET") request(url, init).then(resolve, reject);
      else reject(error);
    });
    req.end(init.body);
  });
}

/**
 * `clients` concurrent clients, each sending its next request as soon as the previous one answered, for
 * `seconds`. Each client keeps its own state (the autosave benchmark chains revisions per client).
 */
export async function runLoad(
  clients: number,
  seconds: number,
  makeClient: (index: number) => () => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const send = makeClient(i);
      while (performance.now() < end) {
        const t0 = performance.now();
        const ok = await send().catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    errors,
    seconds: elapsed,
    rps: latencies.length / elapsed,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
  };
}

/** Resident memory (kB) of a process and all its descendants, from /proc. */
export function treeRssKb(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // process ended meanwhile
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // gone
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** A file the evidence store accepts (a PDF by its magic bytes) of `bytes` random bytes: no two are alike. */
export function randomPdf(bytes: number): Buffer {
  const body = crypto.randomBytes(bytes);
  Buffer.from("%PDF-1.4\n").copy(body);
  return body;
}

/**
 * Uploads one evidence file as the raw request body in 256 KB pieces, `paceMs` apart (0: as fast as the
 * connection takes them); `onProgress` hears how many bytes were written. Resolves with the status and body.
 */
export function uploadEvidence(
  base: string,
  cookie: string,
  itemId: number,
  file: Buffer,
  options: { name?: string; paceMs?: number; ownConnection?: boolean; onProgress?: (sent: number) => void } = {},
): Promise<{ status: number; body: string }> {
  const piece = 256 * 1024;
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/evidence?itemId=${itemId}`, {
      method: "POST",
      agent: options.ownConnection ? false : agent,
      headers: {
        Cookie: cookie,
        "Content-Type": "application/pdf",
        "Content-Length": String(file.length),
        "X-File-Name": encodeURIComponent(options.name ?? "证明材料.pdf"),
      },
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
      res.on("close", () => {
        if (!res.complete) reject(new Error("the response to an upload was cut off"));
      });
    });
    req.on("error", reject);
    void (async () => {
      for (let sent = 0; sent < file.length; sent += piece) {
        const chunk = file.subarray(sent, sent + piece);
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
        options.onProgress?.(sent + chunk.length);
        if (options.paceMs) await new Promise((r) => setTimeout(r, options.paceMs));
      }
      req.end();
    })().catch(reject);
  });
}
