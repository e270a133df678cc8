import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { at } from '../../platform/db/columns.js';

/**
 * Messages a consumer gave up on (after its last retry), recorded by the worker that dead-lettered
 * them, so any API process can list them and an operator can replay them.
 */
export const deadLetters = pgTable(
  'dead_letters',
  {
    consumer: text('consumer').notNull(),
    eventId: uuid('event_id').notNull(),
    type: text('type').notNull(),
    version: integer('version').notNull(),
    payload: jsonb('payload').notNull(),
    error: text('error').notNull(),
    deadAt: at('dead_at').notNull().defaultNow(),
    replayedAt: at('replayed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.consumer, t.eventId] }),
    index('dead_letters_open_idx')
      .on(t.deadAt)
      .where(sql`${t.replayedAt} IS NULL`),
  ],
);
