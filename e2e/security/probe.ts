/**
 * `npm run security`: an OWASP API Top 10 probe of the store, from outside. It starts the store in
 * production mode (embedded, in a data directory of its own), reads `/openapi.json`, and tries:
 *
 * - broken object-level authorisation: every owner-scoped operation with an id, on another
 *   customer's cart, address and order, as a second customer and as nobody;
 * - broken function-level authorisation: every admin operation, as a customer and as nobody;
 * - mass assignment: every writable operation whose smallest valid body it can build, with fields
 *   an attacker would add (role, status, prices, ids);
 * - token tampering: `alg: none`, a changed payload, another key, no `exp`, an expired token;
 * - rate limits: guessing one account's password, and flooding sign-up.
 *
 * It prints what it tried and what was accepted, and exits 1 when anything was (or answered 5xx).
 * Not part of `npm test`: it is a check to run before a release and after adding routes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startStoreProcess } from '../../server/test/process.js';
import { extraFields, sampleBody, type Known, type Schema } from './sample-body.js';
import { forgedAdminClaim, tamperedTokens } from './tokens.js';

interface Operation {
  method: string;
  path: string;
  security?: Record<string, unknown>[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Answer {
  status: number;
  body: string;
  json: () => Record<string, unknown>;
}
interface Finding {
  probe: string;
  what: string;
  status: number;
}

const log = (line = '') => process.stdout.write(`${line}\n`);
const jwtSecret = randomBytes(32).toString('hex');
const admin = { email: 'probe-admin@stride.test', password: randomBytes(12).toString('hex') };

const dataDir = await mkdtemp(join(tmpdir(), 'stride-security-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const store = startStoreProcess({
  NODE_ENV: 'production',
  PUBLIC_URL: base,
  // The local test gateway: production runs it only as a declared test store.
  PAYMENT_TEST_MODE: 'true',
  PORT: String(port),
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  JWT_SECRET: jwtSecret,
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
});

const tried = new Map<string, number>();
const findings: Finding[] = [];
const serverErrors: Finding[] = [];

async function call(
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const body = await response.text();
  const answer = {
    status: response.status,
    body,
    json: () => JSON.parse(body) as Record<string, unknown>,
  };
  if (answer.status >= 500)
    serverErrors.push({ probe: 'server error', what: `${method} ${path}`, status: answer.status });
  return answer;
}

/** One attempt that must be refused: counted, and a finding when it was accepted. */
function expectRefused(
  probe: string,
  what: string,
  answer: Answer,
  refused = (s: number) => s >= 400 && s < 500,
) {
  tried.set(probe, (tried.get(probe) ?? 0) + 1);
  if (!refused(answer.status)) findings.push({ probe, what, status: answer.status });
}

async function customer() {
  const email = `probe-${randomBytes(5).toString('hex')}@example.com`;
  const registered = await call('POST', '/api/v1/auth/register', {
    body: { email, password: 'a long probe passphrase 2026', firstName: 'Probe', lastName: 'User' },
  });
  if (registered.status !== 201)
    throw new Error(`could not sign up: ${registered.status} ${registered.body}`);
  const body = registered.json() as { accessToken: string; user: { id: string } };
  return { email, token: body.accessToken, id: body.user.id };
}

