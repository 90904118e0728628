import type { Metadata } from "next";
import { openApiDocument } from "@/lib/api/openapi";

export const metadata: Metadata = { title: "CityEval API v1" };

type Json = Record<string, unknown>;

/** The /api/v1 reference, read from the generated OpenAPI document (the same one /api/v1/openapi.json serves). */
export default function ApiDocs() {
  const doc = openApiDocument() as unknown as {
    info: { title: string; version: string; description: string };
    paths: Record<string, Record<string, Json>>;
    components?: { schemas?: Record<string, Json> };
  };
  const pre = "overflow-x-auto rounded bg-slate-50 p-3 text-xs";
  return (
    <main className="mx-auto max-w-5xl space-y-8 p-6 text-sm" lang="en">
      <header className="space-y-2">
        <h1 className="text-2xl font-bold">
          {doc.info.title} <span className="text-slate-500">v{doc.info.version}</span>
        </h1>
        <p className="max-w-3xl text-slate-700">{doc.info.description}</p>
        <p>
          OpenAPI 3.1:{" "}
          <a className="text-brand-700 underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>{" "}
          · Base URL <code>/api/v1</code> · <code>Authorization: Bearer ce_…</code> · Errors:{" "}
          <code>{"{ code, message, fieldErrors? }"}</code> · Rate limit per token: <code>X-RateLimit-*</code>,{" "}
          <code>429</code> with <code>Retry-After</code>.
        </p>
      </header>
      {Object.entries(doc.paths).map(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => {
          const operation = op as {
            summary?: string;
            parameters?: { name: string; in: string; description?: string; required?: boolean }[];
            requestBody?: { content: Record<string, { schema: unknown }> };
            responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
          };
          return (
            <section key={`${method} ${path}`} className="space-y-3 rounded-xl border border-slate-200 bg-white p-4">
              <h2 className="font-mono text-base font-semibold">
                <span className="mr-2 rounded bg-slate-800 px-2 py-0.5 text-white uppercase">{method}</span>
                {path}
              </h2>
              {operation.summary && <p>{operation.summary}</p>}
              {operation.parameters && operation.parameters.length > 0 && (
                <ul className="list-inside list-disc">
                  {operation.parameters.map((p) => (
                    <li key={`${p.in}-${p.name}`}>
                      <code>{p.name}</code> ({p.in}
                      {p.required ? ", required" : ""}){p.description ? `: ${p.description}` : ""}
                    </li>
                  ))}
                </ul>
              )}
              {operation.requestBody &&
                Object.entries(operation.requestBody.content).map(([type, { schema }]) => (
                  <details key={type}>
                    <summary className="cursor-pointer">Request body: {type}</summary>
                    <pre className={pre}>{JSON.stringify(schema, null, 2)}</pre>
                  </details>
                ))}
              <table className="w-full text-left">
                <tbody>
                  {Object.entries(operation.responses).map(([status, response]) => (
                    <tr key={status} className="border-t border-slate-100 align-top">
                      <td className="w-16 py-1 font-mono">{status}</td>
                      <td className="py-1">
                        {response.description}
                        {response.content?.["application/json"] && (
                          <details>
                            <summary className="cursor-pointer text-slate-500">schema</summary>
                            <pre className={pre}>
                              {JSON.stringify(response.content["application/json"].schema, null, 2)}
                            </pre>
                          </details>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          );
        }),
      )}
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Schemas</h2>
        {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
          <details key={name} id={name} className="rounded border border-slate-200 bg-white p-2">
            <summary className="cursor-pointer font-mono">{name}</summary>
            <pre className={pre}>{JSON.stringify(schema, null, 2)}</pre>
          </details>
        ))}
      </section>
    </main>
  );
}
