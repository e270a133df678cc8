import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../../test/harness.js';
import { photoJpeg } from '../../../../test/image-fixtures.js';
import { freePort } from '../../../../test/process.js';
import { imageKit, type Image } from './image-test-kit.js';

/**
 * Uploads kept in an S3 bucket (a real S3-compatible server, s3rver, through the AWS SDK): the
 * renditions land in the bucket under the prefix, the store serves them, and a deleted image's
 * files leave the bucket.
 */
const port = await freePort();
const endpoint = `http://127.0.0.1:${port}`;
const bucket = 'stride-images';
const s3 = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});
let server: S3rver;
let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'stride-s3-'));
  server = new S3rver({ address: '127.0.0.1', port, silent: true, directory });
  await server.run();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  s3.destroy();
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

describeEachBackend('product images in an S3 bucket (%s)', (backend) => {
  const prefix = `${backend}/`;
  const { kit, product, upload, png } = imageKit(backend, {
    STORAGE_S3_BUCKET: bucket,
    STORAGE_S3_ENDPOINT: endpoint,
    STORAGE_S3_FORCE_PATH_STYLE: 'true',
    STORAGE_S3_PREFIX: prefix,
    STORAGE_S3_ACCESS_KEY_ID: 'S3RVER',
    STORAGE_S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
  const keys = async () =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? [])
      .map((o) => o.Key)
      .sort();

  it('stores the renditions in the bucket, serves them, and removes them with the image', async () => {
    const { id, colors } = await product();
    const response = await upload(id, { color: colors[0] as string }, png(await photoJpeg()));
    expect(response.statusCode, response.body).toBe(201);
    const image = (response.json() as { items: Image[] }).items.find((i) =>
      i.url.startsWith('/images/uploads/'),
    ) as Image;
    const stem = image.srcset?.base.slice('/images/uploads/'.length) as string;
    expect(await keys()).toEqual(
      ['avif', 'jpg', 'webp'].map((format) => `${prefix}${stem}-40.${format}`),
    );
    const served = await kit.ctx.store.app.inject(`${image.srcset?.base}-40.webp`);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/webp');
    expect((await sharp(served.rawPayload).metadata()).format).toBe('webp');

    const removed = await kit.request(
      'DELETE',
      `/admin/products/${id}/images/${image.id}`,
      undefined,
      kit.admin(),
    );
    expect(removed.statusCode, removed.body).toBe(200);
    await expect.poll(keys).toEqual([]);
    expect((await kit.ctx.store.app.inject(image.url)).statusCode).toBe(404);
  });
});
