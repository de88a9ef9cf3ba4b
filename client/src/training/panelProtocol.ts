// What the extension host and the training panel's webview say to each other, and the header text
// both of them render from a run: the host into the first HTML, the webview on every update.
// Pure: bundled into the webview (client/webview/trainingPanel.ts) and imported by the host.
import type { TrainEvent } from '../../../runtime/src/events';
import type { RunModel, RunStatus } from './chartData';

/** A run as the panel knows it: where it lives, how to call it, and its events so far. */
export interface RunView {
  runDir: string;
  /** The model's name. */
  model: string;
  /** The .nn file it was trained from. */
  file: string;
  /** How the panel names it (e.g. the run directory's timestamp). */
  label: string;
  /** Whether its trainer process is running. */
  live: boolean;
  events: TrainEvent[];
}

export interface PanelState {
  current: RunView;
  /** Earlier runs of the same model, drawn as faint lines. */
  history: RunView[];
  trusted: boolean;
}

/**
 * Host → webview. `init` carries everything and replaces what the webview had: the host sends it
 * whenever the webview says `ready` (first load, and any reload) and when it is shown again after
 * events came while it was hidden. `append` and `live` follow in order between two inits.
 */
export type HostMessage =
  | { type: 'init'; state: PanelState }
  | { type: 'append'; runDir: string; events: TrainEvent[] }
  | { type: 'live'; runDir: string; live: boolean };

export type PanelAction = 'cancel' | 'resume' | 'restart';

/** Webview → host. */
export type WebviewMessage = { type: 'ready' } | { type: PanelAction; runDir: string };

const ACTIONS: readonly string[] = ['cancel', 'resume', 'restart'] satisfies PanelAction[];

/** The webview is a page: the host checks what it sends rather than trusting its shape. */
export function isWebviewMessage(x: unknown): x is WebviewMessage {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  if (m.type === 'ready') return true;
  return typeof m.type === 'string' && ACTIONS.includes(m.type) && typeof m.runDir === 'string';
}

/** The element ids the e2e test reads (docs/editors.md, "Training panel"). */
export const IDS = {
  status: 'nl-status',
  epoch: 'nl-epoch',
  testAccuracy: 'nl-test-accuracy',
  bestEpoch: 'nl-best-epoch',
  bestDetail: 'nl-best-detail',
  throughput: 'nl-throughput',
  eta: 'nl-eta',
  engine: 'nl-engine',
  reason: 'nl-reason',
  lossChart: 'nl-loss-chart',
  accChart: 'nl-acc-chart',
  diagnoses: 'nl-diagnoses',
  cancel: 'nl-cancel',
  resume: 'nl-resume',
  restart: 'nl-restart',
  untrusted: 'nl-untrusted',
  smoothing: 'nl-smoothing',
  smoothingValue: 'nl-smoothing-value',
  title: 'nl-title',
} as const;

export const NONE = '—';

/** The header's text, one string per element, and which buttons work. */
export interface Header {
  status: RunStatus;
  epoch: string;
  testAccuracy: string;
  bestEpoch: string;
  bestDetail: string;
  throughput: string;
  eta: string;
  engine: string;
  /** Why it stopped, or the error; empty while running or after a plain completion. */
  reason: string;
  canCancel: boolean;
  canResume: boolean;
  canRestart: boolean;
}

/** An empty run: before the first event arrives. */
export const EMPTY_HEADER: Header = {
  status: 'running',
  epoch: NONE,
  testAccuracy: NONE,
  bestEpoch: NONE,
  bestDetail: '',
  throughput: NONE,
  eta: NONE,
  engine: NONE,
  reason: '',
  canCancel: false,
  canResume: false,
  canRestart: false,
};

/**
 * The header of a run. Buttons: training runs code, so none works in an untrusted workspace;
 * cancel while the trainer runs, resume a cancelled (or killed) run that has a `last.pt`, train
 * again once it is not running.
 */
export function headerOf(model: RunModel, live: boolean, trusted: boolean): Header {
  const start = model.start;
  const status = model.status(live);
  const best = model.best();
  const epochs = model.end?.epochs ?? model.epoch;
  return {
    status,
    epoch: start ? `${epochs}/${start.epochs}` : NONE,
    testAccuracy: model.end?.testAccuracy != null ? formatPercent(model.end.testAccuracy) : NONE,
    bestEpoch: best ? String(best.epoch) : NONE,
    bestDetail: best ? `${best.validation ? 'val loss' : 'loss'} ${formatNumber(best.loss)}` : '',
    throughput: model.throughput !== null ? `${formatRate(model.throughput)} samples/s` : NONE,
    eta: status === 'running' && model.eta !== null ? formatDuration(model.eta) : NONE,
    engine: start ? [start.engine, start.backend, start.device, start.precision].join(' · ') : NONE,
    reason: model.error ? `${model.error.code}: ${model.error.message}` : (model.end?.reason ?? (status === 'failed' ? 'the trainer stopped without an end event' : '')),
    canCancel: trusted && live,
    canResume: trusted && model.resumable(live),
    canRestart: trusted && !live,
  };
}

/** 0.979 → "97.9%". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Four significant digits: losses span 1e-4 to 10. */
export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

/** 12345.6 → "12,346"; 12.34 → "12.3". */
export function formatRate(x: number): string {
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}

/** 75 → "1m 15s", 3725 → "1h 2m", 9 → "9s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
