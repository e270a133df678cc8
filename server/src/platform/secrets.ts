import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

/**
 * The access-token signing key: JWT_SECRET when set (required in production, where several api
 * processes must share it); otherwise generated once and kept in DATA_DIR, so tokens survive restarts.
 */
export function resolveJwtSecret(config: Pick<Config, 'JWT_SECRET' | 'DATA_DIR'>): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  const file = join(config.DATA_DIR, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(config.DATA_DIR, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    // wx: if another process created it meanwhile, fail and read theirs instead.
    try {
      writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return readFileSync(file, 'utf8').trim();
    }
  }
}

/**
 * A secret for another purpose derived from the access-token key (HMAC with a label), for defaults
 * that every process of one store must agree on without more configuration.
 */
export function derivedSecret(
  config: Pick<Config, 'JWT_SECRET' | 'DATA_DIR'>,
  label: string,
): string {
  return createHmac('sha256', resolveJwtSecret(config)).update(label).digest('base64url');
}
