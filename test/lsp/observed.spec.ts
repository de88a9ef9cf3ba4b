// Observed behaviour lands on the code: a real run that overfits (300 MNIST digits, half held
// out, a 200k-parameter MLP, no regularisation, 20 epochs) writes a diagnosis event, and the
// language server turns it into NN601 on the `epochs` value of that train block, with the
// evidence, the run in the hover on `train`, and the quick fix that sets `epochs` to the best
// epoch, after which the diagnostic stands down. PyTorch trains (CI installs python3-torch).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, LspClient, ROOT, tempWorkspace } from './client';
import { run as runProcess } from '../helpers/spawn';

const NET = `model Mlp {
  input 1x28x28
  flatten
  dense 256 activation=relu
  dense 10
}

train Mlp {
  data mnist limit=300
  validation 0.5
  epochs 20
  batch 10
  optimizer adam lr=0.01
  seed 1
}
`;

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
  await client.initialize();
});
afterAll(() => client.shutdown());

describe('a run that overfits', () => {
  it('puts NN601 on the epochs line with the evidence, and the run in the hover', async () => {
    const ws = tempWorkspace({ 'over.nn': NET });
    const result = await runProcess(process.execPath, [join(ROOT, 'dist/netlens.js'), 'train', 'over.nn', '--events', 'ndjson'], { cwd: ws.dir });
    expect(result.status, result.stderr).toBe(0);
    const diagnosis = result.stdout.split('\n').filter((l) => l.includes('"diagnosis"')).map((l) => JSON.parse(l) as { kind: string; setting: string; message: string; epoch: number });
    const overfit = diagnosis.find((d) => d.kind === 'overfitting');
    expect(overfit, result.stdout.split('\n').filter((l) => l.includes('"epoch"') && !l.includes('"batch"')).join('\n')).toBeDefined();
    expect(overfit!.setting).toBe('epochs');

    const uri = ws.uri('over.nn');
    const text = ws.text('over.nn');
    client.open(uri, text);
    const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'NN601'), 20_000);
    const nn601 = published.diagnostics.find((d) => d.code === 'NN601')!;
    // On the value of `epochs 20`: line 10, characters 9–11.
    expect(nn601.range).toEqual({ start: { line: 10, character: 9 }, end: { line: 10, character: 11 } });
    const run = readdirSync(join(ws.dir, 'runs', 'Mlp'))[0]!;
    expect(nn601.message).toBe(`run ${run}, epoch ${overfit!.epoch}: ${overfit!.message}`);
    expect(nn601.message).toMatch(/validation loss rose from [\d.]+ \(epoch \d+\) to [\d.]+ \(epoch \d+\) while training loss fell from [\d.]+ to [\d.]+/);

    const hover = (await client.request('textDocument/hover', { textDocument: { uri }, position: at(text, 'train') })) as { contents: { value: string } };
    expect(hover.contents.value).toContain(`**Observed** in run ${run}: completed after 20 epochs`);
    expect(hover.contents.value).toContain('overfitting risk'); // the static verdict, above it

    // The quick fix: epochs becomes the run's best epoch (end event), and NN601 stands down.
    const end = JSON.parse(readFileSync(join(ws.dir, 'runs', 'Mlp', run, 'events.ndjson'), 'utf8').trim().split('\n').pop()!) as { bestEpoch: number };
    const actions = (await client.request('textDocument/codeAction', { textDocument: { uri }, range: nn601.range, context: { diagnostics: [nn601] } })) as Array<{ title: string; edit: { changes: Record<string, Array<{ newText: string }>> } }>;
    expect(actions[0]!.title).toBe(`Set epochs to ${end.bestEpoch} (the run's best epoch)`);
    client.change(uri, text.replace('epochs 20', `epochs ${end.bestEpoch}`));
    const after = await client.nextDiagnostics(uri, () => true, 10_000);
    expect(after.diagnostics.filter((d) => d.code === 'NN601')).toEqual([]);
  }, 300_000);
});
