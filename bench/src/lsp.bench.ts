// The language server as an editor sees it: a client over stdio edits a ResNet-152 file 200 times
// and times each keystroke until its diagnostics are published, times hovers, and reads the
// server's resident memory with 50 documents open. Writes bench/results/lsp.{json,md}.
// Run: node esbuild.mjs && node dist/lsp.bench.js (it starts dist/server.js).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { at, LspClient, positionAt } from '../../test/lsp/client';
import { resnet152Source } from './generate';

const ROOT = join(__dirname, '..');
const EDITS = 200;
const WARMUP = 30;
const OPEN_DOCUMENTS = 50;
const TARGETS = { diagnosticsP50: 10, diagnosticsP99: 30, hoverP50: 5, rssMb: 150 };

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

function stats(values: number[]): { runs: number; p50: number; p90: number; p99: number; min: number; max: number; mean: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    runs: values.length,
    p50: round(quantile(sorted, 0.5)),
    p90: round(quantile(sorted, 0.9)),
    p99: round(quantile(sorted, 0.99)),
    min: round(sorted[0] ?? NaN),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(values.reduce((a, b) => a + b, 0) / values.length),
  };
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * The keystrokes, in turn: typing a digit into stage 2's repeat count and deleting it (8 → 81 → 8
 * blocks), typing and deleting a letter in the comment, and turning a kernel size 3 into 5 and back.
 */
