// The training panel's page (client/src/training/panelHtml.ts): a CSP that runs only the bundled
// script, by nonce; every element the e2e test reads; and in an untrusted workspace, disabled
// buttons and the reason.
import { describe, expect, it } from 'vitest';
import { renderPanel } from '../client/src/training/panelHtml';
import { headerOf, IDS, isWebviewMessage } from '../client/src/training/panelProtocol';
import { RunModel } from '../client/src/training/chartData';

const OPTIONS = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'n0nce123',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/trainingPanel.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/trainingPanel.css',
  title: 'LeNet5 · 20261128-075617',
  smoothing: 0.6,
};

function csp(page: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1];
  expect(content).toBeDefined();
  const directives = new Map<string, string[]>();
  for (const d of content!.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...values] = d.split(/\s+/);
    directives.set(name!, values);
  }
  return directives;
}

describe('training panel page', () => {
  const page = renderPanel({ ...OPTIONS, trusted: true });

  it('allows scripts only by nonce, and no eval', () => {
    const policy = csp(page);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'nonce-n0nce123'"]);
    expect(policy.get('style-src')).toEqual([OPTIONS.cspSource, "'nonce-n0nce123'"]);
    expect(page).not.toContain('unsafe-inline');
    expect(page).not.toContain('unsafe-eval');
  });

  it('puts the nonce on every script and style element, and has no inline handlers or style attributes', () => {
    const scripts = page.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts).toEqual([`<script nonce="n0nce123" src="${OPTIONS.scriptUri}">`]);
    expect(page.match(/<style\b[^>]*>/g)).toEqual(['<style nonce="n0nce123">']);
    expect(page).toContain(`<link rel="stylesheet" href="${OPTIONS.styleUri}">`);
    expect(page).not.toMatch(/\son[a-z]+=/);
    expect(page).not.toMatch(/\sstyle="/);
  });

  it('has every element the e2e test reads', () => {
    for (const id of ['nl-status', 'nl-epoch', 'nl-test-accuracy', 'nl-best-epoch', 'nl-throughput', 'nl-eta', 'nl-engine', 'nl-loss-chart', 'nl-acc-chart', 'nl-diagnoses', 'nl-cancel', 'nl-resume', 'nl-restart']) {
      expect(page.match(new RegExp(`id="${id}"`, 'g')), id).toHaveLength(1);
    }
    expect(page).toContain(`<div id="${IDS.lossChart}" data-points="0"></div>`);
    expect(page).toContain(`<div id="${IDS.accChart}" data-points="0"></div>`);
    expect(page).not.toContain('nl-untrusted');
  });

  it('shows the header it is given and enables what the run allows', () => {
    const time = '2026-11-28T07:48:23.627Z';
    const model = RunModel.of([
      { v: 1, type: 'start', time, engine: 'torch', backend: 'pytorch 2.3.0', device: 'cuda:0 (NVIDIA H200)', precision: 'bf16', why: '', model: 'Net', params: 1, samples: 10, valSamples: null, testSamples: null, epochs: 20, batch: 10, stepsPerEpoch: 1, resumedFrom: null },
      { v: 1, type: 'batch', time, step: 1, epoch: 1, loss: 1, accuracy: 0.5, samplesPerSec: 50, eta: 9 },
    ]);
    const live = renderPanel({ ...OPTIONS, trusted: true, header: headerOf(model, /*live*/ true, /*trusted*/ true) });
    expect(live).toContain('<span id="nl-status" class="status running">running</span>');
    expect(live).toContain('<span id="nl-epoch">1/20</span>');
    expect(live).toContain('<span id="nl-engine">torch · pytorch 2.3.0 · cuda:0 (NVIDIA H200) · bf16</span>');
    expect(live).toContain('<button id="nl-cancel" type="button">Cancel</button>');
    expect(live).toContain('<button id="nl-restart" type="button" disabled>Train again</button>');
  });

  it('escapes what comes from files', () => {
    const html = renderPanel({ ...OPTIONS, title: '<img src=x>', trusted: true });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x&gt;');
  });
});

describe('untrusted workspace', () => {
  const page = renderPanel({ ...OPTIONS, trusted: false });

  it('disables every button', () => {
    for (const id of ['nl-cancel', 'nl-resume', 'nl-restart']) expect(page).toMatch(new RegExp(`<button id="${id}" type="button" disabled>`));
  });

  it('explains that training runs code and needs Workspace Trust', () => {
    const text = /<p id="nl-untrusted"[^>]*>([^<]*)<\/p>/.exec(page)?.[1];
    expect(text).toBeDefined();
    expect(text).toMatch(/Training is disabled/);
    expect(text).toMatch(/runs code/);
    expect(text).toMatch(/model/);
    expect(text).toMatch(/trainer/);
    expect(text).toMatch(/Workspace Trust/);
  });

  it('keeps the buttons disabled even for a run that could be cancelled', () => {
    const html = renderPanel({ ...OPTIONS, trusted: false, header: { ...headerOf(new RunModel(), /*live*/ true, /*trusted*/ true), canCancel: true, canRestart: true } });
    expect(html).toContain('<button id="nl-cancel" type="button" disabled>');
  });
});

describe('webview messages', () => {
  it('are checked before the host acts on them', () => {
    expect(isWebviewMessage({ type: 'ready' })).toBe(true);
    expect(isWebviewMessage({ type: 'cancel', runDir: '/w/runs/Net/1' })).toBe(true);
    expect(isWebviewMessage({ type: 'cancel' })).toBe(false);
    expect(isWebviewMessage({ type: 'delete', runDir: '/w' })).toBe(false);
    expect(isWebviewMessage(null)).toBe(false);
    expect(isWebviewMessage('ready')).toBe(false);
  });
});
