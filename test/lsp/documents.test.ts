// The server's document cache, in process: one analysis per version, importers found however a
// file: URI is spelled, refusal of huge documents, and an analyzer failure turned into a diagnostic.
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { canonical, MAX_DOCUMENT_CHARS, Workspace } from '../../server/src/documents';

const doc = (uri: string, text: string, version = 1) => TextDocument.create(uri, 'nn', version, text);
const DOCS = 'file:///docs/diagnostics.md';

describe('Workspace', () => {
  it('analyses each version once', () => {
    const ws = new Workspace(() => undefined);
    ws.set(doc('file:///w/a.nn', 'model M {\n  input 4\n  dense 2\n}\n'));
    const first = ws.analysis('file:///w/a.nn');
    expect(ws.analysis('file:///w/a.nn')).toBe(first);
    ws.set(doc('file:///w/a.nn', 'model M {\n  input 4\n  dense 3\n}\n', 2));
    expect(ws.analysis('file:///w/a.nn')).not.toBe(first);
  });

  it('reads an open import however its URI is spelled, and knows who imports it', () => {
    const ws = new Workspace(() => undefined);
    ws.set(doc('file:///w/my%20dir/main.nn', 'import "my blocks.nn"\nmodel M {\n  input 3x8x8\n  Pair 4\n}\n'));
    ws.set(doc('file:///w/my%20dir/my%20blocks.nn', 'block Pair(ch) { conv ch kernel=9 }\n'));
    expect(canonical('file:///w/my dir/my blocks.nn')).toBe('file:///w/my%20dir/my%20blocks.nn');
    expect(ws.analysis('file:///w/my%20dir/main.nn')!.diagnostics.map((d) => d.code)).toEqual(['NN301']);
    expect(ws.invalidate('file:///w/my%20dir/my%20blocks.nn').sort()).toEqual(['file:///w/my%20dir/main.nn', 'file:///w/my%20dir/my%20blocks.nn']);
    // The error inside the imported block is published in the imported file, found by its importer.
    expect(ws.diagnostics('file:///w/my%20dir/my%20blocks.nn', DOCS, () => undefined).map((d) => d.code)).toEqual(['NN301']);
    expect(ws.diagnostics('file:///w/my%20dir/main.nn', DOCS, () => undefined)).toEqual([]);
  });

  it('counts a missing import as read, so creating it re-analyses the importer', () => {
    const ws = new Workspace(() => undefined);
    ws.set(doc('file:///w/main.nn', 'import "lib.nn"\nmodel M {\n  input 4\n}\n'));
    expect(ws.analysis('file:///w/main.nn')!.diagnostics.map((d) => d.code)).toContain('NN212');
    expect(ws.invalidate('file:///w/lib.nn')).toEqual(['file:///w/main.nn']);
  });

  it('refuses a document over the limit with one warning that gives the numbers', () => {
    const ws = new Workspace(() => undefined);
    ws.set(doc('file:///w/big.nn', '#'.repeat(MAX_DOCUMENT_CHARS + 1)));
    expect(ws.analysis('file:///w/big.nn')!.models).toEqual([]);
    const [warning] = ws.diagnostics('file:///w/big.nn', DOCS, () => undefined);
    expect(warning).toMatchObject({ code: 'NN322', severity: 2, source: 'netlens', range: { start: { line: 0, character: 0 } } });
    expect(warning!.message).toBe('this file has 1,048,577 characters, over the 1,048,576 NetLens analyses; split it into files that import each other');
  });

  it('turns an analyzer failure into a diagnostic and a report, once per version', () => {
    const failures: string[] = [];
    const ws = new Workspace(
      () => {
        throw new Error('disk on fire');
      },
      (uri, error) => failures.push(`${uri}: ${(error as Error).message}`),
    );
    ws.set(doc('file:///w/main.nn', 'import "lib.nn"\nmodel M {\n  input 4\n}\n'));
    expect(ws.analysis('file:///w/main.nn')).toBeUndefined();
    expect(ws.analysis('file:///w/main.nn')).toBeUndefined();
    expect(failures).toEqual(['file:///w/main.nn: disk on fire']);
    expect(ws.diagnostics('file:///w/main.nn', DOCS, () => undefined)[0]!.message).toContain('could not analyse this file (an internal error: disk on fire)');
  });
});
