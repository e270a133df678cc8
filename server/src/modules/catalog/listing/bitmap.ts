/**
 * Sets of product ordinals as bitmaps (one bit per product, 32 per word) that know the run of words
 * holding their members (`from` to `to`, a superset is fine). A listing's filters and facets become
 * word-wise ANDs and bit counts over those runs only: the index numbers products by category and
 * gender, so the products a typical filter picks sit together and most words are never visited.
 * A listing works in scratch sets owned by the index (it runs synchronously, so one set of scratch
 * bitmaps serves every request) and allocates nothing per request.
 */
export interface Bits {
  words: Uint32Array;
  /** Words before `from` and from `to` on hold no member. */
  from: number;
  to: number;
}

export const emptyBits = (size: number): Bits => ({
  words: new Uint32Array(size),
  from: 0,
  to: 0,
});

export function setBit(bits: Bits, ordinal: number): void {
  const word = ordinal >>> 5;
  bits.words[word]! |= 1 << (ordinal & 31);
  if (bits.from === bits.to) {
    bits.from = word;
    bits.to = word + 1;
  } else {
    if (word < bits.from) bits.from = word;
    if (word >= bits.to) bits.to = word + 1;
  }
}

/** Clear a member; the run is left as it is (still a superset). */
export function clearBit(bits: Bits, ordinal: number): void {
  bits.words[ordinal >>> 5]! &= ~(1 << (ordinal & 31));
}

export function hasBit(bits: Bits, ordinal: number): boolean {
  const word = ordinal >>> 5;
  return word >= bits.from && word < bits.to && (bits.words[word]! & (1 << (ordinal & 31))) !== 0;
}

/** Bits set in one 32-bit word (the classic SWAR count; V8 compiles it to a handful of instructions). */
export function bitCount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** The same set in `size` words (for an index that grew). */
export function resized(bits: Bits, size: number): Bits {
  const words = new Uint32Array(size);
  words.set(bits.words.subarray(0, Math.min(size, bits.words.length)));
  return { words, from: bits.from, to: Math.min(bits.to, size) };
}

/**
 * The intersection of `sets`, made in `target`; `null` stands for "every product" and is skipped.
 * A single set is returned as it is, not copied: the result is for reading only.
 */
export function intersectInto(target: Bits, sets: (Bits | null)[], all: Bits): Bits {
  const present = sets.filter((s): s is Bits => s !== null);
  if (present.length === 0) return all;
  if (present.length === 1) return present[0]!;
  let from = 0;
  let to = Number.MAX_SAFE_INTEGER;
  for (const set of present) {
    if (set.from > from) from = set.from;
    if (set.to < to) to = set.to;
  }
  if (from >= to) {
    target.from = target.to = 0;
    return target;
  }
  const out = target.words;
  const first = present[0]!.words;
  for (let i = from; i < to; i++) out[i] = first[i]!;
  for (let p = 1; p < present.length; p++) {
    const words = present[p]!.words;
    for (let i = from; i < to; i++) out[i]! &= words[i]!;
  }
  target.from = from;
  target.to = to;
  return target;
}

/** `target` becomes the union of `sets` (none: the empty set). */
export function unionInto(target: Bits, sets: Bits[]): Bits {
  let from = Number.MAX_SAFE_INTEGER;
  let to = 0;
  for (const set of sets) {
    if (set.from === set.to) continue;
    if (set.from < from) from = set.from;
    if (set.to > to) to = set.to;
  }
  if (from >= to) {
    target.from = target.to = 0;
    return target;
  }
  const out = target.words;
  out.fill(0, from, to);
  for (const set of sets) {
    const words = set.words;
    for (let i = set.from; i < set.to; i++) out[i]! |= words[i]!;
  }
  target.from = from;
  target.to = to;
  return target;
}

/** `target` becomes a copy of `source`. */
export function copyInto(target: Bits, source: Bits): Bits {
  target.words.set(source.words.subarray(source.from, source.to), source.from);
  target.from = source.from;
  target.to = source.to;
  return target;
}

/** How many members a set has. */
export function countAll(bits: Bits): number {
  const words = bits.words;
  let count = 0;
  for (let i = bits.from; i < bits.to; i++) {
    const word = words[i]!;
    if (word !== 0) count += bitCount(word);
  }
  return count;
}
