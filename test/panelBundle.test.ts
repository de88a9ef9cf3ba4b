// The training panel's webview script as esbuild bundles it (`npm run build`): one file with
// uPlot inside, its stylesheet beside it, nothing fetched from the network (the panel works
// offline), and nothing the CSP would refuse (no eval, no Function constructor).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(__dirname, '..', 'dist', 'webview');

function read(name: string): string {
  const path = join(DIR, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
  return readFileSync(path, 'utf8');
}

describe('dist/webview', () => {
  it('has the panel script with uPlot bundled, and no eval', () => {
    const js = read('trainingPanel.js');
    expect(js).toContain('uplot'); // uPlot's class names, so the library is inside
    expect(js).toContain('acquireVsCodeApi');
    expect(js).not.toMatch(/\beval\s*\(/);
    expect(js).not.toMatch(/new\s+Function\s*\(/);
    expect(js).not.toMatch(/\bimport\s*\(/);
    expect(js).not.toMatch(/https?:\/\//);
  });

  it('has uPlot stylesheet beside it, with nothing to fetch', () => {
    const css = read('trainingPanel.css');
    expect(css).toContain('.uplot');
    expect(css).not.toMatch(/url\(|@import/);
  });
});
