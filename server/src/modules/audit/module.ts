import { apiPrefix, defineModule } from '../../platform/module.js';
import { auditRoutes } from './routes.js';
import { createAuditService, type AuditService } from './service.js';

/** The store team's audit log: recorded by each module's admin writes (`platform/audit`), read here. */
export const auditModule = defineModule<{ audit: AuditService }>({
  name: 'audit',
  createServices: ({ adapters }) => ({ audit: createAuditService({ db: adapters.database.db }) }),
  routes: (app, _platform, { audit }) =>
    app.register(auditRoutes, { prefix: apiPrefix, audit }) as unknown as Promise<void>,
});
