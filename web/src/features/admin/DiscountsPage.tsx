import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormProvider, useForm, useFormContext, useWatch } from 'react-hook-form';
import { api, ApiError, call } from '../../api/client';
import { Field, SelectField } from '../../lib/forms';
import { ErrorNotice } from '../../app/states';
import { formatMoney } from '../../lib/money';
import { useDocumentTitle } from '../../lib/useDocumentTitle';
import { adminKeys, adminQueries } from './api';
import {
  discountTermsSchema,
  emptyNewDiscount,
  kindLabels,
  newDiscountBody,
  newDiscountSchema,
  termsBody,
  termsOf,
  valueLabel,
  type Discount,
  type DiscountChange,
  type DiscountKind,
  type NewDiscountBody,
  type TermsValues,
} from './discount-form';
import { ListBody, LoadMore, Panel, useCursorList, when } from './ui';

const describe = (d: Discount) =>
  d.kind === 'percent'
    ? `${d.value}% off`
    : `${formatMoney({ amount: d.value, currency: d.currency })} off`;

/** The API's answer to a refused write: its field problems, or its message. */
const apiProblem = (error: Error | null) =>
  error instanceof ApiError
    ? error.fieldErrors.map((e) => e.message).join('; ') || error.message
    : (error?.message ?? '');

/** Why the API refused the form's write, under it; announced when it appears. */
const Refusal = ({ problem }: { problem: string }) => (
  <p className="field-error" role={problem ? 'alert' : undefined}>
    {problem}
  </p>
);

/** The terms both forms have; every field's problem shows beside it, all at once. */
function TermsFields({ idPrefix, kind }: { idPrefix: string; kind: DiscountKind }) {
  const {
    register,
    formState: { errors },
  } = useFormContext<TermsValues>();
  const field = (name: keyof TermsValues, label: string, type = 'text') => (
    <Field
      {...register(name)}
      id={`${idPrefix}-${name}`}
      label={label}
      type={type}
      error={errors[name]?.message}
    />
  );
  return (
    <>
      {field('value', valueLabel(kind))}
      {field('minSubtotal', 'Minimum order ($)')}
      {field('usageLimit', 'Uses at most')}
      {field('endsAt', 'Ends on', 'date')}
    </>
  );
}

function NewDiscount() {
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(newDiscountSchema),
    defaultValues: emptyNewDiscount,
  });
  const kind = useWatch({ control: form.control, name: 'kind' });
  const create = useMutation({
    mutationFn: (body: NewDiscountBody) => call(api.POST('/api/v1/admin/discounts', { body })),
    onSuccess: () => {
      form.reset(emptyNewDiscount);
      void queryClient.invalidateQueries({ queryKey: adminKeys.discounts });
    },
  });
  const problem = apiProblem(create.error);
  return (
    <FormProvider {...form}>
      <form
        className="inline-form"
        onSubmit={(event) =>
          void form.handleSubmit((values) => create.mutate(newDiscountBody(values)))(event)
        }
        noValidate
        aria-label="New discount"
      >
        <Field
          {...form.register('code')}
          id="discount-code"
          label="Code"
          error={form.formState.errors.code?.message}
        />
        <SelectField {...form.register('kind')} id="discount-kind" label="Kind">
          {Object.entries(kindLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <TermsFields idPrefix="discount" kind={kind} />
        <button type="submit" className="button button--small" disabled={create.isPending}>
          Create discount
        </button>
        <Refusal problem={problem} />
      </form>
    </FormProvider>
  );
}

/** Change what a discount gives and its limits; the code and kind stay (orders name them). */
function EditDiscount({ discount, onDone }: { discount: Discount; onDone: () => void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(discountTermsSchema(discount.kind)),
    defaultValues: termsOf(discount),
  });
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
  const problem = save.error?.message ?? '';
  return (
    <FormProvider {...form}>
      <form
        className="inline-form"
        onSubmit={(event) =>
          void form.handleSubmit((terms) => save.mutate(termsBody(discount.kind, terms)))(event)
        }
        noValidate
        aria-label={`Edit ${discount.code}`}
      >
        <TermsFields idPrefix={`edit-${discount.id}`} kind={discount.kind} />
        <button type="submit" className="button button--small" disabled={save.isPending}>
          Save {discount.code}
        </button>
        <button type="button" className="button button--secondary button--small" onClick={onDone}>
          Cancel
        </button>
        <Refusal problem={problem} />
      </form>
    </FormProvider>
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
