import { join } from 'node:path';
import type { Config } from '../config.js';
import { createLocalStorage } from './local.js';
import type { ObjectStorage } from './port.js';

export type { ObjectStorage, StoredObject } from './port.js';

/**
 * The store's object storage: a folder (UPLOADS_DIR, default DATA_DIR/uploads). An S3-compatible
 * adapter would be chosen here from its own settings; none is written yet, because nothing on the
 * machines this project is tested on could run it (see docs/catalog-files.md).
 */
export function createStorage(config: Pick<Config, 'DATA_DIR' | 'UPLOADS_DIR'>): ObjectStorage {
  return createLocalStorage(config.UPLOADS_DIR ?? join(config.DATA_DIR, 'uploads'));
}
