import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Range, WorkspaceEdit } from 'vscode-languageserver';
import { at, LspClient, tempWorkspace } from './client';

// prepareRename and rename over stdio: across an import, and refused with a message the editor shows.
describe('rename', () => {
  let client: LspClient;
  const ws = tempWorkspace({
    'blocks.nn': 'block Stem(c) {\n  conv c kernel=3 padding=1\n  relu\n}\n',
    'main.nn': 'import "blocks.nn"\nmodel M {\n  input 3x32x32\n  Stem 16\n  head: Stem(8)\n}\n',
  });
  const main = ws.uri('main.nn');
  const blocks = ws.uri('blocks.nn');

  beforeAll(async () => {
    client = await LspClient.start();
    await client.initialize();
    client.open(blocks, ws.text('blocks.nn'));
    client.open(main, ws.text('main.nn'));
    await client.waitForDiagnostics(main);
  });
  afterAll(() => client.shutdown());

  it('prepares with the range and text of the name', async () => {
    const result = await client.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: main }, position: at(ws.text('main.nn'), 'Stem 16', 2) });
    expect(result).toEqual({ range: { start: { line: 3, character: 2 }, end: { line: 3, character: 6 } }, placeholder: 'Stem' });
  });

  it('prepares nothing on a keyword', async () => {
    expect(await client.request('textDocument/prepareRename', { textDocument: { uri: main }, position: at(ws.text('main.nn'), 'model') })).toBeNull();
  });

  it('edits the definition and every use in both files', async () => {
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: blocks }, position: at(ws.text('blocks.nn'), 'Stem'), newName: 'Head' });
    const lines = (uri: string) => (edit.changes?.[uri] ?? []).map((e) => `${e.range.start.line}:${e.range.start.character}-${e.range.end.character}=${e.newText}`).sort();
    expect(lines(blocks)).toEqual(['0:6-10=Head']);
    expect(lines(main)).toEqual(['3:2-6=Head', '4:8-12=Head']);
  });

  it('refuses an invalid name with the reason', async () => {
    const attempt = client.request('textDocument/rename', { textDocument: { uri: main }, position: at(ws.text('main.nn'), 'Stem 16'), newName: 'conv' });
    await expect(attempt).rejects.toMatchObject({ code: -32803, message: expect.stringMatching(/'conv' is a built-in layer/) });
  });

  it('accepts the same name, and refuses a label another label in the body has', async () => {
    const attempt = client.request('textDocument/rename', { textDocument: { uri: main }, position: at(ws.text('main.nn'), 'head'), newName: 'head' });
    await expect(attempt).resolves.toBeTruthy();
    client.change(main, ws.text('main.nn').replace('  Stem 16', '  a: Stem 16'));
    await client.waitForDiagnostics(main);
    const clash = client.request('textDocument/rename', { textDocument: { uri: main }, position: at(client.text(main), 'head'), newName: 'a' });
    await expect(clash).rejects.toMatchObject({ message: expect.stringMatching(/'a' is already the label at line 4/) });
  });
});
