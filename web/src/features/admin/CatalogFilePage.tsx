import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, call, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { Panel } from './ui';

type Summary = Schemas['CatalogImportSummary'];
interface BadRow {
  line: number;
  sku?: string;
  errors: { field: string; message: string }[];
}

/** The bad rows an import was refused for (422 `import_invalid`), as the API listed them. */
const badRowsOf = (error: unknown): BadRow[] | null =>
  error instanceof ApiError && error.code === 'import_invalid' && Array.isArray(error.problem.rows)
    ? (error.problem.rows as BadRow[])
    : null;

function Counts({ summary }: { summary: Summary }) {
  const { products, variants } = summary;
  return (
    <p role="status" data-testid="import-summary">
      {summary.dryRun ? 'Would create' : 'Created'} {products.created} products and{' '}
      {variants.created} variants; {summary.dryRun ? 'would update' : 'updated'} {products.updated}{' '}
      products and {variants.updated} variants; {summary.stockChanged} stock levels{' '}
      {summary.dryRun ? 'would change' : 'changed'}. {summary.rows} rows read.
    </p>
  );
}

/**
 * The catalog as one CSV file: export it, or import one (a check first, which stores nothing; the
 * import itself is all or nothing).
 */
export default function CatalogFilePage() {
  useDocumentTitle('Catalog file · Admin');
  const fileRef = useRef<HTMLInputElement>(null);
  const [checked, setChecked] = useState<{ text: string; name: string } | null>(null);
  const [problem, setProblem] = useState('');

  const download = useMutation({
    mutationFn: async () => {
      const { data, error, response } = await api.GET('/api/v1/admin/products/export.csv', {
        parseAs: 'blob',
      });
      if (!response.ok || !data) throw new ApiError((error ?? {}) as object, response.status);
      const url = URL.createObjectURL(data as Blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `catalog-${new Date().toISOString().slice(0, 10)}.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
  const run = useMutation({
    mutationFn: ({ text, dryRun }: { text: string; dryRun: boolean }) =>
      call(
        api.POST('/api/v1/admin/products/import', {
          params: { query: { dryRun: dryRun ? 'true' : 'false' } },
          body: text,
          bodySerializer: (body) => body,
          headers: { 'content-type': 'text/csv' },
        }),
      ),
  });

  async function check() {
    const file = fileRef.current?.files?.[0];
    if (!file) return setProblem('Choose a CSV file.');
    setProblem('');
    const text = await file.text();
    setChecked({ text, name: file.name });
    run.mutate({ text, dryRun: true });
  }

  const bad = badRowsOf(run.error);
  const summary = run.data;
  return (
    <>
      <p>
        <Link to="/admin/products">← Products</Link>
      </p>
      <h1>Catalog file</h1>
      <Panel title="Export">
        <p>Every product's variants, one row each, with prices and stock on hand.</p>
        <button
          type="button"
          className="button button--small"
          onClick={() => download.mutate()}
          disabled={download.isPending}
        >
          Download CSV
        </button>
        {download.isError && <ErrorNotice error={download.error} title="Not downloaded." />}
      </Panel>
      <Panel title="Import">
        <p>
          Columns as the export writes them. New products and variants are created, known ones (by
          slug and SKU) updated; nothing is deleted. Check the file first: a check stores nothing.
        </p>
        <div className="inline-form">
          <div className="field">
            <label htmlFor="catalog-file">CSV file</label>
            <input
              id="catalog-file"
              ref={fileRef}
              type="file"
              accept=".csv,text/csv"
              onChange={() => setChecked(null)}
            />
          </div>
          <button
            type="button"
            className="button button--small"
            onClick={() => void check()}
            disabled={run.isPending}
          >
            Check the file
          </button>
        </div>
        <p className="field-error" role={problem ? 'alert' : undefined}>
          {problem}
        </p>
        {bad && (
          <div role="alert" className="notice notice--error">
            <p>
              <strong>Nothing was stored.</strong>{' '}
              {String(
                run.error instanceof ApiError
                  ? (run.error.problem.invalidLines ?? bad.length)
                  : bad.length,
              )}{' '}
              rows need fixing:
            </p>
            <ul className="plain-list" data-testid="bad-rows">
              {bad.map((row) => (
                <li key={row.line}>
                  Line {row.line}
                  {row.sku ? ` (${row.sku})` : ''}:{' '}
                  {row.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}
                </li>
              ))}
            </ul>
          </div>
        )}
        {run.isError && !bad && <ErrorNotice error={run.error} title="Not imported." />}
        {summary && <Counts summary={summary} />}
        {summary?.dryRun && checked && (
          <button
            type="button"
            className="button"
            onClick={() => run.mutate({ text: checked.text, dryRun: false })}
            disabled={run.isPending}
          >
            Import {checked.name}
          </button>
        )}
      </Panel>
    </>
  );
}
