/**
 * The accounts cases of `npm run bench`, run by `catalog.ts` on the same store after the catalog
 * cases:
 *
 * - logins/s: POST /api/v1/auth/login with the password of a user registered just before, with a
 *   wrong password, and with an unknown email (answered 401 after verifying against the service's
 *   decoy hash). argon2id dominates all three, so beside them: one hash measured in this process,
 *   and cores / hash time.
 * - GET /api/v1/me with a bearer token, against the bare route sending the same bytes.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { hashPassword, verifyPassword } from '../../server/src/modules/accounts/passwords.js';
import { checkClean, measure, type LoadOptions, type LoadResult } from './autocannon.js';
import type { Child } from './children.js';

export interface Argon2Cost {
  /** The parameters, read from the PHC string of a hash made by the server's `hashPassword`. */
  algorithm: string;
  memoryKiB: number;
  passes: number;
  lanes: number;
  /** Hashes timed one after another, after one untimed. */
  samples: number;
  /** Median milliseconds of one `hashPassword`, and of one `verifyPassword` (what a login runs). */
  hashMs: number;
  verifyMs: number;
  cpus: number;
  /** cpus × 1000 / hashMs: hashes per second if every core did nothing else. */
  ceilingPerSec: number;
  /** Hashes per second measured with `cpus × 2` at a time in this process (libuv's thread pool). */
  parallelPerSec: number;
}

export interface LoginResult {
  name: string;
  status: number;
  /** Median milliseconds of one login with nothing else running (what a single client waits). */
  aloneMs: number;
  result: LoadResult;
}

