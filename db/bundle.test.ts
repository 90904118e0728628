import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ownPublicKey } from "@/lib/config/signing-key";
import { newSigningKeyPem, publicKeyPemOf } from "@/lib/signing/signature";
import { type Bundle, verifyBundle } from "@/lib/verify/bundle";
import { buildBundle } from "./bundle";
import type { Db } from "./client";
import { decideItem } from "./item-decisions";
import { approveSubmission } from "./reviews";
import { getItemScorecard } from "./scorecard";
import { createModuleBRound, createTestDb } from "./test-db";

let db: Db;
let round: Awaited<ReturnType<typeof createModuleBRound>>;

/** Hangzhou's module B verified with B4.1 adjusted to 45; everything else not submitted; finalised and signed. */
beforeEach(async () => {
  db = createTestDb();
  round = await createModuleBRound(db, "bundle");
  const { initial, final, itemId, submitB } = round;
  const id = submitB();
  expect(
    decideItem(db, initial, {
      submissionId: id,
      itemId: itemId("B4.1"),
      version: 1,
      action: "adjust",
      adjustedValue: 45,
      comment: "按统计局口径核减",
    }).ok,
  ).toBe(true);
  expect(approveSubmission(db, initial, id, 1).ok).toBe(true);
  expect(approveSubmission(db, final, id, 1).ok).toBe(true);
  round.closeAndFinalise();
});

/** As a third party receives it: a JSON file. */
const asFile = (bundle: Bundle | null) => JSON.parse(JSON.stringify(bundle)) as Bundle;
const failing = async (raw: unknown, pinned?: string) =>
  (await verifyBundle(raw, pinned)).checks.filter((c) => c.differences.length).map((c) => c.name);

