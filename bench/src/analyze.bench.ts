// The analysis benchmark (`npm run bench`): how long `analyzeDocument` takes from source text to
// diagnostics for ResNet-152 and for plain models of 1,000 and 10,000 layer lines, and how that
// compares with PyTorch answering the same shape question on its `meta` device.
//
// Writes bench/results/analyze.json and bench/results/analyze.md. Targets are goals, reported as
// met or missed; the run fails only when the analyzer gets a model wrong (the figures would then
// time the wrong thing).
//
// Options: --skip-pytorch (or NETLENS_BENCH_SKIP_PYTORCH=1), --quick (fewer runs, for a smoke test).
// NETLENS_PYTHON picks the interpreter for the PyTorch side; otherwise /usr/bin/python3, then python3.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeDocument } from '../../server/src/language/index';
import { plainSource, resnet152Source, RESNET152_BN_STATS, RESNET152_PARAMS } from './generate';

// Only the fields the lead guarantees; the rest of the Analysis is not read here.
interface BenchAnalysis {
  diagnostics: Array<{ code: string; severity: 'error' | 'warning' | 'info' | 'hint'; message: string }>;
  models: Array<{ name: string; params: { trainable: number; nonTrainable: number }; macs: number; layers: unknown[] }>;
}

const analyze = (text: string, uri: string): BenchAnalysis => analyzeDocument(text, { uri }) as BenchAnalysis;

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const SKIP_PYTORCH = argv.includes('--skip-pytorch') || !!process.env.NETLENS_BENCH_SKIP_PYTORCH;
const ROOT = process.env.NETLENS_ROOT ?? path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results');

const TARGET_RESNET_MEDIAN_MS = 2;
const TARGET_10K_MEDIAN_MS = 100;

// ---------------------------------------------------------------------------------- statistics

interface Stats {
  runs: number;
  median: number;
  p90: number;
  min: number;
  mean: number;
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  const p90 = s[Math.max(0, Math.ceil(0.9 * n) - 1)]!; // nearest rank
  const mean = s.reduce((a, b) => a + b, 0) / n;
  return { runs: n, median: round(median), p90: round(p90), min: round(s[0]!), mean: round(mean) };
}

function round(ms: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(ms * f) / f;
}

let sink = 0; // keeps every result observable, so no run can be optimised away

/** Times `runs` calls after `warmup` untimed ones. A case far off its target stops early (at least
 *  5 timed runs) once it has used `budgetMs`, so one slow case cannot push the bench past minutes. */
