import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, call } from '../../api/client';
import { ErrorNotice, Loading } from '../../app/states';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { catalogKeys } from '../catalog/api';
import { useFlatCategories, type FlatCategory } from './categories';
import { Panel } from './ui';

function problemText(error: unknown) {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : '';
  return error.fieldErrors.length
    ? error.fieldErrors.map((e) => `${e.path.split('.').pop()}: ${e.message}`).join('; ')
    : error.message;
}

function CategoryRow({ category, all }: { category: FlatCategory; all: FlatCategory[] }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(category.name);
  const [parent, setParent] = useState(category.parentId ?? '');
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/v1/admin/categories/{id}', {
          params: { path: { id: category.id } },
          body: {
            ...(name.trim() !== category.name ? { name: name.trim() } : {}),
            ...(parent !== (category.parentId ?? '') ? { parent: parent || null } : {}),
          },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: catalogKeys.categories }),
  });
  const changed = name.trim() !== category.name || parent !== (category.parentId ?? '');
  return (
    <li style={{ paddingLeft: `${category.depth * 1.5}rem` }}>
      <form
        className="inline-form"
        aria-label={`Category ${category.path}`}
        onSubmit={(event) => {
          event.preventDefault();
          if (changed && name.trim()) save.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={`name-${category.id}`}>Name</label>
          <input
            id={`name-${category.id}`}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`parent-${category.id}`}>Under</label>
          <select
            id={`parent-${category.id}`}
            value={parent}
            onChange={(e) => setParent(e.target.value)}
          >
            <option value="">(top level)</option>
            {all
              .filter((c) => c.id !== category.id)
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {c.path}
                </option>
              ))}
          </select>
        </div>
        <span className="muted">/{category.slug}</span>
        <button
          type="submit"
          className="button button--small"
          disabled={!changed || save.isPending}
        >
          Save<span className="visually-hidden"> {category.name}</span>
        </button>
        {save.isError && <span className="field-error">{problemText(save.error)}</span>}
      </form>
    </li>
  );
}

export default function CategoriesPage() {
  useDocumentTitle('Categories · Admin');
  const queryClient = useQueryClient();
  const categories = useFlatCategories();
  const [form, setForm] = useState({ name: '', slug: '', parent: '' });
  const [problem, setProblem] = useState('');
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/admin/categories', {
          body: {
            name: form.name.trim(),
            slug: form.slug.trim(),
            ...(form.parent ? { parent: form.parent } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setForm({ name: '', slug: '', parent: '' });
      void queryClient.invalidateQueries({ queryKey: catalogKeys.categories });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!form.name.trim()) return setProblem('A name is required.');
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(form.slug.trim()))
      return setProblem(
        'The slug: lowercase letters and digits joined by hyphens, like trail-shoes.',
      );
    setProblem('');
    create.mutate();
  }
  if (categories.isPending) return <Loading label="Loading categories…" />;
  if (categories.isError)
    return <ErrorNotice error={categories.error} retry={() => categories.refetch()} />;
  return (
    <>
      <h1>Categories</h1>
      <Panel title="New category">
        <form className="inline-form" onSubmit={submit} noValidate aria-label="New category">
          <div className="field">
            <label htmlFor="category-name">Name</label>
            <input
              id="category-name"
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="category-slug">Slug</label>
            <input
              id="category-slug"
              value={form.slug}
              onChange={(e) => setForm({ ...form, slug: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="category-parent">Under</label>
            <select
              id="category-parent"
              value={form.parent}
              onChange={(e) => setForm({ ...form, parent: e.target.value })}
            >
              <option value="">(top level)</option>
              {categories.data.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.path}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--small" disabled={create.isPending}>
            Create category
          </button>
          <p className="field-error" role={problem ? 'alert' : undefined}>
            {problem || (create.isError ? problemText(create.error) : '')}
          </p>
        </form>
      </Panel>
      <Panel title="All categories">
        <ul className="category-admin-list">
          {categories.data.map((category) => (
            <CategoryRow
              key={`${category.id}-${category.name}-${category.parentId}`}
              category={category}
              all={categories.data}
            />
          ))}
        </ul>
      </Panel>
    </>
  );
}
