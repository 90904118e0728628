import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./", import.meta.url)),
      // Every db/ module starts with `import "server-only"`, which throws unless resolved with the react-server
      // condition (as Next.js does for server code). Tests are server code: give them the package's empty module.
      "server-only": fileURLToPath(new URL("./node_modules/server-only/empty.js", import.meta.url)),
    },
  },
  test: {
    include: [
      "lib/**/*.test.ts",
      "db/**/*.test.ts",
      "scripts/**/*.test.ts",
      "app/**/*.test.ts",
      "components/**/*.test.ts",
    ],
    environment: "node",
    // Files the code keeps in DATA_DIR (the signing key made at the first finalisation, evidence) go to a
    // throwaway directory, never into the working copy.
    // Expected failures are logged as the server would: keep them out of the test output.
    env: { DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "cityeval-vitest-")), LOG_LEVEL: "silent" },
  },
});
