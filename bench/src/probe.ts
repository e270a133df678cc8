import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/**
 * Where a run's time goes, from outside the processes: CPU seconds per process between two snapshots
 * (Linux /proc; Redis reports its own), and samples of what PostgreSQL's backends are doing.
 */

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on Linux). */
const ticksPerSecond = 100;

/** user + system CPU seconds of a process, or NaN when it is gone or /proc is not readable. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return NaN;
  }
}

/** Busy and total CPU seconds of the whole machine, all cores together. */
function machineCpuSeconds(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: (total - idle) / ticksPerSecond, total: total / ticksPerSecond };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

async function redisCpuSeconds(redis: Redis | undefined): Promise<number> {
  if (!redis) return NaN;
  const info = await redis.info('cpu');
  const value = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
  return value('used_cpu_sys') + value('used_cpu_user');
}

export interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number };
  /** This process (the load generator). */
  client: number;
  servers: number[];
  /** PostgreSQL: the backends of the benchmark's database and the server's background processes. */
  postgresPids: number[];
  postgres: number;
  redis: number;
}

export interface CpuProbe {
  /** After a first snapshot, pass it: PostgreSQL's processes are those of the first. */
  snapshot(previous?: CpuSnapshot): Promise<CpuSnapshot>;
}

/** CPU seconds of `serverPids`, of PostgreSQL's processes for `database`, and of Redis. */
export function cpuProbe(options: {
  serverPids: number[];
  sql: pg.Client;
  database: string;
  redis?: Redis;
}): CpuProbe {
  return {
    async snapshot(previous?: CpuSnapshot) {
      const pids =
        previous?.postgresPids ??
        (
          await options.sql.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity
             WHERE (datname = $1 OR datname IS NULL) AND pid <> pg_backend_pid()`,
            [options.database],
          )
        ).rows.map((r) => r.pid);
      const redis = await redisCpuSeconds(options.redis);
      const cpu = process.cpuUsage();
      return {
        at: performance.now(),
        machine: machineCpuSeconds(),
        client: (cpu.user + cpu.system) / 1e6,
        servers: options.serverPids.map(processCpuSeconds),
        postgresPids: pids,
        postgres: pids.map(processCpuSeconds).reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0),
        redis,
      };
    },
  };
}

/** CPU milliseconds per unit of work (an order) between two snapshots, per process. */
export interface CpuUse {
  seconds: number;
  /** Cores the machine kept busy on average (at most its core count). */
  machineBusyCores: number;
  /** Of those, cores busy with anything but the measured processes (other work on the machine). */
  otherCores: number;
  cores: number;
  perUnitMs: { client: number; servers: number; postgres: number; redis: number; machine: number };
}

export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot, units: number): CpuUse {
  const seconds = (b.at - a.at) / 1000;
  const per = (value: number) => (units > 0 ? (value * 1000) / units : NaN);
  const servers = b.servers.reduce((sum, value, i) => sum + value - (a.servers[i] ?? NaN), 0);
  const machineBusy = b.machine.busy - a.machine.busy;
  const known = b.client - a.client + servers + (b.postgres - a.postgres) + (b.redis - a.redis);
  return {
    seconds,
    machineBusyCores: machineBusy / seconds,
    otherCores: Math.max(0, machineBusy - known) / seconds,
    cores: (b.machine.total - a.machine.total) / seconds,
    perUnitMs: {
      client: per(b.client - a.client),
      servers: per(servers),
      postgres: per(b.postgres - a.postgres),
      redis: per(b.redis - a.redis),
      machine: per(machineBusy),
    },
  };
}

/**
 * What the database's client backends of one application (`application_name`) are doing, sampled every `intervalMs` from pg_stat_activity:
 * `running` (on a CPU or ready to be), a wait event (`Lock:transactionid`: waiting for another
 * transaction's row lock; `IO:WALSync`/`LWLock:WALWrite`: the commit's flush), `idle in transaction`
 * (waiting for the application's next statement mid-transaction) or `idle` (no request for it).
 */
export function sampleBackends(
  sql: pg.Client,
  database: string,
  applicationName: string,
  intervalMs = 25,
): { stop(): Promise<BackendStates> } {
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      // The connection may close under a sampler still running (Ctrl-C): the samples end there.
      const result = await sql
        .query<{ what: string }>(
          `SELECT CASE WHEN state = 'active'
                     THEN coalesce(wait_event_type || ':' || wait_event, 'running')
                     ELSE state END AS what
         FROM pg_stat_activity
         WHERE datname = $1 AND application_name = $2 AND backend_type = 'client backend'`,
          [database, applicationName],
        )
        .catch(() => null);
      if (!result) break;
      samples++;
      for (const row of result.rows) counts.set(row.what, (counts.get(row.what) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { samples, states: Object.fromEntries(counts) };
    },
  };
}

export interface BackendStates {
  samples: number;
  /** Backend-samples per state: divided by `samples`, the mean number of backends in that state. */
  states: Record<string, number>;
}

/** "running 3.1, Lock:transactionid 4.2, …": mean backends per state, most first. */
export function describeStates(states: BackendStates): string {
  if (states.samples === 0) return 'no samples';
  return Object.entries(states.states)
    .sort((a, b) => b[1] - a[1])
    .map(([what, n]) => `${what} ${(n / states.samples).toFixed(1)}`)
    .join(', ');
}
