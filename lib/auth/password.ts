import { hash, verify } from "@node-rs/argon2";

// Argon2id with the library's defaults (OWASP-recommended memory and time cost).
export function hashPassword(password: string): Promise<string> {
  return hash(password);
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
