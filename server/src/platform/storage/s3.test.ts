import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createStorage } from './index.js';
import { createS3Storage, type S3StorageOptions } from './s3.js';
import { storageContract } from './storage.contract.js';

/**
 * The S3 adapter against a real S3-compatible server running here (s3rver: the S3 REST API over a
 * folder, in Node), through the real AWS SDK: requests are signed, sent over HTTP and answered as
 * S3 answers them.
 */
let server: S3rver;
let directory: string;
let endpoint: string;
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const options = (bucket: string): S3StorageOptions => ({
  bucket,
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials,
});

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'stride-s3-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ ...options('x'), endpoint });
  for (const bucket of ['stride', 'other']) {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  client.destroy();
});
afterAll(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

storageContract('S3 (s3rver)', async () => createS3Storage(options('stride')));
storageContract('S3 with a key prefix', async () =>
  createS3Storage({ ...options('stride'), prefix: 'uploads/' }),
);

describe('S3 object storage', () => {
  it('is chosen by STORAGE_S3_BUCKET, and two stores on one bucket see each other’s objects', async () => {
    const env = {
      STORAGE_S3_BUCKET: 'other',
      STORAGE_S3_ENDPOINT: endpoint,
      STORAGE_S3_FORCE_PATH_STYLE: 'true',
      STORAGE_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      STORAGE_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    };
    const [one, two] = [createStorage(loadConfig(env)), createStorage(loadConfig(env))];
    expect(one.kind).toBe('s3');
    expect(createStorage(loadConfig({})).kind).toBe('local');
    await one.put('shared.jpg', Buffer.from('one'), 'image/jpeg');
    expect(await two.get('shared.jpg')).toEqual({
      bytes: Buffer.from('one'),
      contentType: 'image/jpeg',
    });
    await two.delete('shared.jpg');
    expect(await one.get('shared.jpg')).toBeNull();
  });

  it('fails loudly, never as a missing object, when the bucket is not there', async () => {
    const store = createS3Storage(options('no-such-bucket'));
    await expect(store.put('a.png', Buffer.from('x'), 'image/png')).rejects.toThrow();
    await expect(store.get('a.png')).rejects.toThrow(/bucket/i);
  });

  it('refuses half the credentials in the settings', () => {
    expect(() =>
      loadConfig({ STORAGE_S3_BUCKET: 'uploads', STORAGE_S3_ACCESS_KEY_ID: 'only-the-id' }),
    ).toThrow(/STORAGE_S3_ACCESS_KEY_ID/);
  });
});
