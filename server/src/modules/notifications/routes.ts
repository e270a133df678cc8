import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { contextOf } from '../../platform/http/auth.js';
import { problemResponses } from '../../platform/http/problem.js';
import {
  listNotificationsQuery,
  notificationDetailSchema,
  notificationListSchema,
  notificationParams,
} from './schemas.js';
import type { NotificationService } from './service.js';

/** The store team's view of every email sent or attempted. */
export async function notificationRoutes(
  app: FastifyInstance,
  options: { notifications: NotificationService },
) {
  const { notifications } = options;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const admin = { config: { auth: 'admin' as const } };
  const tags = ['admin'];

  typed.get(
    '/admin/notifications',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminListNotifications',
        summary: 'Emails sent or attempted, newest first, by recipient, template and status',
        querystring: listNotificationsQuery,
        response: { 200: notificationListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => notifications.list(contextOf(request), request.query),
  );

  typed.get(
    '/admin/notifications/:id',
    {
      ...admin,
      schema: {
        tags,
        operationId: 'adminGetNotification',
        summary:
          'One email with its rendered HTML and text, as the customer received it, secrets left out',
        description:
          'The bodies are stored for every email, so this works with the SMTP mailer and with the dev mailbox (no SMTP_URL). What would let a reader act as the customer is never stored: order links carry no guest access token, and a password reset email says that a one-time link was sent and until when it works, without the link.',
        params: notificationParams,
        response: { 200: notificationDetailSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => notifications.get(contextOf(request), request.params.id),
  );
}
