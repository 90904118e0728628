import { hash, verify } from "@node-rs/argon2";

// Argon2id with the library's defaults (OWASP-recommended memory and time cost). Under Vitest only, which sets
// VITEST and hashes hundreds of test accounts, the smallest cost: a running server never has VITEST set, and
// verifying reads the cost from the stored hash, so a test hash can never weaken a real one.
const TEST_ONLY_COST = process.env.VITEST ? { memoryCost: 1024, timeCost: 1 } : undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password, TEST_ONLY_COST);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against this keeps the response time of an unknown email close to that of a wrong password.
export const TIMING_DUMMY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$FsjXPy2OcKzYvAaL7AZxOQ$Pwxpa1Z4y57pkU7YRwr0/IAGCHZm7g7Jr/qm4LVKrS0";
