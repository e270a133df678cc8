import type { S3Client } from '@aws-sdk/client-s3';
import { assertStorageKey, type ObjectStorage } from './port.js';

export interface S3StorageOptions {
  bucket: string;
  /** Put before every key, e.g. `uploads/`, so one bucket can hold other things too. */
  prefix?: string;
  /** An S3-compatible service's address (MinIO, Ceph, R2...); unset: AWS S3 in `region`. */
  endpoint?: string | undefined;
  region: string;
  /** Address the bucket in the path (`endpoint/bucket/key`), as most S3-compatible services want. */
  forcePathStyle?: boolean;
  /** Unset: the AWS SDK's own chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** The object is not there (and not the bucket: that is an error, never an empty answer). */
const isMissing = (error: unknown) => (error as { name?: unknown }).name === 'NoSuchKey';

/** The SDK, loaded on first use: a store that keeps its files in a folder never loads it. */
let sdk: Promise<typeof import('@aws-sdk/client-s3')> | undefined;
const loadSdk = () => (sdk ??= import('@aws-sdk/client-s3'));

/**
 * Objects in an S3 bucket (AWS or any S3-compatible service), through the AWS SDK v3: several API
 * machines share one bucket. A PutObject is whole or absent, as the port asks; the content type
 * is the object's own.
 */
export function createS3Storage(options: S3StorageOptions): ObjectStorage {
  let client: S3Client | undefined;
  const connect = async () => {
    const { S3Client } = await loadSdk();
    return (client ??= new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Services other than AWS do not all check the SDK's newer default checksums; it sends one
      // only where the operation requires it.
      ...(options.endpoint
        ? {
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
            responseChecksumValidation: 'WHEN_REQUIRED' as const,
          }
        : {}),
    }));
  };
  const Bucket = options.bucket;
  const keyOf = (key: string) => {
    assertStorageKey(key);
    return `${options.prefix ?? ''}${key}`;
  };

  return {
    kind: 's3',
    async put(key, bytes, contentType) {
      const Key = keyOf(key);
      const { PutObjectCommand } = await loadSdk();
      await (
        await connect()
      ).send(new PutObjectCommand({ Bucket, Key, Body: bytes, ContentType: contentType }));
    },
    async get(key) {
      const Key = keyOf(key);
      const { GetObjectCommand } = await loadSdk();
      try {
        const object = await (await connect()).send(new GetObjectCommand({ Bucket, Key }));
        const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
        return { bytes, contentType: object.ContentType ?? 'application/octet-stream' };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async delete(key) {
      const Key = keyOf(key);
      const { DeleteObjectCommand } = await loadSdk();
      await (await connect()).send(new DeleteObjectCommand({ Bucket, Key }));
    },
  };
}
