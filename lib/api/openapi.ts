/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the handlers validate with (zod-openapi):
 * served at /api/v1/openapi.json and read by the reference page /api-docs (/api/v1/docs leads there).
 */

import { z } from "zod";
import { createDocument } from "zod-openapi";
import * as s from "./schemas";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const refusals = (...codes: ("400" | "401" | "403" | "404" | "409" | "413" | "415" | "429" | "503")[]) => {
  const text: Record<string, string> = {
    "400": "Bad input (fieldErrors says which field)",
    "401": "No token, or an unknown, revoked or expired one",
    "403": "The token's role or scope does not allow this",
    "404": "Not found, or not the token's to see (another city's, say)",
    "409": "Not possible now (round not open, module submitted, stale revision …)",
    "413": "Too large",
    "415": "File type not allowed",
    "429": "Rate limit reached; Retry-After says when to try again",
    "503": "The database is busy for a moment; Retry-After says when to try again",
  };
  return Object.fromEntries(codes.map((c) => [c, json(s.errorBody, text[c]!)]));
};
const common = refusals("401", "403", "429", "503");

export function openApiDocument() {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "CityEval API",
      version: "1.0.0",
      description:
        "For city data systems and the organiser's tools. Authenticate with a personal access token " +
        "(Authorization: Bearer ce_…, created on the account page 访问令牌); a token acts with its user's role and city. " +
        "Writes go through the same validation, revision checks and audit as the questionnaire.",
    },
    servers: [{ url: "/api/v1" }],
    components: { securitySchemes: { token: { type: "http", scheme: "bearer" } } },
    security: [{ token: [] }],
    paths: {
      "/me": {
        get: {
          summary: "The token's user",
          responses: { "200": json(s.me, "The user, role, city and scope"), ...common },
        },
      },
      "/rounds": {
        get: {
          summary: "Rounds the token's user takes part in (admins: every round)",
          responses: { "200": json(s.roundList, "Rounds, newest first"), ...common },
        },
      },
      "/rounds/{roundId}/framework": {
        get: {
          summary: "The round's framework: modules, indicators and items",
          requestParams: { path: s.roundParams },
          responses: { "200": json(s.framework, "The framework"), ...common, ...refusals("404") },
        },
      },
      "/rounds/{roundId}/answers": {
        get: {
          summary: "The token's city's answers in the round",
          requestParams: { path: s.roundParams, query: s.answersQuery },
          responses: { "200": json(s.answerList, "Answers"), ...common, ...refusals("404") },
        },
      },
      "/rounds/{roundId}/answers/{itemCode}": {
        put: {
          summary: "Answer an item (scope write): validated, revision-checked and audited like the questionnaire",
          requestParams: { path: s.itemParams },
          requestBody: { content: { "application/json": { schema: s.answerWrite } } },
          responses: {
            "200": json(s.answerWritten, "Saved: the new revision"),
            ...common,
            ...refusals("400", "404", "413"),
            "409": json(
              z.union([s.staleRevision, s.errorBody]),
              "Changed since baseRevision (StaleRevision, with the current answer), or not changeable now",
            ),
          },
        },
      },
      "/rounds/{roundId}/evidence/{itemCode}": {
        post: {
          summary: "Add evidence to an item (scope write): a file as the raw body with X-File-Name, or a link as JSON",
          requestParams: {
            path: s.itemParams,
            header: z.object({
              "X-File-Name": z
                .string()
                .optional()
                .meta({ description: "The file's name, URI-encoded: required for a file upload, absent for a link" }),
            }),
          },
          requestBody: {
            content: {
              "application/octet-stream": {
                schema: z.string().meta({
                  format: "binary",
                  description: "The file's bytes, with the file's own Content-Type (PDF, image, spreadsheet …)",
                }),
              },
              "application/json": { schema: s.linkEvidence },
            },
          },
          responses: {
            "201": json(s.evidenceCreated, "Added"),
            ...common,
            ...refusals("400", "404", "409", "413", "415"),
          },
        },
      },
      "/rounds/{roundId}/status": {
        get: {
          summary: "Where the token's city stands in each module",
          requestParams: { path: s.roundParams },
          responses: { "200": json(s.cityStatus, "Statuses"), ...common, ...refusals("404") },
        },
      },
      "/rounds/{roundId}/statuses": {
        get: {
          summary: "Every city's status per module (admins)",
          requestParams: { path: s.roundParams },
          responses: { "200": json(s.roundStatuses, "Statuses"), ...common, ...refusals("404") },
        },
      },
      "/rounds/{roundId}/results": {
        get: {
          summary: "A finalised round's results (admins)",
          requestParams: { path: s.roundParams },
          responses: { "200": json(s.roundResults, "Results"), ...common, ...refusals("404", "409") },
        },
      },
    },
  });
}
