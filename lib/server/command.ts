/**
 * How to start the production server (scripts/server.ts, after `next build`) as a child process:
 * `spawn(process.execPath, productionServerArgs(port))`. One process: a signal sent to it reaches the server.
 */
export function productionServerArgs(port: number | string, hostname?: string): string[] {
  return [
    "--import",
    "tsx",
    "scripts/server.ts",
    "--port",
    String(port),
    ...(hostname ? ["--hostname", hostname] : []),
  ];
}
