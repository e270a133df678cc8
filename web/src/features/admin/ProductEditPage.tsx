import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { ErrorNotice, isNotFound, Loading, NotFoundPage } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { ProductForm } from './ProductForm';
import { adminKeys, adminQueries } from './api';
import { ProductImages } from './ProductImages';
import { ProductVariants } from './ProductVariants';
import { ConfirmButton, Panel } from './ui';

export function NewProductPage() {
  useDocumentTitle('New product · Admin');
  return (
    <>
      <p>
        <Link to="/admin/products">← Products</Link>
      </p>
      <h1>New product</h1>
      <ProductForm />
    </>
  );
}

export default function ProductEditPage() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const product = useQuery(adminQueries.product(id));
  const archive = useMutation({
    mutationFn: (to: 'archive' | 'restore') =>
      to === 'archive'
        ? call(api.POST('/api/v1/admin/products/{id}/archive', { params: { path: { id } } }))
        : call(api.POST('/api/v1/admin/products/{id}/restore', { params: { path: { id } } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(adminKeys.product(id), saved);
      void queryClient.invalidateQueries({ queryKey: adminKeys.products });
    },
  });
  useDocumentTitle(product.data ? `${product.data.name} · Admin` : 'Product · Admin');
  if (product.isPending) return <Loading label="Loading the product…" />;
  if (product.isError)
    return isNotFound(product.error) ? (
      <NotFoundPage />
    ) : (
      <ErrorNotice error={product.error} retry={() => product.refetch()} />
    );
  const p = product.data;
  return (
    <>
      <p>
        <Link to="/admin/products">← Products</Link>
      </p>
      <h1>
        {p.name}{' '}
        <span
          className={`status status--${p.status === 'active' ? 'paid' : 'cancelled'}`}
          data-testid="product-status"
        >
          {p.status === 'active' ? 'Active' : 'Archived'}
        </span>
      </h1>
      <p className="muted">
        {p.status === 'active' ? (
          <Link to={`/products/${p.slug}`}>View in the store</Link>
        ) : (
          'Not shown in the store.'
        )}
      </p>
      <Panel title="Details">
        <ProductForm key={p.updatedAt} product={p} />
      </Panel>
      <Panel title="Variants and stock">
        <ProductVariants product={p} />
      </Panel>
      <Panel title="Images">
        <ProductImages product={p} />
      </Panel>
      <div className="danger-zone">
        {p.status === 'active' ? (
          <ConfirmButton
            label="Archive"
            question="Archive it? It leaves the store at once; orders keep their lines."
            onConfirm={() => archive.mutate('archive')}
            pending={archive.isPending}
          />
        ) : (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => archive.mutate('restore')}
            disabled={archive.isPending}
          >
            Restore to the store
          </button>
        )}
        {archive.isError && <ErrorNotice error={archive.error} />}
      </div>
    </>
  );
}