function keystroke(text: string, i: number): { change: TextDocumentContentChangeEvent; next: string } {
  const edit = (offset: number, remove: number, insert: string): { change: TextDocumentContentChangeEvent; next: string } => ({
    change: { range: { start: positionAt(text, offset), end: positionAt(text, offset + remove) }, text: insert },
    next: text.slice(0, offset) + insert + text.slice(offset + remove),
  });
  switch (i % 6) {
    case 0:
      return edit(text.indexOf('repeat i in 8') + 'repeat i in 8'.length, 0, '1');
    case 1:
      return edit(text.indexOf('repeat i in 81') + 'repeat i in 8'.length, 1, '');
    case 2:
      return edit(text.indexOf('# ResNet-152') + 2, 0, 'x');
    case 3:
      return edit(text.indexOf('# xResNet-152') + 2, 1, '');
    case 4:
      return edit(text.indexOf('kernel=3 stride=stride') + 'kernel='.length, 1, '5');
    default:
      return edit(text.indexOf('kernel=5 stride=stride') + 'kernel='.length, 1, '3');
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const client = await LspClient.start({ cwd: ROOT, server: join(ROOT, 'dist', 'server.js'), build: false, ...(process.env.LSP_BENCH_PROFILE ? { argv: ['--cpu-prof', `--cpu-prof-dir=${process.env.LSP_BENCH_PROFILE}`, join(ROOT, 'dist', 'server.js'), '--stdio'] } : {}) });
  await client.initialize();
  const rssStart = client.rss();
  const dir = join(tmpdir(), `netlens-lsp-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const uri = pathToFileURL(join(dir, 'resnet152.nn')).href;
  let text = resnet152Source();
  client.open(uri, text);
  const first = await client.waitForDiagnostics(uri, undefined, 30_000);
  const errors = first.diagnostics.filter((d) => d.severity === 1);
  if (errors.length) throw new Error(`ResNet-152 should analyse without errors; got ${errors.map((d) => `${d.code} ${d.message}`).join(' | ')}`);

  // Keystroke → diagnostics published for that version, one keystroke at a time.
  const diagnostics: number[] = [];
  const KINDS = ['8 → 81 blocks', '81 → 8 blocks', 'type in a comment', 'delete in a comment', 'kernel 3 → 5', 'kernel 5 → 3'];
  const byKind: number[][] = KINDS.map(() => []);
  const hoverAfterEdit: number[] = [];
  const hoverSteady: number[] = [];
  const hoverTargets = ['conv ch * 4 kernel=1 bias', 'Bottleneck 256 stride=2', 'in.channels', 'dense classes'];
  const hover = async (needle: string): Promise<number> => {
    const t0 = now();
    const result = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at(text, needle, 1) });
    const ms = now() - t0;
    if (!result) throw new Error(`no hover at '${needle}'`);
    return ms;
  };
  for (let i = 0; i < WARMUP + EDITS; i++) {
    const { change, next } = keystroke(text, i);
    const t0 = now();
    const version = client.change(uri, [change]);
    text = next;
    await client.waitForDiagnostics(uri, (p) => p.version === version, 30_000);
    const ms = now() - t0;
    // A hover right after the keystroke (the analysis is cached by then), and one more with nothing changed.
    const h1 = await hover(hoverTargets[i % hoverTargets.length]!);
    const h2 = await hover(hoverTargets[(i + 1) % hoverTargets.length]!);
    if (i >= WARMUP) {
      if (process.env.LSP_BENCH_VERBOSE) console.log(`keystroke ${i % 6}: ${ms.toFixed(2)} ms`);
      diagnostics.push(ms);
      byKind[i % 6]!.push(ms);
      hoverAfterEdit.push(h1);
      hoverSteady.push(h2);
    }
  }

  // A cold hover: the first request on a fresh version has to build the per-analysis index.
  const coldHover: number[] = [];
  for (let i = 0; i < 50; i++) {
    const { change, next } = keystroke(text, i % 2 === 0 ? 2 : 3);
    client.change(uri, [change]);
    text = next;
    coldHover.push(await hover('conv ch * 4 kernel=1 bias'));
  }
  await client.waitForDiagnostics(uri, undefined, 30_000);

  // 50 open documents: ResNet-152 and the examples' sizes in between, each hovered and hinted once.
  for (let i = 1; i < OPEN_DOCUMENTS; i++) {
    const other = pathToFileURL(join(dir, `model${i}.nn`)).href;
    const source = resnet152Source().replace('ResNet152', `ResNet152_${i}`);
    client.open(other, source);
    await client.waitForDiagnostics(other, undefined, 30_000);
    await client.request('textDocument/hover', { textDocument: { uri: other }, position: at(source, 'conv ch * 4 kernel=1 bias', 1) });
    await client.request('textDocument/inlayHint', { textDocument: { uri: other }, range: { start: { line: 0, character: 0 }, end: positionAt(source, source.length) } });
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const rss50 = client.rss();
  await client.shutdown();

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: `${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores`,
    /** One-minute load average before and after: above the core count, other processes shared the CPU. */
    loadAverage: { before: Math.round(loadBefore * 100) / 100, after: Math.round(loadavg()[0]! * 100) / 100 },
    document: { name: 'ResNet-152 (bench/src/generate.ts resnet152Source)', chars: resnet152Source().length },
    edits: EDITS,
    warmup: WARMUP,
    keystrokeToDiagnosticsMs: stats(diagnostics),
    keystrokeToDiagnosticsByKindMs: Object.fromEntries(KINDS.map((k, i) => [k, stats(byKind[i]!)])),
    hoverAfterEditMs: stats(hoverAfterEdit),
    hoverSteadyMs: stats(hoverSteady),
    hoverColdMs: stats(coldHover),
    rssMb: { start: rssStart === undefined ? null : Math.round(rssStart / 2 ** 20), withOpenDocuments: rss50 === undefined ? null : Math.round(rss50 / 2 ** 20), openDocuments: OPEN_DOCUMENTS },
    targets: TARGETS,
  };
  const verdict = (value: number, target: number): string => (value <= target ? 'met' : 'MISSED');
  const d = result.keystrokeToDiagnosticsMs;
  const rows = [
    ['keystroke → published diagnostics', d, `p50 ≤ ${TARGETS.diagnosticsP50}, p99 ≤ ${TARGETS.diagnosticsP99}`, `${verdict(d.p50, TARGETS.diagnosticsP50)} / ${verdict(d.p99, TARGETS.diagnosticsP99)}`],
    ['hover right after a keystroke', result.hoverAfterEditMs, `p50 ≤ ${TARGETS.hoverP50}`, verdict(result.hoverAfterEditMs.p50, TARGETS.hoverP50)],
    ['hover, nothing changed', result.hoverSteadyMs, `p50 ≤ ${TARGETS.hoverP50}`, verdict(result.hoverSteadyMs.p50, TARGETS.hoverP50)],
    ['hover as the first request on a new version', result.hoverColdMs, '', ''],
  ] as const;
  const md = [
    '# Language server benchmark',
    '',
    `Measured ${result.date} by \`node dist/lsp.bench.js\` (bench/src/lsp.bench.ts).`,
    '',
    `- Node ${result.node}, ${result.platform}`,
    `- CPU: ${result.cpu}; load average ${result.loadAverage.before} before, ${result.loadAverage.after} after${Math.max(result.loadAverage.before, result.loadAverage.after) > cpus().length ? ' (other work shared the CPU: the tail figures suffer most)' : ''}`,
    `- Document: ResNet-152 as bench/src/generate.ts writes it (${result.document.chars.toLocaleString('en-US')} characters, 514 layers)`,
    '',
    '| measure | runs | p50 ms | p90 ms | p99 ms | max ms | target ms | |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows.map(([name, s, target, v]) => `| ${name} | ${s.runs} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.max} | ${target} | ${v} |`),
    '',
    `Keystroke → diagnostics by kind (p50 / p99 ms): ${KINDS.map((k) => `${k} ${result.keystrokeToDiagnosticsByKindMs[k]!.p50} / ${result.keystrokeToDiagnosticsByKindMs[k]!.p99}`).join('; ')}. Stage 2 at 81 blocks makes the model 1,244 layers instead of 514.`,
    '',
    `Server memory (VmRSS): ${result.rssMb.start} MB after initialize; ${result.rssMb.withOpenDocuments} MB with ${OPEN_DOCUMENTS} ResNet-152 documents open, each analysed, hovered and hinted (target ≤ ${TARGETS.rssMb} MB: ${rss50 !== undefined && rss50 / 2 ** 20 <= TARGETS.rssMb ? 'met' : 'MISSED'}).`,
    '',
    '## How it was measured',
    '',
    `One client process drives \`node dist/server.js --stdio\` through vscode-languageserver's protocol connection (test/lsp/client.ts, the harness the spec tests use), with the capabilities VS Code sends. It opens the ResNet-152 file, then makes ${WARMUP} untimed and ${EDITS} timed keystrokes, one at a time, as incremental didChange notifications: typing a digit into a repeat count and deleting it (the model grows from 8 to 81 blocks in stage 2 and back), typing and deleting a letter in the comment, and changing a kernel from 3 to 5 and back. Each keystroke is timed from just before the client writes the notification to when it has read the textDocument/publishDiagnostics for that version (process.hrtime): the server's whole path — reading the message, applying the edit, parsing, analysing, converting and writing the diagnostics — plus the pipe both ways. After each keystroke's diagnostics arrive, the client hovers once (a conv line inside the Bottleneck block, a block use, \`in.channels\`, the final dense layer, in turn) and once more; both find the analysis cached. The cold hover is the first request after a keystroke, before its diagnostics, so it pays for the analysis and the hover's per-analysis index. Memory: ${OPEN_DOCUMENTS} distinct ResNet-152 documents open (each with its diagnostics published, one hover and inlay hints for the whole file), then /proc/PID/status VmRSS of the server. The publish step waits one timer tick (setTimeout 0) so a burst of edits is analysed once; that tick is inside the figures. Single runs vary by about ±20% on shared machines.`,
    '',
    'Raw figures: lsp.json.',
    '',
  ].join('\n');
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'lsp.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, 'lsp.md'), md);
  console.log(md);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
