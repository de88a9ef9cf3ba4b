import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { example, LspClient, tempWorkspace } from './client';

// Formatting through the real server over stdio: the edits, applied as an editor would.
describe('formatting over stdio', () => {
  let client: LspClient;
  beforeAll(async () => {
    client = await LspClient.start();
    await client.initialize();
  });
  afterAll(() => client.shutdown());

  const format = async (uri: string, tabSize = 2, insertSpaces = true): Promise<TextEdit[]> =>
    (await client.request<TextEdit[] | null>('textDocument/formatting', { textDocument: { uri }, options: { tabSize, insertSpaces } })) ?? [];
  const apply = (text: string, edits: TextEdit[]): string => TextDocument.applyEdits(TextDocument.create('file:///x.nn', 'nn', 1, text), edits);

  it('formats a messy file canonically and keeps its comments', async () => {
    const text = 'model M  (classes=10) {   input 3x32x32 # in\n      conv 8 kernel = 3;relu\n  dense classes activation= softmax   # out\n}\n\n\n\ntrain M { epochs 2 }';
    const ws = tempWorkspace({ 'm.nn': text });
    const uri = ws.uri('m.nn');
    client.open(uri, text);
    await client.waitForDiagnostics(uri);
    const formatted = apply(text, await format(uri));
    expect(formatted).toBe('model M(classes = 10) {\n  input 3x32x32 # in\n  conv 8 kernel=3\n  relu\n  dense classes activation=softmax    # out\n}\n\ntrain M { epochs 2 }\n');
    client.change(uri, formatted);
    await client.waitForDiagnostics(uri);
    expect(await format(uri)).toEqual([]);
    expect(apply(text, await format(uri, 4, false))).toBe(apply(text, await format(uri, 4, false)));
  });

  it('leaves a file with a syntax error alone', async () => {
    const text = 'model M {\n    input 3x8x8\n  conv 8 kernel=\n}\n';
    const ws = tempWorkspace({ 'e.nn': text });
    const uri = ws.uri('e.nn');
    client.open(uri, text);
    await client.waitForDiagnostics(uri);
    expect(await format(uri)).toEqual([]);
  });

  it('leaves the canonical ResNet example unchanged', async () => {
    const resnet = example('resnet.nn');
    client.open(resnet.uri, resnet.text);
    await client.waitForDiagnostics(resnet.uri);
    expect(await format(resnet.uri)).toEqual([]);
  });
});
