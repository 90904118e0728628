import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { requestContext } from "./request-context";
import { createAppServer, Gate, type RequestHandler, rendersPage } from "./serve";

type Line = Record<string, unknown>;

function start(handle: RequestHandler, graceMs = 5_000, pageConcurrency = 4, pageHoldMs = 2_000) {
  const lines: Line[] = [];
  const logger = pino({ base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  const app = createAppServer(handle, { logger, graceMs, pageConcurrency, pageHoldMs });
  return new Promise<typeof app & { lines: Line[]; url: string }>((resolve) =>
    app.server.listen(0, "127.0.0.1", () =>
      resolve({ ...app, lines, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` }),
    ),
  );
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
afterEach(() => agent.destroy());

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { "X-Request-Id": "chosen-by-the-client" } }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on("error", reject);
  });
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setImmediate(r));
};

describe("the HTTP server in front of Next.js", () => {
  it("gives each request its own id and logs one line with the user, the route without its query, the status and the time", async () => {
    const app = await start(async (req, res) => {
      const context = requestContext()!;
      context.userId = 7; // as currentUser() does once the session is read
      context.refusal = req.url?.includes("stale") ? "staleRevision" : undefined;
      res.end(`seen ${req.headers["x-request-id"]} ${context.requestId}`);
    });
    const response = await get(`${app.url}/api/answers?token=secret&stale=1`);
    const id = response.headers["x-request-id"] as string;
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(response.body).toBe(`seen ${id} ${id}`); // the client's own id is replaced
    await until(() => app.lines.length === 1);
    expect(app.lines[0]).toMatchObject({
      msg: "request",
      reqId: id,
      userId: 7,
      method: "GET",
      route: "/api/answers",
      status: 200,
      refusal: "staleRevision",
    });
    expect(app.lines[0]!.ms).toEqual(expect.any(Number));
    expect(JSON.stringify(app.lines)).not.toContain("secret");
    app.server.close();
  });

  it("a handler that throws is a logged 500 with the request's id, never a hung request", async () => {
    const app = await start(async () => {
      throw new Error("boom");
    });
    const response = await get(`${app.url}/x`);
    expect(response.status).toBe(500);
    await until(() => app.lines.length === 2);
    expect(app.lines.find((l) => l.msg === "request failed")).toMatchObject({
      reqId: response.headers["x-request-id"],
      err: { message: "boom" },
    });
    expect(app.lines.find((l) => l.msg === "request")).toMatchObject({ status: 500, level: 50 });
    app.server.close();
  });

  it("on shutdown stops listening at once, lets a running request finish, then closes", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const app = await start(async (req, res) => {
      if (req.url === "/slow") await released;
      res.end("done");
    });
    expect((await get(`${app.url}/fast`)).status).toBe(200); // opens the kept-alive connection
    const slow = get(`${app.url}/slow`);
    await until(() => app.inFlight() === 1);
    const stopping = app.shutdown();
    const refused = await fetch(`${app.url}/fast`).then(
      (r) => r.status,
      () => "connection refused",
    );
    expect(refused).toBe("connection refused"); // the listener is closed
    release();
    expect(await slow).toMatchObject({ status: 200, body: "done" });
    expect(await stopping).toMatchObject({ drained: true, unfinished: 0 });
  });

  it("cuts what is still running when the grace period is over, and says so", async () => {
    const app = await start(() => new Promise(() => {}), 200);
    const hung = get(`${app.url}/hung`).catch(() => "cut");
    await until(() => app.inFlight() === 1);
    expect(await app.shutdown()).toMatchObject({ drained: false, unfinished: 1 });
    expect(await hung).toBe("cut");
  });
});

describe("page renders wait their turn", () => {
  it("knows a page render from a save, an upload, a server action or a static file", () => {
    expect(rendersPage("GET", "/rounds/1/cities/wuhan/modules/B?x=1")).toBe(true);
    expect(rendersPage("HEAD", "/")).toBe(true);
    expect(rendersPage("POST", "/rounds/1/cities/wuhan/modules/B")).toBe(false); // a server action
    expect(rendersPage("PUT", "/api/answers")).toBe(false);
    expect(rendersPage("GET", "/api/evidence/3")).toBe(false);
    expect(rendersPage("GET", "/_next/static/chunks/a.js")).toBe(false);
    expect(rendersPage("GET", "/icon.svg")).toBe(false);
  });

  it("a gate admits its limit at once and the rest in arrival order", async () => {
    const gate = new Gate(2);
    const order: string[] = [];
    await gate.enter();
    await gate.enter();
    const third = gate.enter().then(() => order.push("third"));
    const fourth = gate.enter().then(() => order.push("fourth"));
    expect(gate.queued).toBe(2);
    gate.leave();
    await third;
    expect(order).toEqual(["third"]);
    gate.leave();
    await fourth;
    expect(order).toEqual(["third", "fourth"]);
    expect(gate.queued).toBe(0);
  });

  it("a save is answered while pages beyond the limit wait", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const app = await start(
      async (req, res) => {
        if (req.url === "/slow-page") await released;
        res.end(req.url);
      },
      5_000,
      1,
    );
    const separate = { agent: false } as const;
    const call = (url: string, method = "GET") =>
      new Promise<string>((resolve, reject) => {
        http
          .request(`${app.url}${url}`, { method, ...separate }, (res) => {
            let body = "";
            res.on("data", (c: Buffer) => (body += c.toString()));
            res.on("end", () => resolve(body));
          })
          .on("error", reject)
          .end();
      });
    const slow = call("/slow-page");
    await until(() => app.inFlight() === 1);
    const waiting = call("/other-page");
    await until(() => app.pagesQueued() === 1);
    expect(await call("/api/answers", "PUT")).toBe("/api/answers"); // not behind the pages
    expect(app.pagesQueued()).toBe(1);
    release();
    expect(await slow).toBe("/slow-page");
    expect(await waiting).toBe("/other-page");
    app.server.close();
  });

  it("a client that reads a page slowly, or not at all, holds its place for a bounded time only", async () => {
    const app = await start(
      async (req, res) => {
        if (req.url === "/stalled") {
          res.write("part of the page"); // and the client never reads the rest
          return new Promise(() => {});
        }
        res.end(req.url);
      },
      200,
      1,
      100,
    );
    http.get(`${app.url}/stalled`, { agent: false }, () => {}).on("error", () => {});
    await until(() => app.inFlight() === 1);
    const next = await new Promise<string>((resolve, reject) => {
      http
        .get(`${app.url}/next-page`, { agent: false }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve(body));
        })
        .on("error", reject);
    });
    expect(next).toBe("/next-page");
    await app.shutdown();
  });
});
