import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../../platform/config.js';
import { NotFound, TooLarge } from '../../../platform/errors.js';
import { contextOf } from '../../../platform/http/auth.js';
import { HttpProblem, problemResponses, problemSchema } from '../../../platform/http/problem.js';
import { apiPrefix } from '../../../platform/module.js';
import { uploadKeyPattern } from './image-queries.js';
import { formatSize, type ProductImageService } from './product-images.js';
import { renditionFields } from '../schemas.js';

export interface ProductImageRouteOptions {
  config: Pick<Config, 'IMAGE_UPLOAD_MAX_BYTES'>;
  productImages: ProductImageService;
}

export const adminImageSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    alt: z.string(),
    color: z.string(),
    position: z.number().int().describe('Order among all the product’s images, from 0'),
    main: z
      .boolean()
      .describe(
        'Shown first for its colour: the image the team chose, else the colour’s first photo, else its drawing',
      ),
    ...renditionFields,
  })
  .meta({ id: 'AdminProductImage' });

const imageListSchema = z
  .object({ items: z.array(adminImageSchema) })
  .meta({ id: 'AdminProductImages' });

/** A problem response with this route's own code as its documented example. */
const problem = (status: number, code: string, detail: string) =>
  problemSchema.extend({}).meta({
    description: detail,
    examples: [
      {
        type: `https://stride.dev/problems/${code.replaceAll('_', '-')}`,
        title: 'Problem',
        status,
        code,
        detail,
      },
    ],
  });

const productParams = z.object({ id: z.uuid() });

/**
 * A multipart form as field name → value (a file's bytes as a Buffer); a name sent twice becomes a
 * list, which the route's schema refuses.
 */
async function readForm(request: FastifyRequest, maxBytes: number) {
  const body: Record<string, unknown> = {};
  try {
    for await (const part of request.parts()) {
      const value = part.type === 'file' ? await part.toBuffer() : part.value;
      const before = body[part.fieldname];
      body[part.fieldname] =
        before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new TooLarge('image_too_large', `An image may be at most ${formatSize(maxBytes)}.`, {
        maxBytes,
      });
    }
    // The plugin's own refusals (too many parts or fields...) carry their status; the parser's
    // do not, and are all about a body that is not well-formed multipart.
    if (typeof (error as { statusCode?: unknown }).statusCode === 'number') throw error;
    throw new HttpProblem(
      400,
      'malformed_multipart',
      'Bad Request',
      'The form data could not be read (cut off, or not well-formed multipart); send it again.',
    );
  }
  return body;
}

/**
 * The store team's product images (`product-images.ts`), and the uploaded files themselves at
 * `/images/uploads/<sha256>.<ext>`: immutable, so cached for a year, and always with the image
 * type the bytes were found to be and `nosniff`.
 */
