import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, call, type Schemas } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorNotice } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { adminKeys, adminQueries } from './api';
import { fromMinor, ListBody, LoadMore, Panel, toMinor, useCursorList, when } from './ui';

type Discount = Schemas['Discount'];
type DiscountChange =
  paths['/api/v1/admin/discounts/{id}']['patch']['requestBody']['content']['application/json'];
type NewDiscountBody =
  paths['/api/v1/admin/discounts']['post']['requestBody']['content']['application/json'];

const describe = (d: Discount) =>
  d.kind === 'percent'
    ? `${d.value}% off`
    : `${formatMoney({ amount: d.value, currency: d.currency })} off`;

function NewDiscount() {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    code: '',
    kind: 'percent' as Discount['kind'],
    value: '',
    minSubtotal: '',
    usageLimit: '',
    endsAt: '',
  });
  const [problem, setProblem] = useState('');
  const create = useMutation({
    mutationFn: (body: NewDiscountBody) => call(api.POST('/api/v1/admin/discounts', { body })),
    onSuccess: () => {
      setForm({
        code: '',
        kind: 'percent',
        value: '',
        minSubtotal: '',
        usageLimit: '',
        endsAt: '',
      });
      void queryClient.invalidateQueries({ queryKey: adminKeys.discounts });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    const code = form.code.trim().toUpperCase();
    if (!/^[A-Z0-9_-]{3,32}$/.test(code))
      return setProblem('The code: 3–32 letters, digits, - or _.');
    const value = form.kind === 'percent' ? Number(form.value) : toMinor(form.value);
    if (
      value === null ||
      !Number.isInteger(value) ||
      value <= 0 ||
      (form.kind === 'percent' && value > 100)
    )
      return setProblem(
        form.kind === 'percent' ? 'A whole percentage from 1 to 100.' : 'An amount like 10.00.',
      );
    const minSubtotal = form.minSubtotal.trim() ? toMinor(form.minSubtotal) : 0;
    if (minSubtotal === null)
      return setProblem('The minimum order: an amount like 50.00, or empty.');
    const usageLimit = form.usageLimit.trim() ? Number(form.usageLimit) : undefined;
    if (usageLimit !== undefined && (!Number.isInteger(usageLimit) || usageLimit < 1))
      return setProblem('The usage limit: a whole number, or empty for none.');
    setProblem('');
    create.mutate({
      code,
      kind: form.kind,
      value,
      minSubtotal,
      ...(usageLimit ? { usageLimit } : {}),
      ...(form.endsAt ? { endsAt: new Date(`${form.endsAt}T23:59:59Z`).toISOString() } : {}),
    });
  }
  const input = (
    name: 'code' | 'value' | 'minSubtotal' | 'usageLimit' | 'endsAt',
    label: string,
    type = 'text',
  ) => (
    <div className="field">
      <label htmlFor={`discount-${name}`}>{label}</label>
      <input
        id={`discount-${name}`}
        type={type}
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
    </div>
  );
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label="New discount">
      {input('code', 'Code')}
      <div className="field">
        <label htmlFor="discount-kind">Kind</label>
        <select
          id="discount-kind"
          value={form.kind}
          onChange={(e) => setForm({ ...form, kind: e.target.value as Discount['kind'] })}
        >
          <option value="percent">Percent off</option>
          <option value="fixed">Amount off</option>
        </select>
      </div>
      {input('value', form.kind === 'percent' ? 'Percent' : 'Amount ($)')}
      {input('minSubtotal', 'Minimum order ($)')}
      {input('usageLimit', 'Uses at most')}
      {input('endsAt', 'Ends on', 'date')}
      <button type="submit" className="button button--small" disabled={create.isPending}>
        Create discount
      </button>
      <p className="field-error" role={problem || create.isError ? 'alert' : undefined}>
        {problem ||
          (create.error instanceof ApiError
            ? create.error.fieldErrors.map((e) => e.message).join('; ') || create.error.message
            : '')}
      </p>
    </form>
  );
}

