/**
 * The object storage port: bytes kept under a key, with their content type. Product images use it.
 * Two adapters: a folder (`local.ts`) and an S3-compatible bucket (`s3.ts`), chosen by settings
 * (`index.ts`); both pass `storage.contract.ts`. The API serves what either holds itself, at
 * `/images/uploads/<key>`: one origin for the storefront and its Content-Security-Policy, and a
 * bucket that needs no public access.
 *
 * Keys are chosen by the caller and are plain names (`storageKeyPattern`), never paths: an
 * adapter may map them to files without any risk of leaving its folder.
 */
export interface StoredObject {
  bytes: Buffer;
  contentType: string;
}

export interface ObjectStorage {
  readonly kind: 'local' | 's3';
  /** Store `bytes` under `key`, replacing what was there; complete or not at all. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The object, or null when there is none under `key`. */
  get(key: string): Promise<StoredObject | null>;
  /** Remove the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
}

/** Lower-case letters, digits, `-`, `_` and dots (not leading), at most 128 characters. */
export const storageKeyPattern = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export function assertStorageKey(key: string): void {
  if (!storageKeyPattern.test(key) || key.includes('..')) {
    throw new Error(`not a storage key: ${JSON.stringify(key)}`);
  }
}
