/**
 * Typo tolerance for search. Full-text search matches stems, not misspellings, and trigrams forgive
 * little in short words (swapping two letters of "alpine" leaves 3 of its 7 trigrams). So each query
 * word that is not a catalog word is replaced by the closest catalog word within a small edit distance
 * (Damerau–Levenshtein: a swap of two neighbours counts as one edit), and both spellings are searched.
 */

/** Optimal string alignment distance, giving up (returning max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push(new Array<number>(b.length + 1).fill(0));
  for (let i = 0; i <= a.length; i++) (rows[i] as number[])[0] = i;
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    let best = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = value;
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
  }
  return (rows[a.length] as number[])[b.length] as number;
}

export const tokenize = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Edits allowed for a word of this length: none for short words, where any edit changes meaning. */
const allowedEdits = (length: number) => (length < 4 ? 0 : length < 8 ? 1 : 2);

export function createSpeller(loadWords: () => Promise<string[]>, refreshMs = 300_000) {
  let lexicon:
    { words: Set<string>; byLength: Map<number, string[]>; loadedAt: number } | undefined;
  let loading: Promise<void> | undefined;

  async function load() {
    const words = new Set((await loadWords()).map((w) => w.toLowerCase()));
    const byLength = new Map<number, string[]>();
    for (const word of words) {
      const list = byLength.get(word.length) ?? [];
      list.push(word);
      byLength.set(word.length, list);
    }
    lexicon = { words, byLength, loadedAt: Date.now() };
  }

  async function current() {
    if (!lexicon || Date.now() - lexicon.loadedAt > refreshMs) {
      loading ??= load().finally(() => {
        loading = undefined;
      });
      // A stale lexicon keeps serving while a fresh one loads; only the first search waits.
      if (!lexicon) await loading;
    }
    return lexicon as NonNullable<typeof lexicon>;
  }

  function closest(word: string, byLength: Map<number, string[]>): string | undefined {
    const max = allowedEdits(word.length);
    let best: { word: string; distance: number } | undefined;
    for (let length = word.length - max; length <= word.length + max; length++) {
      for (const candidate of byLength.get(length) ?? []) {
        const distance = editDistance(word, candidate, max);
        if (distance <= max && (!best || distance < best.distance))
          best = { word: candidate, distance };
      }
    }
    return best?.word;
  }

  return {
    /** The query with unknown words replaced by their closest catalog word, or null if none changed. */
    async correct(query: string): Promise<string | null> {
      const { words, byLength } = await current();
      let changed = false;
      const corrected = tokenize(query).map((token) => {
        if (words.has(token) || allowedEdits(token.length) === 0) return token;
        const replacement = closest(token, byLength);
        if (!replacement) return token;
        changed = true;
        return replacement;
      });
      return changed ? corrected.join(' ') : null;
    },
    /** Forget the lexicon, after products were added or renamed. */
    reset() {
      lexicon = undefined;
    },
  };
}
