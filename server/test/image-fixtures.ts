import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Real, tiny image files built in memory for tests: a PNG any decoder opens (signature, IHDR,
 * one IDAT of deflated scanlines, IEND, each chunk with its CRC) and the leading segments of a
 * JFIF JPEG.
 */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A `width`×`height` PNG of one colour (8-bit RGB). */
export function tinyPng(width = 1, height = 1, rgb: [number, number, number] = [200, 30, 60]) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.from([0, ...Array.from({ length: width }, () => rgb).flat()]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The start of a JFIF JPEG: SOI, an APP0 segment, EOI. */
export function tinyJpeg(): Buffer {
  return Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
  ]);
}

/**
 * A PNG of `width`×`height` 1-bit grey pixels, all black: a few kilobytes on disk that decode to
 * width × height × 3 bytes, the "pixel bomb" an image check must refuse from its header.
 */
export function pixelBombPng(width = 12_000, height = 12_000) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8);
  const pixels = Buffer.alloc((Math.ceil(width / 8) + 1) * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG's signature and header chunk, then an HTML page: passes a first-bytes check, is no image. */
export function pngHeaderThenHtml() {
  const header = tinyPng(16, 16).subarray(0, 33);
  return Buffer.concat([
    header,
    Buffer.from('<html><script>alert(document.cookie)</script></html>'),
  ]);
}

/**
 * A real JPEG made by sharp: left half red, right half blue (so a rotation shows), optionally with
 * a camera's EXIF (make, model, GPS position) and an EXIF orientation.
 */
export async function photoJpeg(
  options: { width?: number; height?: number; gps?: boolean; orientation?: number } = {},
) {
  const { width = 40, height = 20 } = options;
  const half = Math.floor(width / 2);
  let image = sharp({
    create: { width, height, channels: 3, background: { r: 220, g: 20, b: 20 } },
  }).composite([
    {
      input: {
        create: { width: width - half, height, channels: 3, background: { r: 20, g: 20, b: 220 } },
      },
      left: half,
      top: 0,
    },
  ]);
  if (options.gps) {
    image = image.withExif({
      IFD0: { Make: 'Stride', Model: 'Test Camera' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 2994/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 17/1 4020/100',
      },
    });
  }
  const jpeg = await image.jpeg({ quality: 90 }).toBuffer();
  return options.orientation
    ? sharp(jpeg).keepExif().withMetadata({ orientation: options.orientation }).jpeg().toBuffer()
    : jpeg;
}
