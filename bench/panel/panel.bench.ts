// `npm run bench:panel`: does the training panel slow the training it shows? In code-server (VS
// Code in headless Chromium), the same LeNet5Modern block trains again and again from its
// "▶ Train" lens, with the panel open and drawing or closed (the status bar and the notification
// still follow the run), in rounds of open, closed, closed, open so that drift cancels out, and
// once a round from the CLI with the editor idle; and within one long run whose panel is closed
// and opened again every TOGGLE_MS. Throughput counts training time only (the epoch events'
// seconds, or a stretch's batch events); the CPU each kind of process used is read from /proc.
// Writes bench/results/panel.{md,json}. NETLENS_BENCH_ROUNDS sets the number of rounds (3).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../test/helpers/spawn';
import {
  buildVsix, installExtension, launchChromium, makeSandbox, openWorkspaceFile, quietSettings, requireSetup,
  root, sleep, startCodeServer, tearDown, waitFor, type Chromium, type CodeServer, type Sandbox,
} from '../../test/e2e/harness';
import { events, lenetFile, quickLenet, runDirs, samplesPerSec, TrainingPage } from '../../test/e2e/trainingPage';
import { CpuMeter } from './cpu';
import { summarise, report, type Measured } from './report';
import { stretchSpeed, type Stretch, type StretchSpeed } from './segments';

