import { type Bits, bitCount } from './bitmap.js';
import type { Counted } from './facet-types.js';

/**
 * Facet counts by block, so a broad selection is not counted word by word for every facet value.
 *
 * A reference set (every listed product, or everything a search matches) is cut into blocks of
 * `blockWords` words, and each facet value's members in each block are counted once. A listing's
 * selection is then compared with the reference block by block: where a block holds nothing it is
 * skipped, where it holds exactly the reference's members the stored count is added, and only the
 * blocks where they differ are counted word by word. Products are numbered by category and gender, so
 * a category's or a gender's products fill whole blocks, and a filter that narrows nothing (a price
 * bound above every price) leaves every block equal to the reference. Counts stay exact: a stored
 * count is used only where the selection's words are the reference's words.
 */

/** Words per block: 512 products. Small enough that a category's run covers whole blocks. */
export const blockWords = 16;

type Group = Map<string, Bits>;

export interface BlockReference {
  /** The reference set's words (a copy: the set it was made from may be a scratch set). */
  words: Uint32Array;
  from: number;
  to: number;
  /** Per facet group, its values' counts: `counts[v * blocks + b]` for the group's v-th value. */
  counts: Map<Group, Int32Array>;
  blocks: number;
  /** The cheapest and dearest price of the reference's members in each block. */
  minPrice: Int32Array;
  maxPrice: Int32Array;
}

/** Calls `each` with the ordinal of every member of `words[from..to)`. */
function forEachMember(words: Uint32Array, from: number, to: number, each: (o: number) => void) {
  for (let i = from; i < to; i++) {
    let word = words[i]!;
    while (word !== 0) {
      const low = word & -word;
      each(i * 32 + 31 - Math.clz32(low));
      word ^= low;
    }
  }
}

export function blockReference(set: Bits, price: Int32Array): BlockReference {
  const words = new Uint32Array(set.words.length);
  words.set(set.words.subarray(set.from, set.to), set.from);
  const blocks = Math.ceil(words.length / blockWords);
  const minPrice = new Int32Array(blocks).fill(0x7fffffff);
  const maxPrice = new Int32Array(blocks).fill(-1);
  forEachMember(words, set.from, set.to, (ordinal) => {
    const b = (ordinal / (32 * blockWords)) | 0;
    const p = price[ordinal]!;
    if (p < minPrice[b]!) minPrice[b] = p;
    if (p > maxPrice[b]!) maxPrice[b] = p;
  });
  return { words, from: set.from, to: set.to, counts: new Map(), blocks, minPrice, maxPrice };
}

/** The cheapest and dearest price among the members of `base` (states from `blockStates`). */
export function priceRangeByBlocks(
  base: Bits,
  reference: BlockReference,
  states: Uint8Array,
  price: Int32Array,
): { min: number | null; max: number | null } {
  let min = 0x7fffffff;
  let max = -1;
  const lastBlock = Math.ceil(base.to / blockWords);
  for (let b = (base.from / blockWords) | 0; b < lastBlock; b++) {
    const state = states[b];
    if (state === 1) {
      if (reference.minPrice[b]! < min) min = reference.minPrice[b]!;
      if (reference.maxPrice[b]! > max) max = reference.maxPrice[b]!;
    } else if (state === 2) {
      const from = Math.max(b * blockWords, base.from);
      const to = Math.min((b + 1) * blockWords, base.to);
      forEachMember(base.words, from, to, (ordinal) => {
        const p = price[ordinal]!;
        if (p < min) min = p;
        if (p > max) max = p;
      });
    }
  }
  return max < 0 ? { min: null, max: null } : { min, max };
}

/** The group's counts per value and block within the reference, made on first use. */
function countsOf(reference: BlockReference, group: Group): Int32Array {
  let counts = reference.counts.get(group);
  if (counts) return counts;
  const { blocks, words: ref } = reference;
  counts = new Int32Array(group.size * blocks);
  let v = 0;
  for (const bits of group.values()) {
    const words = bits.words;
    const from = Math.max(bits.from, reference.from);
    const to = Math.min(bits.to, reference.to);
    for (let i = from; i < to; i++) {
      const shared = words[i]! & ref[i]!;
      if (shared !== 0) counts[v * blocks + ((i / blockWords) | 0)]! += bitCount(shared);
    }
    v++;
  }
  reference.counts.set(group, counts);
  return counts;
}

/** Each block's state for `base`: 0 no member, 1 the reference's members exactly, 2 neither. */
export function blockStates(base: Bits, reference: BlockReference, out: Uint8Array): void {
  const x = base.words;
  const ref = reference.words;
  const firstBlock = (base.from / blockWords) | 0;
  const lastBlock = Math.ceil(base.to / blockWords);
  out.fill(0, 0, reference.blocks);
  for (let b = firstBlock; b < lastBlock; b++) {
    const start = b * blockWords;
    const end = Math.min(start + blockWords, x.length);
    let any = 0;
    let same = true;
    for (let i = start; i < end; i++) {
      const word = i >= base.from && i < base.to ? x[i]! : 0;
      any |= word;
      if (word !== ref[i]) same = false;
    }
    out[b] = any === 0 ? 0 : same ? 1 : 2;
  }
}

/**
 * How many members of `base` each value of `group` has, in the group's order, written to `out`.
 * `states` comes from `blockStates(base, reference)`.
 */
