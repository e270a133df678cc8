import { sql } from 'drizzle-orm';
import { writeEvent } from '../../../platform/bus/outbox.js';
import { inTransaction, type Context } from '../../../platform/context.js';
import { uuidv7 } from '../../../platform/db/ids.js';
import { queryRows, type Db } from '../../../platform/db/index.js';
import { NotFound, TooLarge, Unprocessable, UnsupportedMedia } from '../../../platform/errors.js';
import type { ObjectStorage, StoredObject } from '../../../platform/storage/index.js';
import { recordAudit } from '../../../platform/audit/record.js';
import { productImagesChanged } from '../events.js';
import { detectImageType, imageTypeOfExtension } from './image-bytes.js';
import { processImage, type Renditions } from './image-processing.js';
import {
  collectFiles,
  listImages,
  lockFile,
  lockProduct,
  productColor,
  servedAs,
  storeFiles,
  uploadKeyPattern,
  type AdminImage,
} from './image-queries.js';

/**
 * Product images uploaded by the store team, per colour. Each upload is decoded and encoded anew
 * (`image-processing.ts`): the renditions go to object storage under a hash of the upload
 * (content-addressed: the same file is stored once, and a URL never changes meaning, so browsers
 * may cache it for a year); the `product_images` row holds the URL of the largest JPEG, what the
 * storefront needs for `<picture>` (`renditions`), the colour, the alt text and the position.
 *
 * Every change is audited and announced (`product_images_changed`, in its transaction) and, once
 * committed, retires the catalog's cached pages and cards.
 */

export type { AdminImage } from './image-queries.js';

export interface ProductImageServiceDeps {
  db: Db;
  storage: ObjectStorage;
  /** Largest accepted image, in bytes. */
  maxBytes: number;
  /** Most pixels (width × height) an accepted image may have. */
  maxPixels: number;
  /** After a change committed: retire cached product pages and cards everywhere. */
  onChanged: () => Promise<void>;
  onEffectError?: (error: unknown) => void;
}

/** 5242880 → "5 MB", 4096 → "4 KB": a size limit as people read it. */
export const formatSize = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
    : `${Math.ceil(bytes / 1024)} KB`;

export function createProductImageService(deps: ProductImageServiceDeps) {
  const { db, storage } = deps;

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
     * same file uploaded twice for one colour is kept once (`created: false`). The file is
     * decoded and its renditions made before the transaction, so no lock waits for that.
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
      // An unknown product or colour is told before the work of processing the file.
      const [known] = await queryRows<{ colors: string[] }>(
        ctx.tx ?? db,
        sql`SELECT colors FROM products WHERE id = ${productId}::uuid`,
      );
      if (!known) throw new NotFound('No such product.');
      productColor(known.colors, input.color);

      const processed = await processImage(input.bytes, { maxPixels: deps.maxPixels });
      const { url, renditions } = servedAs(processed);
      let written = false;
      try {
        return await inTransaction(
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
            // Written while the files' lock is held: a removal of the same files waits, then
            // sees this image and keeps them.
            await lockFile(tx.tx, processed.hash);
            written = true;
            await storeFiles(storage, processed);
            const id = uuidv7();
            await tx.tx.execute(
              sql`INSERT INTO product_images (id, product_id, color, url, alt, position, renditions)
                  SELECT ${id}::uuid, ${productId}::uuid, ${color}, ${url}, ${alt},
                         COALESCE(max(position) + 1, 0), ${JSON.stringify(renditions)}::jsonb
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
                width: processed.width,
                height: processed.height,
              },
            });
            tx.afterCommit(deps.onChanged);
            return { created: true, images: await listImages(tx.tx, productId) };
          },
          deps.onEffectError,
        );
      } catch (error) {
        // Files written for an image that was then not recorded go again, unless another uses them.
        if (written) await collectFiles(db, storage, { url, renditions }).catch(deps.onEffectError);
        throw error;
      }
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

    /**
     * Make an image its colour's main image: shown first for that colour, and on the product's
     * card when the colour is the product's first. Until the team chooses, a colour's first photo
     * is its main image, before the drawn illustration.
     */
    setMain: (ctx: Context, productId: string, imageId: string) =>
      inTransaction(
        db,
        ctx,
        async (tx) => {
          const product = await lockProduct(tx.tx, productId);
          const images = await listImages(tx.tx, productId);
          const image = images.find((i) => i.id === imageId);
          if (!image) throw new NotFound('No such image.');
          const [chosen] = await queryRows<{ id: string }>(
            tx.tx,
            sql`SELECT id FROM product_images
                WHERE product_id = ${productId}::uuid AND color = ${image.color} AND main`,
          );
          if (chosen?.id === imageId) return images;
          const before = images.find((i) => i.color === image.color && i.main);
          // Two statements: the unique index allows one main per colour at every moment.
          await tx.tx.execute(
            sql`UPDATE product_images SET main = false, updated_at = now()
                WHERE product_id = ${productId}::uuid AND color = ${image.color} AND main`,
          );
          await tx.tx.execute(
            sql`UPDATE product_images SET main = true, updated_at = now()
                WHERE id = ${imageId}::uuid`,
          );
          await writeEvent(tx.tx, productImagesChanged, {
            productId,
            slug: product.slug,
            change: 'main',
            color: image.color,
            imageIds: [imageId],
          });
          await recordAudit(tx, {
            action: 'product.image.main',
            target: `product:${productId}`,
            before: { color: image.color, imageId: before?.id ?? null },
            after: { color: image.color, imageId },
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
          const [removed] = await queryRows<
            Omit<AdminImage, 'main'> & { renditions: Renditions | null }
          >(
            tx.tx,
            sql`DELETE FROM product_images WHERE id = ${imageId}::uuid AND product_id = ${productId}::uuid
                RETURNING id, url, alt, color, position, renditions`,
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
            before: { id: removed.id, url: removed.url, alt: removed.alt, color: removed.color },
          });
          tx.afterCommit(deps.onChanged);
          tx.afterCommit(() => collectFiles(db, storage, removed));
          return listImages(tx.tx, productId);
        },
        deps.onEffectError,
      ),

    /** An uploaded file to serve, or null; only the image types above ever come out of here. */
    async file(key: string): Promise<StoredObject | null> {
      const match = uploadKeyPattern.exec(key);
      const type = match?.[3] ? imageTypeOfExtension(match[3]) : null;
      if (!type) return null;
      const stored = await storage.get(key);
      return stored && { bytes: stored.bytes, contentType: type.contentType };
    },
  };
}

export type ProductImageService = ReturnType<typeof createProductImageService>;
