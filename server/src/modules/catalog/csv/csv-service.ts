import type { Readable } from 'node:stream';
import type { Context } from '../../../platform/context.js';
import type { CatalogImportDeps, ImportSummary } from './csv-import.js';

/**
 * The catalog CSV's import and export. Their code (with the CSV parser and writer) is loaded on
 * first use: most API processes never move a catalog file, and it would otherwise stay in memory
 * from start.
 */
export function createCatalogCsvService(deps: CatalogImportDeps) {
  let importing:
    Promise<ReturnType<typeof import('./csv-import.js').createCatalogImport>> | undefined;
  return {
    /** Check a catalog CSV (UTF-8 bytes) and, unless `dryRun`, store it: all of it, or nothing. */
    async import(
      ctx: Context,
      file: Uint8Array,
      options: { dryRun: boolean },
    ): Promise<ImportSummary> {
      importing ??= import('./csv-import.js').then(({ createCatalogImport }) =>
        createCatalogImport(deps),
      );
      return (await importing).run(ctx, file, options);
    },
    /** Every product's variants as the catalog CSV, streamed. */
    async export(): Promise<Readable> {
      const { catalogCsvStream } = await import('./csv-export.js');
      return catalogCsvStream(deps.db);
    },
  };
}

export type CatalogCsvService = ReturnType<typeof createCatalogCsvService>;
