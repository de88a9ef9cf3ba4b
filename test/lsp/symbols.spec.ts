import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSymbol, SymbolInformation, WorkspaceSymbol } from 'vscode-languageserver';
import { example, LspClient } from './client';

// The outline and workspace symbols over stdio, on the ResNet example.
describe('symbols', () => {
  let client: LspClient;
  const resnet = example('resnet.nn');

  beforeAll(async () => {
    client = await LspClient.start();
    await client.initialize();
    client.open(resnet.uri, resnet.text);
    await client.waitForDiagnostics(resnet.uri);
  });
  afterAll(() => client.shutdown());

  it('outlines models with their layers and shapes, then blocks', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: resnet.uri } });
    const names = symbols.map((s) => s.name);
    expect(names.indexOf('ResNet18')).toBeLessThan(names.indexOf('Basic'));
    const resnet18 = symbols.find((s) => s.name === 'ResNet18')!;
    expect(resnet18.children?.map((c) => `${c.name}: ${c.detail}`)).toContain('fc: dense classes → 1000');
    const basic = symbols.find((s) => s.name === 'Basic')!;
    expect(basic.detail).toBe('block(ch, stride = 1)');
    expect(basic.children?.[0]?.name).toBe('residual');
  });

  it('finds models and blocks by a fuzzy query', async () => {
    const found = await client.request<Array<WorkspaceSymbol | SymbolInformation>>('workspace/symbol', { query: 'bneck' });
    expect(found.map((s) => s.name)).toEqual(expect.arrayContaining(['Bottleneck', 'BottleneckStage']));
    expect(found.every((s) => 'uri' in s.location && s.location.uri === resnet.uri)).toBe(true);
  });
});