try {
  await store.ready;
  log(`store (production mode) at ${base}`);
  const document = (await call('GET', '/openapi.json')).json() as {
    paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
  };
  const operations: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
  );

  // The cast: two customers and an administrator; customer A owns a cart, an address and an order.
  const a = await customer();
  const b = await customer();
  const adminLogin = await call('POST', '/api/v1/auth/login', { body: admin });
  const adminToken = (adminLogin.json() as { accessToken: string }).accessToken;
  const products = (await call('GET', '/api/v1/products?limit=5')).json() as {
    items: { slug: string }[];
  };
  const product = (
    await call('GET', `/api/v1/products/${products.items[0]?.slug ?? ''}`)
  ).json() as {
    variants: { id: string; available: number }[];
  };
  const variantId = product.variants.find((v) => v.available > 2)?.id ?? '';
  const cart = (await call('POST', '/api/v1/carts', { token: a.token })).json() as { id: string };
  const withItem = (
    await call('POST', `/api/v1/carts/${cart.id}/items`, {
      token: a.token,
      body: { variantId, quantity: 1 },
    })
  ).json() as { items: { id: string }[] };
  const itemId = withItem.items[0]?.id ?? '';
  const address = (
    await call('POST', '/api/v1/me/addresses', {
      token: a.token,
      body: sampleBody(
        document.paths['/api/v1/me/addresses']?.post?.requestBody?.content?.['application/json']
          ?.schema ?? {},
        {},
      ),
    })
  ).json() as { id: string };
  const orderCart = (await call('POST', '/api/v1/carts', { token: a.token })).json() as {
    id: string;
  };
  await call('POST', `/api/v1/carts/${orderCart.id}/items`, {
    token: a.token,
    body: { variantId, quantity: 1 },
  });
  const order = (
    await call('POST', '/api/v1/orders', {
      token: a.token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        cartId: orderCart.id,
        email: a.email,
        shippingAddress: sampleBody(
          {
            type: 'object',
            required: ['firstName', 'lastName', 'line1', 'city', 'region', 'postalCode', 'country'],
          },
          {},
        ),
        shippingMethodId: 'standard',
      },
    })
  ).json() as { id: string };
  if (!cart.id || !itemId || !address.id || !order.id)
    throw new Error('could not set up the resources to probe');
  log(`customer A owns cart ${cart.id}, address ${address.id}, order ${order.id}`);
  /** Filled in when the probe's own discount is created (by the mass-assignment pass). */
  const discount = { id: '', code: '' };
  // Paid through the local gateway, so the admin's fulfil and refund have an order to act on.
  const secret = (order as { payment?: { clientSecret?: string } }).payment?.clientSecret ?? '';
  await call('POST', '/gateway/api/confirm', {
    body: {
      clientSecret: secret,
      cardNumber: '4242424242424242',
      expMonth: 12,
      expYear: 2034,
      cvc: '123',
    },
  });
  for (let i = 0; i < 100; i++) {
    const current = (await call('GET', `/api/v1/orders/${order.id}`, { token: a.token })).json();
    if (current.status === 'paid') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** A's resource for each path parameter, by where it appears. */
  const concrete = (path: string) =>
    path
      .replace('/carts/{id}', `/carts/${cart.id}`)
      .replace('{itemId}', itemId)
      .replace('/me/addresses/{id}', `/me/addresses/${address.id}`)
      .replace('/orders/{id}', `/orders/${order.id}`)
      .replace('/variants/{id}', `/variants/${variantId}`)
      .replace('/discounts/{id}', `/discounts/${discount.id || randomUUID()}`)
      .replace(/\{[^}]+\}/g, randomUUID());
  const bodyFor = (op: Operation, extra = {}) => {
    const schema = op.requestBody?.content?.['application/json']?.schema;
    if (!schema) return undefined;
    const known: Known = {
      variantId,
      cartId: cart.id,
      quantity: 1,
      country: 'US',
      region: 'CA',
      ...(discount.code ? { code: discount.code } : {}),
    };
    const sample = sampleBody(schema, known) as Record<string, unknown>;
    // A partial update with nothing in it is refused for that alone: change one harmless field.
    if (Object.keys(sample).length === 0 && schema.properties?.firstName)
      sample.firstName = 'Probe';
    if (Object.keys(sample).length === 0 && schema.properties?.label) sample.label = 'Probe';
    return { ...sample, ...extra };
  };
  const isAdmin = (op: Operation) => op.path.startsWith('/api/v1/admin/');
  const takesToken = (op: Operation) => op.security?.some((s) => 'bearerAuth' in s) ?? false;

  // 1. Object level: another customer's things, as customer B and as nobody.
  const owned = operations.filter((op) => !isAdmin(op) && takesToken(op) && op.path.includes('{'));
  for (const op of owned.sort((x, y) => (x.method === 'GET' ? -1 : y.method === 'GET' ? 1 : 0))) {
    const path = concrete(op.path);
    for (const [who, token] of [
      ['customer B', b.token],
      ['nobody', null],
    ] as const) {
      const answer = await call(op.method, path, { token, body: bodyFor(op) });
      expectRefused('object-level authorisation', `${op.method} ${op.path} as ${who}`, answer);
    }
  }

  // 2. Function level: every admin operation, as a customer and as nobody.
  for (const op of operations.filter(isAdmin)) {
    const path = op.path.replace(/\{[^}]+\}/g, randomUUID());
    for (const [who, token, expected] of [
      ['customer A', a.token, 403],
      ['nobody', null, 401],
    ] as const) {
      const answer = await call(op.method, path, { token, body: bodyFor(op) });
      expectRefused(
        'function-level authorisation',
        `${op.method} ${op.path} as ${who}`,
        answer,
        (s) => s === expected,
      );
    }
  }

  // 3. Mass assignment: a body the store accepts, then the same with an attacker's fields.
  const skipped: string[] = [];
  for (const op of operations.filter(
    (o) => o.requestBody && ['POST', 'PATCH', 'PUT'].includes(o.method),
  )) {
    if (op.path.startsWith('/api/v1/auth/')) {
      // These change who is signed in; their bodies are tried with extras only (a 400 is the answer).
      const answer = await call(op.method, op.path, { body: bodyFor(op, extraFields) });
      expectRefused(
        'mass assignment',
        `${op.method} ${op.path} with ${Object.keys(extraFields).join(', ')}`,
        answer,
      );
      continue;
    }
    const token = isAdmin(op) ? adminToken : a.token;
    const path = concrete(op.path);
    const headers = op.path === '/api/v1/orders' ? { 'idempotency-key': randomUUID() } : undefined;
    const plain = await call(op.method, path, {
      token,
      body: bodyFor(op),
      ...(headers ? { headers } : {}),
    });
    if (plain.status >= 400) {
      skipped.push(`${op.method} ${op.path} (${plain.status} ${String(plain.json().code ?? '')})`);
      if (process.env.PROBE_VERBOSE) log(`${op.method} ${op.path}: ${plain.body}`);
      continue;
    }
    if (op.method === 'POST' && op.path === '/api/v1/admin/discounts') {
      const created = plain.json() as { id: string; code: string };
      Object.assign(discount, { id: created.id, code: created.code });
    }
    const answer = await call(op.method, path, {
      token,
      body: bodyFor(op, extraFields),
      ...(headers ? { headers: { 'idempotency-key': randomUUID() } } : {}),
    });
    expectRefused(
      'mass assignment',
      `${op.method} ${op.path} with ${Object.keys(extraFields).join(', ')}`,
      answer,
    );
  }

  // 4. Token tampering, on GET /me and an admin route.
  for (const [what, token] of Object.entries(tamperedTokens(a, b, jwtSecret))) {
    const answer = await call('GET', '/api/v1/me', { token });
    expectRefused('token tampering', what, answer, (s) => s === 401);
  }
  expectRefused(
    'token tampering',
    'a real session with role admin in the claims (the live role decides)',
    await call('GET', '/api/v1/admin/orders', { token: forgedAdminClaim(a, jwtSecret) }),
    (s) => s === 403,
  );

  // 5. Rate limits: 15 guesses at one account, 25 sign-ups, from one address.
  const guesses: number[] = [];
  for (let i = 0; i < 15; i++) {
    guesses.push(
      (
        await call('POST', '/api/v1/auth/login', {
          body: { email: b.email, password: `guess ${i}` },
        })
      ).status,
    );
  }
  tried.set('rate limits', (tried.get('rate limits') ?? 0) + 1);
  if (!guesses.includes(429))
    findings.push({
      probe: 'rate limits',
      what: '15 password guesses for one account: no 429',
      status: guesses.at(-1) ?? 0,
    });
  const signups: number[] = [];
  for (let i = 0; i < 25; i++) {
    signups.push(
      (
        await call('POST', '/api/v1/auth/register', {
          body: {
            email: `flood-${i}-${randomBytes(3).toString('hex')}@example.com`,
            password: 'a long probe passphrase 2026',
            firstName: 'F',
            lastName: 'L',
          },
        })
      ).status,
    );
  }
  tried.set('rate limits', (tried.get('rate limits') ?? 0) + 1);
  if (!signups.includes(429))
    findings.push({
      probe: 'rate limits',
      what: '25 sign-ups from one address: no 429',
      status: signups.at(-1) ?? 0,
    });

  // The report.
  log('');
  log('probe                          tried  accepted');
  for (const [probe, count] of tried) {
    const accepted = findings.filter((f) => f.probe === probe).length;
    log(`${probe.padEnd(30)} ${String(count).padStart(5)}  ${String(accepted).padStart(8)}`);
  }
  const total = [...tried.values()].reduce((sum, n) => sum + n, 0);
  log(
    `${'server errors (5xx)'.padEnd(30)} ${'-'.padStart(5)}  ${String(serverErrors.length).padStart(8)}`,
  );
  log(
    `${'total'.padEnd(30)} ${String(total).padStart(5)}  ${String(findings.length + serverErrors.length).padStart(8)}`,
  );
  if (skipped.length > 0) {
    log('');
    log(
      `mass assignment not tried (no valid body could be built from the schema): ${skipped.join('; ')}`,
    );
  }
  for (const finding of [...findings, ...serverErrors]) {
    log(`ACCEPTED  ${finding.probe}: ${finding.what} → ${finding.status}`);
  }
  process.exitCode = findings.length + serverErrors.length > 0 ? 1 : 0;
} catch (error) {
  log(
    `security probe failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  log(store.output().split('\n').slice(-20).join('\n'));
  process.exitCode = 1;
} finally {
  store.child.kill('SIGTERM');
  await store.exited;
  await rm(dataDir, { recursive: true, force: true });
}
