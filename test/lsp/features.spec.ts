import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeLens, Hover, InlayHint, MarkupContent } from 'vscode-languageserver';
import type { SummaryResult } from '../../server/src/protocol';
import { at, example, LspClient } from './client';

// Hover, inlay hints, code lens and netlens/summary over stdio on the shipped examples. The numbers
// expected are published ones (../shared/reference/published.md): torchvision's AlexNet has
// 61,100,840 parameters, ResNet-18 11,689,512 and 1.814 G MACs; layer counts follow from the
// layer's own definition (a 5×5 conv from 64 to 192 channels with bias: 64·5·5·192 + 192).
describe('features over stdio', () => {
  let client: LspClient;
  const alexnet = example('alexnet.nn');
  const resnet = example('resnet.nn');

  beforeAll(async () => {
    client = await LspClient.start();
    await client.initialize();
    client.open(alexnet.uri, alexnet.text);
    client.open(resnet.uri, resnet.text);
    await client.waitForDiagnostics(alexnet.uri);
    await client.waitForDiagnostics(resnet.uri);
  });
  afterAll(() => client.shutdown());

  const hover = async (doc: { uri: string; text: string }, needle: string, delta = 0, occurrence = 0): Promise<string> => {
    const result = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: doc.uri }, position: at(doc.text, needle, delta, occurrence) });
    return result ? (result.contents as MarkupContent).value : '';
  };

  it('hovers a conv line of AlexNet with its shape, formula, share, MACs, receptive field and memory', async () => {
    const text = await hover(alexnet, 'conv 192');
    const params = 64 * 5 * 5 * 192 + 192;
    expect(params).toBe(307_392);
    expect(text).toContain('`64×27×27` → `192×27×27`');
    expect(text).toContain('`64·5·5·192 + 192` = **307,392**');
    expect(text).toContain(`(${((100 * params) / 61_100_840).toFixed(2)}% of 61,100,840)`);
    // 192 output maps of 27×27, each a 64·5·5 dot product.
    expect(text).toContain(`MACs: ${(192 * 27 * 27 * 64 * 5 * 5).toLocaleString('en-US')}`);
    expect(text).toMatch(/Receptive field: \d+, jump 8/);
    expect(text).toContain('KiB per sample');
    expect(text).toContain('Convolution');
  });

  it('hovers the dense layer that holds most of AlexNet', async () => {
    const text = await hover(alexnet, 'fc6: dense', 4);
    expect(text).toContain('`9216·4096 + 4096` = **37,752,832** (61.8% of 61,100,840)');
  });

  it('hovers a model name with the whole summary table', async () => {
    const text = await hover(alexnet, 'AlexNet(');
    expect(text).toMatch(/^```text\nModel AlexNet: input 3×224×224 → output 1000\n/);
    expect(text).toContain('trainable:           61,100,840');
  });

  it('hovers a block use with the totals of what it expands to', async () => {
    const text = await hover(resnet, 'BasicStage 128 2', 1);
    expect(text).toContain('`64×56×56` → `128×28×28` · in ResNet18');
    // torchvision resnet18.layer2: sum(p.numel() for p in model.layer2.parameters()).
    expect(text).toContain('**525,568** parameters');
  });

  it('hovers in.channels with its value in each use', async () => {
    const text = await hover(resnet, 'in.channels != ch', 3);
    expect(text).toMatch(/^`in\.channels` \(the shape arriving here\) takes 4 values in 24 passes in ResNet18 \(×8\), ResNet34 \(×16\): `64` \(×\d+\) · `128`/);
  });

  it('shows inlay hints with the output shape of each line, only in the range asked for', async () => {
    const lines = resnet.text.split('\n');
    const first = lines.findIndex((l) => l.startsWith('model ResNet18'));
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: resnet.uri }, range: { start: { line: first, character: 0 }, end: { line: first + 11, character: 0 } } });
    const byLine = new Map(hints.map((h) => [lines[h.position.line]!.trim().split(/\s+#/)[0]!.trim(), h.label]));
    // torchvision's resnet18: conv1+maxpool 64×56×56, layer1–4 64×56×56, 128×28×28, 256×14×14, 512×7×7.
    expect(Object.fromEntries(byLine)).toEqual({
      'conv1: Stem': '→ 64×56×56',
      'layer1: BasicStage 64 2 stride=1': '→ 64×56×56',
      'layer2: BasicStage 128 2': '→ 128×28×28',
      'layer3: BasicStage 256 2': '→ 256×14×14',
      'layer4: BasicStage 512 2': '→ 512×7×7',
      globalavgpool: '→ 512',
      'fc: dense classes': '→ 1000',
    });
    expect(hints.every((h) => h.position.line >= first && h.position.line <= first + 11)).toBe(true);
  });

  it('joins the distinct shapes of a line inside a block, and adds parameters when the setting is on', async () => {
    const line = resnet.text.split('\n').findIndex((l) => l.includes('conv ch kernel=3 stride=stride padding=1 bias=false'));
    const range = { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
    const [shapes] = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: resnet.uri }, range });
    expect(shapes?.label).toBe('→ 64×56×56 | 128×28×28 | 256×14×14 | …');
    client.settings = { inlayHints: { shapes: true, parameters: true } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    await expect
      .poll(async () => (await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: resnet.uri }, range }))[0]?.label)
      .toBe('→ 64×56×56 · 36,864 params | 128×28×28 · 73,728 params | 128×28×28 · 147,456 params | …');
    client.settings = {};
    await client.notify('workspace/didChangeConfiguration', { settings: null });
  });

  it('puts a code lens above each model with its published totals, opening the summary', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: resnet.uri } });
    const resnet18 = lenses.find((l) => l.command?.arguments?.[1] === 'ResNet18')!;
    expect(resnet18.command).toEqual({ title: '11,689,512 params · 1.81 G MACs · output 1000', command: 'netlens.showSummary', arguments: [resnet.uri, 'ResNet18'] });
    expect(resnet.text.split('\n')[resnet18.range.start.line]).toMatch(/^model ResNet18/);
    expect(lenses.map((l) => l.command!.title)).toEqual([
      '11,689,512 params · 1.81 G MACs · output 1000',
      '21,797,672 params · 3.66 G MACs · output 1000',
      '25,557,032 params · 4.09 G MACs · output 1000',
    ]);
  });

  it('answers netlens/summary with the JSON and the text table', async () => {
    const result = await client.request<SummaryResult>('netlens/summary', { uri: alexnet.uri, model: 'AlexNet2012' });
    expect(result.json.models.map((m) => [m.name, m.params.trainable, m.macs])).toEqual([['AlexNet2012', 60_965_224, 724_406_816]]);
    expect(result.text).toHaveLength(1);
    expect(result.text[0]).toContain('Model AlexNet2012: input 3×227×227 → output 1000');
    const all = await client.request<SummaryResult>('netlens/summary', { uri: alexnet.uri });
    expect(all.json.models.map((m) => m.params.trainable)).toEqual([61_100_840, 60_965_224]);
    expect(await client.request('netlens/summary', { uri: 'file:///not/open.nn' })).toBeNull();
  });
});
