/**
 * The public verification bundle of a finalised round (or of one city's part of it), and its verifier.
 * The verifier needs neither the server nor Node: it uses the same scoring function as the server
 * (lib/scoring/round-results.ts) and WebCrypto (SHA-256, Ed25519), so it runs in `npm run verify -- --bundle`
 * and in the browser page /verify alike. The format is documented in README › Checking results.
 */
import canonicalize from "canonicalize";
import { z } from "zod";
import {
  cityCanonical,
  computeResults,
  participantsCanonical,
  type ResultRow,
  type RoundInput,
  rankingCanonical,
  rankingOf,
} from "@/lib/scoring/round-results";
import { rank } from "@/lib/scoring/statistics";

export const BUNDLE_FORMAT = "cityeval.verification-bundle/1";

const scorable = z.object({
  value: z.unknown(),
  notApplicable: z.boolean().optional(),
  urlJudgement: z.enum(["ok", "partial", "bad"]).nullable().optional(),
});
const roundInput = z.object({
  roundId: z.number().int(),
  framework: z.array(
    z.object({
      code: z.string(),
      maxPoints: z.number().int(),
      indicators: z.array(
        z.object({
          code: z.string(),
          maxPoints: z.number().int(),
          items: z.array(z.object({ code: z.string(), type: z.string(), rule: z.any(), maxPoints: z.number().int() })),
        }),
      ),
    }),
  ),
  cities: z.array(
    z.object({
      cityId: z.number().int(),
      modules: z.record(z.string(), z.string()),
      items: z.record(
        z.string(),
        z.object({
          submitted: z.unknown(),
          inForce: scorable.nullable(),
          notApplicable: z.boolean(),
          evidence: z.array(z.string()),
        }),
      ),
    }),
  ),
});
const resultRow = z.object({
  cityId: z.number().int(),
  level: z.enum(["item", "indicator", "module", "total"]),
  code: z.string(),
  points: z.number().int(),
  rank: z.number().int().nullable(),
  notSubmitted: z.boolean(),
});
const signed = z.object({
  record: z
    .object({
      kind: z.literal("cityeval.finalisation"),
      roundId: z.number().int(),
      roundName: z.string(),
      digest: z.string(),
      cityDigests: z.record(z.string(), z.string()),
      participantsHash: z.string(),
      rankingHash: z.string(),
    })
    .loose(),
  signature: z.string(),
  publicKey: z.string(),
});

export const bundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  scope: z.union([
    z.object({ kind: z.literal("round") }),
    z.object({ kind: z.literal("city"), cityId: z.number().int() }),
  ]),
  round: z.object({ id: z.number().int(), name: z.string(), nameEn: z.string().nullable() }),
  cities: z.array(
    z.object({
      id: z.number().int(),
      code: z.string(),
      nameZh: z.string(),
      nameEn: z.string(),
      region: z.string(),
      tier: z.string(),
    }),
  ),
  /** the inputs: every city's for a round bundle, the one city's for a city bundle */
  input: roundInput,
  /** the frozen result rows of the cities in `input` (items, indicators, modules, totals) with ranks */
  results: z.array(resultRow),
  /** every city's total and module points, so that a city bundle can check its ranks */
  ranking: z.array(
    z.object({
      cityId: z.number().int(),
      total: z.number().int().nullable(),
      modules: z.record(z.string(), z.number().int()),
    }),
  ),
  /** reviewers' decisions in force, for reading (they are already in each item's `inForce`) */
  decisions: z.array(
    z.object({
      cityId: z.number().int(),
      itemCode: z.string(),
      stage: z.number().int(),
      action: z.string(),
      comment: z.string().nullable(),
    }),
  ),
  signed,
});
export type Bundle = z.infer<typeof bundleSchema>;

export type BundleCheckId =
  | "format"
  | "signature"
  | "published"
  | "scores"
  | "digest"
  | "cityScores"
  | "ranks"
  | "cityDigest";
