// The summary webview's HTML: a pure function of the server's summary JSON, so it can be tested
// without VS Code. No scripts: a table, a details element for the text form, and a nonce'd style.
import { formatBytes, formatCount, formatScaled, formatShape } from '../../server/src/language/shapes';
import type { JsonDiagnostic, JsonField, JsonLayer, JsonModel, SummaryJson } from '../../server/src/language/summary';

export interface PageOptions {
  /** The webview's CSP source and a fresh nonce for the one style element. */
  cspSource: string;
  nonce: string;
  /** The page heading, usually the file name. */
  title: string;
  /** How a diagnostic's file (a uri) is shown. */
  displayPath?: (file: string) => string;
  /** The text tables of the same models, shown folded under each table. */
  text?: string[];
  /** A line shown above everything, e.g. that the file was closed. */
  notice?: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderPage(summary: SummaryJson | null, options: PageOptions): string {
  const csp = `default-src 'none'; style-src ${options.cspSource} 'nonce-${options.nonce}'; img-src ${options.cspSource};`;
  const depth = (summary?.models ?? []).reduce((max, m) => m.layers.reduce((mx, l) => Math.max(mx, l.depth), max), 0);
  const body: string[] = [`<h1>${escapeHtml(options.title)}</h1>`];
  if (options.notice) body.push(`<p class="notice">${escapeHtml(options.notice)}</p>`);
  if (!summary) {
    body.push('<p class="empty">No summary: open the file in an editor.</p>');
  } else {
    if (summary.models.length === 0) body.push('<p class="empty">This file declares no models.</p>');
    summary.models.forEach((model, i) => body.push(renderModel(model, options.text?.[i])));
    body.push(renderDiagnostics(summary.diagnostics, options.displayPath ?? ((f) => f)));
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(options.title)}</title>
<style nonce="${options.nonce}">${STYLE}${depthStyle(depth)}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 1em 2em; }
h1 { font-size: 1.3em; font-weight: 600; }
h2 { font-size: 1.15em; font-weight: 600; margin-top: 1.6em; }
table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
th, td { padding: 1px 0.8em; white-space: nowrap; }
th { text-align: left; border-bottom: 1px solid var(--vscode-panel-border, #8884); font-weight: 600; }
td.num, th.num { text-align: right; }
tr.group td { font-weight: 600; }
tr.layer:hover, tr.group:hover { background: var(--vscode-list-hoverBackground); }
.muted { opacity: 0.65; }
.totals { margin-bottom: 1em; }
.totals td { padding: 0 0.8em 0 0; }
.totals td:first-child { opacity: 0.8; }
.error { color: var(--vscode-errorForeground); }
.warning { color: var(--vscode-editorWarning-foreground); }
.notice, .empty { font-style: italic; opacity: 0.8; }
details { margin-top: 0.6em; }
pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
ul.diagnostics { padding-left: 1.2em; }
`;

/** Indentation by depth, as classes: the CSP blocks inline style attributes. */
function depthStyle(maxDepth: number): string {
  const rules: string[] = [];
  for (let d = 0; d <= maxDepth; d++) rules.push(`td.d${d} { padding-left: ${(0.8 + 1.2 * d).toFixed(1)}em; }`);
  return rules.join('\n') + '\n';
}

function shape(s: number[] | null): string {
  return s ? formatShape(s) : '?';
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/\.?0+$/, '');
}

/** "16 / 4" when every axis agrees, else "16×12 / 4×2", as the text table writes it. */
export function fieldText(field: JsonField | null): string {
  if (!field) return '';
  const join = (xs: number[]): string => (xs.every((x) => x === xs[0]) ? trim(xs[0]!) : xs.map(trim).join('×'));
  return `${join(field.size)} / ${join(field.jump)}`;
}

export interface Row {
  depth: number;
  group: boolean;
  name: string;
  op?: string;
  output: string;
  params: string;
  formula?: string;
  macs: string;
  field: string;
  memory: string;
}

interface GroupTotals {
  params: number;
  macs: number;
  bytes: number;
  output: number[] | null;
}

/**
 * Rows for a model's layers, with a row for each group (block use, parallel, branch, residual,
 * repeat) before its first layer. Groups come from the layer paths; repeat iterations (the
 * numeric path parts) are not rows, as in `netlens summary`.
 */
export function rowsOf(layers: JsonLayer[]): Row[] {
  const totals = new Map<string, GroupTotals>();
  for (const layer of layers) {
    const parts = layer.path.split('.');
    for (let i = 1; i < parts.length; i++) {
      if (isIteration(parts[i - 1]!)) continue;
      const key = parts.slice(0, i).join('.');
      const t = totals.get(key) ?? { params: 0, macs: 0, bytes: 0, output: null };
      t.params += layer.params + layer.nonTrainableParams;
      t.macs += layer.macs;
      t.bytes += layer.activationBytes;
      t.output = layer.output;
      totals.set(key, t);
    }
  }
  const rows: Row[] = [];
  const shown = new Set<string>();
  for (const layer of layers) {
    const parts = layer.path.split('.');
    let depth = 0;
    for (let i = 1; i < parts.length; i++) {
      const part = parts[i - 1]!;
      if (isIteration(part)) continue;
      const key = parts.slice(0, i).join('.');
      if (!shown.has(key)) {
        shown.add(key);
        const t = totals.get(key)!;
        rows.push({ depth, group: true, name: part, output: shape(t.output), params: count(t.params), macs: count(t.macs), field: '', memory: '' });
      }
      depth++;
    }
    const params = layer.params + layer.nonTrainableParams;
    const name = parts[parts.length - 1]!;
    rows.push({
      depth,
      group: false,
      name,
      op: layer.label !== null ? layer.op : undefined,
      output: shape(layer.output),
      params: params ? formatCount(params) + (layer.nonTrainableParams ? '*' : '') : '–',
      formula: layer.formula !== '0' ? layer.formula : undefined,
      macs: count(layer.macs),
      field: fieldText(layer.receptiveField),
      memory: layer.activationBytes ? formatBytes(layer.activationBytes) : '',
    });
  }
  return rows;
}

function isIteration(part: string): boolean {
  return /^[0-9]+$/.test(part);
}

function count(n: number): string {
  return n ? formatCount(n) : '–';
}

function renderRow(row: Row): string {
  const name = `${row.group ? '▾ ' : ''}${escapeHtml(row.name)}${row.op ? ` <span class="muted">${escapeHtml(row.op)}</span>` : ''}`;
  const params = row.formula ? `<span title="${escapeHtml(row.formula)}">${escapeHtml(row.params)}</span>` : escapeHtml(row.params);
  return (
    `<tr class="${row.group ? 'group' : 'layer'}"><td class="d${row.depth}">${name}</td><td>${escapeHtml(row.output)}</td>` +
    `<td class="num">${params}</td><td class="num">${escapeHtml(row.macs)}</td><td class="num">${escapeHtml(row.field)}</td><td class="num">${escapeHtml(row.memory)}</td></tr>`
  );
}

/** More rows than a person reads; the rest are summed in the totals. */
export const MAX_ROWS = 5000;

function renderModel(model: JsonModel, text: string | undefined): string {
  const all = rowsOf(model.layers);
  const rows = all.slice(0, MAX_ROWS);
  const cut = all.length - rows.length;
  const hasFrozen = model.layers.some((l) => l.nonTrainableParams > 0);
  const training = model.memory.training;
  const totals: Array<[string, string]> = [
    ['Total params', `${formatCount(model.params.total)} (${formatBytes(model.memory.paramBytes)})`],
    ['Trainable', formatCount(model.params.trainable)],
    ['Non-trainable', formatCount(model.params.nonTrainable) + (hasFrozen ? ' (* batch-norm running mean and variance)' : '')],
    ['MACs', `${formatCount(model.macs)} (${formatScaled(model.macs)})`],
    ['FLOPs (2 × MACs)', `${formatCount(model.flops)} (${formatScaled(model.flops)})`],
    ['Receptive field', model.receptiveField ? `${model.receptiveField.size.map(trim).join('×')} pixels, jump ${model.receptiveField.jump.map(trim).join('×')}` : 'n/a'],
    ['Activations per sample', formatBytes(model.memory.activationBytesPerSample)],
  ];
  if (training) {
    totals.push([
      `Training memory (batch ${training.batch}, ${training.optimizer})`,
      `${formatBytes(training.totalBytes)} = weights ${formatBytes(training.weightBytes)} + gradients ${formatBytes(training.gradientBytes)} + optimizer ${formatBytes(training.optimizerBytes)} + activations ${formatBytes(training.activationBytes)}`,
    ]);
  }
  return [
    `<section class="model" id="model-${escapeHtml(model.name)}">`,
    `<h2>${escapeHtml(model.name)} <span class="muted">${escapeHtml(shape(model.input))} → ${escapeHtml(shape(model.output))}</span></h2>`,
    model.complete ? '' : '<p class="notice">Incomplete: errors left some shapes unknown; the totals cover the layers that could be analysed.</p>',
    `<table class="totals"><tbody>\n${totals.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('\n')}\n</tbody></table>`,
    '<table class="layers">',
    '<thead><tr><th>Layer</th><th>Output</th><th class="num">Params</th><th class="num">MACs</th><th class="num">RF / jump</th><th class="num">Memory</th></tr></thead>',
    `<tbody>\n${rows.map(renderRow).join('\n')}\n</tbody>`,
    cut > 0 ? `<tfoot><tr><td colspan="6" class="muted">… ${formatCount(cut)} more rows not shown</td></tr></tfoot>` : '',
    '</table>',
    text && cut === 0 ? `<details><summary>As text</summary><pre>${escapeHtml(text)}</pre></details>` : '',
    '</section>',
  ]
    .filter((s) => s !== '')
    .join('\n');
}

function renderDiagnostics(diagnostics: JsonDiagnostic[], displayPath: (file: string) => string): string {
  if (diagnostics.length === 0) return '<h2>Diagnostics</h2>\n<p class="empty">None.</p>';
  const items = diagnostics.map(
    (d) =>
      `<li class="${d.severity}"><span class="${d.severity}">${escapeHtml(d.severity)} ${escapeHtml(d.code)}</span> ` +
      `<span class="muted">${escapeHtml(displayPath(d.file))}:${d.line}:${d.column}</span> ${escapeHtml(d.message)}</li>`,
  );
  return `<h2>Diagnostics (${diagnostics.length})</h2>\n<ul class="diagnostics">\n${items.join('\n')}\n</ul>`;
}