describe("the verification bundle", () => {
  it("of the whole round recomputes every score, rank and the signed digest, under the pinned key", async () => {
    const bundle = asFile(buildBundle(db, round.roundId, { kind: "round" }));
    expect(await verifyBundle(bundle, ownPublicKey())).toMatchObject({ ok: true });
    expect(bundle.decisions).toEqual([
      { cityId: round.staff.cityId, itemCode: "B4.1", stage: 1, action: "adjust", comment: "按统计局口径核减" },
    ]);
    expect(await failing(bundle, publicKeyPemOf(newSigningKeyPem()))).toEqual(["signature"]);
  });

  it("of one city holds only that city's inputs and results, and checks its scores, ranks and signed city digest", async () => {
    const { staff, other } = round;
    const bundle = asFile(buildBundle(db, round.roundId, { kind: "city", cityId: staff.cityId! }));
    expect(bundle.input.cities.map((c) => c.cityId)).toEqual([staff.cityId]);
    expect(new Set(bundle.results.map((r) => r.cityId))).toEqual(new Set([staff.cityId]));
    expect(bundle.decisions.every((d) => d.cityId === staff.cityId)).toBe(true);
    expect(await verifyBundle(bundle, ownPublicKey())).toMatchObject({ ok: true });
    expect(buildBundle(db, round.roundId, { kind: "city", cityId: other.cityId! })).not.toBeNull();
  });

  it("catches a changed value in force, a changed published score and a changed rank", async () => {
    const cityId = round.staff.cityId!;
    const roundBundle = asFile(buildBundle(db, round.roundId, { kind: "round" }));
    const value = asFile(roundBundle);
    value.input.cities.find((c) => c.cityId === cityId)!.items["B4.1"]!.inForce = {
      value: 156.4,
      notApplicable: false,
    };
    expect(await failing(value)).toEqual(["scores and ranks recomputed from the inputs", "digest"]);

    const cityBundle = asFile(buildBundle(db, round.roundId, { kind: "city", cityId }));
    const score = asFile(cityBundle);
    score.results.find((r) => r.level === "total")!.points += 100;
    expect(await failing(score)).toEqual([
      "scores recomputed from the city's inputs",
      "ranks from every city's published points",
      "the city's signed digest",
    ]);
    const ranked = asFile(cityBundle);
    ranked.results.find((r) => r.level === "total")!.rank = 7;
    expect(await failing(ranked)).toEqual(["ranks from every city's published points", "the city's signed digest"]);
  });

  it("is checked by `npm run verify -- --bundle` with no database: exit 0, and 1 naming what a tampered file breaks", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-"));
    const bundle = asFile(buildBundle(db, round.roundId, { kind: "city", cityId: round.staff.cityId! }));
    const key = path.join(dir, "key.pem");
    fs.writeFileSync(key, ownPublicKey());
    const run = (file: string) =>
      spawnSync(
        process.execPath,
        [
          "node_modules/tsx/dist/cli.mjs",
          "--conditions=react-server",
          "scripts/verify.ts",
          "--bundle",
          file,
          "--public-key",
          key,
        ],
        { env: { ...process.env, DATA_DIR: dir }, encoding: "utf8" },
      );
    fs.writeFileSync(path.join(dir, "good.json"), JSON.stringify(bundle));
    const good = run(path.join(dir, "good.json"));
    expect(good.status, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toContain("OK: everything holds");
    bundle.results.find((r) => r.level === "item" && r.code === "B4.1")!.points = 200;
    fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify(bundle));
    const bad = run(path.join(dir, "bad.json"));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/FAIL {2}scores recomputed from the city's inputs\n.*B4\.1: published 200/);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("comes with a derivation of every item's points on the city's scorecard, adding up to the published total", () => {
    const card = getItemScorecard(db, round.roundId, round.staff.cityId!)!;
    const entries = card.modules.flatMap((m) => m.indicators.flatMap((i) => i.items));
    expect(entries.length).toBeGreaterThan(50);
    for (const { item, result, derivation } of entries) expect(derivation.points, item.code).toBe(result.points);
    const b41 = entries.find((e) => e.item.code === "B4.1")!;
    expect(b41.derivation).toMatchObject({ key: "band", params: { value: 45 } }); // scored on the reviewer's 45, not 156.4
    expect(entries.find((e) => e.item.code.startsWith("G"))!.derivation.key).toBe("moduleNotVerified");
    expect(entries.reduce((sum, e) => sum + e.result.points, 0)).toBe(card.total.points);
  });

  it("catches relabelled cities, a renamed round, an invented ranking entry and a flipped not-submitted flag", async () => {
    const cityId = round.staff.cityId!;
    const genuine = asFile(buildBundle(db, round.roundId, { kind: "city", cityId }));
    const relabelled = asFile(genuine);
    const [a, b] = relabelled.cities;
    [a!.nameZh, b!.nameZh] = [b!.nameZh, a!.nameZh];
    relabelled.round.name = "另一个轮次";
    relabelled.ranking.push({ cityId: 9999, total: 1, modules: {} });
    expect(await failing(relabelled)).toEqual(["round, cities and published ranking as signed"]);
    const flipped = asFile(buildBundle(db, round.roundId, { kind: "round" }));
    flipped.results
      .filter((r) => r.cityId === cityId && r.level === "module" && r.code === "B")
      .forEach((r) => (r.notSubmitted = true));
    expect(await failing(flipped)).toEqual(["scores and ranks recomputed from the inputs"]);
  });

  it("reports a file that is not a bundle instead of failing", async () => {
    expect(await failing({ hello: "world" })).toEqual(["format"]);
    expect(await failing(null)).toEqual(["format"]);
    // A rule no server writes, which scores NaN: the checks fail, the verifier does not throw.
    for (const scope of [{ kind: "round" as const }, { kind: "city" as const, cityId: round.staff.cityId! }]) {
      const bundle = asFile(buildBundle(db, round.roundId, scope));
      bundle.input.framework[0]!.indicators[0]!.items[0]!.rule = { kind: "linear", lo: 5, hi: 5 };
      const result = await verifyBundle(bundle);
      expect(result.ok).toBe(false);
    }
  });
});
