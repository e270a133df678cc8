/**
 * Deterministic seed catalog for the Stride athletic apparel store: categories, products, variants
 * and flat SVG product illustrations. Pure data, no database; the same options always produce the
 * same output (seeded mulberry32 PRNG, fixed reference date). Word lists live in catalog-words.ts.
 */
import {
  FABRICS,
  KIDS_DETAILS,
  LEAF_CATEGORIES,
  MODEL_WORDS,
  PALETTE,
  SHAPE_ART,
  TOP_CATEGORIES,
  type Gender,
  type LeafSpec,
  type PaletteColor,
  type Shape,
  type Sizing,
} from './catalog-words.js';

export interface SeedCategory {
  slug: string;
  name: string;
  parentSlug: string | null;
  /** 0-based order among siblings. */
  position: number;
}

export interface SeedVariant {
  sku: string;
  size: string;
  color: string;
  /** USD cents. */
  price: number;
  /** USD cents; greater than `price` when on sale, otherwise null. */
  compareAtPrice: number | null;
  onHand: number;
}

export interface SeedImage {
  color: string;
  url: string;
  alt: string;
  position: number;
}

export interface SeedProduct {
  slug: string;
  name: string;
  description: string;
  gender: 'men' | 'women' | 'kids' | 'unisex';
  categorySlug: string;
  createdAt: Date;
  colors: string[];
  sizes: string[];
  variants: SeedVariant[];
  images: SeedImage[];
}

const DEFAULT_COUNT = 144;
const DEFAULT_SEED = 20261101;
/** createdAt values fall in the 365 days before this instant. */
const CATALOG_EPOCH_MS = Date.UTC(2026, 10, 1);
const YEAR_SECONDS = 365 * 24 * 60 * 60;

const SALE_RATE = 0.2;
const SOLD_OUT_RATE = 0.1;
const EMPTY_VARIANT_RATE = 0.08;
const XXL_UPCHARGE_RATE = 0.3;
const MAX_ON_HAND = 60;

const LETTER_SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const KIDS_SIZES = ['4Y', '6Y', '8Y', '10Y', '12Y', '14Y'];
const MEN_WAIST_SIZES = ['28', '30', '32', '34', '36', '38'];
const WOMEN_WAIST_SIZES = ['24', '26', '28', '30', '32', '34'];

export const categories: SeedCategory[] = [
  ...TOP_CATEGORIES.map((c, position) => ({
    slug: c.slug,
    name: c.name,
    parentSlug: null,
    position,
  })),
  ...LEAF_CATEGORIES.map((c) => ({
    slug: c.slug,
    name: c.name,
    parentSlug: c.parent,
    position: LEAF_CATEGORIES.filter((s) => s.parent === c.parent).indexOf(c),
  })),
];

// ---------------------------------------------------------------------------------------------
// Helpers

type Rng = () => number;

/** mulberry32: tiny, fast, good enough for seed data. Returns floats in [0, 1). */
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}