export interface AuthResults {
  argon2: Argon2Cost;
  logins: LoginResult[];
  me: { bodyBytes: number; store: LoadResult; bare: LoadResult; ratio: number };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** The cost of argon2 alone, in this process, with the server's own functions and parameters. */
export async function measureArgon2(samples = 20): Promise<Argon2Cost> {
  const password = randomBytes(12).toString('hex');
  const sample = await hashPassword(password);
  // $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
  const match = /^\$(argon2(?:id|i|d))\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(sample);
  if (!match) throw new Error(`unexpected password hash format: ${sample.slice(0, 40)}`);
  const hashes: number[] = [];
  const verifies: number[] = [];
  for (let i = 0; i < samples; i++) {
    hashes.push(await timed(() => hashPassword(password)));
    verifies.push(await timed(() => verifyPassword(sample, password)));
  }
  const cpus = os.cpus().length;
  const hashMs = median(hashes);
  // Each worker starts its next hash as soon as one ends, as concurrent logins would.
  const parallel = cpus * 2;
  const total = parallel * 25;
  let started = 0;
  const parallelMs = await timed(() =>
    Promise.all(
      Array.from({ length: parallel }, async () => {
        while (started < total) {
          started++;
          await hashPassword(password);
        }
      }),
    ),
  );
  return {
    algorithm: match[1] ?? '',
    memoryKiB: Number(match[2]),
    passes: Number(match[3]),
    lanes: Number(match[4]),
    samples,
    hashMs,
    verifyMs: median(verifies),
    cpus,
    ceilingPerSec: (cpus * 1000) / hashMs,
    parallelPerSec: (total * 1000) / parallelMs,
  };
}

interface Answer {
  status: number;
  body: string;
}

async function send(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const response = await fetch(base + path, init);
  return { status: response.status, body: await response.text() };
}

const jsonHeaders = { 'content-type': 'application/json' };

/** Run the accounts cases. `load` gives the settings shared with the catalog cases. */
export async function runAuth(
  store: Child,
  bare: Child,
  load: Pick<LoadOptions, 'connections' | 'duration' | 'warmup'>,
  log: (line?: string) => void,
): Promise<AuthResults> {
  process.stdout.write('argon2id alone in the bench process… ');
  const argon2 = await measureArgon2();
  log('done');

  // A user of its own: a random password is neither common nor made of the email.
  const id = randomBytes(4).toString('hex');
  const email = `bench-${id}@example.com`;
  const password = `${randomBytes(12).toString('base64url')}-Bench`;
  const registered = await send(store.url, '/api/v1/auth/register', {
    method: 'POST',
    headers: jsonHeaders,
    body: JSON.stringify({ email, password, firstName: 'Bench', lastName: 'Runner' }),
  });
  if (registered.status !== 201) {
    throw new Error(`register: status ${registered.status}: ${registered.body}`);
  }

  const cases = [
    { name: 'login, valid password', status: 200, email, password },
    // The two failures must cost the same, or timing would tell which emails have an account.
    { name: 'login, wrong password', status: 401, email, password: `${password}-wrong` },
    { name: 'login, unknown email', status: 401, email: `nobody-${id}@example.com`, password },
  ];
  const logins: LoginResult[] = [];
  for (const item of cases) {
    const body = JSON.stringify({ email: item.email, password: item.password });
    const sample = await send(store.url, '/api/v1/auth/login', {
      method: 'POST',
      headers: jsonHeaders,
      body,
    });
    if (sample.status !== item.status) {
      throw new Error(`${item.name}: status ${sample.status}, not ${item.status}: ${sample.body}`);
    }
    if (item.status === 200 && !(JSON.parse(sample.body) as { accessToken?: string }).accessToken) {
      throw new Error(`${item.name}: no access token in ${sample.body}`);
    }
    const alone: number[] = [];
    for (let i = 0; i < 9; i++) {
      alone.push(
        await timed(() =>
          send(store.url, '/api/v1/auth/login', { method: 'POST', headers: jsonHeaders, body }),
        ),
      );
    }
    process.stdout.write(`${item.name}: store… `);
    const result = await measure({
      ...load,
      url: store.url,
      path: '/api/v1/auth/login',
      method: 'POST',
      headers: jsonHeaders,
      body,
    });
    checkClean(`${item.name} (store)`, result, item.status);
    log('done');
    logins.push({ name: item.name, status: item.status, aloneMs: median(alone), result });
  }

  // A fresh token for /me: it lives ACCESS_TOKEN_TTL (15 minutes by default), far longer than a run.
  const login = await send(store.url, '/api/v1/auth/login', {
    method: 'POST',
    headers: jsonHeaders,
    body: JSON.stringify({ email, password }),
  });
  const { accessToken } = JSON.parse(login.body) as { accessToken: string };
  const headers = { authorization: `Bearer ${accessToken}` };
  const profiles = await Promise.all(
    [1, 2, 3, 4, 5].map(() => send(store.url, '/api/v1/me', { headers })),
  );
  const profile = profiles[0] as Answer;
  for (const answer of profiles) {
    if (answer.status !== 200) throw new Error(`GET /me: status ${answer.status}: ${answer.body}`);
    if (answer.body !== profile.body) throw new Error('GET /me: responses differ');
  }
  if ((JSON.parse(profile.body) as { email?: string }).email !== email) {
    throw new Error(`GET /me: not the registered user: ${profile.body}`);
  }
  await bare.request({ type: 'bodies', bodies: { me: profile.body } }, 'ack');
  const bareCheck = await send(bare.url, '/api/v1/me', { headers });
  if (bareCheck.body !== profile.body) throw new Error("GET /me: the bare route's body differs");

  const meLoad = { ...load, path: '/api/v1/me', headers };
  process.stdout.write('authenticated GET /me: store… ');
  const meStore = await measure({ ...meLoad, url: store.url });
  checkClean('GET /me (store)', meStore);
  process.stdout.write('bare… ');
  const meBare = await measure({ ...meLoad, url: bare.url });
  checkClean('GET /me (bare)', meBare);
  log('done');

  return {
    argon2,
    logins,
    me: {
      bodyBytes: Buffer.byteLength(profile.body),
      store: meStore,
      bare: meBare,
      ratio: meStore.rps / meBare.rps,
    },
  };
}
