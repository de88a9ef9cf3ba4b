// What the training tests share: a temporary folder of files, an event stream parsed strictly
// (every non-empty line must be a valid event), and the one run directory a run left.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { isParseError, parseEvent, type TrainEvent } from '../../runtime/src/events';

export function fixture(files: Record<string, string>, prefix = 'netlens-train-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Every non-empty line as an event; a line that is not one fails the test, naming `where`. */
export function parseStream(text: string, where = 'stream'): TrainEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const e = parseEvent(line);
      if (isParseError(e)) throw new Error(`${where}: ${e.error}: ${line}`);
      return e;
    });
}

/** runs/<model>/<timestamp>/ under `dir`, which must hold exactly one run. */
export function onlyRunDir(dir: string, model: string): string {
  const runs = readdirSync(join(dir, 'runs', model));
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatch(/^\d{8}-\d{6}$/);
  return join(dir, 'runs', model, runs[0]!);
}
