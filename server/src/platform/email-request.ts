import { z } from 'zod';
import { defineEvent } from './bus/events.js';

/**
 * A request to email a person. Any module that notifies someone writes it, and the notifications
 * module renders the template and delivers it: it is shared by modules on both sides of
 * notifications in the module order, so it lives below them all.
 */
export const sendEmail = defineEvent(
  'send_email',
  1,
  z.object({
    to: z.email(),
    template: z.string().min(1),
    data: z.record(z.string(), z.unknown()),
  }),
  {
    written:
      'any flow that notifies a person (a reset link, a declined payment, a refund, a low-stock alert)',
    consumedBy: 'notifications (sends it)',
  },
);
