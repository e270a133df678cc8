import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ObjectStorage } from './port.js';

/** Behaviour every ObjectStorage adapter must share. Keys are random, so runs may share a bucket. */
export function storageContract(name: string, make: () => Promise<ObjectStorage>): void {
  describe(`ObjectStorage contract: ${name}`, () => {
    const key = (ext = 'png') => `${randomBytes(8).toString('hex')}.${ext}`;

    it('keeps bytes with their type, replaces them, and deletes them', async () => {
      const store = await make();
      const k = key();
      expect(await store.get(k)).toBeNull();
      await store.put(k, Buffer.from([1, 2, 3]), 'image/png');
      expect(await store.get(k)).toEqual({
        bytes: Buffer.from([1, 2, 3]),
        contentType: 'image/png',
      });
      await store.put(k, Buffer.from([4]), 'image/webp');
      expect(await store.get(k)).toEqual({ bytes: Buffer.from([4]), contentType: 'image/webp' });
      await store.delete(k);
      expect(await store.get(k)).toBeNull();
    });

    it('deletes a missing object without complaint', async () => {
      const store = await make();
      await expect(store.delete(key())).resolves.toBeUndefined();
    });

    it('returns every byte value and a large object unchanged', async () => {
      const store = await make();
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const large = randomBytes(3 * 1024 * 1024);
      const [a, b] = [key('bin'), key('jpg')];
      await Promise.all([
        store.put(a, all, 'application/octet-stream'),
        store.put(b, large, 'image/jpeg'),
      ]);
      expect((await store.get(a))?.bytes.equals(all)).toBe(true);
      expect((await store.get(b))?.bytes.equals(large)).toBe(true);
      await Promise.all([store.delete(a), store.delete(b)]);
    });

    it('keeps objects under different keys apart', async () => {
      const store = await make();
      const keys = Array.from({ length: 6 }, () => key('avif'));
      await Promise.all(keys.map((k, i) => store.put(k, Buffer.from([i]), 'image/avif')));
      await store.delete(keys[0] as string);
      const read = await Promise.all(keys.map((k) => store.get(k)));
      expect(read.map((o) => o?.bytes[0] ?? null)).toEqual([null, 1, 2, 3, 4, 5]);
      await Promise.all(keys.map((k) => store.delete(k)));
    });

    it('takes plain names only, never a path', async () => {
      const store = await make();
      for (const bad of ['../etc/passwd', 'a/b', '.hidden', 'UPPER', '', 'a..b', 'x'.repeat(129)]) {
        await expect(store.put(bad, Buffer.from('x'), 'text/plain')).rejects.toThrow(/storage key/);
        await expect(store.get(bad)).rejects.toThrow(/storage key/);
        await expect(store.delete(bad)).rejects.toThrow(/storage key/);
      }
    });
  });
}