export function countByBlocks(
  group: Group,
  base: Bits,
  reference: BlockReference,
  states: Uint8Array,
  out: Int32Array,
): void {
  const counts = countsOf(reference, group);
  const { blocks } = reference;
  const x = base.words;
  let v = 0;
  for (const bits of group.values()) {
    const y = bits.words;
    const firstBlock = (Math.max(bits.from, base.from) / blockWords) | 0;
    const lastBlock = Math.ceil(Math.min(bits.to, base.to) / blockWords);
    let count = 0;
    for (let b = firstBlock; b < lastBlock; b++) {
      const state = states[b];
      if (state === 1) count += counts[v * blocks + b]!;
      else if (state === 2) {
        const end = Math.min((b + 1) * blockWords, base.to, bits.to);
        for (let i = Math.max(b * blockWords, base.from, bits.from); i < end; i++) {
          const shared = x[i]! & y[i]!;
          if (shared !== 0) count += bitCount(shared);
        }
      }
    }
    out[v++] = count;
  }
}

/**
 * Bring the block holding `ordinal` up to date after that product changed, from the set the
 * reference was made of: its words, its counts for every group counted so far and its prices. A
 * group that gained a value since is dropped, to be counted again on its next use.
 */
export function refreshBlock(
  reference: BlockReference,
  set: Bits,
  price: Int32Array,
  ordinal: number,
): void {
  const { blocks, words: ref } = reference;
  const b = (ordinal / (32 * blockWords)) | 0;
  const start = b * blockWords;
  const end = Math.min(start + blockWords, ref.length);
  for (let i = start; i < end; i++) ref[i] = i >= set.from && i < set.to ? set.words[i]! : 0;
  if (reference.from === reference.to) {
    reference.from = start;
    reference.to = end;
  } else {
    reference.from = Math.min(reference.from, start);
    reference.to = Math.max(reference.to, end);
  }
  for (const [group, counts] of reference.counts) {
    if (counts.length !== group.size * blocks) {
      reference.counts.delete(group);
      continue;
    }
    let v = 0;
    for (const bits of group.values()) {
      let count = 0;
      const to = Math.min(end, bits.to);
      for (let i = Math.max(start, bits.from); i < to; i++) {
        const shared = bits.words[i]! & ref[i]!;
        if (shared !== 0) count += bitCount(shared);
      }
      counts[v++ * blocks + b] = count;
    }
  }
  let min = 0x7fffffff;
  let max = -1;
  forEachMember(ref, start, end, (member) => {
    const p = price[member]!;
    if (p < min) min = p;
    if (p > max) max = p;
  });
  reference.minPrice[b] = min;
  reference.maxPrice[b] = max;
}

/**
 * The references an index counts against: every listed product (kept current block by block as
 * products change, made again when the index grows), and one per search match (made again on its
 * first use after any change, since a match outlives stock changes).
 */
export function createBlockReferences() {
  let generation = 0;
  let listed: BlockReference | undefined;
  const searches = new WeakMap<object, { generation: number; reference: BlockReference }>();
  return {
    /** The product at `ordinal` changed; `active` and `price` are the index's current ones. */
    changed(active: Bits, price: Int32Array, ordinal: number) {
      generation++;
      if (listed) refreshBlock(listed, active, price, ordinal);
    },
    /** The index's sets were reallocated: nothing made before fits them. */
    grown() {
      generation++;
      listed = undefined;
    },
    listed(active: Bits, price: Int32Array): BlockReference {
      return (listed ??= blockReference(active, price));
    },
    /** `matches()` gives the search's listed matches, in a scratch set (it is copied). */
    search(match: object, matches: () => Bits, price: Int32Array): BlockReference {
      let made = searches.get(match);
      if (made?.generation !== generation) {
        made = { generation, reference: blockReference(matches(), price) };
        searches.set(match, made);
      }
      return made.reference;
    },
  };
}

/**
 * One listing's counting: the block states of the last base compared are kept while the same base
 * is counted again (facets without a filter of their own all count over the selection itself).
 */
export function createBlockCounter() {
  let states = new Uint8Array(0);
  let values = new Int32Array(0);
  let statesOf: Bits | undefined;
  const statesFor = (base: Bits, reference: BlockReference) => {
    if (states.length < reference.blocks) {
      states = new Uint8Array(reference.blocks);
      statesOf = undefined;
    }
    if (base !== statesOf) blockStates(base, reference, states);
    statesOf = base;
    return states;
  };
  return {
    /** The last base's scratch set is about to be overwritten (or a new listing begins). */
    forget() {
      statesOf = undefined;
    },
    /** Each value of `group` with members in `base`, and how many, most first. */
    counted(group: Group, base: Bits, reference: BlockReference): Counted {
      if (values.length < group.size) values = new Int32Array(group.size * 2);
      countByBlocks(group, base, reference, statesFor(base, reference), values);
      const out: Counted = [];
      let v = 0;
      for (const value of group.keys()) {
        const count = values[v++]!;
        if (count > 0) out.push({ value, count });
      }
      return out.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    },
    priceRange(base: Bits, reference: BlockReference, price: Int32Array) {
      return priceRangeByBlocks(base, reference, statesFor(base, reference), price);
    },
  };
}
