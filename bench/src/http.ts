import http from 'node:http';

/**
 * A small HTTP client for request sequences (create a cart, add an item, place an order), where
 * autocannon's one-request-at-a-time model does not fit: node:http with keep-alive sockets, one
 * agent per server, so a benchmark opens exactly as many connections as it runs workers.
 */
export interface Answer {
  status: number;
  body: string;
  /** From the request being written to the last byte of the response, in milliseconds. */
  ms: number;
}

export interface HttpClient {
  request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  close(): void;
}

export function httpClient(
  baseUrl: string,
  options: { sockets: number; timeoutMs?: number },
): HttpClient {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.sockets });
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    request(method, path, body, headers = {}) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const started = performance.now();
        const req = http.request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method,
            path,
            timeout: timeoutMs,
            headers: {
              ...(payload === undefined
                ? {}
                : {
                    'content-type': 'application/json',
                    'content-length': Buffer.byteLength(payload),
                  }),
              ...headers,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString(),
                ms: performance.now() - started,
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('timeout', () =>
          req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)),
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

/** The value below which `p` percent of the samples fall (nearest rank); NaN with no samples. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? NaN;
}

export interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function latencyOf(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN,
  };
}

/** Milliseconds with one decimal under 10 ms (these are measured with performance.now()). */
export function ms(value: number): string {
  if (Number.isNaN(value)) return '-';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}
