import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../../platform/config.js';
import { UnsupportedMedia } from '../../../platform/errors.js';
import { contextOf } from '../../../platform/http/auth.js';
import { problemSchema } from '../../../platform/http/problem.js';
import { apiPrefix } from '../../../platform/module.js';
import { catalogCsvColumns } from './csv-columns.js';
import type { CatalogCsvService } from './csv-service.js';

export interface CatalogCsvRouteOptions {
  config: Pick<Config, 'CATALOG_IMPORT_MAX_BYTES'>;
  catalogCsv: CatalogCsvService;
}

const counts = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});

const importSummarySchema = z
  .object({
    dryRun: z.boolean().describe('true: nothing was stored; the counts say what would be'),
    rows: z.number().int(),
    products: counts,
    variants: counts.describe('`updated` counts a change of stock on hand too'),
    stockChanged: z.number().int().describe('Variants whose units on hand changed'),
    items: z.array(
      z.object({
        slug: z.string(),
        action: z.enum(['create', 'update', 'unchanged']),
        variants: counts,
      }),
    ),
  })
  .meta({ id: 'CatalogImportSummary' });

const invalidImportSchema = problemSchema
  .extend({
    rows: z.array(
      z.object({
        line: z.number().int(),
        sku: z.string().optional(),
        errors: z.array(z.object({ field: z.string(), message: z.string() })),
      }),
    ),
    invalidLines: z.number().int(),
  })
  .meta({
    description:
      'Rows are not valid; nothing was stored. `rows` lists each bad line (the header is line 1) with a message per field; `errors` says the same as `line N.field` paths.',
    examples: [
      {
        type: 'https://stride.dev/problems/import-invalid',
        title: 'Unprocessable Content',
        status: 422,
        code: 'import_invalid',
        detail: 'One line has problems; nothing was stored.',
        errors: [{ path: 'line 3.price', message: '"12.345" has 3 decimals; USD has 2' }],
        rows: [
          {
            line: 3,
            sku: 'TEE-BLK-M',
            errors: [{ field: 'price', message: '"12.345" has 3 decimals; USD has 2' }],
          },
        ],
        invalidLines: 1,
      },
    ],
  });

const columnList = catalogCsvColumns.map((c) => `\`${c}\``).join(', ');

/** A body that says it is in another charset is not read as UTF-8 against its word. */
function assertUtf8(contentType: string | undefined) {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return;
  throw new UnsupportedMedia(
    'unsupported_charset',
    `The file is declared as ${charset}; send it as UTF-8 (charset=utf-8, or no charset).`,
  );
}

/** The catalog CSV for moving a catalog in and out (`csv-format.ts` describes the format). */
export async function catalogCsvRoutes(app: FastifyInstance, options: CatalogCsvRouteOptions) {
  const { catalogCsv } = options;

  await app.register(
    async (api) => {
      // Only here does the API read a body that is not JSON. The bytes go to the import as they
      // came: it decodes them, and refuses a file that is not UTF-8 instead of guessing.
      api.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_request, body, done) =>
        done(null, body),
      );
      const typed = api.withTypeProvider<ZodTypeProvider>();

      const exportCsv = {
        config: { auth: 'admin' as const },
        schema: {
          tags: ['admin'],
          operationId: 'adminExportProducts',
          summary: 'Every product’s variants as CSV',
          description: `One row per variant, archived products included, columns ${columnList}. Prices are decimals in major units (\`49.99\`). A text cell that starts with \`=\`, \`+\`, \`-\`, \`@\`, a tab or a carriage return is written with a leading \`'\` so a spreadsheet does not run it as a formula; an import takes that quote off again. Streamed: a large catalog costs no more memory than a small one.`,
          response: {
            200: {
              description: 'The catalog CSV (UTF-8, CRLF line ends)',
              content: { 'text/csv': { schema: z.string() } },
            },
          },
        },
      };
      const sendExport = async (_request: unknown, reply: FastifyReply) => {
        const csv = await catalogCsv.export();
        const date = new Date().toISOString().slice(0, 10);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="products-${date}.csv"`)
          .header('cache-control', 'no-store')
          .send(csv);
      };
      typed.get('/admin/products/export.csv', exportCsv, sendExport);
      // The name the API contract gives it; the same operation.
      typed.get(
        '/admin/products/export',
        { ...exportCsv, schema: { ...exportCsv.schema, hide: true } },
        sendExport,
      );

      typed.post(
        '/admin/products/import',
        {
          config: { auth: 'admin' },
          bodyLimit: options.config.CATALOG_IMPORT_MAX_BYTES,
          schema: {
            tags: ['admin'],
            operationId: 'adminImportProducts',
            summary: 'Create and update products and variants from CSV',
            description: `Body: \`text/csv\` in UTF-8 (a byte-order mark allowed; other bytes are 422 \`import_invalid\` on line 1, field \`file\`), the format \`GET /admin/products/export.csv\` writes, at most CATALOG_IMPORT_MAX_BYTES and CATALOG_IMPORT_MAX_ROWS rows (413). The header names the columns, in any order: ${columnList}; \`description\`, \`status\` and \`compare_at_price\` may be left out (an existing product or variant keeps its own). Products are matched by \`product_slug\`, variants by \`sku\`; new ones are created, existing ones updated, nothing is deleted. Every row is checked first, each field by the rule the JSON API applies to it (a product has at most 300 variants and 30 colours and sizes; a variant that orders hold keeps its size and colour): if any is bad, the answer is 422 \`import_invalid\` listing each bad line, and nothing is stored. With \`dryRun=true\` nothing is stored either way and the answer says what would change. One audit entry records the counts.`,
            consumes: ['text/csv'],
            querystring: z.strictObject({
              dryRun: z
                .enum(['true', 'false'])
                .default('false')
                .transform((value) => value === 'true'),
            }),
            body: z
              .instanceof(Buffer)
              .meta({ type: 'string', description: 'The catalog CSV (UTF-8)' }),
            response: {
              200: importSummarySchema,
              413: problemSchema.extend({}).meta({
                description: `Over CATALOG_IMPORT_MAX_BYTES (\`payload_too_large\`), or over CATALOG_IMPORT_MAX_ROWS rows (\`import_too_many_rows\`, with \`maxRows\`)`,
              }),
              415: problemSchema.extend({}).meta({
                description:
                  'The body is not `text/csv`, or declares a charset other than UTF-8 (`unsupported_charset`)',
              }),
              422: invalidImportSchema,
            },
          },
        },
        async (request) => {
          assertUtf8(request.headers['content-type']);
          const { dryRun } = request.query;
          return catalogCsv.import(contextOf(request), request.body, { dryRun });
        },
      );
    },
    { prefix: apiPrefix },
  );
}