/** `id` names the check for people (messages: verify.checks.*); `name` for the command line. */
export type BundleCheck = { id: BundleCheckId; name: string; differences: string[] };
export type BundleVerification = { ok: boolean; checks: BundleCheck[] };

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function sha256(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function pemBody(pem: string): Uint8Array<ArrayBuffer> {
  return fromBase64(pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, ""));
}

async function signatureHolds(record: unknown, signature: string, publicKeyPem: string): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey("spki", pemBody(publicKeyPem), { name: "Ed25519" }, false, ["verify"]);
    const bytes = fromBase64(signature);
    return await crypto.subtle.verify(
      { name: "Ed25519" },
      key,
      bytes,
      new TextEncoder().encode(canonicalize(record) ?? ""),
    );
  } catch {
    return false;
  }
}

/** The public key's fingerprint as the report and the CLI show it (SHA-256 of its DER, groups of four). */
export async function bundleKeyFingerprint(publicKeyPem: string): Promise<string> {
  const digest = hex(await crypto.subtle.digest("SHA-256", pemBody(publicKeyPem)));
  return (digest.match(/.{4}/g) ?? []).join(" ");
}

const key = (r: { cityId: number; level: string; code: string }) => `${r.cityId}/${r.level}/${r.code}`;

function rowDifferences(recomputed: ResultRow[], published: z.infer<typeof resultRow>[], withRanks: boolean): string[] {
  const byKey = new Map<string, z.infer<typeof resultRow>>();
  const out: string[] = [];
  // A row listed twice could show one figure and be checked by the other.
  for (const r of published)
    if (byKey.has(key(r))) out.push(`${key(r)}: listed more than once`);
    else byKey.set(key(r), r);
  for (const row of recomputed) {
    const p = byKey.get(key(row));
    if (!p) out.push(`${key(row)}: not in the bundle's results`);
    else if (
      p.points !== row.points ||
      p.notSubmitted !== row.notSubmitted ||
      (withRanks && (p.rank ?? null) !== (row.rank ?? null))
    ) {
      out.push(
        `${key(row)}: published ${p.points} (rank ${p.rank ?? "-"}${p.notSubmitted ? ", not submitted" : ""}), recomputed ${row.points}${withRanks ? ` (rank ${row.rank ?? "-"})` : ""}${row.notSubmitted ? ", not submitted" : ""}`,
      );
    }
    byKey.delete(key(row));
  }
  for (const k of byKey.keys()) out.push(`${k}: not recomputed from the inputs`);
  return out;
}

/**
 * Checks a bundle: its signature (under the key it carries and, when given, a pinned one), every score and rank
 * recomputed from its inputs, and the signed digests (the round's for a round bundle, the city's for a city's).
 * `raw` is the parsed JSON file; a file that is not a bundle is reported, not thrown.
 */
