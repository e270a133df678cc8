// Whether a build's output is current: a stamp file written after each build, newer than every
// input file and made under the same settings. Lets `npm start` skip a build with nothing to do.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function newestInput(inputs) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const input of inputs) visit(input);
  return newest;
}

/** True when `stamp` exists, is newer than every file under `inputs`, and records `settings`. */
export function isCurrent(stamp, inputs, settings = {}) {
  if (!existsSync(stamp)) return false;
  if (readFileSync(stamp, 'utf8') !== JSON.stringify(settings)) return false;
  return statSync(stamp).mtimeMs >= newestInput(inputs);
}

export function writeStamp(stamp, settings = {}) {
  writeFileSync(stamp, JSON.stringify(settings));
}
