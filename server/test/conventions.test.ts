import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from '../src/platform/bus/events.js';
import { writeEvent } from '../src/platform/bus/outbox.js';
import { anonymous, inTransaction } from '../src/platform/context.js';
import { openPglite } from '../src/platform/db/index.js';
import { Conflict, InsufficientStock, InvalidTransition } from '../src/platform/errors.js';
import { bareApp } from './harness.js';

/** The conventions every module relies on: declared authorisation, domain errors, typed events, context. */

describe('declared authorisation', () => {
  it('refuses to start when a route declares no auth, wherever it is registered', async () => {
    const app = await bareApp();
    await app.register(
      async (scope) => {
        scope.get('/forgotten', async () => ({ secret: true }));
      },
      { prefix: '/api/v1' },
    );
    await expect(app.ready()).rejects.toThrow(/GET \/api\/v1\/forgotten/);
  });

  it('checks each declared requirement: public, optional, customer, admin', async () => {
    const app = await bareApp();
    app.get('/p', { config: { auth: 'public' } }, async () => ({ ok: true }));
    app.get('/o', { config: { auth: 'optional' } }, async (request) => ({ actor: request.actor }));
    app.get('/c', { config: { auth: 'customer' } }, async () => ({ ok: true }));
    app.get('/a', { config: { auth: 'admin' } }, async () => ({ ok: true }));
    await app.ready();
    const customer = app.jwt.sign({ sub: 'u1', role: 'customer', sid: 's1' });
    const admin = app.jwt.sign({ sub: 'u2', role: 'admin', sid: 's2' });
    const call = async (url: string, token?: string) =>
      (
        await app.inject({
          url,
          headers: token ? { authorization: `Bearer ${token}` } : {},
        })
      ).statusCode;
    expect(await call('/p')).toBe(200);
    expect(await call('/p', 'garbage')).toBe(200);
    expect(await call('/o')).toBe(200);
    expect(await call('/o', 'garbage')).toBe(401);
    expect(await call('/c')).toBe(401);
    expect(await call('/c', customer)).toBe(200);
    expect(await call('/a', customer)).toBe(403);
    expect(await call('/a', admin)).toBe(200);
    await app.close();
  });
});

describe('domain errors become problem details in one place', () => {
  it('maps kinds to statuses and keeps extension members', async () => {
    const app = await bareApp();
    app.get('/stock', { config: { auth: 'public' } }, async () => {
      throw new InsufficientStock([{ variantId: 'v1', sku: 'SKU-1', requested: 3, available: 1 }]);
    });
    app.get('/move', { config: { auth: 'public' } }, async () => {
      throw new InvalidTransition('cancelled', 'paid');
    });
    app.get('/conflict', { config: { auth: 'public' } }, async () => {
      throw new Conflict('below_reserved', 'Reserved units exceed that.');
    });
    const stock = await app.inject('/stock');
    expect(stock.statusCode).toBe(409);
    expect(stock.headers['content-type']).toContain('application/problem+json');
    expect(stock.json()).toMatchObject({
      status: 409,
      code: 'insufficient_stock',
      lines: [{ variantId: 'v1', sku: 'SKU-1', requested: 3, available: 1 }],
    });
    expect((await app.inject('/move')).json()).toMatchObject({
      status: 409,
      code: 'invalid_transition',
      from: 'cancelled',
      to: 'paid',
    });
    expect((await app.inject('/conflict')).json()).toMatchObject({ code: 'below_reserved' });
    await app.close();
  });
});

describe('typed events and the transaction context', () => {
  const probeEvent = defineEvent('convention_probe', 1, z.object({ n: z.number().int() }));

  it('refuses to define one event type twice', () => {
    expect(() => defineEvent('convention_probe', 2, z.object({}))).toThrow(/defined twice/);
  });

  it('checks event data against its schema before anything is written', async () => {
    const database = await openPglite();
    await database.migrate();
    const { db } = database;
    await expect(
      db.transaction((tx) => writeEvent(tx, probeEvent, { n: 1.5 } as { n: number })),
    ).rejects.toThrow();
    const id = await db.transaction((tx) => writeEvent(tx, probeEvent, { n: 2 }));
    const parsed = probeEvent.parse({
      id,
      type: 'convention_probe',
      version: 1,
      occurredAt: new Date().toISOString(),
      data: { n: 2, addedLater: 'ignored' },
    });
    expect(parsed).toEqual({ n: 2 });
    await database.close();
  });

  it('joins the caller’s transaction and runs after-commit effects only on commit', async () => {
    const database = await openPglite();
    await database.migrate();
    const { db } = database;
    const effects: string[] = [];
    await inTransaction(db, anonymous, async (outer) => {
      await inTransaction(db, outer, async (inner) => {
        expect(inner.tx).toBe(outer.tx);
        inner.afterCommit(async () => void effects.push('inner'));
      });
      expect(effects).toEqual([]);
    });
    expect(effects).toEqual(['inner']);
    await expect(
      inTransaction(db, anonymous, async (ctx) => {
        ctx.afterCommit(async () => void effects.push('rolled back'));
        await writeEvent(ctx.tx, probeEvent, { n: 3 });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(effects).toEqual(['inner']);
    await database.close();
  });
});
