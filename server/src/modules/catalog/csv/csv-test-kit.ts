import { randomBytes } from 'node:crypto';
import type { Backend } from '../../../../test/harness.js';
import { checkoutKit } from '../../../../test/kits/checkout.js';
import { catalogCsvColumns } from './csv-format.js';

/** What the catalog CSV tests share: a store (the checkout kit's), and export and import calls. */

export const header = catalogCsvColumns.join(',');

export interface InvalidImport {
  code: string;
  errors: { path: string; message: string }[];
  rows: { line: number; sku?: string; errors: { field: string; message: string }[] }[];
}

export function csvCatalogKit(backend: Backend) {
  const kit = checkoutKit(backend);
  const unique = () => randomBytes(3).toString('hex');
  const exportCsv = (headers: Record<string, string> = kit.admin()) =>
    kit.ctx.store.app.inject({ url: '/api/v1/admin/products/export.csv', headers });
  const importCsv = (
    text: string,
    dryRun: boolean,
    headers: Record<string, string> = kit.admin(),
  ) =>
    kit.ctx.store.app.inject({
      method: 'POST',
      url: `/api/v1/admin/products/import?dryRun=${dryRun}`,
      payload: text,
      headers: { ...headers, 'content-type': 'text/csv; charset=utf-8' },
    });
  return { ...kit, unique, exportCsv, importCsv };
}
