import { vi } from 'vitest';

/** One request the code under test sent: its method, path (with query) and JSON body. */
export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
}

type Answer = { status?: number; body?: unknown };
type Handler = (request: SentRequest) => Answer | undefined;

/**
 * Stands in for the store's API: `fetch` answers from `handlers`, keyed by "METHOD /path"
 * (the path without its query string), and records every request. A request no handler
 * answers fails the test with a 599, so nothing passes by reaching an unexpected endpoint.
 */
export function fakeApi(handlers: Record<string, Handler | Answer>) {
  const sent: SentRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: Request) => {
      const url = new URL(input.url);
      const text = await input.text();
      const request = {
        method: input.method,
        path: `${url.pathname}${url.search}`,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      sent.push(request);
      const handler = handlers[`${input.method} ${url.pathname}`];
      const answer = typeof handler === 'function' ? handler(request) : handler;
      if (!answer)
        return json(599, { title: `No fake answer for ${input.method} ${url.pathname}` });
      return json(answer.status ?? 200, answer.body ?? {});
    }),
  );
  return { sent, paths: () => sent.map((request) => `${request.method} ${request.path}`) };
}

function json(status: number, body: unknown): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
