import {
  type Bits,
  clearBit,
  copyInto,
  countAll,
  emptyBits,
  hasBit,
  intersectInto,
  resized,
  setBit,
  unionInto,
} from './bitmap.js';
import { createBlockCounter, createBlockReferences } from './facet-blocks.js';
import {
  clustered,
  pairKey,
  type CategoryLabel,
  type IndexFilter,
  type IndexListing,
  type IndexPosition,
  type IndexSort,
  type ProductFacts,
  type SearchMatch,
} from './facet-types.js';

export type {
  CategoryLabel,
  IndexFilter,
  IndexListing,
  IndexPosition,
  IndexSort,
  ProductFacts,
  SearchMatch,
} from './facet-types.js';

/**
 * The catalog's listing facts in memory: for each active product its gender, category, price, age,
 * sizes, colours and which sizes and colours can be bought, as one bitmap per facet value. A listing
 * intersects the bitmaps of its filters, counts each facet value against the others, and walks a
 * presorted order for its page, so its cost follows the number of facet values, not the number of
 * products. PostgreSQL stays the source of truth: the index is built from it and kept current from
 * the `catalog_changes` log (see facet-source.ts and docs/catalog-facets.md).
 */

export function createFacetIndex(products: ProductFacts[], categoryList: CategoryLabel[]) {
  let categories = new Map(categoryList.map((c) => [c.id, c]));
  const initial = clustered(products, categoryList);
  /** Words per set; doubled when the ordinals outgrow it. */
  let size = Math.max(4, Math.ceil((initial.length * 1.25) / 32));
  const ids: string[] = [];
  const ordinalOf = new Map<string, number>();
  let price = new Int32Array(size * 32);
  let created = new Float64Array(size * 32);
  let active = emptyBits(size);
  let stockAny = emptyBits(size);
  let onSale = emptyBits(size);
  const groups = {
    gender: new Map<string, Bits>(),
    category: new Map<string, Bits>(),
    size: new Map<string, Bits>(),
    color: new Map<string, Bits>(),
    stockSize: new Map<string, Bits>(),
    stockColor: new Map<string, Bits>(),
    stockPair: new Map<string, Bits>(),
  };
  const nothing = emptyBits(0);
  /** Work space of `listing`, reused by every call (it never awaits, so calls cannot interleave). */
  let scratch: Bits[] = [];
  const work = (slot: number): Bits => (scratch[slot] ??= emptyBits(size));

  /** What facets are counted against, block by block (facet-blocks.ts). */
  const references = createBlockReferences();
  const counter = createBlockCounter();

  /** Ordinals newest first (ties: larger id first), and cheapest first (ties: smaller id first). */
  const newest: number[] = [];
  const cheapest: number[] = [];

  const newerFirst = (a: number, b: number) =>
    created[b]! - created[a]! || (ids[a]! > ids[b]! ? -1 : ids[a]! < ids[b]! ? 1 : 0);
  const cheaperFirst = (a: number, b: number) =>
    price[a]! - price[b]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0);

  /** The first index of `order` whose element `isAfter` says comes after the point looked for. */
  function firstAfter(order: number[], isAfter: (ordinal: number) => boolean): number {
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (isAfter(order[mid]!)) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  const insertInto = (order: number[], ordinal: number, compare: typeof newerFirst) =>
    order.splice(
      firstAfter(order, (o) => compare(o, ordinal) > 0),
      0,
      ordinal,
    );
  const removeFrom = (order: number[], ordinal: number) => {
    const at = order.indexOf(ordinal);
    if (at >= 0) order.splice(at, 1);
  };

  function grow() {
    size *= 2;
    price = Int32Array.from({ length: size * 32 }, (_, i) => price[i] ?? 0);
    created = Float64Array.from({ length: size * 32 }, (_, i) => created[i] ?? 0);
    active = resized(active, size);
    stockAny = resized(stockAny, size);
    onSale = resized(onSale, size);
    for (const group of Object.values(groups)) {
      for (const [value, bits] of group) group.set(value, resized(bits, size));
    }
    scratch = [];
    references.grown();
  }

  function mark(group: Map<string, Bits>, value: string, ordinal: number) {
    let bits = group.get(value);
    if (!bits) group.set(value, (bits = emptyBits(size)));
    setBit(bits, ordinal);
  }

  function markAll(product: ProductFacts, ordinal: number) {
    setBit(active, ordinal);
    if (product.onSale) setBit(onSale, ordinal);
    mark(groups.gender, product.gender, ordinal);
    mark(groups.category, product.categoryId, ordinal);
    for (const value of product.sizes) mark(groups.size, value, ordinal);
    for (const value of product.colors) mark(groups.color, value, ordinal);
    for (const { size: inSize, color } of product.inStock) {
      setBit(stockAny, ordinal);
      mark(groups.stockSize, inSize, ordinal);
      mark(groups.stockColor, color, ordinal);
      mark(groups.stockPair, pairKey(inSize, color), ordinal);
    }
  }

  function unmark(ordinal: number) {
    clearBit(active, ordinal);
    clearBit(stockAny, ordinal);
    clearBit(onSale, ordinal);
    // A value no product has any more counts 0 and so leaves its facet.
    for (const group of Object.values(groups)) {
      for (const bits of group.values()) clearBit(bits, ordinal);
    }
  }

  /** Add a product, bring one up to date, or (when it is no longer active) take it out of every set. */
  function upsert(product: ProductFacts): void {
    let ordinal = ordinalOf.get(product.id);
    if (ordinal === undefined) {
      if (!product.active) return;
      ordinal = ids.length;
      if (ordinal >= size * 32) grow();
      ids.push(product.id);
      ordinalOf.set(product.id, ordinal);
    } else {
      unmark(ordinal);
      removeFrom(newest, ordinal);
      removeFrom(cheapest, ordinal);
    }
    if (product.active) {
      price[ordinal] = product.price;
      created[ordinal] = product.created;
      insertInto(newest, ordinal, newerFirst);
      insertInto(cheapest, ordinal, cheaperFirst);
      markAll(product, ordinal);
    }
    references.changed(active, price, ordinal);
  }

  // The initial load appends in clustered order and sorts the two orders once.
  for (const product of initial) {
    const ordinal = ids.length;
    ids.push(product.id);
    ordinalOf.set(product.id, ordinal);
    price[ordinal] = product.price;
    created[ordinal] = product.created;
    newest.push(ordinal);
    cheapest.push(ordinal);
    markAll(product, ordinal);
  }
  newest.sort(newerFirst);
  cheapest.sort(cheaperFirst);

  const anyOf = (target: Bits, group: Map<string, Bits>, values: string[]) =>
    unionInto(
      target,
      values.flatMap((v) => group.get(v) ?? []),
    );

  /** Products priced within the range: a run of the cheapest-first order, as a set. */
  function priceSet(target: Bits, min: number | undefined, max: number | undefined): Bits | null {
    if (min === undefined && max === undefined) return null;
    // A bound that leaves out no product is no filter.
    if (
      (min === undefined || min <= price[cheapest[0]!]!) &&
      (max === undefined || max >= price[cheapest.at(-1)!]!)
    )
      return null;
    const from = min === undefined ? 0 : firstAfter(cheapest, (o) => price[o]! >= min);
    const to = max === undefined ? cheapest.length : firstAfter(cheapest, (o) => price[o]! > max);
    // Set the bits of the run, or clear those outside it: whichever touches fewer products.
    if (to - from <= cheapest.length / 2) {
      target.words.fill(0);
      target.from = target.to = 0;
      for (let i = from; i < to; i++) setBit(target, cheapest[i]!);
      return target;
    }
    copyInto(target, active);
    for (let i = 0; i < from; i++) clearBit(target, cheapest[i]!);
    for (let i = to; i < cheapest.length; i++) clearBit(target, cheapest[i]!);
    return target;
  }

  /** Products with a variant in stock in one of the chosen sizes and one of the chosen colours. */
  function inStockSet(target: Bits, sizes: string[], colors: string[]): Bits {
    if (sizes.length && colors.length) {
      return anyOf(
        target,
        groups.stockPair,
        sizes.flatMap((s) => colors.map((c) => pairKey(s, c))),
      );
    }
    if (sizes.length) return anyOf(target, groups.stockSize, sizes);
    if (colors.length) return anyOf(target, groups.stockColor, colors);
    return stockAny;
  }

  /** The page: the order of the sort walked from the cursor, keeping members of `selected`. */
  function page(
    selected: Bits,
    filter: IndexFilter,
    sort: IndexSort,
    position: IndexPosition | null,
    limit: number,
  ): { ordinals: number[]; next: IndexPosition | null } {
    const ordinals: number[] = [];
    if (sort === 'relevance' && filter.search) {
      const offset = position?.kind === 'offset' ? position.offset : 0;
      let seen = 0;
      for (const ordinal of filter.search.ranked) {
        if (!hasBit(selected, ordinal) || seen++ < offset) continue;
        if (ordinals.length === limit)
          return { ordinals, next: { kind: 'offset', offset: offset + limit } };
        ordinals.push(ordinal);
      }
      return { ordinals, next: null };
    }
    const byPrice = sort === 'price_asc' || sort === 'price_desc';
    const forward = sort !== 'price_desc';
    const order = byPrice ? cheapest : newest;
    const valueOf = (o: number) => (byPrice ? price[o]! : created[o]!);
    let start = forward ? 0 : order.length - 1;
    if (position?.kind === 'after') {
      // The first product after the cursor's (value, id), even if that product has since gone.
      const { value, id } = position;
      const before = (o: number) => price[o]! < value || (price[o] === value && ids[o]! < id);
      start = !byPrice
        ? firstAfter(order, (o) => created[o]! < value || (created[o] === value && ids[o]! < id))
        : forward
          ? firstAfter(order, (o) => price[o]! > value || (price[o] === value && ids[o]! > id))
          : firstAfter(order, (o) => !before(o)) - 1;
    }
    for (let i = start; forward ? i < order.length : i >= 0; i += forward ? 1 : -1) {
      const ordinal = order[i]!;
      if (!hasBit(selected, ordinal)) continue;
      if (ordinals.length === limit) {
        const last = ordinals.at(-1)!;
        return { ordinals, next: { kind: 'after', value: valueOf(last), id: ids[last]! } };
      }
      ordinals.push(ordinal);
    }
    return { ordinals, next: null };
  }

  function listing(
    filter: IndexFilter,
    sort: IndexSort,
    position: IndexPosition | null,
    limit: number,
  ): IndexListing {
    const sizes = filter.size ?? [];
    const colors = filter.color ?? [];
    const always = intersectInto(
      work(0),
      [
        active,
        filter.search?.set ?? null,
        filter.inStock ? inStockSet(work(1), sizes, colors) : null,
        filter.onSale ? onSale : null,
      ],
      active,
    );
    const gender = filter.gender ? (groups.gender.get(filter.gender) ?? nothing) : null;
    const category = filter.categoryIds
      ? anyOf(work(2), groups.category, filter.categoryIds)
      : null;
    const size = sizes.length ? anyOf(work(3), groups.size, sizes) : null;
    const color = colors.length ? anyOf(work(4), groups.color, colors) : null;
    const priced = priceSet(work(5), filter.minPrice, filter.maxPrice);

    // Each facet counts under every filter but its own; the price range under all but price. A
    // facet whose own filter is not set counts over the selection itself, so that intersection is
    // made once; the others each make their own.
    const filters = [always, gender, category, size, color, priced];
    const selected = intersectInto(work(7), filters, active);
    const search = filter.search;
    const reference = search
      ? references.search(search, () => intersectInto(work(8), [active, search.set], active), price)
      : references.listed(active, price);
    counter.forget();
    const without = (own: Bits | null) => {
      if (own === null) return selected;
      // A new intersection in the same scratch set: its block states must be made again.
      counter.forget();
      return intersectInto(
        work(6),
        filters.filter((set) => set !== own),
        active,
      );
    };
    const facets = {
      size: counter.counted(groups.size, without(size), reference),
      color: counter.counted(groups.color, without(color), reference),
      gender: counter.counted(groups.gender, without(gender), reference),
      category: counter
        .counted(groups.category, without(category), reference)
        .flatMap(({ value, count }) => {
          const label = categories.get(value);
          return label ? [{ value: label.slug, label: label.name, count }] : [];
        })
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)),
      price: counter.priceRange(without(priced), reference, price),
    };
    const { ordinals, next } = page(selected, filter, sort, position, limit);
    return { ids: ordinals.map((o) => ids[o]!), next, total: countAll(selected), facets };
  }

  return {
    upsert,
    listing,
    /** The search's matching ids, best first, as a match this index can intersect. */
    searchMatch(rankedIds: string[]): SearchMatch {
      const ranked = rankedIds.flatMap((id) => {
        const ordinal = ordinalOf.get(id);
        return ordinal === undefined ? [] : [ordinal];
      });
      const set = emptyBits(size);
      for (const ordinal of ranked) setBit(set, ordinal);
      return { ranked, set };
    },
    setCategories(list: CategoryLabel[]) {
      categories = new Map(list.map((c) => [c.id, c]));
    },
    /**
     * The category tree the index was last given, by id: a new map each time it is reloaded, so a
     * caller may derive things from it (subtrees) and keep them for as long as it stands.
     */
    categories: (): ReadonlyMap<string, CategoryLabel> => categories,
    /** Products currently listed. */
    size: () => countAll(active),
  };
}

export type FacetIndex = ReturnType<typeof createFacetIndex>;
