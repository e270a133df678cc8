import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
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
const isMissing = (error: unknown) =>
  error instanceof S3ServiceException && error.name === 'NoSuchKey';

/**
 * Objects in an S3 bucket (AWS or any S3-compatible service), through the AWS SDK v3: several API
 * machines share one bucket. A PutObject is whole or absent, as the port asks; the content type
 * is the object's own.
 */
export function createS3Storage(options: S3StorageOptions): ObjectStorage {
  const client = new S3Client({
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
  });
  const Bucket = options.bucket;
  const keyOf = (key: string) => {
    assertStorageKey(key);
    return `${options.prefix ?? ''}${key}`;
  };

  return {
    kind: 's3',
    async put(key, bytes, contentType) {
      await client.send(
        new PutObjectCommand({ Bucket, Key: keyOf(key), Body: bytes, ContentType: contentType }),
      );
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: keyOf(key) }));
        const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
        return { bytes, contentType: object.ContentType ?? 'application/octet-stream' };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(key) }));
    },
  };
}
