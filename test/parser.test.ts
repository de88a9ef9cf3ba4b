import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpParse } from './helpers/dump';

// Golden files: each fixture beside its dumped tree and syntax errors. Recovery is reviewed as text.
const root = join(__dirname, 'fixtures/parse');

for (const kind of ['ok', 'err']) {
  describe(`parse ${kind}`, () => {
    for (const name of readdirSync(join(root, kind)).filter((f) => f.endsWith('.nn'))) {
      it(name, async () => {
        const text = readFileSync(join(root, kind, name), 'utf8');
        const dump = dumpParse(text);
        if (kind === 'ok') expect(dump).not.toMatch(/^error /m);
        else expect(dump).toMatch(/^error /m);
        await expect(dump).toMatchFileSnapshot(join(root, kind, name.replace(/\.nn$/, '.tree')));
      });
    }
  });
}
