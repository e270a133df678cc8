/** Every table, for drizzle-kit and typed queries. Each module owns the tables in its `tables.ts`. */
export * from '../../modules/catalog/tables.js';
export * from '../../modules/inventory/tables.js';
export * from '../../modules/accounts/tables.js';
export * from '../../modules/pricing/tables.js';
export * from '../../modules/orders/tables.js';
export * from '../../modules/payments/tables.js';
export * from '../../modules/events/tables.js';
export * from '../../modules/notifications/tables.js';
export * from '../audit/tables.js';
export * from '../bus/tables.js';
