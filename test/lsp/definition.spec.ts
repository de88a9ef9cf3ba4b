import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Location } from 'vscode-languageserver';
import { at, LspClient, tempWorkspace } from './client';

// Go to definition and find references over stdio against dist/server.js, across an import.
describe('definition and references', () => {
  let client: LspClient;
  const ws = tempWorkspace({
    'blocks.nn': 'block Stem(c) {\n  conv c kernel=3 padding=1\n  relu\n}\n',
    'main.nn': 'import "blocks.nn"\nlet WIDTH = 16\nmodel M {\n  input 3x32x32\n  Stem WIDTH\n  s2: Stem c=8\n}\n',
  });
  const main = ws.uri('main.nn');
  const blocks = ws.uri('blocks.nn');

  beforeAll(async () => {
    client = await LspClient.start();
    await client.initialize();
    client.open(main, ws.text('main.nn'));
    await client.waitForDiagnostics(main);
  });
  afterAll(() => client.shutdown());

  const definition = (uri: string, text: string, needle: string, delta = 0, occurrence = 0) =>
    client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(text, needle, delta, occurrence) });

  it('jumps from a block use into the imported file', async () => {
    expect(await definition(main, ws.text('main.nn'), 'Stem WIDTH', 1)).toEqual([{ uri: blocks, range: { start: { line: 0, character: 6 }, end: { line: 0, character: 10 } } }]);
  });

  it('jumps from a named argument to the parameter in the imported file', async () => {
    expect(await definition(main, ws.text('main.nn'), 'c=8')).toEqual([{ uri: blocks, range: { start: { line: 0, character: 11 }, end: { line: 0, character: 12 } } }]);
  });

  it('jumps to a constant in the same file', async () => {
    expect(await definition(main, ws.text('main.nn'), 'WIDTH', 0, 1)).toEqual([{ uri: main, range: { start: { line: 1, character: 4 }, end: { line: 1, character: 9 } } }]);
  });

  it('opens the file of an import path', async () => {
    expect(await definition(main, ws.text('main.nn'), 'blocks.nn')).toEqual([{ uri: blocks, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
  });

  it('answers an empty list on a built-in layer', async () => {
    client.open(blocks, ws.text('blocks.nn'));
    await client.waitForDiagnostics(blocks);
    expect(await definition(blocks, ws.text('blocks.nn'), 'conv')).toEqual([]);
  });

  it('finds the uses in an open importer from the definition', async () => {
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: blocks },
      position: at(ws.text('blocks.nn'), 'Stem'),
      context: { includeDeclaration: true },
    });
    expect(refs.map((r) => `${r.uri === main ? 'main' : 'blocks'}:${r.range.start.line}:${r.range.start.character}`).sort()).toEqual(['blocks:0:6', 'main:4:2', 'main:5:6']);
  });

  it('leaves the declaration out when the client asks', async () => {
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: main },
      position: at(ws.text('main.nn'), 'Stem', 0, 1),
      context: { includeDeclaration: false },
    });
    expect(refs.every((r) => r.uri === main)).toBe(true);
    expect(refs).toHaveLength(2);
  });
});
