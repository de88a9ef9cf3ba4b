import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeLens, Hover, InlayHint } from 'vscode-languageserver';
import { resnet152Source } from '../../bench/src/generate';
import { at, ensureBuilt, example, LspClient, ROOT, tempWorkspace } from './client';

const REQUEST_CANCELLED = -32800;

// What keeps the server up: cancellation, a 10 MB document, a request the features cannot handle,
// and `netlens lsp --stdio` serving the same protocol as dist/server.js.
describe('robustness over stdio', () => {
  let client: LspClient;
  beforeAll(async () => {
    client = await LspClient.start();
    await client.initialize();
  });
  afterAll(() => client.shutdown());

  it('answers a request cancelled before it ran as cancelled, and the others normally', async () => {
    // Twenty ResNet-152s keep the server busy analysing each new version, so a hover sent right
    // behind the edit and cancelled at once is still queued when the cancellation arrives. On a
    // loaded machine the client can lose that race now and then; an attempt that loses gets a
    // normal answer, which is also right, and the next attempt tries again.
    const base = Array.from({ length: 20 }, (_, i) => resnet152Source().replaceAll('Bottleneck', `B${i}`).replace('ResNet152', `R${i}`)).join('\n');
    const ws = tempWorkspace({ 'busy.nn': base });
    const uri = ws.uri('busy.nn');
    client.open(uri, base);
    await client.waitForDiagnostics(uri, undefined, 20_000);
    const params = { textDocument: { uri }, position: at(base, 'conv ch kernel=3') };
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 10 && !outcomes.includes('cancelled'); attempt++) {
      client.change(uri, `${base}\n# edit ${attempt}\n`);
      const first = client.request<Hover | null>('textDocument/hover', params);
      const second = client.cancellable<Hover | null>('textDocument/hover', params);
      second.cancel();
      const third = client.request<Hover | null>('textDocument/hover', params);
      outcomes.push(
        await second.result.then(
          (hover) => (hover?.contents ? 'answered' : 'empty'),
          (error: { code?: number }) => (error.code === REQUEST_CANCELLED ? 'cancelled' : `error ${error.code}`),
        ),
      );
      expect((await first)?.contents).toBeDefined();
      expect((await third)?.contents).toBeDefined();
    }
    expect(outcomes.filter((o) => o !== 'answered' && o !== 'cancelled')).toEqual([]);
    expect(outcomes).toContain('cancelled');
    // Cancelling after the answer came changes nothing.
    const late = client.cancellable<Hover | null>('textDocument/hover', params);
    expect(await late.result).not.toBeNull();
    late.cancel();
    expect(client.alive).toBe(true);
  });

  it('serves a 10 MB document: a diagnostic says it is too large, requests answer empty, edits still apply', async () => {
    const alexnet = example('alexnet.nn').text;
    const copies = Math.ceil(10_000_000 / alexnet.length);
    const text = Array.from({ length: copies }, (_, i) => alexnet.replaceAll('model AlexNet', `model AlexNet${i}_`)).join('\n');
    expect(text.length).toBeGreaterThanOrEqual(10_000_000);
    const ws = tempWorkspace();
    const uri = ws.write('huge.nn', '');
    const started = Date.now();
    client.open(uri, text);
    const published = await client.waitForDiagnostics(uri, undefined, 15_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(published.diagnostics).toHaveLength(1);
    expect(published.diagnostics[0]!.code).toBe('NN322');
    expect(published.diagnostics[0]!.message).toMatch(/has [\d,]+ characters, over the 1,048,576 NetLens analyses/);
    const position = { line: 20, character: 4 };
    expect(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position })).toBeNull();
    expect(await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } })).toEqual([]);
    expect(await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } })).toEqual([]);
    expect(await client.request('textDocument/documentSymbol', { textDocument: { uri } })).toEqual([]);
    expect(await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    // An incremental edit near the end, then cutting it down to one model: analysed again.
    client.change(uri, [{ range: { start: { line: 40, character: 0 }, end: { line: 40, character: 0 } }, text: '# edited\n' }]);
    expect((await client.waitForDiagnostics(uri, undefined, 15_000)).diagnostics).toHaveLength(1);
    client.change(uri, alexnet);
    const analysed = (await client.waitForDiagnostics(uri, undefined, 15_000)).diagnostics;
    expect(analysed.filter((d) => d.code === undefined || d.message.includes('characters'))).toEqual([]);
    expect(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at(alexnet, 'conv 192') })).not.toBeNull();
    expect(client.alive).toBe(true);
  });

  it('logs a feature that throws and answers empty instead of failing or exiting', async () => {
    const { uri, text } = example('lenet5.nn');
    client.open(uri, text);
    await client.waitForDiagnostics(uri);
    // No position: the hover feature cannot work out where it is.
    expect(await client.request('textDocument/hover', { textDocument: { uri } })).toBeNull();
    expect(await client.request('textDocument/inlayHint', { textDocument: { uri }, range: null })).toEqual([]);
    await expect.poll(() => client.logs.some((l) => l.type === 1 && l.message.startsWith('netlens: hover failed'))).toBe(true);
    expect(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at(text, 'C1: conv') })).not.toBeNull();
    expect(client.alive).toBe(true);
  });

  it('answers requests on documents it does not have with empty results', async () => {
    const uri = 'file:///nowhere/missing.nn';
    expect(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } })).toBeNull();
    expect(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } })).toEqual([]);
    expect(await client.request('textDocument/codeLens', { textDocument: { uri } })).toEqual([]);
  });
});

describe('netlens lsp --stdio', () => {
  it('runs the same server from the CLI', async () => {
    const cli = join(ROOT, 'dist', 'netlens.js');
    await ensureBuilt('runtime/src/cli.ts', cli, '#!/usr/bin/env node');
    const client = await LspClient.start({ argv: [cli, 'lsp', '--stdio'] });
    try {
      const { capabilities, serverInfo } = await client.initialize();
      expect(serverInfo?.name).toBe('netlens');
      expect(capabilities.hoverProvider).toBe(true);
      const { uri, text } = example('alexnet.nn');
      client.open(uri, text);
      await client.waitForDiagnostics(uri);
      const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      expect(lenses[0]?.command?.title).toBe('61,100,840 params · 714 M MACs · output 1000');
    } finally {
      await client.shutdown();
    }
    expect(client.exitCode).toBe(0);
  });
});
