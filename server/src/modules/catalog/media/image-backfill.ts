import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { writeEvent } from '../../../platform/bus/outbox.js';
import { anonymous, inTransaction } from '../../../platform/context.js';
import { queryRows, type Db } from '../../../platform/db/index.js';
import { DomainError } from '../../../platform/errors.js';
import type { ObjectStorage } from '../../../platform/storage/index.js';
import { productImagesChanged } from '../events.js';
import { processImage } from './image-processing.js';
import { collectFiles, lockFile, servedAs, storeFiles, uploadsPath } from './image-queries.js';

export interface ImageBackfillDeps {
  db: Db;
  storage: ObjectStorage;
  maxPixels: number;
  /** After a file's images were updated: retire cached product pages and cards everywhere. */
  onChanged: () => Promise<void>;
  logger: Logger;
}

/** The URL of a file stored as uploaded, before uploads were processed (a hash and an extension). */
const legacyUrl = `^${uploadsPath.replaceAll('/', '\\/')}[0-9a-f]{64}\\.(png|jpg|webp|avif)$`;

/**
 * Photos uploaded before uploads were processed are served as they were until this job (worker
 * role) has processed them: it reads each such file, makes its renditions as an upload would,
 * points every image using it at them (announced as `product_images_changed` `processed`), and
 * removes the old file. A file that does not decode, or is over the pixel limit, is left as it
 * was and marked (`renditions = {}`), so it is tried once; a warning names it, for the team to
 * replace. It stays served as before, as the image type its first bytes claim, with `nosniff` and
 * a sandboxing Content-Security-Policy, so a browser never runs it.
 */
export function createImageBackfill(deps: ImageBackfillDeps) {
  const { db, storage } = deps;

  const markUnprocessable = (url: string) =>
    db.execute(
      sql`UPDATE product_images SET renditions = '{}'::jsonb WHERE url = ${url} AND renditions IS NULL`,
    );

  async function processFile(url: string): Promise<void> {
    const stored = await storage.get(url.slice(uploadsPath.length));
    let processed;
    try {
      if (!stored) throw new Error('the file is missing from storage');
      processed = await processImage(stored.bytes, { maxPixels: deps.maxPixels });
    } catch (error) {
      if (stored && !(error instanceof DomainError)) throw error;
      deps.logger.warn(
        { url, reason: error instanceof Error ? error.message : String(error) },
        'an uploaded image could not be processed and is served as it was; replace it',
      );
      await markUnprocessable(url);
      return;
    }
    const { url: next, renditions } = servedAs(processed);
    await inTransaction(db, anonymous, async (tx) => {
      await lockFile(tx.tx, processed.hash);
      await storeFiles(storage, processed);
      const images = await queryRows<{
        id: string;
        product_id: string;
        slug: string;
        color: string;
      }>(
        tx.tx,
        sql`UPDATE product_images i
            SET url = ${next}, renditions = ${JSON.stringify(renditions)}::jsonb, updated_at = now()
            FROM products p
            WHERE i.url = ${url} AND i.renditions IS NULL AND p.id = i.product_id
            RETURNING i.id, i.product_id, p.slug, i.color`,
      );
      for (const image of images) {
        await writeEvent(tx.tx, productImagesChanged, {
          productId: image.product_id,
          slug: image.slug,
          change: 'processed',
          color: image.color,
          imageIds: [image.id],
        });
      }
      tx.afterCommit(deps.onChanged);
      // The old file goes once nothing uses it; the new ones too if another worker was first.
      tx.afterCommit(() => collectFiles(db, storage, { url }));
      tx.afterCommit(() => collectFiles(db, storage, { url: next, renditions }));
    });
  }

  return {
    /** Process every file still stored as uploaded; answers how many were tried. */
    async run(): Promise<number> {
      let tried = 0;
      for (;;) {
        const files = await queryRows<{ url: string }>(
          db,
          sql`SELECT DISTINCT url FROM product_images
              WHERE renditions IS NULL AND url ~ ${legacyUrl} ORDER BY url LIMIT 20`,
        );
        for (const { url } of files) await processFile(url);
        tried += files.length;
        if (files.length < 20) return tried;
      }
    },
  };
}
