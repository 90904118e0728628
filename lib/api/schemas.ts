/**
 * The /api/v1 contract as zod schemas: the route handlers validate with them, and lib/api/openapi.ts generates the
 * OpenAPI 3.1 document from them (zod-openapi), so the document cannot drift from what the API accepts.
 */
import { z } from "zod";
import { MODULE_STATUSES, ROLES, ROUND_STATUSES } from "@/lib/domain";
import { ANSWER_TYPES } from "@/lib/framework/schema";

export const errorBody = z
  .looseObject({
    code: z
      .string()
      .meta({ description: "Stable error code (a key of the app's translated messages)", example: "notFound" }),
    message: z.string().meta({ description: "The message in the request's language (Accept-Language: zh-CN or en)" }),
    fieldErrors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .meta({ description: "Per field, the translated problems with the input" }),
  })
  .meta({
    id: "Error",
    description:
      "Every refusal has this body, with a 4xx (or 5xx) status; some add details (max, seconds, reference …)",
  });

export const roundIdParam = z.coerce.number().int().positive().meta({ description: "A round's id", example: 1 });
export const itemCodeParam = z
  .string()
  .min(1)
  .meta({ description: "An item's code in the round's framework", example: "B1.1" });

export const roundParams = z.object({ roundId: roundIdParam });
export const itemParams = z.object({ roundId: roundIdParam, itemCode: itemCodeParam });

export const me = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    city: z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() }).nullable(),
    scope: z.enum(["read", "write"]),
  })
  .meta({ id: "Me", description: "The token's user, whose role and city the token acts with" });

export const round = z
  .object({
    id: z.number().int(),
    name: z.string(),
    nameEn: z.string().nullable(),
    year: z.number().int(),
    status: z.enum(ROUND_STATUSES),
    submissionDeadline: z.iso.datetime().nullable(),
  })
  .meta({ id: "Round" });
export const roundList = z.object({ rounds: z.array(round) }).meta({ id: "RoundList" });

const option = z.object({ value: z.string(), labelZh: z.string(), labelEn: z.string() });
const item = z
  .object({
    code: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    answerType: z.enum(ANSWER_TYPES),
    unitZh: z.string().nullable(),
    unitEn: z.string().nullable(),
    options: z.array(option).nullable(),
    minValue: z.number().nullable(),
    maxValue: z.number().nullable(),
    decimals: z.number().int().nullable(),
    required: z.boolean(),
    evidenceRequired: z.boolean(),
    maxPoints: z.number(),
  })
  .meta({ id: "Item" });
export const framework = z
  .object({
    roundId: z.number().int(),
    modules: z.array(
      z.object({
        code: z.string(),
        nameZh: z.string(),
        nameEn: z.string(),
        maxPoints: z.number(),
        indicators: z.array(
          z.object({
            code: z.string(),
            nameZh: z.string(),
            nameEn: z.string(),
            maxPoints: z.number(),
            items: z.array(item),
          }),
        ),
      }),
    ),
  })
  .meta({
    id: "Framework",
    description: "Modules, indicators and items of a round; points are points (not hundredths)",
  });

export const answer = z
  .object({
    itemCode: z.string(),
    value: z.unknown().meta({ description: "Number, boolean, option value, list of option values, text or URL" }),
    notApplicableReason: z.string().nullable(),
    revision: z.number().int().meta({ description: "Send it back as baseRevision to change the answer" }),
    updatedAt: z.iso.datetime(),
    prefilledFromLastRound: z.boolean(),
  })
  .meta({ id: "Answer" });
export const answersQuery = z.object({
  module: z.string().min(1).max(20).optional().meta({ description: "Only this module's answers", example: "B" }),
});
export const answerList = z
  .object({ cityCode: z.string(), answers: z.array(answer) })
  .meta({ id: "AnswerList", description: "The token's city's answers (a department user's: their items only)" });

export const answerWrite = z
  .object({
    baseRevision: z
      .number()
      .int()
      .min(0)
      .meta({ description: "The revision the change is based on (0 for a first answer); a newer one is a 409" }),
    value: z.unknown().optional().meta({ description: "Validated against the item, as in the questionnaire" }),
    notApplicable: z.boolean().optional(),
    notApplicableReason: z.string().max(2000).nullish(),
  })
  .meta({ id: "AnswerWrite" });
export const answerWritten = z
  .object({ itemCode: z.string(), revision: z.number().int(), updatedAt: z.iso.datetime() })
  .meta({ id: "AnswerWritten" });
export const staleRevision = errorBody
  .extend({
    current: z.object({
      value: z.unknown(),
      notApplicableReason: z.string().nullable(),
      revision: z.number().int(),
      updatedAt: z.iso.datetime(),
    }),
    name: z.string().meta({ description: "Who saved the current revision" }),
  })
  .meta({ id: "StaleRevision", description: "Someone changed the answer since baseRevision: the current one" });

export const linkEvidence = z
  .object({ url: z.url({ protocol: /^https?$/, error: "urlInvalid" }).max(2000, { error: "tooLong" }) })
  .meta({ id: "LinkEvidence" });
export const evidenceCreated = z
  .object({
    id: z.number().int(),
    itemCode: z.string(),
    kind: z.enum(["file", "url"]),
    url: z.string().nullable(),
    originalName: z.string().nullable(),
    size: z.number().int().nullable(),
    sha256: z.string().nullable(),
  })
  .meta({ id: "Evidence" });

export const moduleStatus = z
  .object({
    moduleCode: z.string(),
    status: z.enum(MODULE_STATUSES),
    version: z.number().int(),
    answered: z.number().int(),
    total: z.number().int(),
    missingEvidence: z.number().int(),
  })
  .meta({ id: "ModuleStatus" });
export const cityStatus = z
  .object({ cityCode: z.string(), modules: z.array(moduleStatus) })
  .meta({ id: "CityStatus", description: "Where the token's city stands in each module" });

export const roundStatuses = z
  .object({
    cities: z.array(
      z.object({
        cityCode: z.string(),
        nameZh: z.string(),
        nameEn: z.string(),
        modules: z.record(z.string(), z.enum(MODULE_STATUSES)),
      }),
    ),
  })
  .meta({ id: "RoundStatuses", description: "Every participating city's status per module" });

export const roundResults = z
  .object({
    roundId: z.number().int(),
    digest: z.string().nullable().meta({ description: "SHA-256 of the finalised round (GET /verify to check)" }),
    cities: z.array(
      z.object({
        cityCode: z.string(),
        nameZh: z.string(),
        nameEn: z.string(),
        total: z.number(),
        rank: z.number().int().nullable(),
        modules: z.record(z.string(), z.number()),
      }),
    ),
  })
  .meta({ id: "RoundResults", description: "A finalised round's totals, ranks and module points" });
