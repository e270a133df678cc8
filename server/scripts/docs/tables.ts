/**
 * The tables the docs take from the code: the README's settings (from the configuration schema and
 * `config-docs.ts`), and the architecture's order status machine (from `orders/status.ts`) and
 * events (from each module's `events.ts` and the platform's shared ones). Each is written between a
 * pair of markers and formatted by Prettier, as the repository's check wants it.
 * `npm run docs` writes them; `test/docs.test.ts` fails when a file is not what this makes of it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { z } from 'zod';
import type { EventType } from '../../src/platform/bus/events.js';
import { environmentSchema, type SettingName } from '../../src/platform/config.js';
import { settingDocs } from '../../src/platform/config-docs.js';
import { transitions } from '../../src/modules/orders/status.js';

const serverDir = join(import.meta.dirname, '../..');
export const repositoryRoot = join(serverDir, '..');
const sourceDir = join(serverDir, 'src');
const modulesDir = join(sourceDir, 'modules');
/**
 * The platform's files that define an event: one shared by modules on both sides of its consumer in
 * the module order lives below them all.
 */
const platformEventFiles = ['platform/email-request.ts'];

const cell = (text: string) => text.replaceAll('|', '\\|');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A default as the environment spells it. */
function shownDefault(value: unknown): string {
  if (value === undefined) return 'unset';
  if (value === '') return 'empty';
  return `\`${String(value)}\``;
}

export function settingsTable(): string {
  const inputs = z.toJSONSchema(environmentSchema, { io: 'input', unrepresentable: 'any' });
  const names = Object.keys(environmentSchema.shape) as SettingName[];
  return table(
    ['variable', 'default', 'meaning'],
    names.map((name) => {
      const doc = settingDocs[name];
      const fromSchema = (inputs.properties?.[name] as { default?: unknown } | undefined)?.default;
      return [`\`${name}\``, doc.default ?? shownDefault(fromSchema), doc.meaning];
    }),
  );
}

/** The order status machine: each status and the statuses it may move to. */
export function orderStatusTable(): string {
  return table(
    ['order status', 'may move to'],
    Object.entries(transitions).map(([from, to]) => [
      `\`${from}\``,
      to.length ? to.map((status) => `\`${status}\``).join(', ') : 'nothing (final)',
    ]),
  );
}

const isEventType = (value: unknown): value is EventType =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as EventType).name === 'string' &&
  typeof (value as EventType).version === 'number' &&
  typeof (value as EventType).parse === 'function';

/** The event types a file exports, by name; `file` is relative to `src/modules` or `src`. */
async function eventsIn(path: string, file: string): Promise<{ event: EventType; file: string }[]> {
  const exports: Record<string, unknown> = await import(pathToFileURL(path).href);
  const events = Object.values(exports).filter(isEventType);
  events.sort((a, b) => a.name.localeCompare(b.name));
  return events.map((event) => ({ event, file }));
}

/**
 * Every event type the app defines, with the file that defines it: module by module, then the
 * platform's.
 */
export async function definedEvents(): Promise<{ event: EventType; file: string }[]> {
  const found: { event: EventType; file: string }[] = [];
  for (const module of readdirSync(modulesDir).sort()) {
    const path = join(modulesDir, module, 'events.ts');
    if (existsSync(path)) found.push(...(await eventsIn(path, `${module}/events.ts`)));
  }
  for (const file of platformEventFiles)
    found.push(...(await eventsIn(join(sourceDir, file), file)));
  return found;
}

export async function eventsTable(): Promise<string> {
  const rows = (await definedEvents()).map(({ event, file }) => {
    if (!event.about) throw new Error(`${event.name} (${file}) says nothing about itself`);
    return [
      `\`${event.name}\``,
      String(event.version),
      `\`${file}\``,
      event.about.written,
      event.about.consumedBy,
    ];
  });
  return table(['event', 'version', 'defined in', 'written when', 'consumed by'], rows);
}

/** The text with `content` between `<!-- BEGIN name … -->` and `<!-- END name -->`. */
export function between(text: string, name: string, content: string): string {
  const begin = new RegExp(`<!-- BEGIN ${name}\\b[^>]*-->\\n`);
  const start = begin.exec(text);
  const endMarker = `<!-- END ${name} -->`;
  const end = text.indexOf(endMarker);
  if (!start || end < start.index) throw new Error(`the markers of ${name} are missing`);
  const head = text.slice(0, start.index + start[0].length);
  return `${head}\n${content}\n\n${text.slice(end)}`;
}

export interface GeneratedFile {
  /** Relative to the repository's root. */
  path: string;
  current: string;
  expected: string;
}

/** Each file with its tables as the code says they are now. */
export async function generatedDocs(): Promise<GeneratedFile[]> {
  const tables: Record<string, Record<string, () => string | Promise<string>>> = {
    'README.md': { settings: settingsTable },
    'docs/architecture.md': { 'order-statuses': orderStatusTable, events: eventsTable },
  };
  const files: GeneratedFile[] = [];
  for (const [path, sections] of Object.entries(tables)) {
    const file = join(repositoryRoot, path);
    const current = await readFile(file, 'utf8');
    let text = current;
    for (const [name, render] of Object.entries(sections)) {
      text = between(text, name, await render());
    }
    const options = await prettier.resolveConfig(file);
    files.push({
      path,
      current,
      expected: await prettier.format(text, { ...options, filepath: file }),
    });
  }
  return files;
}
