import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList, type Position } from 'vscode-languageserver';
import { at, example, LspClient, tempWorkspace } from './client';

// Completion through the real server over stdio, while a file is being typed (didChange).
describe('completion over stdio', () => {
  let client: LspClient;
  beforeAll(async () => {
    client = await LspClient.start();
    await client.initialize();
  });
  afterAll(() => client.shutdown());

  const complete = async (uri: string, position: Position): Promise<CompletionItem[]> => {
    const result = await client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position });
    return Array.isArray(result) ? result : (result?.items ?? []);
  };

  it('completes argument names, then values, as a conv line is typed', async () => {
    const ws = tempWorkspace({ 'a.nn': 'model M {\n  input 3x32x32\n  \n}\n' });
    const uri = ws.uri('a.nn');
    client.open(uri, ws.text('a.nn'));
    await client.waitForDiagnostics(uri);

    client.change(uri, [{ range: { start: { line: 2, character: 2 }, end: { line: 2, character: 2 } }, text: 'conv 64 ker' }]);
    await client.waitForDiagnostics(uri);
    const names = await complete(uri, { line: 2, character: 13 });
    const kernel = names.find((i) => i.label === 'kernel=')!;
    expect(kernel).toMatchObject({ insertText: 'kernel=', kind: CompletionItemKind.Property });
    expect(kernel.textEdit).toMatchObject({ newText: 'kernel=', range: { start: { line: 2, character: 10 }, end: { line: 2, character: 13 } } });
    expect(names.map((i) => i.label)).not.toContain('filters=');

    client.change(uri, [{ range: { start: { line: 2, character: 10 }, end: { line: 2, character: 13 } }, text: 'kernel=3 padding=' }]);
    await client.waitForDiagnostics(uri);
    const values = await complete(uri, { line: 2, character: 27 });
    expect(values.slice(0, 2).map((i) => i.label)).toEqual(['same', 'valid']);
  });

  it('completes layers, blocks and snippets on a new line of ResNet', async () => {
    const resnet = example('resnet.nn');
    client.open(resnet.uri, resnet.text);
    await client.waitForDiagnostics(resnet.uri);
    const end = at(resnet.text, '  relu\n}', 6);
    client.change(resnet.uri, [{ range: { start: end, end }, text: '\n  ' }]);
    await client.waitForDiagnostics(resnet.uri);
    const items = await complete(resnet.uri, { line: end.line + 1, character: 2 });
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['conv', 'batchnorm', 'Bottleneck', 'Stem', 'parallel', 'residual', 'repeat']));
    expect(items.find((i) => i.label === 'Bottleneck')!.detail).toBe('block Bottleneck(ch, stride = 1)');
    const residual = items.find((i) => i.label === 'residual' && i.kind === CompletionItemKind.Snippet)!;
    expect(residual.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect(residual.insertText).toContain('} shortcut if');
  });

  it('completes optimizer words in a train block', async () => {
    const ws = tempWorkspace({ 't.nn': 'model M { input 4; dense 2 }\ntrain M {\n  optimizer \n}\n' });
    const uri = ws.uri('t.nn');
    client.open(uri, ws.text('t.nn'));
    await client.waitForDiagnostics(uri);
    expect((await complete(uri, { line: 2, character: 12 })).map((i) => i.label)).toEqual(['sgd', 'adam', 'adamw', 'rmsprop', 'adadelta']);
  });

  it('completes in. members with the shape arriving at the line', async () => {
    const ws = tempWorkspace({ 's.nn': 'model M {\n  input 4x100\n  conv in. kernel=3\n}\n' });
    const uri = ws.uri('s.nn');
    client.open(uri, ws.text('s.nn'));
    await client.waitForDiagnostics(uri);
    const items = await complete(uri, { line: 2, character: 10 });
    expect(items.map((i) => i.label)).toEqual(['channels', 'length', 'size']);
    expect(items[0]!.detail).toBe('in.channels = 4');
  });
});
