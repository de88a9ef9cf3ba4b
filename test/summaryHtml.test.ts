// The summary webview's page (client/src/summaryHtml.ts), rendered from the same JSON the server's
// `netlens/summary` request returns: a table with a row per group and layer, the totals, the
// diagnostics, everything escaped, and a CSP that allows no scripts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPage, rowsOf } from '../client/src/summaryHtml';
import { analyzeDocument, renderSummary, summarize, toJson, type SummaryJson } from '../server/src/language/index';

const ROOT = join(__dirname, '..');

function summaryOf(text: string, uri = 'file:///work/m.nn'): { json: SummaryJson; text: string[] } {
  const analysis = analyzeDocument(text, { uri });
  return { json: toJson(analysis, analysis.models), text: analysis.models.map((m) => renderSummary(summarize(analysis, m))) };
}

const OPTIONS = { cspSource: 'vscode-webview://x', nonce: 'abc123', title: 'm.nn' };

describe('summary page', () => {
  const resnet = summaryOf(readFileSync(join(ROOT, 'examples', 'resnet.nn'), 'utf8'), 'file:///work/resnet.nn');
  const page = renderPage({ ...resnet.json, models: [resnet.json.models[0]!] }, { ...OPTIONS, text: [resnet.text[0]!] });

  it('has a strict CSP and no scripts', () => {
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src vscode-webview://x 'nonce-abc123';`);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/\sstyle="/);
    expect(page).toContain('<style nonce="abc123">');
  });

  it('shows the totals torchvision publishes for ResNet-18', () => {
    expect(page).toContain('<h2>ResNet18 <span class="muted">3×224×224 → 1000</span></h2>');
    expect(page).toContain('<tr><td>Trainable</td><td>11,689,512</td></tr>');
    expect(page).toContain('1,814,073,344');
  });

  it('has a row per group and per layer, indented by depth', () => {
    const rows = rowsOf(resnet.json.models[0]!.layers);
    const names = rows.slice(0, 8).map((r) => `${'  '.repeat(r.depth)}${r.group ? '▾ ' : ''}${r.name}`);
    expect(names).toEqual(['▾ conv1', '  conv', '  batchnorm', '  relu', '  maxpool', '▾ layer1', '  ▾ Basic', '    ▾ residual']);
    const layer1 = rows.find((r) => r.name === 'layer1')!;
    expect(layer1).toMatchObject({ group: true, output: '64×56×56', params: '148,480', macs: '462,422,016' });
    const conv = rows.find((r) => r.name === 'conv' && r.depth === 4)!;
    expect(conv).toMatchObject({ output: '64×56×56', params: '36,864', field: '19 / 4', memory: '784 KiB', formula: '64·3·3·64' });
    // Repeat iterations are not rows: the repeat's layers sit under the repeat.
    expect(rows.some((r) => /^[0-9]+$/.test(r.name))).toBe(false);
    expect(page).toContain('<td class="d4">conv</td>');
    expect(page).toContain('td.d4 { padding-left: 5.6em; }');
  });

  it('keeps the text table folded underneath', () => {
    expect(page).toContain('<details><summary>As text</summary><pre>Model ResNet18: input 3×224×224 → output 1000');
  });

  it('lists diagnostics, escaped', () => {
    const broken = summaryOf('model M {\n  input 3x32x32\n  conv 8 kenrel=3\n  dense "<b>"\n}\n');
    const html = renderPage(broken.json, { ...OPTIONS, displayPath: (f) => f.replace('file:///work/', '') });
    expect(html).toMatch(/<h2>Diagnostics \([0-9]+\)<\/h2>/);
    expect(html).toContain('error NN202</span> <span class="muted">m.nn:3:10</span>');
    expect(html).toContain('did you mean &#39;kernel&#39;?');
    expect(html).not.toContain('<b>');
    expect(html).toContain('Incomplete');
  });

  it('says so when there are no models or no summary', () => {
    expect(renderPage(summaryOf('let a = 1\n').json, OPTIONS)).toContain('This file declares no models.');
    expect(renderPage(null, { ...OPTIONS, notice: 'closed <now>' })).toContain('<p class="notice">closed &lt;now&gt;</p>');
  });
});
