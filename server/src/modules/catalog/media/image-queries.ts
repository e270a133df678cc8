import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, type Queryable } from '../../../platform/db/index.js';
import { NotFound, Unprocessable } from '../../../platform/errors.js';
import type { ObjectStorage } from '../../../platform/storage/index.js';
import {
  renditionFormats,
  renditionKey,
  type ProcessedImage,
  type RenditionFormat,
  type Renditions,
} from './image-processing.js';

/** Where the API serves what the storage holds: `/images/uploads/<key>`. */
export const uploadsPath = '/images/uploads/';
/** Drawn illustrations (`drawn-image-routes.ts`) live here; every other image is an uploaded photo. */
export const drawnPath = '/images/products/';
/**
 * The keys this module writes: a SHA-256 in hex, then for a processed upload its width, then the
 * format's extension. Without a width: a file stored as uploaded, before uploads were processed.
 */
export const uploadKeyPattern = /^([0-9a-f]{64})(?:-([1-9][0-9]{0,3}))?\.(png|jpg|webp|avif)$/;

export interface AdminImage extends Partial<Renditions> {
  id: string;
  url: string;
  alt: string;
  color: string;
  position: number;
  /** The colour's main image: the one the team chose, else its first photo, else its drawing. */
  main: boolean;
}

/**
 * The order a colour's images are shown in: the main image the team chose, then photos before the
 * drawn illustration, each in the team's order. So a colour's first photo is its main image until
 * the team picks another. `i` is the alias of `product_images` in the query.
 */
export const shownOrder = (i: string): SQL =>
  sql.raw(`${i}.main DESC, starts_with(${i}.url, '${drawnPath}'), ${i}.position, ${i}.id`);

/** The image JSON the catalog answers with: URL and alt, and the renditions when there are some. */
export const imageJson = (i: string): SQL =>
  sql.raw(
    `jsonb_build_object('url', ${i}.url, 'alt', ${i}.alt) || COALESCE(${i}.renditions, '{}'::jsonb)`,
  );

/**
 * An image's smallest JPEG (its URL when it has no renditions): what a bag line, an order line
 * and an email show, at thumbnail size and in a format every mail reader opens.
 */
export const smallestJpeg = (i: string): SQL =>
  sql.raw(
    `COALESCE((${i}.renditions->'srcset'->>'base') || '-' || (${i}.renditions->'srcset'->'widths'->>0) || '.jpg', ${i}.url)`,
  );

/** Uploads and removals of one stored file take this lock, so a removal never deletes a file that an upload has just referenced. */
export const lockFile = (tx: Queryable, stem: string) =>
  tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`image-file:${stem}`}, 0))`);

/** The product, locked against concurrent image changes (not against orders or stock). */
export async function lockProduct(tx: Queryable, productId: string) {
  const [product] = await queryRows<{ id: string; slug: string; name: string; colors: string[] }>(
    tx,
    sql`SELECT id, slug, name, colors FROM products WHERE id = ${productId}::uuid FOR NO KEY UPDATE`,
  );
  if (!product) throw new NotFound('No such product.');
  return product;
}

/** A product's images in the team's order (`position`), each saying whether it is its colour's main. */
export async function listImages(tx: Queryable, productId: string): Promise<AdminImage[]> {
  const rows = await queryRows<
    Omit<AdminImage, keyof Renditions> & { renditions: Renditions | null }
  >(
    tx,
    sql`SELECT i.id, i.url, i.alt, i.color, i.position, i.renditions,
               i.id = (SELECT j.id FROM product_images j
                       WHERE j.product_id = i.product_id AND j.color = i.color
                       ORDER BY ${shownOrder('j')} LIMIT 1) AS main
        FROM product_images i
        WHERE i.product_id = ${productId}::uuid ORDER BY i.position, i.id`,
  );
  return rows.map(({ renditions, ...image }) => ({ ...image, ...renditions }));
}

/** A colour as the product spells it, matched without regard to case. */
export function productColor(colors: string[], wanted: string): string {
  const color = colors.find((c) => c.toLowerCase() === wanted.trim().toLowerCase());
  if (color) return color;
  throw new Unprocessable('unknown_color', `This product comes in ${colors.join(', ')}.`, {
    errors: [{ path: 'body.color', message: `must be one of: ${colors.join(', ')}` }],
  });
}

/** The stored files behind an image's URL: the hash that names them and their keys. */
export function filesOf(image: {
  url: string;
  renditions?: Renditions | null;
}): { stem: string; keys: string[] } | null {
  const match = uploadKeyPattern.exec(image.url.slice(uploadsPath.length));
  if (!image.url.startsWith(uploadsPath) || !match?.[1]) return null;
  const stem = match[1];
  const srcset = image.renditions?.srcset;
  if (!srcset) return { stem, keys: [image.url.slice(uploadsPath.length)] };
  return {
    stem,
    keys: srcset.widths.flatMap((w) =>
      srcset.formats.map((f: RenditionFormat) => renditionKey(stem, w, f)),
    ),
  };
}

/** Where a processed image is served: its largest JPEG, and what `<picture>` needs. */
export function servedAs(processed: ProcessedImage): { url: string; renditions: Renditions } {
  const base = `${uploadsPath}${processed.hash}`;
  return {
    url: `${base}-${processed.width}.jpg`,
    renditions: {
      width: processed.width,
      height: processed.height,
      placeholder: processed.placeholder,
      srcset: { base, widths: processed.widths, formats: [...renditionFormats] },
    },
  };
}

/** Store every file of a processed image, at once. */
export const storeFiles = (storage: ObjectStorage, processed: ProcessedImage) =>
  Promise.all(processed.files.map((file) => storage.put(file.key, file.bytes, file.contentType)));

/** Remove an image's stored files once no image refers to them any more (after a removal committed). */
export async function collectFiles(
  db: Db,
  storage: ObjectStorage,
  image: { url: string; renditions?: Renditions | null },
): Promise<void> {
  const files = filesOf(image);
  if (!files) return;
  await db.transaction(async (tx) => {
    await lockFile(tx, files.stem);
    const [used] = await queryRows(
      tx,
      sql`SELECT 1 FROM product_images WHERE starts_with(url, ${uploadsPath + files.stem}) LIMIT 1`,
    );
    if (!used) await Promise.all(files.keys.map((key) => storage.delete(key)));
  });
}
