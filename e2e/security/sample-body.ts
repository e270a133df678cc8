import { randomBytes, randomUUID } from 'node:crypto';

/** A JSON Schema, as much of it as `/openapi.json` uses for request bodies. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  default?: unknown;
}

/** Values the probe knows are valid in this store, by field name (real ids it created). */
export type Known = Record<string, unknown>;

const byName: Record<string, () => unknown> = {
  email: () => `probe-${randomBytes(5).toString('hex')}@example.com`,
  password: () => 'a long probe passphrase 2026',
  newPassword: () => 'another probe passphrase 2026',
  currentPassword: () => 'a long probe passphrase 2026',
  firstName: () => 'Probe',
  lastName: () => 'Tester',
  line1: () => '1 Market Street',
  city: () => 'San Francisco',
  region: () => 'CA',
  postalCode: () => '94105',
  country: () => 'US',
  shippingMethodId: () => 'standard',
  carrier: () => 'UPS',
  trackingNumber: () => '1Z999AA10123456784',
  code: () => `PROBE${randomBytes(3).toString('hex').toUpperCase()}`,
  currency: () => 'USD',
  phone: () => '+14155550100',
};

/**
 * The smallest body a schema accepts, as far as can be told from the schema: required properties
 * only, each from `known` (real ids), a value the store expects for that field name, or the type.
 */
export function sampleBody(schema: Schema, known: Known, name = ''): unknown {
  if (name in known) return known[name];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const choice = schema.anyOf ?? schema.oneOf;
  if (choice?.length)
    return sampleBody(choice.find((s) => s.type !== 'null') ?? choice[0]!, known, name);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const body: Record<string, unknown> = {};
      // Required properties, and optional ones the probe knows a right value for (a region, say,
      // which the schema leaves optional but the country's rules require).
      const keys = new Set([
        ...(schema.required ?? []),
        ...Object.keys(schema.properties ?? {}).filter((key) => key in known),
      ]);
      for (const key of keys) {
        body[key] = sampleBody(schema.properties?.[key] ?? {}, known, key);
      }
      return body;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () =>
        sampleBody(schema.items ?? {}, known, name),
      );
    case 'integer':
    case 'number':
      return Math.max(1, Math.ceil(schema.minimum ?? schema.exclusiveMinimum ?? 1));
    case 'boolean':
      return true;
    default: {
      if (byName[name]) return byName[name]();
      if (schema.format === 'email') return byName.email!();
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      if (schema.format === 'date') return new Date().toISOString().slice(0, 10);
      if (schema.format === 'uri') return 'https://example.com/';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    }
  }
}

/** Fields an attacker would add to any body, hoping the store copies them onto a record. */
export const extraFields = {
  role: 'admin',
  isAdmin: true,
  userId: '0190a0a0-0000-7000-8000-000000000001',
  status: 'paid',
  price: 1,
  unitPrice: 1,
  total: { amount: 1, currency: 'USD' },
  id: '0190a0a0-0000-7000-8000-000000000002',
};
