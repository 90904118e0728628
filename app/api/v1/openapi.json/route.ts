import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/api/openapi";
import { defineApiRoute } from "@/lib/api/route";

/** The OpenAPI 3.1 document of /api/v1, generated from its zod schemas; public, as API documentation is. */
export const GET = defineApiRoute({ public: true }, async () => NextResponse.json(openApiDocument()));
