/**
 * What kind of image a file is, decided from its first bytes (its signature) and never from its
 * name or the Content-Type the client declared: both are the uploader's say-so, and a browser
 * told `image/png` for bytes that are really HTML or SVG (with `nosniff`, served as declared) is
 * where stored cross-site scripting starts. Only raster formats browsers show natively are taken:
 * SVG is refused outright, because it is a document that can carry script.
 *
 * Each check looks one step past the magic number (the first chunk, marker or box), so a file
 * that merely starts with the right eight bytes and goes on as something else is refused too.
 */
export interface ImageType {
  contentType: 'image/png' | 'image/jpeg' | 'image/webp' | 'image/avif';
  extension: 'png' | 'jpg' | 'webp' | 'avif';
}

const ascii = (bytes: Uint8Array, from: number, length: number) =>
  String.fromCharCode(...bytes.subarray(from, from + length));

const startsWith = (bytes: Uint8Array, signature: number[]) =>
  bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);

/** PNG: the 8-byte signature, then the IHDR chunk (length 13) that must come first. */
function isPng(bytes: Uint8Array): boolean {
  return (
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) &&
    ascii(bytes, 12, 4) === 'IHDR'
  );
}

/** JPEG: start of image (FF D8), then a marker (FF xx) such as APP0/APP1/DQT. */
function isJpeg(bytes: Uint8Array): boolean {
  const marker = bytes[3] ?? 0;
  return startsWith(bytes, [0xff, 0xd8, 0xff]) && marker >= 0xc0 && marker !== 0xff;
}

/** WebP: a RIFF container of form WEBP whose first chunk is VP8, VP8L or VP8X. */
function isWebp(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 16 &&
    ascii(bytes, 0, 4) === 'RIFF' &&
    ascii(bytes, 8, 4) === 'WEBP' &&
    ['VP8 ', 'VP8L', 'VP8X'].includes(ascii(bytes, 12, 4))
  );
}

/**
 * AVIF: an ISO-BMFF file whose first box is `ftyp` naming `avif` (a still image) or `avis` (an
 * image sequence) as its major brand or among its compatible brands. HEIC shares the container
 * but not the brand, and browsers do not show it, so it is refused.
 */
function isAvif(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || ascii(bytes, 4, 4) !== 'ftyp') return false;
  const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (size < 16 || size > bytes.length || size % 4 !== 0) return false;
  const brands = [ascii(bytes, 8, 4)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(bytes, at, 4));
  return brands.some((brand) => brand === 'avif' || brand === 'avis');
}

const kinds: [check: (bytes: Uint8Array) => boolean, type: ImageType][] = [
  [isPng, { contentType: 'image/png', extension: 'png' }],
  [isJpeg, { contentType: 'image/jpeg', extension: 'jpg' }],
  [isWebp, { contentType: 'image/webp', extension: 'webp' }],
  [isAvif, { contentType: 'image/avif', extension: 'avif' }],
];

/** The image type the bytes are, or null when they are none the store takes. */
export function detectImageType(bytes: Uint8Array): ImageType | null {
  for (const [check, type] of kinds) if (check(bytes)) return type;
  return null;
}

/** The content type of a stored image by its key's extension (only the types above). */
export function imageTypeOfExtension(extension: string): ImageType | null {
  return kinds.find(([, type]) => type.extension === extension)?.[1] ?? null;
}
