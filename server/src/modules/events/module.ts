import { anonymous } from '../../platform/context.js';
import { apiPrefix, defineModule } from '../../platform/module.js';
import { eventRoutes } from './routes.js';
import { createEventLog, relayStallSeconds, type EventLog } from './service.js';

/** The outbox for operators: listing, replay, metrics, and the relay's state on /ready. */
export const eventsModule = defineModule<{ events: EventLog }>({
  name: 'events',
  createServices: ({ adapters }) => ({ events: createEventLog({ db: adapters.database.db }) }),
  routes: (app, _platform, { events }) =>
    app.register(eventRoutes, { prefix: apiPrefix, events }) as unknown as Promise<void>,
  // Where consumers run, every message they give up on is recorded for the admin API.
  consumers: async ({ adapters, logger }, { events }) => {
    adapters.bus.onDeadLetter((consumer, event, error) => {
      events
        .recordDeadLetter(anonymous, { consumer, event, error })
        .catch((err: unknown) =>
          logger.error({ err, consumer, eventId: event.id }, 'dead letter not recorded'),
        );
    });
    return [];
  },
  readiness: (_platform, { events }) => [
    {
      name: 'relay',
      advisory: true,
      async check() {
        const { oldestDueSeconds } = await events.health(anonymous);
        if (oldestDueSeconds > relayStallSeconds) {
          throw new Error(`the oldest due event has waited ${Math.round(oldestDueSeconds)} s`);
        }
      },
    },
  ],
});
