import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { problemBody, HttpProblem, problemSchema } from './problem.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * An advisory check is reported ('degraded') without making the process unready: a stalled event
   * relay is a worker's problem, and taking every API process out of rotation would not fix it.
   */
  advisory?: boolean;
}

const checkTimeoutMs = 2_000;

const backendStates = z.record(z.string(), z.enum(['up', 'down', 'degraded']));

const notReadySchema = problemSchema
  .extend({ checks: backendStates, down: z.array(z.string()) })
  .meta({
    description: 'A problem naming the backends that are down, with `checks` and `down`',
    examples: [
      {
        ...problemBody(
          new HttpProblem(503, 'not_ready', 'Service Unavailable', 'Not ready: cache is down.'),
        ),
        checks: { database: 'up', cache: 'down', bus: 'up' },
        down: ['cache'],
      },
    ],
  });

async function probe(check: ReadinessCheck): Promise<'up' | 'down' | 'degraded'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), checkTimeoutMs);
      }),
    ]);
    return 'up';
  } catch {
    return check.advisory ? 'degraded' : 'down';
  } finally {
    clearTimeout(timer);
  }
}

const paymentsSchema = z
  .object({
    provider: z.enum(['local', 'stripe']),
    mode: z.enum(['test', 'live']).describe('test: no real money moves (a test store)'),
  })
  .describe('How this store takes payments');

/** What `/ready` tells besides its checks: how the store takes payments, test or live money. */
export interface Readiness {
  payments: z.infer<typeof paymentsSchema>;
}

/**
 * Liveness and readiness. /ready names each backend, so an operator sees at once what is down, and
 * says whether the store takes real money, so a test store never goes live unnoticed.
 */
export function registerOpsRoutes(
  app: FastifyInstance,
  checks: ReadinessCheck[],
  about: Readiness,
): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/health',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getHealth',
        tags: ['operations'],
        summary: 'Liveness: the process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  typed.get(
    '/ready',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'getReadiness',
        tags: ['operations'],
        summary: 'Readiness: every configured backend answers',
        response: {
          200: z.object({
            status: z.literal('ready'),
            checks: backendStates,
            payments: paymentsSchema,
          }),
          503: notReadySchema,
        },
      },
    },
    async (_request, reply) => {
      const results = await Promise.all(checks.map(async (c) => [c.name, await probe(c)] as const));
      const status = Object.fromEntries(results);
      const down = results.filter(([, state]) => state === 'down').map(([name]) => name);
      if (down.length === 0) return { status: 'ready' as const, checks: status, ...about };
      const problem = new HttpProblem(
        503,
        'not_ready',
        'Service Unavailable',
        `Not ready: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down.`,
      );
      return reply
        .status(503)
        .type('application/problem+json')
        .serializer((payload) => JSON.stringify(payload))
        .send({ ...problemBody(problem), checks: status, down });
    },
  );
}