const ROUNDS = Number(process.env.NETLENS_BENCH_ROUNDS ?? 3);
/** Within one long run: the panel flips open/closed every TOGGLE_MS; each stretch is measured after SETTLE_MS. */
const TOGGLE_MS = 6_000;
const SETTLE_MS = 1_500;
const TRAIN_DIGITS = 12000;
const EPOCHS = 4;
const block = /^train\sLeNet5Modern\s\{/;

let box: Sandbox | undefined;
let server: CodeServer | undefined;
let chrome: Chromium | undefined;
let ui: TrainingPage;
const runs: Measured[] = [];
let stretches: StretchSpeed[] = [];

/** CPU by kind from the run's first batch event to its end event: the stretch its throughput counts. */
async function meterTraining(runDir: () => string | undefined, done: () => boolean): Promise<Pick<Measured, 'cores' | 'machine' | 'others'>> {
  for (const deadline = Date.now() + 300_000; ; await sleep(100)) {
    const dir = runDir();
    if (dir && events(dir).some((e) => e.type === 'batch')) break;
    if (done() || Date.now() > deadline) throw new Error(`no batch event from ${dir ?? 'a run that made no run directory'}`);
  }
  const meter = new CpuMeter();
  meter.start();
  await waitFor('the run to end', 600_000, async () => (done() ? true : undefined), 200);
  const { cores, machine, others } = meter.stop();
  return { cores, machine, others };
}

async function trainInEditor(panel: 'open' | 'closed', round: number): Promise<Measured> {
  const dir = await ui.startRun('LeNet5Modern', block);
  await ui.panelNamesRun('LeNet5Modern', dir);
  if (panel === 'closed') await ui.closePanel();
  const cpu = await meterTraining(() => dir, () => events(dir).some((e) => e.type === 'end'));
  expect(events(dir).pop()).toMatchObject({ type: 'end', status: 'completed' });
  // A closed panel must have stayed closed for the whole run, or this run measured nothing.
  if (panel === 'closed') expect(await ui.page.locator('iframe.webview').count()).toBe(0);
  return { round, arm: panel, samplesPerSec: samplesPerSec(dir), ...cpu };
}

async function trainFromCli(round: number): Promise<Measured> {
  const cli = join(box!.dir, `cli-${round}`);
  mkdirSync(cli, { recursive: true });
  copyFileSync(join(box!.workspace, lenetFile), join(cli, lenetFile));
  let exited = false;
  const child = run(process.execPath, [join(root, 'dist/netlens.js'), 'train', lenetFile, '--model', 'LeNet5Modern', '--engine', 'torch', '--events', 'ndjson'], { cwd: cli })
    .finally(() => (exited = true));
  const cpu = await meterTraining(() => runDirs(cli, 'LeNet5Modern')[0], () => exited);
  const result = await child;
  expect(result.status, result.stderr).toBe(0);
  return { round, arm: 'cli', samplesPerSec: samplesPerSec(runDirs(cli, 'LeNet5Modern')[0]!), ...cpu };
}

describe('training throughput with the panel open and closed', () => {
  beforeAll(async () => {
    requireSetup();
    const vsix = buildVsix();
    box = makeSandbox({ ...quietSettings, 'netlens.training.engine': 'torch' });
    rmSync(join(box.workspace, 'runs'), { recursive: true, force: true });
    quickLenet(box.workspace, TRAIN_DIGITS, EPOCHS);
    installExtension(box, vsix.path);
    if (vsix.copy) rmSync(vsix.copy, { recursive: true, force: true });
    server = await startCodeServer(box);
    chrome = await launchChromium();
    await openWorkspaceFile(chrome.page, server, box, lenetFile);
    ui = new TrainingPage(chrome.page, box.workspace);
  }, 400_000);

  afterAll(() => tearDown(chrome, server, box, false), 60_000);

  it('opens and closes the panel every few seconds within one long run', async () => {
    // The whole training set (54,000 digits) for 4 epochs: about a minute of training.
    const path = join(box!.workspace, lenetFile);
    writeFileSync(path, readFileSync(path, 'utf8').replace(`data mnist limit=${TRAIN_DIGITS}`, 'data mnist'));
    const dir = await ui.startRun('LeNet5Modern', block);
    await ui.panelNamesRun('LeNet5Modern', dir);
    await waitFor('the first batch', 300_000, async () => (events(dir).some((e) => e.type === 'batch') ? true : undefined), 100);
    const ended = () => events(dir).some((e) => e.type === 'end' || (e.type === 'epoch' && e.epoch === EPOCHS));
    const flips: Stretch[] = [];
    let panel: Stretch['panel'] = 'open';
    while (!ended()) {
      const from = Date.now() + SETTLE_MS;
      await sleep(TOGGLE_MS);
      flips.push({ panel, from, to: Date.now() });
      if (panel === 'open') await ui.closePanel();
      else await ui.openPanel('LeNet5Modern');
      panel = panel === 'open' ? 'closed' : 'open';
    }
    await waitFor('the run to end', 300_000, async () => (events(dir).some((e) => e.type === 'end') ? true : undefined), 500);
    const stream = events(dir);
    const start = stream.find((e) => e.type === 'start');
    const batch = start?.type === 'start' ? start.batch : 32;
    stretches = flips.map((f) => stretchSpeed(stream, batch, f)).filter((s): s is StretchSpeed => s !== undefined);
    for (const s of stretches) console.log(`panel ${s.panel}: ${s.samplesPerSec.toFixed(0)} samples/s`);
    expect(stretches.filter((s) => s.panel === 'closed').length).toBeGreaterThanOrEqual(3);
    // Back to the short block for the rounds.
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^(\s*)data mnist$/m, `$1data mnist limit=${TRAIN_DIGITS}`));
  }, 1_800_000);

  it(`trains ${ROUNDS} rounds of open, closed, closed, open, and once from the CLI`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const arm of ['open', 'closed', 'closed', 'open', 'cli'] as const) {
        const m = arm === 'cli' ? await trainFromCli(round) : await trainInEditor(arm, round);
        runs.push(m);
        console.log(`round ${round}, ${arm}: ${m.samplesPerSec.toFixed(0)} samples/s`);
      }
    }
    const summary = summarise(runs);
    const { markdown, json } = report(runs, summary, stretches, { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', rounds: ROUNDS, digits: TRAIN_DIGITS, epochs: EPOCHS, toggleMs: TOGGLE_MS, settleMs: SETTLE_MS });
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/panel.json'), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(root, 'bench/results/panel.md'), markdown);
    console.log(markdown);
  }, 7_200_000);
});
