/**
 * `npm run bench -- images`: what product photos cost, in this process with the server's own
 * processing (`server/src/modules/catalog/image-processing.ts`):
 *
 * - the time to process one camera-like upload (a 12-megapixel JPEG of about 6 MB, made here with
 *   sharp: smooth shapes under sensor-like noise at quality 92, with EXIF, as a phone writes it),
 *   the median of a few runs after one untimed, and what is stored for it;
 * - the bytes of a product page's photos on a 390 px wide phone at DPR 3 (an iPhone 12 to 15): the
 *   main photo fills the width (`sizes` 100vw: 1170 device pixels) and three 80 px thumbnails
 *   (240 device pixels), before (every one the upload as sent) and after (the rendition a browser
 *   picks from each `srcset`: the smallest at least as wide as it needs, AVIF where supported);
 * - the bytes the photo adds to a catalog answer (a listing card carries it).
 */
import sharp from 'sharp';
import {
  processImage,
  type ProcessedImage,
} from '../../server/src/modules/catalog/media/image-processing.js';
import { servedAs } from '../../server/src/modules/catalog/media/image-queries.js';
import { numberFromEnv } from './backends.js';
import { log } from './checkout-kit.js';

const runs = numberFromEnv('BENCH_IMAGE_RUNS', 3);
const phone = { cssWidth: 390, dpr: 3, thumbnails: 3, thumbnailCss: 80 };

/** A photo-like 4032×3024 JPEG (a 12 MP phone camera) of about 6 MB. */
async function cameraJpeg(): Promise<Buffer> {
  const [width, height] = [4032, 3024];
  const shapes = await sharp({
    create: {
      width: width / 16,
      height: height / 16,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .blur(2)
    .png()
    .toBuffer();
  const grain = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 18 },
    },
  })
    .png()
    .toBuffer();
  return sharp(await sharp(shapes).resize(width, height, { kernel: 'cubic' }).toBuffer())
    .composite([{ input: grain, blend: 'overlay' }])
    .withExif({ IFD0: { Make: 'Stride', Model: 'Bench Camera' } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** The rendition a browser takes for a slot `devicePixels` wide: the narrowest that covers it. */
function picked(processed: ProcessedImage, devicePixels: number, format: string) {
  const width = processed.widths.find((w) => w >= devicePixels) ?? processed.widths.at(-1);
  const file = processed.files.find((f) => f.key.endsWith(`-${width}.${format}`));
  if (!file) throw new Error(`no ${format} rendition of width ${width}`);
  return { width, bytes: file.bytes.length };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export async function runImages(): Promise<void> {
  log('Product photos: one camera-like upload, processed as the store does');
  const upload = await cameraJpeg();
  const maxPixels = 50_000_000;
  await processImage(upload, { maxPixels }); // untimed: loads libvips and its encoders
  const times: number[] = [];
  let processed: ProcessedImage | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    processed = await processImage(upload, { maxPixels });
    times.push(performance.now() - started);
  }
  if (!processed) throw new Error('BENCH_IMAGE_RUNS must be at least 1');
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN;
  const stored = processed.files.reduce((sum, f) => sum + f.bytes.length, 0);
  log(`  upload: 4032×3024 JPEG, ${kb(upload.length)}`);
  log(
    `  processing: ${median.toFixed(0)} ms median of ${runs} (${times.map((t) => t.toFixed(0)).join(', ')} ms); ` +
      `${processed.files.length} files, ${kb(stored)} stored; widths ${processed.widths.join(', ')}`,
  );

  const mainSlot = phone.cssWidth * phone.dpr;
  const thumbSlot = phone.thumbnailCss * phone.dpr;
  const before = upload.length * phone.thumbnails; // the main photo is one of the thumbnails
  log(
    `  product page on a ${phone.cssWidth} px phone at DPR ${phone.dpr}: main photo (${mainSlot} px) and ${phone.thumbnails} thumbnails (${thumbSlot} px), ${phone.thumbnails} photos`,
  );
  log(`    before (as uploaded): ${kb(before)}`);
  for (const format of ['avif', 'webp', 'jpg']) {
    const main = picked(processed, mainSlot, format);
    const thumb = picked(processed, thumbSlot, format);
    const after = main.bytes + thumb.bytes * phone.thumbnails;
    log(
      `    after, ${format.padEnd(4)}: ${kb(after)} (main ${main.width} px ${kb(main.bytes)}, thumbnails ${thumb.width} px ${kb(thumb.bytes)} each) = ${((after / before) * 100).toFixed(2)} % of before`,
    );
  }
  const { url, renditions } = servedAs(processed);
  const plain = JSON.stringify({ url, alt: 'Tempo Ridge Shell in Volt Green' });
  const full = JSON.stringify({ url, alt: 'Tempo Ridge Shell in Volt Green', ...renditions });
  log(
    `  a card's image in a catalog answer: ${full.length} bytes (${plain.length} without the renditions; placeholder ${renditions.placeholder.length})`,
  );
}
