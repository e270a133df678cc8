import { z } from 'zod';
import { countryCode } from '../../platform/countries.js';
import { maxPasswordLength } from './password-policy.js';
import { roles } from '../../platform/context.js';

/** Request bodies are strict: an unknown field (`role`, `id`, `passwordHash`...) is a 400, never ignored. */

/** Text that is stored: PostgreSQL refuses NUL characters, so they are a field problem here. */
const text = () =>
  z.string().refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');
export const email = z.string().trim().max(254).pipe(z.email());
const name = text().trim().min(1).max(100);
// Length and strength are checked by the password policy, with a message of its own.
const password = z.string().max(maxPasswordLength);

export const registerBody = z.strictObject({ email, password, firstName: name, lastName: name });
export const loginBody = z.strictObject({
  email,
  password,
  cartId: z.string().max(100).optional().describe('A guest cart to merge into the account cart'),
});
export const refreshBody = z
  .strictObject({ refreshToken: z.string().min(1).max(200).optional() })
  .describe('The refresh token, or send none and rely on the httpOnly refresh cookie');
export const passwordResetBody = z.strictObject({ email });
export const passwordResetConfirmBody = z.strictObject({
  token: z.string().min(1).max(200),
  password,
});
export const changePasswordBody = z.strictObject({
  currentPassword: password,
  newPassword: password,
});
export const updateProfileBody = z
  .strictObject({ firstName: name.optional(), lastName: name.optional() })
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field' });

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    role: z.enum(roles),
    createdAt: z.string(),
    deactivatedAt: z
      .string()
      .nullable()
      .describe('Set when the store team deactivated the account'),
  })
  .meta({ id: 'User' });

export const authResultSchema = z
  .object({
    user: userSchema,
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().describe('Seconds until the access token expires'),
  })
  .meta({ id: 'AuthResult' });

const line = (max: number) => text().trim().min(1).max(max);
const optionalLine = (max: number) => text().trim().max(max).nullable().optional();

export const addressBody = z.strictObject({
  firstName: name,
  lastName: name,
  line1: line(200),
  line2: optionalLine(200),
  city: line(100),
  region: optionalLine(100),
  postalCode: line(20),
  country: countryCode,
  phone: optionalLine(40),
  isDefaultShipping: z.boolean().optional(),
});
export const addressPatchBody = addressBody
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one field' });

export const addressSchema = z
  .object({
    id: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    line1: z.string(),
    line2: z.string().nullable(),
    city: z.string(),
    region: z.string().nullable(),
    postalCode: z.string(),
    country: z.string(),
    phone: z.string().nullable(),
    isDefaultShipping: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Address' });

export const idParams = z.object({ id: z.uuid() });

export type RegisterBody = z.output<typeof registerBody>;
export type AddressInput = z.output<typeof addressBody>;
export type AddressPatch = z.output<typeof addressPatchBody>;
export type User = z.output<typeof userSchema>;
export type Address = z.output<typeof addressSchema>;
