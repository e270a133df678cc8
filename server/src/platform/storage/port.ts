/**
 * The object storage port: bytes kept under a key, with their content type. Product images use it
 * today. The adapter here keeps objects in a folder (`local.ts`); one for an S3-compatible bucket
 * would implement the same four methods (PutObject with ContentType, GetObject, DeleteObject) and
 * answer `publicUrl` with its bucket or CDN address, so the API would no longer serve the bytes.
 *
 * Keys are chosen by the caller and are plain names (`storageKeyPattern`), never paths: an
 * adapter may map them to files without any risk of leaving its folder.
 */
export interface StoredObject {
  bytes: Buffer;
  contentType: string;
}

export interface ObjectStorage {
  readonly kind: 'local';
  /** Store `bytes` under `key`, replacing what was there; complete or not at all. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The object, or null when there is none under `key`. */
  get(key: string): Promise<StoredObject | null>;
  /** Remove the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Where clients fetch the object directly (a bucket or CDN URL), or null when the API serves it
   * itself (see `catalog/image-routes.ts`, `/images/uploads/<key>`).
   */
  publicUrl(key: string): string | null;
}

/** Lower-case letters, digits, `-`, `_` and dots (not leading), at most 128 characters. */
export const storageKeyPattern = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export function assertStorageKey(key: string): void {
  if (!storageKeyPattern.test(key) || key.includes('..')) {
    throw new Error(`not a storage key: ${JSON.stringify(key)}`);
  }
}
