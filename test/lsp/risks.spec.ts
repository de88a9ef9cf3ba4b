import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, LspClient, tempWorkspace } from './client';

// The training-risk verdict in the editor: as a code lens above the train block, in the hover on
// `train`, and re-judged when the data file the block reads changes on disk.
let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
  await client.initialize();
});
afterAll(() => client.shutdown());

const MODEL = 'model Net {\n  input 4\n  dense 64 activation=relu\n  dense 3\n}\n';
const TRAIN = 'train Net {\n  data csv("iris.csv", label="species")\n  validation 0.1\n  epochs 1000\n  batch 8\n}\n';
const rows = (n: number): string => ['a,b,c,d,species', ...Array.from({ length: n }, (_, i) => `1,2,3,4,${['setosa', 'versicolor', 'virginica'][i % 3]}`)].join('\n');

describe('the risk verdict in the editor', () => {
  it('shows the verdict as a lens and in the hover, and re-judges when the data file changes', async () => {
    // 64·4 + 64 + 64·3 + 3 = 515 parameters on 9 training rows (10 − 10%) is 57 per sample,
    // and 1,000 epochs × ⌈9 / 8⌉ = 2,000 steps.
    const ws = tempWorkspace({ 'iris.csv': rows(10), 'net.nn': MODEL + TRAIN });
    const uri = ws.uri('net.nn');
    const text = ws.text('net.nn');
    client.open(uri, text);
    await client.waitForDiagnostics(uri);
    const lenses = (await client.request('textDocument/codeLens', { textDocument: { uri } })) as Array<{ command: { title: string } }>;
    expect(lenses.map((l) => l.command.title)).toContain('overfitting risk: low · underfitting risk: low');
    const hover = (await client.request('textDocument/hover', { textDocument: { uri }, position: at(text, 'train') })) as { contents: { value: string } };
    expect(hover.contents.value).toContain('overfitting risk: low');
    expect(hover.contents.value).toContain('9 training samples');

    // Three rows, two after the split: 515 parameters on 2 samples is 257 per sample, unregularised.
    ws.write('iris.csv', rows(3));
    client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ws.uri('iris.csv'), type: 2 }] });
    const published = await client.nextDiagnostics(uri);
    expect(published.diagnostics.map((d) => d.code)).toContain('NN504');
    const after = (await client.request('textDocument/codeLens', { textDocument: { uri } })) as Array<{ command: { title: string } }>;
    expect(after.map((l) => l.command.title)).toContain('overfitting risk: medium · underfitting risk: low · 1 reason');
    const reasons = (await client.request('textDocument/hover', { textDocument: { uri }, position: at(text, 'train') })) as { contents: { value: string } };
    expect(reasons.contents.value).toMatch(/\[NN504\]\(file:.*docs\/diagnostics\.md#nn504\) overfitting \(medium\)/);
  });
});
