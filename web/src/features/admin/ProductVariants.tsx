import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, call, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { toMinor } from './ui';
import { adminKeys } from './api';

type AdminProduct = Schemas['AdminProduct'];
type Variant = AdminProduct['variants'][number];

function StockCell({ product, variant }: { product: AdminProduct; variant: Variant }) {
  const queryClient = useQueryClient();
  const [onHand, setOnHand] = useState(String(variant.onHand));
  const set = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/v1/admin/variants/{id}/inventory', {
          params: { path: { id: variant.id } },
          body: { onHand: Number(onHand) },
        }),
      ),
    onSuccess: () =>
      void queryClient.invalidateQueries({ queryKey: adminKeys.product(product.id) }),
  });
  const valid = /^\d{1,6}$/.test(onHand.trim());
  return (
    <form
      className="stock-cell"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) set.mutate();
      }}
    >
      <label className="visually-hidden" htmlFor={`on-hand-${variant.id}`}>
        Units on hand of {variant.sku}
      </label>
      <input
        id={`on-hand-${variant.id}`}
        inputMode="numeric"
        value={onHand}
        aria-invalid={valid ? undefined : true}
        onChange={(e) => setOnHand(e.target.value)}
      />
      <button
        type="submit"
        className="button button--secondary button--small"
        disabled={!valid || set.isPending}
      >
        Set<span className="visually-hidden"> stock of {variant.sku}</span>
      </button>
      {set.isError && <span className="field-error">{set.error.message}</span>}
    </form>
  );
}

function AddVariant({ product }: { product: AdminProduct }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ sku: '', size: '', color: '', price: '', onHand: '0' });
  const [problem, setProblem] = useState('');
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/admin/products/{id}/variants', {
          params: { path: { id: product.id } },
          body: {
            sku: form.sku.trim(),
            size: form.size.trim(),
            color: form.color.trim(),
            price: toMinor(form.price)!,
            onHand: Number(form.onHand),
          },
        }),
      ),
    onSuccess: () => {
      setForm({ sku: '', size: '', color: '', price: '', onHand: '0' });
      void queryClient.invalidateQueries({ queryKey: adminKeys.product(product.id) });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!form.sku.trim() || !form.size.trim() || !form.color.trim())
      return setProblem('SKU, size and colour are required.');
    if (toMinor(form.price) === null) return setProblem('Enter a price like 49.99.');
    if (!/^\d{1,6}$/.test(form.onHand.trim())) return setProblem('Units on hand: a whole number.');
    setProblem('');
    add.mutate();
  }
  const input = (name: keyof typeof form, label: string) => (
    <div className="field">
      <label htmlFor={`new-variant-${name}`}>{label}</label>
      <input
        id={`new-variant-${name}`}
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
    </div>
  );
  const apiProblem = add.error instanceof ApiError ? add.error : null;
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label="Add a variant">
      {input('sku', 'SKU')}
      {input('size', 'Size')}
      {input('color', 'Colour')}
      {input('price', 'Price ($)')}
      {input('onHand', 'On hand')}
      <button type="submit" className="button button--small" disabled={add.isPending}>
        Add variant
      </button>
      <p className="field-error" role={problem ? 'alert' : undefined}>
        {problem ||
          apiProblem?.fieldErrors.map((e) => `${e.path.split('.').pop()}: ${e.message}`).join('; ')}
      </p>
      {add.isError && !apiProblem?.fieldErrors.length && (
        <ErrorNotice error={add.error} title="Not added." />
      )}
    </form>
  );
}

/** Every variant with its price and stock (on hand, reserved by open orders, available). */
export function ProductVariants({ product }: { product: AdminProduct }) {
  return (
    <>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Colour</th>
              <th scope="col">Size</th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col">On hand</th>
              <th scope="col" className="num">
                Reserved
              </th>
              <th scope="col" className="num">
                Available
              </th>
            </tr>
          </thead>
          <tbody>
            {product.variants.map((variant) => (
              <tr key={variant.id}>
                <td>{variant.sku}</td>
                <td>{variant.color}</td>
                <td>{variant.size}</td>
                <td className="num">{formatMoney(variant.price)}</td>
                <td>
                  <StockCell key={variant.onHand} product={product} variant={variant} />
                </td>
                <td className="num">{variant.reserved}</td>
                <td className="num">{variant.available}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <AddVariant product={product} />
    </>
  );
}