function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function kebab(text: string): string {
  return text
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const colorSlugs = new Map<string, string>();
const colorCodes = new Map<string, string>();
const sizeCodes = new Map<string, string>();

function cached(cache: Map<string, string>, key: string, make: (key: string) => string): string {
  let value = cache.get(key);
  if (value === undefined) {
    value = make(key);
    if (cache.size < 1000) cache.set(key, value);
  }
  return value;
}

/** URL-safe colour name, as used in image URLs: 'Grey Heather' → 'grey-heather'. */
export function colorSlug(color: string): string {
  return cached(colorSlugs, color, kebab);
}

const PALETTE_BY_NAME = new Map<string, PaletteColor>(
  PALETTE.map((c) => [c.name.toLowerCase(), c]),
);
const NEUTRALS = PALETTE.filter((c) => c.neutral);
const FALLBACK_HEX = '#9a9ca0';

/** Hex for a palette colour name (case-insensitive); a neutral grey for unknown names. */
export function colorHex(color: string): string {
  return PALETTE_BY_NAME.get(color.toLowerCase())?.hex ?? FALLBACK_HEX;
}

function colorCode(color: string): string {
  return cached(colorCodes, color, (c) => {
    return PALETTE_BY_NAME.get(c.toLowerCase())?.code ?? kebab(c).slice(0, 3).toUpperCase();
  });
}

function sizeCode(size: string): string {
  return cached(sizeCodes, size, (s) =>
    s === 'One Size' ? 'OS' : s.toUpperCase().replace(/[^A-Z0-9]/g, ''),
  );
}

function sizesFor(sizing: Sizing, gender: Gender, rng: Rng): string[] {
  if (sizing === 'socks') return ['S', 'M', 'L'];
  if (sizing === 'one-size') return ['One Size'];
  if (gender === 'kids') return rng() < 0.3 ? KIDS_SIZES.slice(1) : KIDS_SIZES.slice();
  if (sizing === 'waist-bottom' && gender === 'men') return MEN_WAIST_SIZES.slice();
  if (sizing === 'waist-bottom' && gender === 'women') return WOMEN_WAIST_SIZES.slice();
  if (sizing === 'bra' || gender === 'women') {
    return rng() < 0.5 ? LETTER_SIZES.slice(0, 5) : LETTER_SIZES.slice();
  }
  if (gender === 'men') return rng() < 0.5 ? LETTER_SIZES.slice(1) : LETTER_SIZES.slice();
  return LETTER_SIZES.slice();
}

function pickColors(rng: Rng): string[] {
  const count = intBetween(rng, 2, 4);
  const colors = [(rng() < 0.7 ? pick(rng, NEUTRALS) : pick(rng, PALETTE)).name];
  while (colors.length < count) {
    const next = pick(rng, PALETTE).name;
    if (!colors.includes(next)) colors.push(next);
  }
  return colors;
}

/** A list price in cents ending in 00 (whole dollars) or 99. */
function listPrice(leaf: LeafSpec, gender: Gender, rng: Rng): number {
  const scale = gender === 'kids' ? 0.7 : 1;
  const min = Math.max(10, Math.round(leaf.price[0] * scale));
  const max = Math.max(min, Math.round(leaf.price[1] * scale));
  const step = max - min <= 15 ? 2 : 5;
  const dollars = Math.min(
    max,
    min + step * Math.floor(rng() * (Math.floor((max - min) / step) + 1)),
  );
  return dollars > min && rng() < 0.5 ? dollars * 100 - 1 : dollars * 100;
}

/** 20–40 % off, rounded to a price ending in 99. */
function salePrice(list: number, rng: Rng): number {
  const discount = 0.2 + rng() * 0.2;
  return Math.max(99, Math.round((list * (1 - discount)) / 100) * 100 - 1);
}

/** A leaf's vocabulary for one gender, with lower-case tokens for the repeated-word check. */
interface NamePool {
  nouns: { tokens: string[]; id: number }[];
  fabrics: { tokens: string[]; id: number }[];
}

interface NameParts {
  name: string;
  slug: string;
  noun: string;
  fabricKey: string;
  /** Numeric identity of the name (same key ⇔ same name). */
  key: number;
}

const tokens = (text: string): string[] => text.toLowerCase().split(/[\s-]+/);
const MODEL_TOKENS = MODEL_WORDS.map((w) => w.toLowerCase());
const FABRIC_KEYS = Object.keys(FABRICS);
const FABRIC_IDS = new Map(FABRIC_KEYS.map((k, i): [string, number] => [k, i]));
const NOUN_TEXTS = [...new Set(LEAF_CATEGORIES.flatMap((l) => l.nouns.map((n) => n.text)))];
const NOUN_IDS = new Map(NOUN_TEXTS.map((t, i): [string, number] => [t, i]));
// Name keys pack (noun, fabric, model, kids) into one integer; these bounds keep them decodable.
if (MODEL_WORDS.length > 128 || FABRIC_KEYS.length > 64) throw new Error('Name key overflow');

function namePool(leaf: LeafSpec, gender: Gender): NamePool {
  return {
    nouns: leaf.nouns
      .filter((n) => !n.genders || n.genders.includes(gender))
      .map((n) => ({ tokens: tokens(n.text), id: NOUN_IDS.get(n.text) ?? 0 })),
    fabrics: leaf.fabrics.map((key) => ({ tokens: tokens(key), id: FABRIC_IDS.get(key) ?? 0 })),
  };
}

/** Picks model word + fabric + garment until no word repeats (e.g. "Trail ... Trail Shorts"). */
function pickNameKey(pool: NamePool, kids: boolean, rng: Rng): number {
  for (;;) {
    const model = Math.floor(rng() * MODEL_WORDS.length);
    const fabric = pick(rng, pool.fabrics);
    const noun = pick(rng, pool.nouns);
    const modelToken = MODEL_TOKENS[model] ?? '';
    if (fabric.tokens.includes(modelToken) || noun.tokens.includes(modelToken)) continue;
    if (fabric.tokens.some((t) => noun.tokens.includes(t))) continue;
    return ((noun.id * 64 + fabric.id) * 128 + model) * 2 + (kids ? 1 : 0);
  }
}

function nameFromKey(key: number): NameParts {
  const kids = key % 2 === 1;
  const model = MODEL_WORDS[Math.floor(key / 2) % 128] ?? '';
  const fabricKey = FABRIC_KEYS[Math.floor(key / 256) % 64] ?? '';
  const noun = NOUN_TEXTS[Math.floor(key / 16384)] ?? '';
  const name = `${kids ? "Kids' " : ''}${model} ${fabricKey} ${noun}`;
  return { name, slug: kebab(name), noun, fabricKey, key };
}

function buildDescription(leaf: LeafSpec, gender: Gender, parts: NameParts, rng: Rng): string {
  const fabric = FABRICS[parts.fabricKey];
  if (!fabric) throw new Error(`Unknown fabric ${parts.fabricKey}`);
  const opener = pick(rng, leaf.openers)
    .replace('{noun}', parts.noun.toLowerCase())
    .replace('{fabric}', fabric.fabric);
  const sentences = [opener, pick(rng, fabric.notes)];
  if (rng() < 0.65) {
    sentences.push(
      gender === 'kids' && rng() < 0.5 ? pick(rng, KIDS_DETAILS) : pick(rng, leaf.details),
    );
  }
  return sentences.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Catalog

/**
 * Generate `count` products (default 144). Leaf categories are filled round-robin and genders
 * rotate within each leaf, so every leaf and gender is represented. For large counts names may
 * repeat; slugs and SKUs are always unique.
 */
export function generateCatalog(options: { count?: number; seed?: number } = {}): SeedProduct[] {
  const count = options.count ?? DEFAULT_COUNT;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`Invalid count ${count}`);
  const rng = mulberry32(options.seed ?? DEFAULT_SEED);

  const pools = new Map<string, NamePool>();
  const names = new Map<number, NameParts>();
  const usedSlugs = new Set<string>();
  const nextSuffix = new Map<string, number>();
  const products: SeedProduct[] = [];

  for (let i = 0; i < count; i++) {
    const leafIndex = i % LEAF_CATEGORIES.length;
    const leaf = LEAF_CATEGORIES[leafIndex]!;
    const round = Math.floor(i / LEAF_CATEGORIES.length);
    const gender = leaf.genders[(round + leafIndex) % leaf.genders.length]!;
    const poolKey = `${leafIndex}/${gender}`;
    let pool = pools.get(poolKey);
    if (!pool) pools.set(poolKey, (pool = namePool(leaf, gender)));

    // Prefer an unused name; after a few tries (large catalogs) accept a repeat.
    let key = pickNameKey(pool, gender === 'kids', rng);
    for (let attempt = 0; attempt < 8 && names.has(key); attempt++) {
      key = pickNameKey(pool, gender === 'kids', rng);
    }
    let parts = names.get(key);
    if (!parts) names.set(key, (parts = nameFromKey(key)));

    const baseSlug = parts.slug;
    let slug = baseSlug;
    if (usedSlugs.has(slug)) {
      let n = nextSuffix.get(baseSlug) ?? 2;
      while (usedSlugs.has(`${baseSlug}-${n}`)) n++;
      slug = `${baseSlug}-${n}`;
      nextSuffix.set(baseSlug, n + 1);
    }
    usedSlugs.add(slug);

    const description = buildDescription(leaf, gender, parts, rng);
    const colors = pickColors(rng);
    const sizes = sizesFor(leaf.sizing, gender, rng);
    const list = listPrice(leaf, gender, rng);
    const onSale = rng() < SALE_RATE;
    const price = onSale ? salePrice(list, rng) : list;
    const xxlUpcharge = sizes.includes('XXL') && rng() < XXL_UPCHARGE_RATE ? 200 : 0;
    const soldOut = rng() < SOLD_OUT_RATE;
    const createdAt = new Date(CATALOG_EPOCH_MS - (1 + Math.floor(rng() * YEAR_SECONDS)) * 1000);

    const skuPrefix = `STR-${String(i + 1).padStart(4, '0')}`;
    // Pre-sized: 100k-product catalogs hold ~1.4M variants, so avoid push() over-allocation.
    const variants = new Array<SeedVariant>(colors.length * sizes.length);
    let v = 0;
    for (const color of colors) {
      const code = colorCode(color);
      for (const size of sizes) {
        const extra = size === 'XXL' ? xxlUpcharge : 0;
        variants[v++] = {
          sku: [skuPrefix, code, sizeCode(size)].join('-'),
          size,
          color,
          price: price + extra,
          compareAtPrice: onSale ? list + extra : null,
          onHand: soldOut || rng() < EMPTY_VARIANT_RATE ? 0 : intBetween(rng, 1, MAX_ON_HAND),
        };
      }
    }

    const images = colors.map((color, position) => ({
      color,
      url: ['/images/products/', slug, '/', colorSlug(color), '.svg'].join(''),
      alt: [parts.name, ' in ', color].join(''),
      position,
    }));

    products.push({
      slug,
      name: parts.name,
      description,
      gender,
      categorySlug: leaf.slug,
      createdAt,
      colors,
      sizes,
      variants,
      images,
    });
  }
  return products;
}

// ---------------------------------------------------------------------------------------------
// SVG illustrations (viewBox 0 0 600 750)

const CATEGORY_SHAPES = new Map<string, Shape>([
  ...TOP_CATEGORIES.map((c): [string, Shape] => [c.slug, c.shape]),
  ...LEAF_CATEGORIES.map((c): [string, Shape] => [c.slug, c.shape]),
]);

function shapeFor(categorySlug: string, name: string): Shape {
  const base = CATEGORY_SHAPES.get(categorySlug) ?? 'tee';
  const n = name.toLowerCase();
  if (base === 'tee') {
    if (/tank|singlet|crop/.test(n)) return 'tank';
    if (/long-sleeve|half-zip/.test(n)) return 'longsleeve';
  }
  if (base === 'shorts' || base === 'pants') {
    if (/leggings|tights/.test(n)) return 'tights';
    if (/pants/.test(n)) return 'pants';
  }
  if (base === 'backpack' && /duffel|tote|sack/.test(n)) return 'duffel';
  return base;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/** Mix a hex colour towards black (amount < 0) or white (amount > 0). */
function shade(hex: string, amount: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  const target = amount < 0 ? 0 : 255;
  const t = Math.abs(amount);
  const mix = (channel: number): string =>
    Math.round(channel + (target - channel) * t)
      .toString(16)
      .padStart(2, '0');
  return `#${mix((value >> 16) & 255)}${mix((value >> 8) & 255)}${mix(value & 255)}`;
}

function luminance(hex: string): number {
  const value = Number.parseInt(hex.slice(1), 16);
  return (
    (0.299 * ((value >> 16) & 255) + 0.587 * ((value >> 8) & 255) + 0.114 * (value & 255)) / 255
  );
}

/**
 * A small self-contained SVG (600×750, 4:5 portrait) of the garment type in the given colour, on a
 * light neutral background. The only text is the escaped `<title>`.
 */
export function renderProductSvg(
  product: Pick<SeedProduct, 'name' | 'categorySlug' | 'gender'>,
  color: string,
): string {
  const art = SHAPE_ART[shapeFor(product.categorySlug, product.name)];
  const hex = colorHex(color);
  const outline = shade(hex, -0.3);
  const detail = luminance(hex) > 0.4 ? shade(hex, -0.35) : shade(hex, 0.3);
  const scale = product.gender === 'kids' ? ' transform="translate(42 53) scale(.86)"' : '';
  const rule = art.evenOdd ? ' fill-rule="evenodd"' : '';
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 750" width="600" height="750" role="img">' +
    `<title>${escapeXml(`${product.name} - ${color}`)}</title>` +
    '<defs><linearGradient id="l" x1="0" y1="0" x2="1" y2="1">' +
    '<stop offset="0" stop-color="#fff" stop-opacity=".22"/>' +
    '<stop offset=".5" stop-color="#fff" stop-opacity="0"/>' +
    '<stop offset="1" stop-color="#000" stop-opacity=".18"/></linearGradient>' +
    `<path id="s"${rule} d="${art.d}"/></defs>` +
    '<rect width="600" height="750" fill="#f3f1ed"/>' +
    '<ellipse cx="300" cy="688" rx="200" ry="20" fill="#000" opacity=".07"/>' +
    `<g${scale}>` +
    `<use href="#s" fill="${hex}" stroke="${outline}" stroke-width="4" stroke-linejoin="round"/>` +
    '<use href="#s" fill="url(#l)"/>' +
    `<path d="${art.detail}" fill="none" stroke="${detail}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" opacity=".6"/>` +
    '</g></svg>'
  );
}
