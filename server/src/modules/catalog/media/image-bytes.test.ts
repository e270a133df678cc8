import { describe, expect, it } from 'vitest';
import { detectImageType } from './image-bytes.js';
import { tinyJpeg, tinyPng } from '../../../../test/image-fixtures.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((part) =>
      typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part),
    ),
  );

/** ISO-BMFF `ftyp` box: size, "ftyp", major brand, minor version, compatible brands. */
const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 8], 'meta');
};

describe('image types from the bytes', () => {
  it('recognises PNG, JPEG, WebP and AVIF', () => {
    expect(detectImageType(tinyPng())?.contentType).toBe('image/png');
    expect(detectImageType(tinyJpeg())?.contentType).toBe('image/jpeg');
    expect(detectImageType(bytes('RIFF', [1, 0, 0, 0], 'WEBPVP8 ', [0, 0, 0, 0]))).toEqual({
      contentType: 'image/webp',
      extension: 'webp',
    });
    expect(detectImageType(ftyp('avif', 'mif1', 'miaf'))?.extension).toBe('avif');
    expect(detectImageType(ftyp('avis', 'msf1'))?.extension).toBe('avif');
    // A still image whose major brand is the generic one and names AVIF among its brands.
    expect(detectImageType(ftyp('mif1', 'avif', 'miaf'))?.extension).toBe('avif');
  });

  it('refuses everything else, whatever it claims to be', () => {
    const refused = [
      Buffer.alloc(0),
      bytes('<!doctype html><script>alert(1)</script>'),
      bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      bytes('<?xml version="1.0"?><svg/>'),
      bytes('GIF89a', [1, 0, 1, 0]),
      // The PNG signature followed by HTML instead of the IHDR chunk.
      bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], '<html><body>hi</body></html>'),
      bytes([0xff, 0xd8], '<html>'),
      bytes('RIFF', [1, 0, 0, 0], 'WAVEfmt '),
      // HEIC: the same container, another brand; browsers do not show it.
      ftyp('heic', 'mif1', 'heic'),
      // An ftyp box that claims to be longer than the file.
      bytes([0, 0, 1, 0], 'ftypavif', [0, 0, 0, 0]),
      bytes('%PDF-1.7'),
    ];
    for (const file of refused) expect(detectImageType(file)).toBeNull();
  });
});
