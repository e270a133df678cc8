import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalStorage } from './local.js';

describe('local object storage', () => {
  const dirs: string[] = [];
  const storage = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stride-storage-'));
    dirs.push(dir);
    return { dir, storage: createLocalStorage(dir) };
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps bytes with their type, replaces them, and deletes them', async () => {
    const { dir, storage: store } = await storage();
    expect(await store.get('ab12.png')).toBeNull();
    await store.put('ab12.png', Buffer.from([1, 2, 3]), 'image/png');
    expect(await store.get('ab12.png')).toEqual({
      bytes: Buffer.from([1, 2, 3]),
      contentType: 'image/png',
    });
    await store.put('ab12.png', Buffer.from([4]), 'image/webp');
    expect(await store.get('ab12.png')).toEqual({
      bytes: Buffer.from([4]),
      contentType: 'image/webp',
    });
    // No temporary file is left behind.
    expect((await readdir(join(dir, 'ab'))).sort()).toEqual(['ab12.png', 'ab12.png.type']);
    await store.delete('ab12.png');
    await store.delete('ab12.png');
    expect(await store.get('ab12.png')).toBeNull();
    expect(store.publicUrl('ab12.png')).toBeNull();
  });

  it('takes plain names only, never a path', async () => {
    const { storage: store } = await storage();
    for (const key of ['../etc/passwd', 'a/b', '.hidden', 'UPPER', '', 'a..b', 'x'.repeat(129)]) {
      await expect(store.put(key, Buffer.from('x'), 'text/plain')).rejects.toThrow(/storage key/);
      await expect(store.get(key)).rejects.toThrow(/storage key/);
    }
  });
});
