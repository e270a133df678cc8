import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll } from 'vitest';
import { queryRows } from '../../../platform/db/index.js';
import type { Backend } from '../../../../test/harness.js';
import { checkoutKit } from '../../../../test/kits/checkout.js';

export type { AdminImage as Image } from './image-queries.js';

export interface UploadFile {
  name: string;
  type: string;
  bytes: Buffer;
}

/** A multipart/form-data body as a browser's FormData would send it. */
export function form(fields: Record<string, string>, file?: UploadFile) {
  const boundary = `----stride${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/**
 * A store with its own uploads folder for the image tests: seeded products handed out one per
 * test, and an upload as the admin's browser sends it.
 */
export function imageKit(backend: Backend, env: Record<string, string> = {}) {
  const uploads = join(tmpdir(), `stride-uploads-${randomBytes(6).toString('hex')}`);
  const kit = checkoutKit(backend, { env: { UPLOADS_DIR: uploads, ...env } });
  afterAll(() => rm(uploads, { recursive: true, force: true }));
  let nextProduct = 0;

  return {
    kit,
    uploads,
    /** A seeded product no other test of this file uses. */
    async product() {
      const [row] = await queryRows<{ id: string; slug: string; colors: string[] }>(
        kit.ctx.store.adapters.database.db,
        sql`SELECT id, slug, colors FROM products WHERE status = 'active'
            ORDER BY slug OFFSET ${nextProduct++} LIMIT 1`,
      );
      if (!row) throw new Error('no seeded product left');
      return row;
    },
    upload(
      productId: string,
      fields: Record<string, string>,
      file?: UploadFile,
      headers: Record<string, string> = kit.admin(),
    ) {
      const body = form(fields, file);
      return kit.ctx.store.app.inject({
        method: 'POST',
        url: `/api/v1/admin/products/${productId}/images`,
        payload: body.payload,
        headers: { ...headers, ...body.headers },
      });
    },
    /** The file as an upload named photo.png, declared image/png, whatever it really is. */
    png: (bytes: Buffer): UploadFile => ({ name: 'photo.png', type: 'image/png', bytes }),
  };
}
