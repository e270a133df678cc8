import { join } from 'node:path';
import type { Config } from '../config.js';
import { createLocalStorage } from './local.js';
import type { ObjectStorage } from './port.js';
import { createS3Storage } from './s3.js';

export type { ObjectStorage, StoredObject } from './port.js';

export type StorageConfig = Pick<
  Config,
  | 'DATA_DIR'
  | 'UPLOADS_DIR'
  | 'STORAGE_S3_BUCKET'
  | 'STORAGE_S3_ENDPOINT'
  | 'STORAGE_S3_REGION'
  | 'STORAGE_S3_FORCE_PATH_STYLE'
  | 'STORAGE_S3_PREFIX'
  | 'STORAGE_S3_ACCESS_KEY_ID'
  | 'STORAGE_S3_SECRET_ACCESS_KEY'
>;

/**
 * The store's object storage: an S3 bucket when STORAGE_S3_BUCKET is set, else a folder
 * (UPLOADS_DIR, default DATA_DIR/uploads).
 */
export function createStorage(config: StorageConfig): ObjectStorage {
  if (config.STORAGE_S3_BUCKET) {
    return createS3Storage({
      bucket: config.STORAGE_S3_BUCKET,
      prefix: config.STORAGE_S3_PREFIX,
      endpoint: config.STORAGE_S3_ENDPOINT,
      region: config.STORAGE_S3_REGION,
      forcePathStyle: config.STORAGE_S3_FORCE_PATH_STYLE,
      credentials:
        config.STORAGE_S3_ACCESS_KEY_ID && config.STORAGE_S3_SECRET_ACCESS_KEY
          ? {
              accessKeyId: config.STORAGE_S3_ACCESS_KEY_ID,
              secretAccessKey: config.STORAGE_S3_SECRET_ACCESS_KEY,
            }
          : undefined,
    });
  }
  return createLocalStorage(config.UPLOADS_DIR ?? join(config.DATA_DIR, 'uploads'));
}
