import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { listingQuery } from '../features/catalog/api';
import { formatMoney } from '../lib/money';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * The header's search: suggestions as the shopper types (a short, debounced product search), arrow
 * keys to move through them, Enter to open one or to search for the text.
 */
export function SearchBox() {
  const [params] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const navigate = useNavigate();
  const listId = useId();
  const query = useDebounced(text.trim(), 250);

  const suggestions = useQuery({
    ...listingQuery({ q: query, limit: 6 }),
    enabled: query.length >= 2,
    staleTime: 60_000,
  });
  const items = query.length >= 2 ? (suggestions.data?.items ?? []) : [];
  const showList = open && items.length > 0;

  function submit(event: FormEvent) {
    event.preventDefault();
    setOpen(false);
    if (active >= 0 && items[active]) {
      navigate(`/products/${items[active].slug}`);
      return;
    }
    const q = text.trim();
    if (q) navigate(`/search?q=${encodeURIComponent(q)}`);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' && items.length) {
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i + 1) % items.length);
    } else if (event.key === 'ArrowUp' && items.length) {
      event.preventDefault();
      setActive((i) => (i <= 0 ? items.length - 1 : i - 1));
    } else if (event.key === 'Escape') {
      setOpen(false);
      setActive(-1);
    }
  }

  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor={`${listId}-input`} className="visually-hidden">
        Search products
      </label>
      <input
        id={`${listId}-input`}
        type="search"
        name="q"
        placeholder="Search"
        autoComplete="off"
        value={text}
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="search__submit" aria-label="Search">
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M20 20l-4-4" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      </button>
      <ul id={listId} role="listbox" className="search__list" hidden={!showList}>
        {items.map((item, index) => (
          <li
            key={item.id}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            className="search__option"
            onMouseDown={(event) => {
              event.preventDefault();
              setOpen(false);
              navigate(`/products/${item.slug}`);
            }}
          >
            <span>{item.name}</span>
            <span className="search__price">{formatMoney(item.price)}</span>
          </li>
        ))}
      </ul>
    </form>
  );
}
