import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.js';

/**
 * A request to email a person. Any module that notifies someone writes it; the notifications module
 * owns it because it is the one that renders the template and delivers it.
 */
export const sendEmail = defineEvent(
  'send_email',
  1,
  z.object({
    to: z.email(),
    template: z.string().min(1),
    data: z.record(z.string(), z.unknown()),
  }),
);
