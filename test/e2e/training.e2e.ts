// Training from the editor, end to end in a real VS Code: the packaged .vsix in code-server, in
// headless Chromium. It opens examples/lenet5.nn (its LeNet5Modern block cut to a 6,000-digit
// subset of the real MNIST, so CI stays short), clicks "▶ Train", watches the panel's curves
// grow, reads the final test accuracy from the panel, cancels a second run (classic LeNet-5)
// midway from the panel, and checks that both run directories are complete and consistent.
// Torch is the engine (CI installs Debian's python3-torch). Whether the panel slows training is
// measured by `npm run bench:panel` (bench/panel/), not here.
//
// NETLENS_E2E_RECORD=1 also writes docs/images/training.png (the README's screenshot).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildVsix, closeChromium, installExtension, installPythonExtensionStub, launchChromium, makeSandbox,
  openWorkspaceFile, quietSettings, requireSetup, root, startCodeServer, stopGroup, tearDown, waitFor,
  type Chromium, type CodeServer, type Sandbox, type Vsix,
} from './harness';
import { events, lenetFile as file, norm, quickLenet, runDirs as runDirsIn, TrainingPage } from './trainingPage';

const record = process.env.NETLENS_E2E_RECORD === '1';
const settings = { ...quietSettings, 'netlens.training.engine': 'torch' };

let vsix: Vsix | undefined;
let box: Sandbox | undefined;
let server: CodeServer | undefined;
let chrome: Chromium | undefined;
let page: Page;
let ui: TrainingPage;
let failed = false;
let pythonFromExtension = '';
const screenshots: string[] = [];

const runDirs = (model: string) => runDirsIn(box!.workspace, model);

async function shoot(name: string): Promise<string> {
  const shot = join(box!.dir, name);
  await page.screenshot({ path: shot });
  screenshots.push(shot);
  return shot;
}

