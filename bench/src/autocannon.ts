import autocannon from 'autocannon';

/** What one load run measured, reduced to the figures the benchmarks report. */
export interface LoadResult {
  /** Mean requests per second over the measured run. */
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  requests: number;
  /** Mean response bytes per second. */
  bytesPerSec: number;
  non2xx: number;
  /** Responses per HTTP status code, e.g. `{ "200": 1234 }`. */
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  durationSeconds: number;
}

export interface LoadOptions {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** A fixed path (with query string), or a function giving the path of each request. */
  path: string | (() => string);
  /** GET unless given; a body is sent as is, so give its content-type in `headers`. */
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds measured. */
  duration: number;
  /** Seconds of the same load first, not measured (JIT, connection pools, caches). */
  warmup: number;
  /** Seconds before a request counts as timed out (autocannon's default is 10). */
  timeout?: number;
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    // The callback form: autocannon rejects nothing itself, it reports errors here.
    autocannon(options, (err: Error | null, result: autocannon.Result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

function requestsFor(options: LoadOptions): Pick<autocannon.Options, 'requests'> {
  const { path } = options;
  const request = {
    method: options.method ?? 'GET',
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
  };
  if (typeof path === 'string') return { requests: [{ ...request, path }] };
  // setupRequest runs before every request of every connection, so each one gets a new path.
  return {
    requests: [{ ...request, setupRequest: (r) => ({ ...r, path: path() }) }],
  };
}

/** Warm up, then measure: autocannon with keep-alive connections, no pipelining. */
export async function measure(options: LoadOptions): Promise<LoadResult> {
  const base = {
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    timeout: options.timeout ?? 10,
    ...requestsFor(options),
  };
  if (options.warmup > 0) await run({ ...base, duration: options.warmup });
  const result = await run({ ...base, duration: options.duration });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    bytesPerSec: result.throughput.average,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
    ),
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
  };
}

/** Throw unless every response of the run had the expected status and none failed. */
export function checkClean(name: string, result: LoadResult, expectStatus = 200): void {
  const wrong = Object.entries(result.statusCodes).filter(
    ([code]) => code !== String(expectStatus),
  );
  if (wrong.length > 0 || result.errors > 0 || (expectStatus < 300 && result.non2xx > 0)) {
    const statuses = wrong.map(([code, n]) => `${n} × ${code}`).join(', ') || 'none';
    throw new Error(
      `${name}: unexpected responses during the run (expected ${expectStatus}; other statuses: ${statuses}; ` +
        `${result.non2xx} non-2xx, ${result.errors} errors)`,
    );
  }
}

/** A plain-text table with right-aligned columns except the first. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const formatRps = (rps: number) =>
  rps < 10 ? rps.toFixed(1) : Math.round(rps).toLocaleString('en-US');
/** autocannon records latency in whole milliseconds; 0 means under one. */
export function formatMs(ms: number): string {
  if (Number.isNaN(ms)) return '-';
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 1) return '<1 ms';
  return `${ms.toFixed(ms < 9.95 && !Number.isInteger(ms) ? 1 : 0)} ms`;
}
