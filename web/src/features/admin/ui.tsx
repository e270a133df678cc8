import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { Money } from '../../api/client';
import { Empty, ErrorNotice, Loading } from '../../app/states';
import { formatMoney } from '../../lib/money';
import type { CursorListOptions } from './api';

export const dateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});
export const when = (iso: string | null | undefined) =>
  iso ? dateTime.format(new Date(iso)) : '—';
export const money = (amount: number, currency = 'USD') =>
  formatMoney({ amount, currency } satisfies Money);

/** A list's filters live in the URL, so a filtered view can be shared and survives a reload. */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(keys.map((key) => [key, params.get(key) ?? ''])) as Record<
    K,
    string
  >;
  const set = (next: Partial<Record<K, string>>) => {
    const merged = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next) as [K, string][]) {
      if (value) merged.set(key, value);
      else merged.delete(key);
    }
    setParams(merged);
  };
  return [values, set] as const;
}

/** A destructive action: the button asks once more, in the page, before it acts. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  pending,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  pending?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="button button--secondary"
        onClick={() => setAsking(true)}
        disabled={pending}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        className="button button--danger button--small"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes, {label.toLowerCase()}
      </button>
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => setAsking(false)}
        autoFocus
      >
        Keep it
      </button>
    </span>
  );
}

export function Panel({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const id = `panel-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section className="panel" aria-labelledby={id}>
      <div className="panel__head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** Every page of a cursor-paged list loaded so far as one list, and a way to load the next. */
export function useCursorList<Item>(options: CursorListOptions<Item>) {
  const list = useInfiniteQuery(options);
  return { ...list, items: list.data?.pages.flatMap((p) => p.items) ?? [] };
}

/** The button under a cursor-paged list. */
export function LoadMore({
  list,
  label,
}: {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  label: string;
}) {
  if (!list.hasNextPage) return null;
  return (
    <p>
      <button
        type="button"
        className="button button--secondary"
        onClick={() => void list.fetchNextPage()}
        disabled={list.isFetchingNextPage}
      >
        {list.isFetchingNextPage ? 'Loading…' : label}
      </button>
    </p>
  );
}

/** A list's loading, failure and empty states; its rows once there are some. */
export function ListBody({
  list,
  what,
  children,
}: {
  list: {
    isPending: boolean;
    isError: boolean;
    error: unknown;
    refetch: () => unknown;
    items: unknown[];
  };
  what: string;
  children: ReactNode;
}) {
  if (list.isPending) return <Loading label={`Loading ${what}…`} />;
  if (list.isError) return <ErrorNotice error={list.error} retry={() => void list.refetch()} />;
  if (list.items.length === 0) return <Empty title={`No ${what} match`} />;
  return <div className="table-wrap">{children}</div>;
}

/** A filter that picks one of a few values, or any. */
export function ChoiceFilter({
  label,
  value,
  choices,
  onChange,
}: {
  label: string;
  value: string;
  choices: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {choices.map(([choice, text]) => (
          <option key={choice} value={choice}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Dollars and cents as typed ("49", "49.9", "49.90") to integer cents, without floating point. */
export function toMinor(text: string): number | null {
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Cents to the text a price field shows ("49.90"). */
export const fromMinor = (minor: number | undefined | null) =>
  minor === undefined || minor === null
    ? ''
    : `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

/** A comma-separated list as typed ("S, M, L") to its values. */
export const listOf = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
