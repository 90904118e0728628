import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { hashPassword, TIMING_DUMMY_HASH, verifyPassword } from "./password";

describe("password hashing", () => {
  it("verifies the right password only, whatever cost the stored hash was made with", async () => {
    const stored = await hashPassword("correct horse");
    expect(await verifyPassword(stored, "correct horse")).toBe(true);
    expect(await verifyPassword(stored, "wrong horse")).toBe(false);
    expect(await verifyPassword("not a hash", "x")).toBe(false);
    expect(await verifyPassword(TIMING_DUMMY_HASH, "not-the-dummy-password")).toBe(false); // a production-cost hash
  });

  it("uses the small cost under Vitest only: outside it, the library's default (OWASP) cost", async () => {
    expect(await hashPassword("x")).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,/);
    const env = { ...process.env };
    delete env.VITEST;
    const outside = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        'import("./lib/auth/password.ts").then(async (m) => console.log(await m.hashPassword("x")))',
      ],
      { env, encoding: "utf8" },
    );
    expect(outside.trim()).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});
