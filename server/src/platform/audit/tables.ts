import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { at, id } from '../db/columns.js';

/**
 * Every write the store team makes: who, what, on which record, the record before and after, when.
 * Written in the transaction of the change it describes, so one never exists without the other
 * (`recordAudit`, which every module may call); the audit module serves it to the store team.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    /** The record acted on, as `kind:id` (e.g. `order:0190…`). */
    target: text('target').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('audit_log_target_idx').on(t.target, t.createdAt),
    index('audit_log_actor_idx').on(t.actorId, t.createdAt),
  ],
);