describe('training from VS Code (code-server and headless Chromium)', () => {
  beforeAll(async () => {
    try {
      requireSetup();
      vsix = buildVsix();
      box = makeSandbox(settings);
      // A fresh workspace: no runs left from training the examples in this checkout.
      rmSync(join(box.workspace, 'runs'), { recursive: true, force: true });
      quickLenet(box.workspace);
      installExtension(box, vsix.path);
      // The interpreter the Python extension selects: Debian's python3 with torch, under another name.
      pythonFromExtension = join(box.dir, 'python-from-extension');
      writeFileSync(pythonFromExtension, '#!/bin/sh\nexec /usr/bin/python3 "$@"\n', { mode: 0o755 });
      installPythonExtensionStub(box, pythonFromExtension);
      if (vsix.copy) rmSync(vsix.copy, { recursive: true, force: true });
      server = await startCodeServer(box);
      chrome = await launchChromium();
      page = chrome.page;
      ui = new TrainingPage(page, box.workspace);
      await openWorkspaceFile(page, server, box, file);
    } catch (error) {
      failed = true;
      throw error;
    }
  }, 400_000);

  afterAll(() => tearDown(chrome, server, box, failed || process.env.NETLENS_E2E_KEEP === '1'), 60_000);

  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    failed = true;
    if (box && chrome) await page.screenshot({ path: join(box.dir, `failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`) }).catch(() => {});
  });

  it('trains LeNet-5 from the ▶ Train lens: the curves grow live and the panel ends with the test accuracy', async () => {
    await ui.clickTrain(/^train\sLeNet5Modern\s\{/);
    // The panel opens beside the editor and follows the run.
    await waitFor('the training panel', 60_000, async () => ((await ui.text('nl-status').catch(() => '')) ? true : undefined));
    const seen: number[] = [];
    await waitFor('the loss curve to grow while training', 240_000, async () => {
      const n = await ui.points('nl-loss-chart').catch(() => 0);
      if (n > 0 && n !== seen[seen.length - 1]) seen.push(n);
      return seen.length >= 3 ? true : undefined;
    }, 200);
    expect(seen[2]!).toBeGreaterThan(seen[0]!);
    expect(await ui.text('nl-status')).toBe('running');
    expect(await ui.text('nl-engine')).toMatch(/torch/);
    // The status bar item: "LeNet5Modern: epoch 1/4 · 12% · loss 0.91 · ETA 0:09".
    expect(norm(await page.locator('.statusbar-item', { hasText: 'LeNet5Modern' }).first().textContent())).toMatch(/epoch \d\/4 · \d+% /);
    // The screenshot once the curves have some length: from the second epoch on.
    await waitFor('the second epoch', 300_000, async () => (/^[2-4]\/4$/.test(await ui.text('nl-epoch').catch(() => '')) || (await ui.text('nl-status').catch(() => '')) !== 'running' ? true : undefined), 300);
    const shot = await shoot('training.png');
    if (record) {
      mkdirSync(join(root, 'docs/images'), { recursive: true });
      copyFileSync(shot, join(root, 'docs/images/training.png'));
    }

    await waitFor('the run to complete', 300_000, async () => ((await ui.text('nl-status').catch(() => '')) === 'completed' ? true : undefined), 500);
    const accuracy = await ui.text('nl-test-accuracy');
    console.log(`LeNet5Modern on 5,400 digits for 4 epochs, from the panel: test accuracy ${accuracy}`);
    // 4 epochs on 5,400 of the digits: above 90% on 2,000 test digits (torch reaches about 95–97%).
    expect(Number(accuracy.replace('%', ''))).toBeGreaterThan(90);
    expect(await ui.points('nl-acc-chart')).toBeGreaterThan(0);
    expect(await ui.text('nl-best-epoch')).toMatch(/^[1-4]$/);

    const [dir] = runDirs('LeNet5Modern');
    const stream = events(dir!);
    const end = stream[stream.length - 1]!;
    expect(end.type === 'end' && end.status).toBe('completed');
    expect(end.type === 'end' && `${(end.testAccuracy! * 100).toFixed(1)}%`).toBe(accuracy);
    // With netlens.training.pythonPath empty, the Python came from the Python extension's API.
    const start = stream[0]!;
    expect(start.type === 'start' && start.why).toContain(`${pythonFromExtension} has torch`);
    const epochs = stream.filter((e) => e.type === 'epoch');
    expect(epochs.map((e) => e.type === 'epoch' && e.epoch)).toEqual([1, 2, 3, 4]);
  }, 600_000);

  it('goes on training with the panel closed, and the status bar brings the panel back', async () => {
    const dir = await ui.startRun('LeNet5Modern', /^train\sLeNet5Modern\s\{/);
    await waitFor('the run to start', 120_000, async () => ((await ui.status()) === 'running' ? true : undefined), 200);
    // Close the panel: the run goes on, followed by the status bar and the notification only.
    await ui.closePanel();
    await waitFor('the run without the panel to complete', 300_000, async () => (events(dir).some((e) => e.type === 'end') ? true : undefined), 500);
    expect(events(dir).pop()).toMatchObject({ type: 'end', status: 'completed' });
    // Closed means closed: nothing brought the panel back while the run went on.
    expect(await page.locator('iframe.webview').count()).toBe(0);
    // The status bar says completed once the CLI has exited, just after its end event.
    await waitFor('the status bar to say completed', 30_000, async () => (norm(await page.locator('.statusbar-item', { hasText: 'LeNet5Modern' }).first().textContent()).includes('LeNet5Modern: completed') ? true : undefined), 200);
    await page.locator('.statusbar-item', { hasText: 'LeNet5Modern' }).first().click();
    await waitFor('the panel again', 30_000, async () => ((await ui.status()) === 'completed' ? true : undefined), 300);
  }, 600_000);

  it('cancels a second run midway from the panel: a checkpoint, status cancelled, a resumable run directory', async () => {
    await ui.clickTrain(/^train\sLeNet5\s\{/);
    await waitFor('the classic LeNet-5 run to start', 180_000, async () => {
      const status = await ui.text('nl-status').catch(() => '');
      const n = await ui.points('nl-loss-chart').catch(() => 0);
      return status === 'running' && n >= 3 ? true : undefined;
    }, 300);
    await shoot('training-cancel.png');
    await ui.panel().locator('#nl-cancel').click();
    await waitFor('the run to end cancelled', 120_000, async () => ((await ui.text('nl-status').catch(() => '')) === 'cancelled' ? true : undefined), 500);
    const [dir] = runDirs('LeNet5');
    const stream = events(dir!);
    const end = stream[stream.length - 1]!;
    expect(end.type === 'end' && end.status).toBe('cancelled');
    const checkpoint = stream.filter((e) => e.type === 'checkpoint').pop();
    expect(checkpoint && checkpoint.type === 'checkpoint' && checkpoint.path).toBe('checkpoints/last.pt');
    expect(existsSync(join(dir!, 'checkpoints', 'last.pt'))).toBe(true);
    // Once the CLI has exited (just after its end event) the run can be resumed from the panel.
    await waitFor('Resume to be offered', 60_000, async () => ((await ui.panel().locator('#nl-resume').isEnabled()) ? true : undefined), 300);
    expect(norm(await page.locator('.statusbar-item', { hasText: 'LeNet5' }).first().textContent())).toContain('LeNet5: cancelled');
  }, 400_000);

  it('leaves complete, consistent run directories', () => {
    for (const dir of [...runDirs('LeNet5Modern'), ...runDirs('LeNet5')]) {
      for (const name of ['events.ndjson', 'metrics.csv', 'model.py', 'ir.json', 'summary.json', 'job.json']) expect(existsSync(join(dir, name)), `${dir}/${name}`).toBe(true);
      // Nothing half-written: no temporary files left, and every line of the stream is an event.
      const leftovers = [...readdirSync(dir), ...readdirSync(join(dir, 'checkpoints'))].filter((f) => f.endsWith('.tmp'));
      expect(leftovers).toEqual([]);
      const stream = events(dir);
      const rows = readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n');
      expect(rows.length - 1).toBe(stream.filter((e) => e.type === 'epoch').length);
      expect(stream[0]!.type).toBe('start');
      expect(stream.filter((e) => e.type === 'end')).toHaveLength(1);
    }
  });

  it('closing VS Code during a run leaves its run directory consistent: a checkpoint and an end event', async () => {
    const before = new Set(runDirs('LeNet5'));
    await ui.clickTrain(/^train\sLeNet5\s\{/);
    await waitFor('a third run to train', 180_000, async () => ((await ui.text('nl-status').catch(() => '')) === 'running' && (await ui.points('nl-loss-chart').catch(() => 0)) >= 2 ? true : undefined), 300);
    const dir = runDirs('LeNet5').find((d) => !before.has(d))!;
    expect(dir).toBeDefined();
    // The browser goes, then code-server and its extension host get SIGTERM, as when VS Code quits.
    await closeChromium(chrome);
    chrome = undefined;
    // Nothing is swept after code-server exits: the run's processes finish as after a real quit.
    const quitting = server!.process;
    await stopGroup(quitting, 60_000, false);
    server = undefined;
    const stream = await waitFor('the run to record its end', 60_000, async () => {
      const s = events(dir);
      return s[s.length - 1]?.type === 'end' ? s : undefined;
    }, 500);
    expect(stream[stream.length - 1]).toMatchObject({ type: 'end', status: 'cancelled' });
    expect(existsSync(join(dir, 'checkpoints', 'last.pt'))).toBe(true);
    expect([...readdirSync(dir), ...readdirSync(join(dir, 'checkpoints'))].filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await stopGroup(quitting); // and now anything left of the group
  }, 400_000);
});

