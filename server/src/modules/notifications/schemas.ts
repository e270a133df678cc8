import { z } from 'zod';
import { notificationStatuses } from './tables.js';
import { templateNames } from './templates.js';

export const listNotificationsQuery = z.strictObject({
  to: z.string().trim().min(1).max(254).optional().describe('Recipient address (any case)'),
  template: z.enum(templateNames).optional(),
  status: z.enum(notificationStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(24),
  cursor: z.string().max(100).optional(),
});

export const notificationSchema = z
  .object({
    id: z.string(),
    to: z.string(),
    template: z.string(),
    subject: z.string(),
    status: z
      .enum(notificationStatuses)
      .describe(
        '`pending` while being sent, `sent` once the mail server took it, `failed` after a refused attempt (retried with backoff until the last try)',
      ),
    attempts: z.number().int().describe('Attempts the mail server answered, refusals included'),
    lastError: z
      .string()
      .nullable()
      .describe('The latest refusal, kept after a later success so a late email can be explained'),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' });

export const notificationListSchema = z.object({
  items: z.array(notificationSchema),
  nextCursor: z.string().nullable(),
});

export const notificationDetailSchema = notificationSchema
  .extend({
    eventId: z.string().describe('The event that asked for this email'),
    providerMessageId: z.string().nullable().describe('The Message-ID the mail server accepted'),
    html: z.string().describe('The HTML body as rendered and sent'),
    text: z.string().describe('The plain-text body as rendered and sent'),
  })
  .meta({ id: 'NotificationDetail' });

export const notificationParams = z.object({ id: z.uuid() });
