import type { z } from 'zod';
import type { EventEnvelope } from './port.js';

/**
 * An event type: its name (also the routing key), its version and the one zod schema of its data.
 * The module that emits an event defines it in its `events.ts`; producers write it with
 * `writeEvent(tx, theEvent, data)` and consumers read it with `theEvent.parse(envelope)`, so both
 * sides agree by construction. A consumer's parse drops fields it does not know (zod objects strip
 * them), so adding a field is not a breaking change; removing or retyping one means a new version.
 */
export interface EventType<Name extends string = string, Data = unknown> {
  readonly name: Name;
  readonly version: number;
  readonly schema: z.ZodType<Data>;
  /** For the events table in `docs/architecture.md`, which `npm run docs` writes from it. */
  readonly about?: EventAbout;
  /** The envelope's data, checked against the schema; throws (and so retries, then dead-letters) when it does not fit. */
  parse(envelope: EventEnvelope): Data;
}

/** When an event is written and who reads it, in a few words each. */
export interface EventAbout {
  written: string;
  consumedBy: string;
}

const known = new Map<string, EventType>();

export function defineEvent<Name extends string, Schema extends z.ZodType>(
  name: Name,
  version: number,
  schema: Schema,
  about?: EventAbout,
): EventType<Name, z.output<Schema>> {
  if (known.has(name)) throw new Error(`event type ${name} is defined twice`);
  const event: EventType<Name, z.output<Schema>> = {
    name,
    version,
    schema: schema as unknown as z.ZodType<z.output<Schema>>,
    ...(about ? { about } : {}),
    parse(envelope) {
      if (envelope.type !== name) {
        throw new Error(`expected a ${name} event, got ${envelope.type}`);
      }
      // Another version may mean other fields: read it with its own schema, never this one.
      if (envelope.version !== version) {
        throw new Error(
          `${name} version ${envelope.version} is not readable as version ${version}`,
        );
      }
      return schema.parse(envelope.data) as z.output<Schema>;
    },
  };
  known.set(name, event as EventType);
  return event;
}

/** Every event type defined so far (the modules' `events.ts` files), for the admin API and tests. */
export const eventTypes = (): EventType[] => [...known.values()];
