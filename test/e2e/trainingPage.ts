// What the training end-to-end test and the panel benchmark both do in code-server: shorten the
// LeNet5Modern train block, click a block's "▶ Train" lens, read the training panel, and read the
// run directories the runs leave in the sandbox's workspace.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import type { TrainEvent } from '../../runtime/src/events';
import { parseStream } from '../helpers/train';
import { waitFor } from './harness';

export const lenetFile = 'lenet5.nn';

export const norm = (s: string | null | undefined) => (s ?? '').replace(/\u00a0/g, ' ').trim();

/** The workspace's copy of lenet5.nn, its LeNet5Modern block cut to `train` digits (and 2,000 test digits) for `epochs`. */
export function quickLenet(workspace: string, train = 6000, epochs = 4): void {
  const path = join(workspace, lenetFile);
  const text = readFileSync(path, 'utf8');
  const block = text.slice(text.indexOf('train LeNet5Modern'));
  const quick = block
    .replace(/^(\s*)data mnist\b/m, `$1data mnist limit=${train}`)
    .replace(/^(\s*)test mnist\b/m, '$1test mnist limit=2000')
    .replace(/^(\s*)epochs 1\b/m, `$1epochs ${epochs}`);
  if (quick === block || !quick.includes(`limit=${train}`) || !quick.includes(`epochs ${epochs}`)) {
    throw new Error('examples/lenet5.nn: the LeNet5Modern train block no longer has the lines this test shortens');
  }
  writeFileSync(path, text.replace(block, quick));
}

/** A run's events so far: none while its directory is still being made. */
export function events(runDir: string): TrainEvent[] {
  const path = join(runDir, 'events.ndjson');
  return existsSync(path) ? parseStream(readFileSync(path, 'utf8'), path) : [];
}

export function runDirs(workspace: string, model: string): string[] {
  const folder = join(workspace, 'runs', model);
  return existsSync(folder) ? readdirSync(folder).sort().map((d) => join(folder, d)) : [];
}

/** Training samples a second over a finished run's epochs (training time only, as the epoch events count it). */
export function samplesPerSec(runDir: string): number {
  const stream = events(runDir);
  const start = stream.find((e) => e.type === 'start');
  const epochs = stream.filter((e) => e.type === 'epoch');
  if (start?.type !== 'start' || epochs.length === 0) throw new Error(`${runDir}: no start or epoch events`);
  const seconds = epochs.reduce((sum, e) => sum + (e.type === 'epoch' ? e.seconds : 0), 0);
  return (start.samples * epochs.length) / seconds;
}

export class TrainingPage {
  constructor(
    readonly page: Page,
    readonly workspace: string,
  ) {}

  /** The training panel's page: the webview's outer iframe, then its active frame. */
  panel(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  async text(id: string): Promise<string> {
    return norm(await this.panel().locator(`#${id}`).textContent({ timeout: 5_000 }));
  }

  /** The panel's status ('running', 'completed', …), or '' while there is no panel. */
  async status(): Promise<string> {
    return this.text('nl-status').catch(() => '');
  }

  async points(id: 'nl-loss-chart' | 'nl-acc-chart'): Promise<number> {
    return Number(await this.panel().locator(`#${id}`).getAttribute('data-points', { timeout: 5_000 }));
  }

  /** Clicks the "▶ Train" lens of the train block whose line matches `trainLine`. */
  async clickTrain(trainLine: RegExp): Promise<void> {
    const page = this.page;
    // Focus the editor first: after a click in the panel, keys would go to the webview. A
    // notification that just closed can take the first Ctrl+G, so it is tried again.
    await waitFor('Go to Line', 60_000, async () => {
      await page.keyboard.press('Escape');
      await page.locator('.part.editor .tab', { hasText: lenetFile }).first().click();
      await page.keyboard.press('Control+G');
      try { await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 5_000 }); } catch { return undefined; }
      return true;
    }, 0);
    const source = readFileSync(join(this.workspace, lenetFile), 'utf8').split('\n');
    await page.keyboard.type(String(source.findIndex((l) => trainLine.test(l)) + 1));
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await waitFor(`the ▶ Train lens above "${trainLine}"`, 60_000, async () => {
      const line = await page.locator('.part.editor .view-line', { hasText: trainLine }).first().boundingBox();
      if (!line) return undefined;
      // Lenses sit just above their line: the nearest "▶ Train" above it is this block's.
      const lenses = page.locator('.part.editor .codelens-decoration a', { hasText: '▶ Train' });
      let best: { index: number; y: number } | undefined;
      for (let i = 0; i < (await lenses.count()); i++) {
        const box = await lenses.nth(i).boundingBox();
        if (box && box.y < line.y && (!best || box.y > best.y)) best = { index: i, y: box.y };
      }
      if (!best) return undefined;
      await lenses.nth(best.index).click();
      return true;
    });
  }

  /** Clicks "▶ Train" on `trainLine` and resolves with the run directory it creates. */
  async startRun(model: string, trainLine: RegExp): Promise<string> {
    const before = new Set(runDirs(this.workspace, model));
    await this.clickTrain(trainLine);
    return waitFor(`a new ${model} run directory`, 60_000, async () => runDirs(this.workspace, model).find((d) => !before.has(d)));
  }

  /** Opens the training panel again from the status bar item of `model`'s run. */
  async openPanel(model: string): Promise<void> {
    await this.page.locator('.statusbar-item', { hasText: model }).first().click();
    await this.page.locator('iframe.webview.ready').waitFor({ timeout: 30_000 });
  }

  /** Waits until the panel's title names the run: the extension has learnt its directory. */
  async panelNamesRun(model: string, runDir: string): Promise<void> {
    await this.page.locator('.part.editor .tab', { hasText: `Training: ${model} ${basename(runDir)}` }).waitFor({ timeout: 120_000 });
  }

  /** Closes the training panel's tab; the run goes on. */
  async closePanel(): Promise<void> {
    await this.page.locator('.part.editor .tab', { hasText: 'Training:' }).first().locator('.codicon-close').click();
    await this.page.locator('iframe.webview.ready').waitFor({ state: 'detached', timeout: 30_000 });
  }
}
