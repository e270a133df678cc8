import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { writeEvent } from '../../platform/bus/outbox.js';
import { inTransaction, type Context } from '../../platform/context.js';
import { uuidv7 } from '../../platform/db/ids.js';
import { queryRows, type Db, type Queryable } from '../../platform/db/index.js';
import { NotFound, TooLarge, Unprocessable, UnsupportedMedia } from '../../platform/errors.js';
import type { ObjectStorage, StoredObject } from '../../platform/storage/index.js';
import { recordAudit } from '../audit/service.js';
import { productImagesChanged } from './events.js';
import { detectImageType, imageTypeOfExtension } from './image-bytes.js';

/**
 * Product images uploaded by the store team, per colour. The bytes go to object storage under
 * their SHA-256 (content-addressed: the same file is stored once, and a URL never changes meaning,
 * so browsers may cache it for a year); the `product_images` row holds the URL, the colour, the
 * alt text and the position. Files are stored exactly as uploaded: re-encoding would need a native
 * image library (sharp, libvips) and its install step, and would quietly change what the team
 * prepared; the type check below (from the bytes) and the size limit are what keep uploads safe.
 *
 * Every change is audited and announced (`product_images_changed`, in its transaction) and, once
 * committed, retires the catalog's cached pages and cards.
 */

export interface AdminImage {
  id: string;
  url: string;
  alt: string;
  color: string;
  position: number;
}

/** Where the API serves what the local storage holds: `/images/uploads/<key>`. */
export const uploadsPath = '/images/uploads/';
/** The keys this module writes: a SHA-256 in hex and the type's extension. */
export const uploadKeyPattern = /^[0-9a-f]{64}\.(png|jpg|webp|avif)$/;

export interface ProductImageServiceDeps {
  db: Db;
  storage: ObjectStorage;
  /** Largest accepted image, in bytes. */
  maxBytes: number;
  /** After a change committed: retire cached product pages and cards everywhere. */
  onChanged: () => Promise<void>;
  onEffectError?: (error: unknown) => void;
}

/** 5242880 → "5 MB", 4096 → "4 KB": a size limit as people read it. */
export const formatSize = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
    : `${Math.ceil(bytes / 1024)} KB`;

