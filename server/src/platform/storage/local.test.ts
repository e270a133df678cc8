import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalStorage } from './local.js';
import { storageContract } from './storage.contract.js';

const dirs: string[] = [];
const folder = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stride-storage-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

storageContract('local folder', async () => createLocalStorage(await folder()));

describe('local object storage', () => {
  it('writes through a temporary file, leaving only the object and its type', async () => {
    const dir = await folder();
    const store = createLocalStorage(dir);
    await store.put('ab12.png', Buffer.from([1, 2, 3]), 'image/png');
    await store.put('ab12.png', Buffer.from([4]), 'image/webp');
    expect((await readdir(join(dir, 'ab'))).sort()).toEqual(['ab12.png', 'ab12.png.type']);
    await store.delete('ab12.png');
    expect(await readdir(join(dir, 'ab'))).toEqual([]);
  });
});
