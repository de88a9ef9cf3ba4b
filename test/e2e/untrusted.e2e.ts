// Workspace trust, end to end in a real VS Code: code-server with trust on opens examples/ in
// Restricted Mode. Analysis still works (the language server's lenses and diagnostics), but
// "▶ Train" only opens the training panel with the explanation of why training is off, with its
// buttons disabled, and nothing is run: no run directory appears.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildVsix, installExtension, launchChromium, makeSandbox, openWorkspaceFile, quietSettings, requireSetup,
  startCodeServer, tearDown, waitFor, type Chromium, type CodeServer, type Sandbox,
} from './harness';
import { lenetFile, TrainingPage } from './trainingPage';

const settings = {
  ...quietSettings,
  'security.workspace.trust.enabled': true,
  // No prompt: the folder opens untrusted, in Restricted Mode.
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'security.workspace.trust.untrustedFiles': 'open',
};

let box: Sandbox | undefined;
let server: CodeServer | undefined;
let chrome: Chromium | undefined;
let page: Page;
let ui: TrainingPage;
let failed = false;

describe('an untrusted workspace (code-server with workspace trust on)', () => {
  beforeAll(async () => {
    try {
      requireSetup();
      const vsix = buildVsix();
      box = makeSandbox(settings);
      rmSync(join(box.workspace, 'runs'), { recursive: true, force: true });
      installExtension(box, vsix.path);
      if (vsix.copy) rmSync(vsix.copy, { recursive: true, force: true });
      server = await startCodeServer(box, { trust: true });
      chrome = await launchChromium();
      page = chrome.page;
      ui = new TrainingPage(page, box.workspace);
      await openWorkspaceFile(page, server, box, lenetFile);
    } catch (error) {
      failed = true;
      throw error;
    }
  }, 400_000);

  afterAll(() => tearDown(chrome, server, box, failed || process.env.NETLENS_E2E_KEEP === '1'), 60_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') failed = true;
  });

  it('opens in Restricted Mode, and analysis still works: the lenses of the train blocks', async () => {
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
    // The verdict lens comes from the language server's analysis of the train block.
    await page.locator('.part.editor .codelens-decoration', { hasText: '▶ Train' }).first().waitFor({ timeout: 60_000 });
  });

  it('"▶ Train" opens the panel with why training is off, its buttons disabled, and runs nothing', async () => {
    await ui.clickTrain(/^train\sLeNet5Modern\s\{/);
    const why = await waitFor('the panel to explain', 60_000, async () => (await ui.text('nl-untrusted').catch(() => '')) || undefined);
    expect(why).toContain('this workspace is not trusted');
    for (const button of ['nl-cancel', 'nl-resume', 'nl-restart']) expect(await ui.panel().locator(`#${button}`).isDisabled()).toBe(true);
    await page.locator('.notification-toast', { hasText: 'off in an untrusted workspace' }).first().waitFor({ timeout: 30_000 });
    expect(existsSync(join(box!.workspace, 'runs'))).toBe(false);
  });
});