/** Change what a discount gives and its limits; the code and kind stay (orders name them). */
function EditDiscount({ discount, onDone }: { discount: Discount; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    value: discount.kind === 'percent' ? String(discount.value) : fromMinor(discount.value),
    minSubtotal: discount.minSubtotal.amount ? fromMinor(discount.minSubtotal.amount) : '',
    usageLimit: discount.usageLimit ? String(discount.usageLimit) : '',
    endsAt: discount.endsAt ? discount.endsAt.slice(0, 10) : '',
  });
  const [problem, setProblem] = useState('');
  const save = useMutation({
    mutationFn: (body: DiscountChange) =>
      call(
        api.PATCH('/api/v1/admin/discounts/{id}', { params: { path: { id: discount.id } }, body }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.discounts });
      onDone();
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    const value = discount.kind === 'percent' ? Number(form.value) : toMinor(form.value);
    if (
      value === null ||
      !Number.isInteger(value) ||
      value <= 0 ||
      (discount.kind === 'percent' && value > 100)
    )
      return setProblem(
        discount.kind === 'percent' ? 'A whole percentage from 1 to 100.' : 'An amount like 10.00.',
      );
    const minSubtotal = form.minSubtotal.trim() ? toMinor(form.minSubtotal) : 0;
    if (minSubtotal === null)
      return setProblem('The minimum order: an amount like 50.00, or empty.');
    const usageLimit = form.usageLimit.trim() ? Number(form.usageLimit) : null;
    if (usageLimit !== null && (!Number.isInteger(usageLimit) || usageLimit < 1))
      return setProblem('The usage limit: a whole number, or empty for none.');
    setProblem('');
    save.mutate({
      value,
      minSubtotal,
      usageLimit,
      endsAt: form.endsAt ? new Date(`${form.endsAt}T23:59:59Z`).toISOString() : null,
    });
  }
  const input = (name: keyof typeof form, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`edit-${discount.id}-${name}`}>{label}</label>
      <input
        id={`edit-${discount.id}-${name}`}
        type={type}
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
    </div>
  );
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label={`Edit ${discount.code}`}>
      {input('value', discount.kind === 'percent' ? 'Percent' : 'Amount ($)')}
      {input('minSubtotal', 'Minimum order ($)')}
      {input('usageLimit', 'Uses at most')}
      {input('endsAt', 'Ends on', 'date')}
      <button type="submit" className="button button--small" disabled={save.isPending}>
        Save {discount.code}
      </button>
      <button type="button" className="button button--secondary button--small" onClick={onDone}>
        Cancel
      </button>
      <p className="field-error" role={problem || save.isError ? 'alert' : undefined}>
        {problem || (save.error ? save.error.message : '')}
      </p>
    </form>
  );
}

function ActiveToggle({ discount }: { discount: Discount }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/v1/admin/discounts/{id}', {
          params: { path: { id: discount.id } },
          body: { active: !discount.active },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: adminKeys.discounts }),
  });
  return (
    <>
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => toggle.mutate()}
        disabled={toggle.isPending}
      >
        {discount.active ? 'Deactivate' : 'Activate'}
        <span className="visually-hidden"> {discount.code}</span>
      </button>
      {toggle.isError && <ErrorNotice error={toggle.error} />}
    </>
  );
}

export default function DiscountsPage() {
  useDocumentTitle('Discounts · Admin');
  const [editing, setEditing] = useState<string | null>(null);
  const discounts = useCursorList(adminQueries.discounts());
  return (
    <>
      <h1>Discounts</h1>
      <Panel title="New discount">
        <NewDiscount />
      </Panel>
      <ListBody list={discounts} what="discounts">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Gives</th>
              <th scope="col">Minimum order</th>
              <th scope="col">Used</th>
              <th scope="col">Ends</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {discounts.items.map((d) =>
              editing === d.id ? (
                <tr key={d.id}>
                  <td>{d.code}</td>
                  <td colSpan={6}>
                    <EditDiscount discount={d} onDone={() => setEditing(null)} />
                  </td>
                </tr>
              ) : (
                <tr key={d.id}>
                  <td>{d.code}</td>
                  <td>{describe(d)}</td>
                  <td>{d.minSubtotal.amount ? formatMoney(d.minSubtotal) : '—'}</td>
                  <td>
                    {d.timesUsed}
                    {d.usageLimit ? ` of ${d.usageLimit}` : ''}
                  </td>
                  <td>{when(d.endsAt)}</td>
                  <td>{d.active ? 'Active' : 'Inactive'}</td>
                  <td>
                    <button type="button" className="link-button" onClick={() => setEditing(d.id)}>
                      Edit<span className="visually-hidden"> {d.code}</span>
                    </button>{' '}
                    <ActiveToggle discount={d} />
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </ListBody>
      <LoadMore list={discounts} label="Load more discounts" />
    </>
  );
}