export async function verifyBundle(raw: unknown, pinnedPublicKeyPem?: string): Promise<BundleVerification> {
  const parsed = bundleSchema.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      checks: [
        {
          id: "format",
          name: "format",
          differences: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "file"}: ${i.message}`),
        },
      ],
    };
  const checks: BundleCheck[] = [];
  try {
    return await checkBundle(parsed.data, pinnedPublicKeyPem, checks);
  } catch (error) {
    // Inputs no server writes (a rule that cannot score, say) can make the engine fail: reported, not thrown.
    const message = error instanceof Error ? error.message : String(error);
    checks.push({ id: "format", name: "format", differences: [`the bundle could not be checked: ${message}`] });
    return { ok: false, checks };
  }
}

async function checkBundle(
  bundle: z.infer<typeof bundleSchema>,
  pinnedPublicKeyPem: string | undefined,
  checks: BundleCheck[],
): Promise<BundleVerification> {
  const { record } = bundle.signed;

  const signature: string[] = [];
  if (!(await signatureHolds(record, bundle.signed.signature, bundle.signed.publicKey)))
    signature.push("the signature does not match the record under the key in the bundle");
  if (pinnedPublicKeyPem !== undefined && !(await signatureHolds(record, bundle.signed.signature, pinnedPublicKeyPem)))
    signature.push("the signature does not match the record under the pinned public key");
  if (record.roundId !== bundle.round.id || bundle.input.roundId !== bundle.round.id)
    signature.push(`the record is of round ${record.roundId}, the bundle of round ${bundle.round.id}`);
  checks.push({ id: "signature", name: "signature", differences: signature });

  // The labels a reader sees (round, cities) and every city's published points are signed too.
  const published: string[] = [];
  if (bundle.round.name !== record.roundName)
    published.push(`the bundle names the round ${bundle.round.name}, signed ${record.roundName}`);
  if ((await sha256(participantsCanonical(bundle.cities))) !== record.participantsHash)
    published.push("the cities' codes, names, regions or tiers differ from those signed");
  if ((await sha256(rankingCanonical(bundle.ranking))) !== record.rankingHash)
    published.push("every city's published points differ from those signed");
  checks.push({ id: "published", name: "round, cities and published ranking as signed", differences: published });

  const input = bundle.input as RoundInput;
  const { rows, canonical } = computeResults(input);
  if (bundle.scope.kind === "round") {
    const ranking = rankingOf(
      rows,
      input.cities.map((c) => c.cityId),
    );
    const rankingDiffers =
      rankingCanonical(ranking) !== rankingCanonical(bundle.ranking)
        ? ["the bundle's ranking differs from the one recomputed"]
        : [];
    checks.push({
      id: "scores",
      name: "scores and ranks recomputed from the inputs",
      differences: [...rowDifferences(rows, bundle.results, true), ...rankingDiffers],
    });
    const digest = await sha256(canonical);
    checks.push({
      id: "digest",
      name: "digest",
      differences: digest === record.digest ? [] : [`recomputed ${digest}, signed ${record.digest}`],
    });
  } else {
    const { cityId } = bundle.scope;
    // Alone, the city's ranks cannot be recomputed by the engine: they come from every city's published points.
    checks.push({
      id: "cityScores",
      name: "scores recomputed from the city's inputs",
      differences: rowDifferences(rows, bundle.results, false),
    });
    const ranked = bundle.ranking.filter((r) => r.total !== null);
    const own = bundle.results.filter((r) => r.cityId === cityId && (r.level === "total" || r.level === "module"));
    const rankDifferences: string[] = [];
    const ownTotal = own.find((r) => r.level === "total");
    const totalRank = new Map([...rank(ranked, (r) => r.total!)].map(([r, position]) => [r.cityId, position]));
    if (ownTotal && (ownTotal.rank ?? null) !== (totalRank.get(cityId) ?? null))
      rankDifferences.push(
        `total: rank ${ownTotal.rank ?? "-"}, from every city's totals ${totalRank.get(cityId) ?? "-"}`,
      );
    for (const row of own.filter((r) => r.level === "module")) {
      const moduleRank = new Map(
        [...rank(ranked, (r) => r.modules[row.code] ?? 0)].map(([r, position]) => [r.cityId, position]),
      );
      if ((row.rank ?? null) !== (moduleRank.get(cityId) ?? null))
        rankDifferences.push(
          `module ${row.code}: rank ${row.rank ?? "-"}, from every city's points ${moduleRank.get(cityId) ?? "-"}`,
        );
    }
    const listed = bundle.ranking.find((r) => r.cityId === cityId)?.total ?? null;
    if (ownTotal?.rank != null && listed !== ownTotal.points)
      rankDifferences.push(`the ranking lists ${listed ?? "no"} total for the city, its results ${ownTotal.points}`);
    checks.push({ id: "ranks", name: "ranks from every city's published points", differences: rankDifferences });
    const digest = await sha256(
      cityCanonical(
        input,
        cityId,
        bundle.results.map((r) => ({ ...r, roundId: input.roundId, reviewStatus: "" })),
      ),
    );
    const signedDigest = record.cityDigests[String(cityId)];
    checks.push({
      id: "cityDigest",
      name: "the city's signed digest",
      differences: digest === signedDigest ? [] : [`recomputed ${digest}, signed ${signedDigest ?? "none"}`],
    });
  }
  return { ok: checks.every((c) => c.differences.length === 0), checks };
}
