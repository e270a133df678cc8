import { createHash } from 'node:crypto';
import type { Metadata, OutputInfo, default as Sharp } from 'sharp';
import { TooLarge, Unprocessable } from '../../../platform/errors.js';

/**
 * Every uploaded image is decoded and encoded anew (sharp, over libvips), never stored as sent: a
 * file that only starts like an image (a PNG header followed by HTML) does not decode and is
 * refused, and what is stored is pixels the store encoded itself, with no metadata (EXIF, GPS, XMP,
 * comments) left in it. On the way: turned upright by its EXIF orientation, converted to sRGB (an
 * embedded colour profile applied, CMYK included), and cut down to the sizes pages ask for.
 *
 * The header is read first and the pixel count checked against the limit before any pixel is
 * decoded, so a small file claiming 12,000 × 12,000 pixels is refused at once, costing no memory.
 */

/** The version of what follows (sizes, formats, qualities): part of every stored file's key. */
export const recipeVersion = 1;
/** Widths (px) made of every image, capped at its own width; 1920 covers a 640 px column at 3x. */
export const standardWidths = [320, 640, 960, 1280, 1920] as const;
const largestWidth = 1920;
/** Best first: a browser takes the first `<source>` it can show; JPEG is the fallback everyone can. */
export const renditionFormats = ['avif', 'webp', 'jpg'] as const;
export type RenditionFormat = (typeof renditionFormats)[number];

const contentTypes: Record<RenditionFormat, string> = {
  avif: 'image/avif',
  webp: 'image/webp',
  jpg: 'image/jpeg',
};

/** What the storefront needs to build `<picture>`; stored with the image and sent with it. */
export interface Renditions {
  /** Size of the largest rendition, for `width`/`height` (no layout shift). */
  width: number;
  height: number;
  /** A blurred image of a few hundred bytes, shown while the real one loads. */
  placeholder: string;
  /** The file of width `w` in format `f` is at `${base}-${w}.${f}`. */
  srcset: { base: string; widths: number[]; formats: RenditionFormat[] };
}

export interface ProcessedImage {
  /** SHA-256 of the recipe version and the uploaded bytes: the stem of every file's key. */
  hash: string;
  width: number;
  height: number;
  widths: number[];
  placeholder: string;
  files: { key: string; bytes: Buffer; contentType: string }[];
}

/** The keys of the files one processed image is kept in. */
export const renditionKey = (hash: string, width: number, format: RenditionFormat) =>
  `${hash}-${width}.${format}`;

/** The widths made of an image `width` px wide: the standard ones below it, and its own (≤ 1920). */
export function widthsFor(width: number): number[] {
  const largest = Math.min(width, largestWidth);
  return [...standardWidths.filter((w) => w < largest), largest];
}

/** Decoders this store accepts, as libvips names them (HEIF's AV1 flavour is AVIF). */
const acceptedFormats = new Set(['png', 'jpeg', 'webp', 'heif']);

const unreadable = () =>
  new Unprocessable(
    'image_unreadable',
    'The image could not be read: it is damaged, cut off, or not the image its first bytes claim.',
  );

/**
 * One image at a time per process: decoding a large photo takes up to a few hundred megabytes and
 * libvips uses every core for it, so two at once only share the same cores with twice the memory.
 */
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * sharp is loaded with the first upload, not at start: libvips and its codecs are tens of megabytes
 * that a process which never receives an upload (most API processes, most of the time) need not map.
 */
let sharpLoaded: Promise<typeof Sharp> | null = null;
const loadSharp = () =>
  (sharpLoaded ??= import('sharp').then(({ default: sharp }) => {
    // Each upload is new: libvips' operation cache would only hold memory.
    sharp.cache(false);
    return sharp;
  }));

/**
 * Decode, check and re-encode an upload: every standard width up to its own in AVIF, WebP and
 * JPEG, and a placeholder. Refuses with 422 `image_unreadable` what does not decode as the image
 * it claims to be, and with 413 `image_too_large` an image of more than `maxPixels` pixels.
 */
export function processImage(
  bytes: Buffer,
  limits: { maxPixels: number },
): Promise<ProcessedImage> {
  return oneAtATime(() => process(bytes, limits.maxPixels));
}

async function process(bytes: Buffer, maxPixels: number): Promise<ProcessedImage> {
  const sharp = await loadSharp();
  const options = { limitInputPixels: maxPixels, failOn: 'error' } as const;
  let header: Metadata;
  try {
    // The header alone: no pixel is decoded here, so the limit is checked below, with a message.
    header = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw unreadable();
  }
  if (!acceptedFormats.has(header.format ?? '') || !header.width || !header.height) {
    throw unreadable();
  }
  if (header.format === 'heif' && header.compression !== 'av1') throw unreadable();
  const pixels = header.width * (header.pageHeight ?? header.height);
  if (pixels > maxPixels) {
    throw new TooLarge(
      'image_too_large',
      `An image may have at most ${(maxPixels / 1e6).toLocaleString('en')} megapixels; this one has ${header.width} × ${header.pageHeight ?? header.height}.`,
      { maxPixels },
    );
  }

  // The one decode: upright, sRGB, no wider than the largest rendition (a JPEG is decoded at a
  // fraction of its size when that is enough), held as raw pixels for the encoders below.
  let master: { data: Buffer; info: OutputInfo };
  try {
    master = await sharp(bytes, options)
      .autoOrient()
      .resize({ width: largestWidth, withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw unreadable();
  }
  const { width, height, channels } = master.info;
  const raw = () =>
    sharp(master.data, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } });
  const opaque = () => raw().flatten({ background: '#ffffff' });

  const hash = createHash('sha256').update(`stride-image-${recipeVersion}\n`).update(bytes);
  const stem = hash.digest('hex');
  const widths = widthsFor(width);
  const encoders: Record<RenditionFormat, (w: number) => Promise<Buffer>> = {
    avif: (w) => raw().resize({ width: w }).avif({ quality: 50, effort: 1 }).toBuffer(),
    webp: (w) => raw().resize({ width: w }).webp({ quality: 75 }).toBuffer(),
    jpg: (w) => opaque().resize({ width: w }).jpeg({ quality: 78, mozjpeg: true }).toBuffer(),
  };
  const jobs = widths.flatMap((w) =>
    renditionFormats.map(async (format) => ({
      key: renditionKey(stem, w, format),
      bytes: await encoders[format](w),
      contentType: contentTypes[format],
    })),
  );
  const [files, placeholder] = await Promise.all([
    Promise.all(jobs),
    opaque().resize({ width: 16 }).webp({ quality: 40 }).toBuffer(),
  ]);
  return {
    hash: stem,
    width,
    height,
    widths,
    placeholder: `data:image/webp;base64,${placeholder.toString('base64')}`,
    files,
  };
}