function timeRuns(fn: () => BenchAnalysis, warmup: number, runs: number, budgetMs = Infinity): number[] {
  for (let i = 0; i < warmup; i++) sink += fn().diagnostics.length;
  const out: number[] = [];
  let spent = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const a = fn();
    const t1 = process.hrtime.bigint();
    sink += a.diagnostics.length;
    const ms = Number(t1 - t0) / 1e6;
    out.push(ms);
    spent += ms;
    if (spent > budgetMs && out.length >= 5 && out.length < runs) {
      console.log(`  (stopped after ${out.length} of ${runs} runs: ${Math.round(spent)} ms spent, budget ${budgetMs} ms)`);
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------- checks

function abort(message: string): never {
  console.error(`\n*** BENCHMARK ABORTED: ${message}\n`);
  process.exit(1);
}

function checkModel(label: string, a: BenchAnalysis, name: string, trainable: number, nonTrainable: number | undefined) {
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    abort(`${label}: the analyzer reports ${errors.length} error(s), first: ${errors.slice(0, 5).map((d) => `${d.code} ${d.message}`).join(' | ')}`);
  }
  const model = a.models.find((m) => m.name === name);
  if (!model) abort(`${label}: no model '${name}' in the analysis (found: ${a.models.map((m) => m.name).join(', ') || 'none'})`);
  if (model.params.trainable !== trainable) {
    abort(`${label}: the analyzer counts ${fmtInt(model.params.trainable)} trainable parameters; expected exactly ${fmtInt(trainable)} (off by ${fmtInt(model.params.trainable - trainable)})`);
  }
  if (nonTrainable !== undefined && model.params.nonTrainable !== nonTrainable) {
    console.warn(`warning: ${label}: ${fmtInt(model.params.nonTrainable)} non-trainable parameters, expected ${fmtInt(nonTrainable)} (batch-norm running statistics)`);
  }
  return model;
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

// ---------------------------------------------------------------------------------- PyTorch

interface PyTorchResult {
  ok: boolean;
  error?: string;
  tried?: Array<{ python: string; error: string }>;
  python?: string;
  executable?: string;
  torch?: string;
  torchvision?: string;
  threads?: number;
  params?: number;
  buffers?: number;
  import_ms?: number;
  build_ms_median?: number;
  build_runs?: number;
  to_meta_ms_median?: number;
  forward_runs?: number;
  forward_ms_median?: number;
  forward_ms_p90?: number;
  build_to_meta_forward_ms?: number;
  cold_total_ms?: number;
  wall_ms?: number;
}

function runPyTorch(): PyTorchResult {
  const script = path.join(ROOT, 'bench', 'pytorch_resnet152.py');
  if (!existsSync(script)) return { ok: false, error: `missing ${script}` };
  const candidates = process.env.NETLENS_PYTHON
    ? [process.env.NETLENS_PYTHON]
    : [...(existsSync('/usr/bin/python3') ? ['/usr/bin/python3'] : []), 'python3'];
  const tried: Array<{ python: string; error: string }> = [];
  const args = [script, '--runs', String(RUNS.torchForward), '--build-runs', String(RUNS.torchBuild)];
  for (const python of candidates) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(python, args, { encoding: 'utf8', timeout: 150_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.error) {
      tried.push({ python, error: r.error.message });
      continue;
    }
    const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
    let parsed: PyTorchResult | undefined;
    try {
      parsed = JSON.parse(line) as PyTorchResult;
    } catch {
      tried.push({ python, error: `exit ${r.status}, no JSON on stdout; stderr: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}` });
      continue;
    }
    if (parsed.ok) return { ...parsed, wall_ms: round(wall, 1), ...(tried.length ? { tried } : {}) };
    tried.push({ python, error: parsed.error ?? 'failed' });
  }
  return { ok: false, error: 'no Python with torch and torchvision found', tried };
}

// ---------------------------------------------------------------------------------- environment

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':').slice(1).join(':').trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

// ---------------------------------------------------------------------------------- fresh process

/** In a child started with --cold-once: analyze ResNet-152 once and report the time since this process began. */
function coldOnce(): void {
  const t0 = process.hrtime.bigint();
  const a = analyze(resnet152Source(), 'bench://resnet152.nn');
  const callMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const processMs = performance.now(); // since the process's time origin
  const ok = a.models.some((m) => m.name === 'ResNet152' && m.params.trainable === RESNET152_PARAMS);
  process.stdout.write(JSON.stringify({ ok, process_ms: round(processMs, 3), call_ms: round(callMs, 3) }) + '\n');
}

interface Fresh {
  runs: number;
  process_ms_median: number;
  call_ms_median: number;
  wall_ms_median: number;
}

/** Node start-up + loading this bundle + one cold ResNet-152 analysis, in new processes. */
function freshProcess(): Fresh | undefined {
  const script = process.argv[1];
  if (!script) return undefined;
  const processMs: number[] = [];
  const callMs: number[] = [];
  const wallMs: number[] = [];
  for (let i = 0; i < RUNS.cold; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [script, '--cold-once'], { encoding: 'utf8', timeout: 60_000 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    try {
      const j = JSON.parse((r.stdout ?? '').trim().split('\n').pop() ?? '') as { ok: boolean; process_ms: number; call_ms: number };
      if (!j.ok) return undefined;
      processMs.push(j.process_ms);
      callMs.push(j.call_ms);
      wallMs.push(wall);
    } catch {
      console.warn(`warning: fresh-process run failed: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' / ')}`);
      return undefined;
    }
  }
  return { runs: processMs.length, process_ms_median: stats(processMs).median, call_ms_median: stats(callMs).median, wall_ms_median: stats(wallMs).median };
}

// ---------------------------------------------------------------------------------- main

function main() {
  const started = Date.now();
  const env = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpuModel(),
    cores: os.cpus().length,
    quick: QUICK,
  };
  console.log(`NetLens analysis benchmark — ${env.date}`);
  console.log(`node ${env.node}, ${env.cpu}, ${env.cores} logical cores${QUICK ? ' (--quick)' : ''}\n`);

  // Sources are generated once, outside the timing.
  const resnet = resnet152Source();
  const plain1k = plainSource(1_000);
  const plain10k = plainSource(10_000);

  // Correctness first: a fast wrong answer is not a result.
  const coldT0 = process.hrtime.bigint();
  const resnetAnalysis = analyze(resnet, 'bench://resnet152.nn');
  const coldMs = Number(process.hrtime.bigint() - coldT0) / 1e6;
  const resnetModel = checkModel('ResNet-152', resnetAnalysis, 'ResNet152', RESNET152_PARAMS, RESNET152_BN_STATS);
  const m1k = checkModel('plain 1k', analyze(plain1k.source, 'bench://plain1k.nn'), plain1k.name, plain1k.trainable, plain1k.nonTrainable);
  const m10k = checkModel('plain 10k', analyze(plain10k.source, 'bench://plain10k.nn'), plain10k.name, plain10k.trainable, plain10k.nonTrainable);
  console.log(`checked: ResNet-152 has ${fmtInt(resnetModel.params.trainable)} trainable parameters (torchvision: ${fmtInt(RESNET152_PARAMS)}), ` +
    `${fmtInt(resnetModel.params.nonTrainable)} non-trainable, ${fmtInt(resnetModel.macs)} MACs, ${fmtInt(resnetModel.layers.length)} layers; ` +
    `warnings/infos: ${resnetAnalysis.diagnostics.length}`);
  console.log(`checked: plain models have ${fmtInt(m1k.params.trainable)} and ${fmtInt(m10k.params.trainable)} trainable parameters as counted by hand\n`);

  const rTimes = timeRuns(() => analyze(resnet, 'bench://resnet152.nn'), RUNS.resnetWarm, RUNS.resnet);
  const p1kTimes = timeRuns(() => analyze(plain1k.source, 'bench://plain1k.nn'), RUNS.plainWarm, RUNS.plain1k, 20_000);
  const p10kTimes = timeRuns(() => analyze(plain10k.source, 'bench://plain10k.nn'), RUNS.plain10kWarm, RUNS.plain10k, 45_000);
  const fresh = freshProcess();
  const r = stats(rTimes);
  const s1k = stats(p1kTimes);
  const s10k = stats(p10kTimes);
  const scaling = round(s10k.median / s1k.median, 2);

  const netlens = {
    resnet152: {
      source_lines: resnet.split('\n').length,
      layers: resnetModel.layers.length,
      params: resnetModel.params,
      macs: resnetModel.macs,
      diagnostics: resnetAnalysis.diagnostics.length,
      first_call_ms: round(coldMs, 3),
      fresh_process: fresh ?? null,
      ms: r,
      target_median_ms: TARGET_RESNET_MEDIAN_MS,
      target_met: r.median <= TARGET_RESNET_MEDIAN_MS,
    },
    plain1k: { layer_lines: plain1k.layers, source_bytes: plain1k.source.length, layers: m1k.layers.length, ms: s1k },
    plain10k: {
      layer_lines: plain10k.layers,
      source_bytes: plain10k.source.length,
      layers: m10k.layers.length,
      ms: s10k,
      target_median_ms: TARGET_10K_MEDIAN_MS,
      target_met: s10k.median <= TARGET_10K_MEDIAN_MS,
    },
    scaling_10k_over_1k: scaling,
    scaling_note: 'ratio of medians; 10 means linear in the number of layer lines',
  };

  const rows: string[][] = [
    ['case', 'runs', 'median ms', 'p90 ms', 'min ms', 'target', ''],
    ['ResNet-152', String(r.runs), fix(r.median), fix(r.p90), fix(r.min), `≤ ${TARGET_RESNET_MEDIAN_MS} ms`, r.median <= TARGET_RESNET_MEDIAN_MS ? 'met' : 'MISSED'],
    ['plain 1,000 lines', String(s1k.runs), fix(s1k.median), fix(s1k.p90), fix(s1k.min), '', ''],
    ['plain 10,000 lines', String(s10k.runs), fix(s10k.median), fix(s10k.p90), fix(s10k.min), `≤ ${TARGET_10K_MEDIAN_MS} ms`, s10k.median <= TARGET_10K_MEDIAN_MS ? 'met' : 'MISSED'],
  ];
  console.log('NetLens analyzeDocument (parse → diagnostics), one call each:');
  console.log(table(rows));
  console.log(`10k / 1k = ${scaling} (10 = linear)${scaling > 13 ? '  — worse than linear' : ''}`);
  console.log(`ResNet-152 first call in this process (before warm-up): ${fix(coldMs)} ms`);
  if (fresh) {
    console.log(`ResNet-152 in a fresh Node process (start-up + load + first call, median of ${fresh.runs}): ${fix(fresh.process_ms_median)} ms, of which the call ${fix(fresh.call_ms_median)} ms`);
  }
  console.log('');

  let pytorch: PyTorchResult;
  let comparison: Record<string, number> | undefined;
  if (SKIP_PYTORCH) {
    pytorch = { ok: false, error: 'skipped (--skip-pytorch)' };
    console.log('PyTorch side skipped.\n');
  } else {
    console.log('PyTorch side (bench/pytorch_resnet152.py) …');
    pytorch = runPyTorch();
    if (!pytorch.ok) {
      console.log(`\n!!! PyTorch side NOT measured: ${pytorch.error}`);
      for (const t of pytorch.tried ?? []) console.log(`    ${t.python}: ${t.error}`);
      console.log('!!! Set NETLENS_PYTHON to a Python with torch and torchvision. NetLens figures are still written.\n');
    } else {
      if (pytorch.params !== RESNET152_PARAMS) console.warn(`warning: PyTorch counted ${pytorch.params} parameters, expected ${RESNET152_PARAMS}`);
      comparison = {
        meta_forward_over_netlens: round(pytorch.forward_ms_median! / r.median, 1),
        build_to_meta_forward_over_netlens: round(pytorch.build_to_meta_forward_ms! / r.median, 1),
        ...(fresh ? { cold_over_netlens_fresh_process: round(pytorch.cold_total_ms! / fresh.process_ms_median, 1) } : {}),
      };
      console.log(`torch ${pytorch.torch}, torchvision ${pytorch.torchvision}, ${pytorch.threads} thread(s), python ${pytorch.python}; counted ${fmtInt(pytorch.params!)} parameters`);
      console.log(table([
        ['PyTorch step', 'ms', 'PyTorch / NetLens'],
        ['import torch, torchvision', fix(pytorch.import_ms!), ''],
        [`build resnet152 on CPU (median of ${pytorch.build_runs})`, fix(pytorch.build_ms_median!), ''],
        ['.to("meta")', fix(pytorch.to_meta_ms_median!), ''],
        [`meta forward 1x3x224x224 (median of ${pytorch.forward_runs})`, fix(pytorch.forward_ms_median!), `${comparison.meta_forward_over_netlens}×`],
        ['build + to meta + forward', fix(pytorch.build_to_meta_forward_ms!), `${comparison.build_to_meta_forward_over_netlens}×`],
        ['cold: import + build + forward (vs NetLens fresh process)', fix(pytorch.cold_total_ms!), fresh ? `${comparison.cold_over_netlens_fresh_process}×` : 'n/a'],
      ]));
      console.log('');
    }
  }

  const result = {
    env: { ...env, torch: pytorch.torch ?? null, torchvision: pytorch.torchvision ?? null, python: pytorch.executable ?? null },
    method: METHOD,
    netlens,
    pytorch,
    comparison: comparison ?? null,
    total_bench_s: round((Date.now() - started) / 1000, 1),
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, 'analyze.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(path.join(RESULTS, 'analyze.md'), markdown(result, rows));
  console.log(`wrote ${path.relative(process.cwd(), path.join(RESULTS, 'analyze.json'))} and analyze.md (${result.total_bench_s} s in all)`);
  if (sink < 0) console.log(sink);
}

const RUNS = QUICK
  ? { resnetWarm: 10, resnet: 50, plainWarm: 2, plain1k: 5, plain10kWarm: 1, plain10k: 5, torchForward: 5, torchBuild: 1, cold: 1 }
  : { resnetWarm: 50, resnet: 300, plainWarm: 10, plain1k: 50, plain10kWarm: 3, plain10k: 20, torchForward: 20, torchBuild: 3, cold: 3 };

const METHOD =
  'Each figure is the wall time of one analyzeDocument(text) call — lexing, parsing, name resolution, ' +
  'shape inference, parameter and MAC counts, diagnostics — taken with process.hrtime.bigint() in one Node process, ' +
  `after warm-up calls (ResNet-152: ${RUNS.resnetWarm}, then ${RUNS.resnet} timed; plain 1k: ${RUNS.plainWarm}, then ${RUNS.plain1k} timed; ` +
  `plain 10k: ${RUNS.plain10kWarm}, then ${RUNS.plain10k} timed). "Fresh process" is the median of ${RUNS.cold} new Node processes ` +
  '(performance.now() at the end of the first analysis: Node start-up, loading the bundle, one cold call). Sources are generated ' +
  'before timing. Before timing, the bench checks that the analyzer reports no errors and exactly 60,192,808 trainable ' +
  'parameters for ResNet-152 (torchvision) and the hand-counted totals for the plain models. The PyTorch side runs ' +
  'bench/pytorch_resnet152.py in a separate process right after: import torch+torchvision once, build ' +
  'torchvision.models.resnet152() on the CPU (torch 1.13 cannot construct it on the meta device), .to("meta"), ' +
  `then a no_grad forward of a meta 1x3x224x224 tensor (2 warm-up, median of ${RUNS.torchForward}; builds: median of ${RUNS.torchBuild}): ` +
  'shape propagation without arithmetic; its "cold" figure adds the import but not the interpreter start-up. ' +
  'A case that spends more than its budget (plain 1k: 20 s, plain 10k: 45 s) stops after at least 5 timed runs; the runs column shows how many were timed. ' +
  'Compare only ratios from one run: on shared machines single figures vary by about ±20%.';

function fix(ms: number): string {
  return ms >= 100 ? ms.toFixed(1) : ms >= 10 ? ms.toFixed(2) : ms.toFixed(3);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function markdown(result: {
  env: Record<string, unknown>;
  netlens: { resnet152: { first_call_ms: number; fresh_process: Fresh | null; params: { trainable: number; nonTrainable: number }; macs: number; layers: number }; scaling_10k_over_1k: number };
  pytorch: PyTorchResult;
  comparison: Record<string, number> | null;
  total_bench_s: number;
}, rows: string[][]): string {
  const e = result.env;
  const md = (r: string[]) => `| ${r.join(' | ')} |`;
  const out: string[] = [
    '# Analysis benchmark',
    '',
    `Measured ${e.date} by \`npm run bench\` (bench/src/analyze.bench.ts).`,
    '',
    `- Node ${e.node} (V8 ${e.v8}), ${e.platform}`,
    `- CPU: ${e.cpu}, ${e.cores} logical cores`,
    `- torch: ${e.torch ?? 'not available'}${e.torchvision ? `, torchvision ${e.torchvision}` : ''}${e.python ? ` (${e.python})` : ''}`,
    e.quick ? '- **--quick run: fewer repetitions than a full run**' : '',
    '',
    '## NetLens: `analyzeDocument`, source text to diagnostics',
    '',
    md(rows[0]!.slice(0, 7)),
    md(['---', '---:', '---:', '---:', '---:', '---', '---']),
    ...rows.slice(1).map(md),
    '',
    `- 10k / 1k median ratio: **${result.netlens.scaling_10k_over_1k}** (10 = linear in the number of layer lines).`,
    `- ResNet-152 first call in the benchmark process, before warm-up: ${fix(result.netlens.resnet152.first_call_ms)} ms.`,
    result.netlens.resnet152.fresh_process
      ? `- ResNet-152 in a fresh Node process (start-up, loading the bundle, first call; median of ${result.netlens.resnet152.fresh_process.runs}): ` +
        `${fix(result.netlens.resnet152.fresh_process.process_ms_median)} ms, of which the call ${fix(result.netlens.resnet152.fresh_process.call_ms_median)} ms.`
      : '- Fresh-process figure not measured.',
    `- ResNet-152 as analyzed: ${fmtInt(result.netlens.resnet152.params.trainable)} trainable parameters (checked against torchvision), ` +
      `${fmtInt(result.netlens.resnet152.params.nonTrainable)} non-trainable, ${fmtInt(result.netlens.resnet152.macs)} MACs, ${fmtInt(result.netlens.resnet152.layers)} layers.`,
    '',
    '## PyTorch: the same shape question on the meta device',
    '',
  ];
  const p = result.pytorch;
  if (!p.ok) {
    out.push(`Not measured: ${p.error}.`, ...(p.tried ?? []).map((t) => `- \`${t.python}\`: ${t.error}`), '');
  } else {
    const c = result.comparison!;
    out.push(
      `torch ${p.torch}, torchvision ${p.torchvision}, ${p.threads} thread(s), Python ${p.python}; counted ${fmtInt(p.params!)} parameters.`,
      '',
      '| step | ms | PyTorch / NetLens |',
      '| --- | ---: | ---: |',
      `| import torch, torchvision | ${fix(p.import_ms!)} | |`,
      `| build resnet152 on the CPU (median of ${p.build_runs}) | ${fix(p.build_ms_median!)} | |`,
      `| \`.to("meta")\` | ${fix(p.to_meta_ms_median!)} | |`,
      `| meta forward, 1×3×224×224 (median of ${p.forward_runs}) | ${fix(p.forward_ms_median!)} | ${c.meta_forward_over_netlens}× NetLens median |`,
      `| build + to meta + forward | ${fix(p.build_to_meta_forward_ms!)} | ${c.build_to_meta_forward_over_netlens}× NetLens median |`,
      `| cold: import + build + forward | ${fix(p.cold_total_ms!)} | ${c.cold_over_netlens_fresh_process !== undefined ? `${c.cold_over_netlens_fresh_process}× NetLens fresh process` : 'n/a'} |`,
      '',
    );
  }
  out.push('## How it was measured', '', METHOD, '', `Whole bench: ${result.total_bench_s} s. Raw figures: analyze.json.`, '');
  return out.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}

if (argv.includes('--cold-once')) coldOnce();
else main();
