import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, call, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../app/states';
import { useFlatCategories } from './categories';
import { adminKeys } from './api';
import { fromMinor, listOf, toMinor } from './ui';

type AdminProduct = Schemas['AdminProduct'];
type Field =
  | 'name'
  | 'slug'
  | 'description'
  | 'gender'
  | 'category'
  | 'price'
  | 'compareAtPrice'
  | 'colors'
  | 'sizes'
  | 'onHand';
const genders = [
  ['women', 'Women'],
  ['men', 'Men'],
  ['kids', 'Kids'],
  ['unisex', 'Unisex'],
] as const;

/**
 * The product's own fields, to create one (with its colours, sizes and starting stock, one variant
 * each) or to edit one. Checked before sending; the API's field problems show beside the fields.
 */
export function ProductForm({ product }: { product?: AdminProduct }) {
  const creating = !product;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const categories = useFlatCategories();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<Record<Field, string>>({
    name: product?.name ?? '',
    slug: product?.slug ?? '',
    description: product?.description ?? '',
    gender: product?.gender ?? 'women',
    category: product?.categoryId ?? '',
    price: fromMinor(product?.price.amount),
    compareAtPrice: fromMinor(product?.compareAtPrice?.amount),
    colors: product?.colors.join(', ') ?? '',
    sizes: product?.sizes.join(', ') ?? '',
    onHand: '0',
  });
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});

  const save = useMutation({
    mutationFn: async () => {
      const price = toMinor(values.price)!;
      const compareAt = values.compareAtPrice.trim() ? toMinor(values.compareAtPrice) : null;
      const common = {
        name: values.name.trim(),
        description: values.description,
        gender: values.gender as AdminProduct['gender'],
        category: values.category,
        price,
      };
      if (creating) {
        return call(
          api.POST('/api/v1/admin/products', {
            body: {
              ...common,
              ...(values.slug.trim() ? { slug: values.slug.trim() } : {}),
              ...(compareAt !== null ? { compareAtPrice: compareAt } : {}),
              colors: listOf(values.colors),
              sizes: listOf(values.sizes),
              onHand: Number(values.onHand),
            },
          }),
        );
      }
      // Only what changed: a price sent again would reset variants priced on their own.
      const changed = {
        ...(common.name !== product.name ? { name: common.name } : {}),
        ...(values.slug.trim() !== product.slug ? { slug: values.slug.trim() } : {}),
        ...(common.description !== product.description ? { description: common.description } : {}),
        ...(common.gender !== product.gender ? { gender: common.gender } : {}),
        ...(common.category !== product.categoryId ? { category: common.category } : {}),
        ...(price !== product.price.amount ? { price } : {}),
        ...(compareAt !== (product.compareAtPrice?.amount ?? null)
          ? { compareAtPrice: compareAt }
          : {}),
      };
      if (Object.keys(changed).length === 0) return product;
      return call(
        api.PATCH('/api/v1/admin/products/{id}', {
          params: { path: { id: product.id } },
          body: changed,
        }),
      );
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(adminKeys.product(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: adminKeys.products });
      if (creating) navigate(`/admin/products/${saved.id}`);
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) return;
      const fromApi: Partial<Record<Field, string>> = {};
      for (const field of Object.keys(values) as Field[]) {
        const message = error.fieldMessage(field);
        if (message) fromApi[field] = message;
      }
      if (error.code === 'slug_taken') fromApi.slug = error.message;
      setProblems(fromApi);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    if (!values.name.trim()) found.name = 'Required.';
    if (!values.category) found.category = 'Choose a category.';
    const price = toMinor(values.price);
    if (price === null) found.price = 'Enter a price like 49.99.';
    if (values.compareAtPrice.trim()) {
      const compareAt = toMinor(values.compareAtPrice);
      if (compareAt === null) found.compareAtPrice = 'Enter a price like 59.99.';
      else if (price !== null && compareAt <= price)
        found.compareAtPrice = 'Must be above the price.';
    }
    if (creating) {
      if (listOf(values.colors).length === 0) found.colors = 'At least one colour.';
      if (listOf(values.sizes).length === 0) found.sizes = 'At least one size.';
      if (!/^\d{1,6}$/.test(values.onHand.trim())) found.onHand = 'A whole number of units.';
    }
    setProblems(found);
    if (Object.keys(found).length) {
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    save.mutate();
  }

  const field = (
    name: Field,
    label: string,
    input: (props: {
      id: string;
      'aria-invalid'?: true;
      'aria-describedby'?: string;
    }) => React.ReactNode,
    hint?: string,
  ) => (
    <div className="field">
      <label htmlFor={`product-${name}`}>{label}</label>
      {input({
        id: `product-${name}`,
        ...(problems[name]
          ? { 'aria-invalid': true as const, 'aria-describedby': `product-${name}-error` }
          : {}),
      })}
      {hint && <p className="field-hint">{hint}</p>}
      {problems[name] && (
        <p className="field-error" id={`product-${name}-error`}>
          {problems[name]}
        </p>
      )}
    </div>
  );
  const text = (name: Field) => ({
    value: values[name],
    onChange: (e: { target: { value: string } }) =>
      setValues({ ...values, [name]: e.target.value }),
  });

  return (
    <form
      ref={formRef}
      className="form admin-form"
      onSubmit={submit}
      noValidate
      aria-label={creating ? 'New product' : 'Product details'}
    >
      <div className="admin-form__grid">
        {field('name', 'Name', (p) => (
          <input {...p} {...text('name')} />
        ))}
        {field(
          'slug',
          'Slug',
          (p) => (
            <input {...p} {...text('slug')} />
          ),
          creating
            ? 'Left empty: made from the name.'
            : 'Changing it changes the product’s address.',
        )}
        {field('gender', 'Gender', (p) => (
          <select {...p} {...text('gender')}>
            {genders.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        ))}
        {field('category', 'Category', (p) => (
          <select {...p} {...text('category')}>
            <option value="">Choose…</option>
            {(categories.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.path}
              </option>
            ))}
          </select>
        ))}
        {field(
          'price',
          'Price ($)',
          (p) => (
            <input {...p} inputMode="decimal" {...text('price')} />
          ),
          creating ? undefined : 'Sets the price of every variant.',
        )}
        {field(
          'compareAtPrice',
          'Compare-at price ($)',
          (p) => (
            <input {...p} inputMode="decimal" {...text('compareAtPrice')} />
          ),
          'The price before a markdown; empty for none.',
        )}
        {creating &&
          field(
            'colors',
            'Colours',
            (p) => <input {...p} {...text('colors')} />,
            'Separated by commas, e.g. Black, Volt Green.',
          )}
        {creating &&
          field(
            'sizes',
            'Sizes',
            (p) => <input {...p} {...text('sizes')} />,
            'Separated by commas, e.g. S, M, L.',
          )}
        {creating &&
          field('onHand', 'Units on hand of each variant', (p) => (
            <input {...p} inputMode="numeric" {...text('onHand')} />
          ))}
      </div>
      {field('description', 'Description', (p) => (
        <textarea {...p} rows={5} {...text('description')} />
      ))}
      {save.isError && !Object.keys(problems).length && (
        <ErrorNotice error={save.error} title="Not saved." />
      )}
      {save.isSuccess && !creating && (
        <p role="status" className="notice notice--success">
          Saved.
        </p>
      )}
      <div className="form__actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {creating ? 'Create product' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