export async function productImageRoutes(app: FastifyInstance, options: ProductImageRouteOptions) {
  const maxBytes = options.config.IMAGE_UPLOAD_MAX_BYTES;
  const images = options.productImages;

  app.withTypeProvider<ZodTypeProvider>().get(
    '/images/uploads/:file',
    {
      config: { auth: 'public' },
      schema: { hide: true, params: z.object({ file: z.string().regex(uploadKeyPattern) }) },
    },
    async (request, reply) => {
      const stored = await images.file(request.params.file);
      if (!stored) throw new NotFound('No such image.');
      const etag = `"${request.params.file.slice(0, 64)}"`;
      reply
        .header('etag', etag)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .type(stored.contentType);
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.send(stored.bytes);
    },
  );

  await app.register(
    async (api) => {
      // Only here: the rest of the API takes JSON and nothing else.
      await api.register(multipart, {
        // The field limit sits above the schema's, so an over-long value is refused, not cut.
        limits: { fileSize: maxBytes, files: 1, fields: 4, parts: 5, fieldSize: 4096 },
      });
      // The form is read here rather than by the plugin's `attachFieldsToBody`, so that a body the
      // parser cannot read (cut off mid-upload, a boundary that never closes) is the client's 400,
      // not a 500: busboy's errors carry no status.
      api.addHook('preValidation', async (request) => {
        if (request.isMultipart()) request.body = await readForm(request, maxBytes);
      });
      const typed = api.withTypeProvider<ZodTypeProvider>();
      const admin = { auth: 'admin' as const };

      typed.get(
        '/admin/products/:id/images',
        {
          config: admin,
          schema: {
            tags: ['admin'],
            operationId: 'adminListProductImages',
            summary: 'A product’s images, in order, with their colours',
            params: productParams,
            response: { 200: imageListSchema, ...problemResponses(404) },
          },
        },
        async (request) => ({ items: await images.list(contextOf(request), request.params.id) }),
      );

      typed.post(
        '/admin/products/:id/images',
        {
          config: admin,
          schema: {
            tags: ['admin'],
            operationId: 'adminUploadProductImage',
            summary: 'Upload an image of the product in one of its colours',
            description: `\`multipart/form-data\` with \`file\`, \`color\` (one of the product's colours) and optionally \`alt\`. The type is decided from the file's bytes, never its name or declared type: PNG, JPEG, WebP or AVIF (anything else, SVG included, is 415 \`unsupported_image_type\`), at most IMAGE_UPLOAD_MAX_BYTES (20 MB by default) and IMAGE_UPLOAD_MAX_PIXELS (50 megapixels by default; over either, 413 \`image_too_large\`). The file is decoded and encoded anew (422 \`image_unreadable\` when it does not decode): turned upright, converted to sRGB, stripped of all metadata (EXIF, GPS), and stored as AVIF, WebP and JPEG at each standard width up to its own (320 to 1920 px) with a blurred placeholder. Appended after the colour's other images. 201 with the product's images; 200 when that file was already an image of that colour. Retires cached product pages at once.`,
            consumes: ['multipart/form-data'],
            params: productParams,
            body: z.strictObject({
              file: z
                .instanceof(Buffer)
                .meta({ type: 'string', format: 'binary', description: 'The image file' }),
              color: z.string().trim().min(1).max(60),
              alt: z.string().trim().max(300).optional().describe('Default: “<name> in <colour>”'),
            }),
            response: {
              200: imageListSchema,
              201: imageListSchema,
              400: problem(
                400,
                'malformed_multipart',
                'The form cannot be read (cut off, or not well-formed multipart), or its fields break the schema (`validation_failed`)',
              ),
              ...problemResponses(404),
              413: problem(
                413,
                'image_too_large',
                'The image is over the size limit in bytes (`maxBytes`) or in pixels (`maxPixels`)',
              ),
              415: problem(
                415,
                'unsupported_image_type',
                'The file is not a PNG, JPEG, WebP or AVIF image (judged from its bytes)',
              ),
              422: problem(
                422,
                'image_unreadable',
                'The file does not decode as the image it claims to be (damaged, cut off or forged), or the colour is not one of the product’s (`unknown_color`)',
              ),
            },
          },
        },
        async (request, reply) => {
          const { file, color, alt } = request.body;
          const { created, images: items } = await images.upload(
            contextOf(request),
            request.params.id,
            { bytes: file, color, alt },
          );
          return reply.status(created ? 201 : 200).send({ items });
        },
      );

      typed.patch(
        '/admin/products/:id/images/order',
        {
          config: admin,
          schema: {
            tags: ['admin'],
            operationId: 'adminReorderProductImages',
            summary: 'Put the images of one colour in a new order',
            description:
              '`imageIds` lists every image of that colour once, first shown first. The colour keeps its places among the product’s other images. Retires cached product pages at once.',
            params: productParams,
            body: z.strictObject({
              color: z.string().trim().min(1).max(60),
              imageIds: z.array(z.uuid()).min(1).max(200),
            }),
            response: {
              200: imageListSchema,
              ...problemResponses(404),
              422: problem(
                422,
                'image_order_mismatch',
                'The ids are not exactly the images of that colour, or the colour is unknown',
              ),
            },
          },
        },
        async (request) => ({
          items: await images.reorder(contextOf(request), request.params.id, request.body),
        }),
      );

      typed.put(
        '/admin/products/:id/images/:imageId/main',
        {
          config: admin,
          schema: {
            tags: ['admin'],
            operationId: 'adminSetMainProductImage',
            summary: 'Make an image its colour’s main image',
            description:
              'The main image is shown first for its colour, and on the product’s card when the colour is the product’s first. Until the team chooses, a colour’s first photo is its main image, before the drawn illustration. Answers with the product’s images. Audited; retires cached product pages at once.',
            params: z.object({ id: z.uuid(), imageId: z.uuid() }),
            response: { 200: imageListSchema, ...problemResponses(404) },
          },
        },
        async (request) => ({
          items: await images.setMain(
            contextOf(request),
            request.params.id,
            request.params.imageId,
          ),
        }),
      );

      typed.delete(
        '/admin/products/:id/images/:imageId',
        {
          config: admin,
          schema: {
            tags: ['admin'],
            operationId: 'adminDeleteProductImage',
            summary: 'Remove an image from a product',
            description:
              'Answers with the product’s remaining images. The stored file goes too once no image uses it.',
            params: z.object({ id: z.uuid(), imageId: z.uuid() }),
            response: { 200: imageListSchema, ...problemResponses(404) },
          },
        },
        async (request) => ({
          items: await images.remove(contextOf(request), request.params.id, request.params.imageId),
        }),
      );
    },
    { prefix: apiPrefix },
  );
}
