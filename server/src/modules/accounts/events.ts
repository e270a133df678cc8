import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.js';

export const userRegistered = defineEvent(
  'user_registered',
  1,
  z.object({ userId: z.string(), email: z.string(), firstName: z.string().optional() }),
  { written: 'sign-up', consumedBy: 'notifications (welcome)' },
);

/** Queued by the API so the request's timing reveals nothing; the worker issues the link. */
export const passwordResetRequested = defineEvent(
  'password_reset_requested',
  1,
  z.object({ email: z.string() }),
  { written: 'a reset is asked for', consumedBy: 'accounts (issues the link)' },
);

export const passwordChanged = defineEvent(
  'password_changed',
  1,
  z.object({ userId: z.string(), via: z.enum(['reset', 'change']) }),
  { written: 'password change or reset', consumedBy: 'none yet' },
);
