import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertStorageKey, type ObjectStorage } from './port.js';

const isMissing = (error: unknown) => (error as { code?: string }).code === 'ENOENT';

/**
 * Objects as files in a folder: `<dir>/<first two characters of the key>/<key>`, the content type
 * beside it in `<key>.type` (a folder has no metadata of its own). A write goes to a temporary
 * file renamed into place, so a reader sees the old object or the new one, never half of one, and
 * a crash leaves at worst a stray temporary file. The two-character fan-out keeps folders small
 * when keys are hashes.
 */
export function createLocalStorage(dir: string): ObjectStorage {
  const pathOf = (key: string) => {
    assertStorageKey(key);
    return join(dir, key.slice(0, 2), key);
  };

  async function writeAtomically(path: string, data: Buffer | string): Promise<void> {
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, data);
    try {
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  return {
    kind: 'local',
    async put(key, bytes, contentType) {
      const path = pathOf(key);
      await mkdir(join(dir, key.slice(0, 2)), { recursive: true });
      // The type first: a reader that finds the bytes always finds their type.
      await writeAtomically(`${path}.type`, contentType);
      await writeAtomically(path, bytes);
    },
    async get(key) {
      const path = pathOf(key);
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
      const contentType = await readFile(`${path}.type`, 'utf8').catch((error: unknown) => {
        if (isMissing(error)) return 'application/octet-stream';
        throw error;
      });
      return { bytes, contentType };
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      await rm(`${path}.type`, { force: true });
    },
  };
}
