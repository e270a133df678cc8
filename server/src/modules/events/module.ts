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