/** Uploads and removals of one stored file take this lock, so a removal never deletes a file that an upload has just referenced. */
const lockFile = (tx: Queryable, key: string) =>
  tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`image-file:${key}`}, 0))`);

/** The product, locked against concurrent image changes (not against orders or stock). */
async function lockProduct(tx: Queryable, productId: string) {
  const [product] = await queryRows<{ id: string; slug: string; name: string; colors: string[] }>(
    tx,
    sql`SELECT id, slug, name, colors FROM products WHERE id = ${productId}::uuid FOR NO KEY UPDATE`,
  );
  if (!product) throw new NotFound('No such product.');
  return product;
}

function listImages(tx: Queryable, productId: string): Promise<AdminImage[]> {
  return queryRows<AdminImage>(
    tx,
    sql`SELECT id, url, alt, color, position FROM product_images
        WHERE product_id = ${productId}::uuid ORDER BY position, id`,
  );
}

/** A colour as the product spells it, matched without regard to case. */
function productColor(colors: string[], wanted: string): string {
  const color = colors.find((c) => c.toLowerCase() === wanted.trim().toLowerCase());
  if (color) return color;
  throw new Unprocessable('unknown_color', `This product comes in ${colors.join(', ')}.`, {
    errors: [{ path: 'body.color', message: `must be one of: ${colors.join(', ')}` }],
  });
}

export function createProductImageService(deps: ProductImageServiceDeps) {
  const { db, storage } = deps;

  /** Remove a stored file once no image refers to it any more (after the removal committed). */
  async function collect(url: string): Promise<void> {
    const key = url.slice(url.lastIndexOf('/') + 1);
    if (!uploadKeyPattern.test(key)) return;
    await db.transaction(async (tx) => {
      await lockFile(tx, key);
      const [used] = await queryRows(
        tx,
        sql`SELECT 1 FROM product_images WHERE url = ${url} LIMIT 1`,
      );
      if (!used) await storage.delete(key);
    });
  }

  return {
    async list(ctx: Context, productId: string): Promise<AdminImage[]> {
      const [product] = await queryRows(
        ctx.tx ?? db,
        sql`SELECT 1 FROM products WHERE id = ${productId}::uuid`,
      );
      if (!product) throw new NotFound('No such product.');
      return listImages(ctx.tx ?? db, productId);
    },

    /**
     * Add an image for one of the product's colours, after its other images of that colour. The
     * same file uploaded twice for one colour is kept once (`created: false`).
     */
    async upload(
      ctx: Context,
      productId: string,
      input: { bytes: Buffer; color: string; alt?: string | undefined },
    ): Promise<{ created: boolean; images: AdminImage[] }> {
      if (input.bytes.length > deps.maxBytes) {
        throw new TooLarge(
          'image_too_large',
          `An image may be at most ${formatSize(deps.maxBytes)}.`,
          {
            maxBytes: deps.maxBytes,
          },
        );
      }
      const type = detectImageType(input.bytes);
      if (!type) {
        throw new UnsupportedMedia(
          'unsupported_image_type',
          'The file is not a PNG, JPEG, WebP or AVIF image (judged from its content, not its name or declared type).',
        );
      }
      const key = `${createHash('sha256').update(input.bytes).digest('hex')}.${type.extension}`;
      const url = storage.publicUrl(key) ?? `${uploadsPath}${key}`;
      return inTransaction(
        db,
        ctx,
        async (tx) => {
          const product = await lockProduct(tx.tx, productId);
          const color = productColor(product.colors, input.color);
          const [same] = await queryRows(
            tx.tx,
            sql`SELECT 1 FROM product_images
                WHERE product_id = ${productId}::uuid AND color = ${color} AND url = ${url}`,
          );
          if (same) return { created: false, images: await listImages(tx.tx, productId) };
          const alt = input.alt?.trim() || `${product.name} in ${color}`;
          // Written while the file's lock is held: a removal of the same file waits, then sees
          // this image and keeps the file.
          await lockFile(tx.tx, key);
          await storage.put(key, input.bytes, type.contentType);
          const id = uuidv7();
          await tx.tx.execute(
            sql`INSERT INTO product_images (id, product_id, color, url, alt, position)
                SELECT ${id}::uuid, ${productId}::uuid, ${color}, ${url}, ${alt},
                       COALESCE(max(position) + 1, 0)
                FROM product_images WHERE product_id = ${productId}::uuid`,
          );
          await writeEvent(tx.tx, productImagesChanged, {
            productId,
            slug: product.slug,
            change: 'added',
            color,
            imageIds: [id],
          });
          await recordAudit(tx, {
            action: 'product.image.add',
            target: `product:${productId}`,
            after: {
              imageId: id,
              color,
              url,
              alt,
              contentType: type.contentType,
              bytes: input.bytes.length,
            },
          });
          tx.afterCommit(deps.onChanged);
          return { created: true, images: await listImages(tx.tx, productId) };
        },
        deps.onEffectError,
      );
    },

    /**
     * Put one colour's images in a new order. The list must name each image of that colour once;
     * the colour keeps the places it had among the product's images (the first image overall is
     * the product card's), and every image is renumbered from 0.
     */
    reorder: (ctx: Context, productId: string, input: { color: string; imageIds: string[] }) =>
      inTransaction(
        db,
        ctx,
        async (tx) => {
          const product = await lockProduct(tx.tx, productId);
          const images = await listImages(tx.tx, productId);
          const color = productColor(
            [...new Set([...product.colors, ...images.map((i) => i.color)])],
            input.color,
          );
          const current = images.filter((image) => image.color === color).map((i) => i.id);
          const wanted = new Set(input.imageIds);
          if (
            wanted.size !== input.imageIds.length ||
            wanted.size !== current.length ||
            current.some((id) => !wanted.has(id))
          ) {
            throw new Unprocessable(
              'image_order_mismatch',
              `List each ${color} image of the product exactly once.`,
              {
                errors: [
                  {
                    path: 'body.imageIds',
                    message: `must be a permutation of: ${current.join(', ')}`,
                  },
                ],
              },
            );
          }
          let next = 0;
          const order = images.map((image) =>
            image.color === color ? (input.imageIds[next++] ?? image.id) : image.id,
          );
          if (
            order.every(
              (id, position) =>
                images[position]?.id === id && images[position]?.position === position,
            )
          ) {
            return images;
          }
          await tx.tx.execute(
            sql`UPDATE product_images i SET position = o.position, updated_at = now()
                FROM (VALUES ${sql.join(
                  order.map((id, position) => sql`(${id}::uuid, ${position}::int)`),
                  sql`, `,
                )}) AS o(id, position)
                WHERE i.id = o.id AND i.product_id = ${productId}::uuid`,
          );
          await writeEvent(tx.tx, productImagesChanged, {
            productId,
            slug: product.slug,
            change: 'reordered',
            color,
            imageIds: input.imageIds,
          });
          await recordAudit(tx, {
            action: 'product.image.reorder',
            target: `product:${productId}`,
            before: { color, imageIds: current },
            after: { color, imageIds: input.imageIds },
          });
          tx.afterCommit(deps.onChanged);
          return listImages(tx.tx, productId);
        },
        deps.onEffectError,
      ),

    /** Remove an image; its file goes too once no other image uses it. */
    remove: (ctx: Context, productId: string, imageId: string) =>
      inTransaction(
        db,
        ctx,
        async (tx) => {
          const product = await lockProduct(tx.tx, productId);
          const [removed] = await queryRows<AdminImage>(
            tx.tx,
            sql`DELETE FROM product_images WHERE id = ${imageId}::uuid AND product_id = ${productId}::uuid
                RETURNING id, url, alt, color, position`,
          );
          if (!removed) throw new NotFound('No such image.');
          await writeEvent(tx.tx, productImagesChanged, {
            productId,
            slug: product.slug,
            change: 'removed',
            color: removed.color,
            imageIds: [removed.id],
          });
          await recordAudit(tx, {
            action: 'product.image.delete',
            target: `product:${productId}`,
            before: removed,
          });
          tx.afterCommit(deps.onChanged);
          tx.afterCommit(() => collect(removed.url));
          return listImages(tx.tx, productId);
        },
        deps.onEffectError,
      ),

    /** An uploaded file to serve, or null; only the image types above ever come out of here. */
    async file(key: string): Promise<StoredObject | null> {
      const match = uploadKeyPattern.exec(key);
      const type = match?.[1] ? imageTypeOfExtension(match[1]) : null;
      if (!type) return null;
      const stored = await storage.get(key);
      return stored && { bytes: stored.bytes, contentType: type.contentType };
    },
  };
}

export type ProductImageService = ReturnType<typeof createProductImageService>;
