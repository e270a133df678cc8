import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's recommended floor (19 MiB, 2 passes, 1 lane): memory-hard, so GPUs gain little
 * over a server's CPU. One hash takes about 6 ms of one core here (`npm run bench` measures it), so
 * a 2-core machine still serves about 150 sign-ins per second.
 */
const parameters = {
  algorithm: 2 /* Algorithm.Argon2id, a const enum */ as const,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export const hashPassword = (password: string) => hash(password, parameters);
export const verifyPassword = (passwordHash: string, password: string) =>
  verify(passwordHash, password);
