// The training panel's script, running in the webview: it keeps a RunModel per run from the host's
// messages and draws two uPlot charts (loss, accuracy). Events only update the models; the panel
// repaints at most once a second while a run streams (REPAINT_MS), with setData on charts that are
// built once per layout.
// Bundled by esbuild.mjs into dist/webview/trainingPanel.js (and uPlot's CSS into trainingPanel.css).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { align, clampSmoothing, DEFAULT_SMOOTHING, RunModel, type ChartLines, type Line, type Marker, type Metric } from '../src/training/chartData';
import { formatNumber, headerOf, IDS, type HostMessage, type PanelAction, type PanelState, type RunView, type WebviewMessage } from '../src/training/panelProtocol';
import { REPAINT_MS, untilTick } from '../src/training/status';

/** What survives the webview being thrown away: the data comes back from the host, the user's choices from here. */
interface SavedState {
  smoothing: number;
}

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): Partial<SavedState> | undefined;
  setState(state: SavedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

interface Run {
  view: RunView;
  model: RunModel;
}

const vscode = acquireVsCodeApi();
let smoothing = clampSmoothing(vscode.getState()?.smoothing ?? readSmoothingInput());
let runs = new Map<string, Run>();
let current: Run | undefined;
let history: Run[] = [];
let trusted = false;
let frame = 0;
let shownMarkers = -1;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the training panel has no #${id}`);
  return el as T;
}

function readSmoothingInput(): number {
  const value = Number((document.getElementById(IDS.smoothing) as HTMLInputElement | null)?.value);
  return Number.isFinite(value) ? value : DEFAULT_SMOOTHING;
}

/** Colours come from the theme's CSS variables, read again when the theme changes. */
interface Palette {
  foreground: string;
  grid: string;
  train: string;
  validation: string;
  history: string;
  marker: string;
  divergence: string;
  font: string;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function palette(): Palette {
  return {
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    grid: cssVar('--vscode-charts-lines', 'rgba(128,128,128,0.3)'),
    train: cssVar('--vscode-charts-blue', '#3794ff'),
    validation: cssVar('--vscode-charts-orange', '#d18616'),
    history: cssVar('--vscode-charts-foreground', '#888888'),
    marker: cssVar('--vscode-charts-purple', '#b180d7'),
    divergence: cssVar('--vscode-charts-red', '#f14c4c'),
    font: cssVar('--vscode-font-family', 'sans-serif'),
  };
}

/** One chart: built when the number of earlier runs or the theme changes, otherwise only fed with setData. */
class Chart {
  private plot: uPlot | undefined;
  private layout = '';
  private readonly resize = new ResizeObserver(() => this.plot?.setSize(this.size()));

  constructor(
    private readonly metric: Metric,
    private readonly el: HTMLElement,
  ) {
    this.resize.observe(el);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(this.el.clientWidth, 200), height: 240 };
  }

  /** Series order: the earlier runs first, so the current run is drawn over them. */
  private build(colors: Palette, labels: string[]): void {
    this.plot?.destroy();
    const value = (_u: uPlot, v: number | null): string => (v == null ? '—' : this.metric === 'accuracy' ? `${(v * 100).toFixed(2)}%` : formatNumber(v));
    const series: uPlot.Series[] = [{ label: 'step' }];
    for (const label of labels) {
      series.push({ label: `${label} (smoothed)`, stroke: colors.history, width: 1, alpha: 0.35, spanGaps: true, value, points: { show: false } });
      series.push({ label: `${label} (validation)`, stroke: colors.history, width: 1, alpha: 0.35, dash: [4, 3], spanGaps: true, value, points: { show: false } });
    }
    series.push({ label: 'train', stroke: colors.train, width: 1, alpha: 0.3, value, points: { show: false } });
    series.push({ label: 'train (smoothed)', stroke: colors.train, width: 2, value, points: { show: false } });
    series.push({ label: 'validation', stroke: colors.validation, width: 1.5, spanGaps: true, value, points: { show: true, size: 6, fill: colors.validation } });
    const axis = { stroke: colors.foreground, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 }, font: `11px ${colors.font}` };
    const options: uPlot.Options = {
      ...this.size(),
      series,
      scales: { x: { time: false } },
      axes: [
        { ...axis, label: 'step', labelFont: `11px ${colors.font}` },
        { ...axis, values: (_u, ticks) => ticks.map((t) => (this.metric === 'accuracy' ? `${Math.round(t * 1000) / 10}%` : formatNumber(t))) },
      ],
      // Zooming would be undone by the next event's setData; the legend shows values on hover instead.
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [(u) => drawMarkers(u, current?.model.markers ?? [], colors)] },
    };
    this.plot = new uPlot(options, [[]], this.el);
  }

  draw(colors: Palette, layout: string): void {
    const labels = history.map((r) => r.view.label);
    if (!this.plot || layout !== this.layout) {
      this.layout = layout;
      this.build(colors, labels);
    }
    const lines: Line[] = [];
    for (const run of history) {
      const d = run.model.drawn(this.metric);
      lines.push(d.smoothed, d.validation);
    }
    const mine: ChartLines | undefined = current?.model.drawn(this.metric);
    const empty = { xs: [], ys: [] };
    lines.push(mine?.raw ?? empty, mine?.smoothed ?? empty, mine?.validation ?? empty);
    const { xs, ys } = align(lines);
    this.plot!.setData([xs, ...ys] as uPlot.AlignedData);
    // The current run's x points: what the e2e test watches grow.
    const own = ys.slice(-3);
    let points = 0;
    for (let i = 0; i < xs.length; i++) if (own.some((y) => y[i] !== undefined)) points++;
    this.el.setAttribute('data-points', String(points));
  }
}

/** Diagnoses as dashed vertical lines at their step, labelled with their kind. */
function drawMarkers(u: uPlot, markers: readonly Marker[], colors: Palette): void {
  if (markers.length === 0) return;
  const { ctx, bbox } = u;
  const ratio = window.devicePixelRatio || 1;
  ctx.save();
  ctx.lineWidth = ratio;
  ctx.setLineDash([4 * ratio, 3 * ratio]);
  ctx.font = `${11 * ratio}px ${colors.font}`;
  ctx.textBaseline = 'top';
  markers.forEach((m, i) => {
    const x = Math.round(u.valToPos(m.step, 'x', true));
    if (!Number.isFinite(x) || x < bbox.left || x > bbox.left + bbox.width) return;
    const color = m.kind === 'divergence' ? colors.divergence : colors.marker;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    // Staggered, so markers of the same epoch do not print over each other.
    ctx.fillText(m.kind, x + 3 * ratio, bbox.top + (2 + 13 * (i % 3)) * ratio);
  });
  ctx.restore();
}

const charts = [new Chart('loss', byId(IDS.lossChart)), new Chart('accuracy', byId(IDS.accChart))];
let colors = palette();
let themeVersion = 0;

/**
 * The panel repaints (header and charts) about once a second while a run streams: the host posts
 * a second's events at a time, on the second with the status bar and the notification (untilTick),
 * and each message repaints at the next frame, so that one repaint of the window serves all three.
 * Messages closer together than half a second (two runs streaming) wait for the next second.
 * Every repaint of a webview drawn in software (a VS Code without a GPU, remote or headless) costs
 * CPU that the training it shows would otherwise have. A new run, a run that ends, the smoothing
 * slider and a theme change repaint at the next frame.
 */
let lastPaint = -Infinity;
let paintTimer: ReturnType<typeof setTimeout> | undefined;

/** Repaints at the next frame. */
function drawNow(): void {
  if (paintTimer !== undefined) clearTimeout(paintTimer);
  paintTimer = undefined;
  if (frame === 0) frame = requestAnimationFrame(draw);
}

/** Repaints at the next frame, or on the next second when the last repaint was under half a second ago. */
function scheduleDraw(): void {
  if (frame !== 0 || paintTimer !== undefined) return;
  const now = Date.now();
  if (now - lastPaint >= REPAINT_MS / 2) return drawNow();
  paintTimer = setTimeout(drawNow, untilTick(now, lastPaint));
}

function draw(): void {
  frame = 0;
  lastPaint = Date.now();
  renderHeader();
  const layout = `${themeVersion}|${history.map((r) => r.view.runDir).join('|')}`;
  for (const chart of charts) chart.draw(colors, layout);
}

function setText(id: string, text: string): void {
  const el = byId(id);
  if (el.textContent !== text) el.textContent = text;
}

function renderHeader(): void {
  if (!current) return;
  const h = headerOf(current.model, current.view.live, trusted);
  setText(IDS.title, `${current.view.model} · ${current.view.label}`);
  const status = byId(IDS.status);
  setText(IDS.status, h.status);
  status.className = `status ${h.status}`;
  setText(IDS.epoch, h.epoch);
  setText(IDS.testAccuracy, h.testAccuracy);
  setText(IDS.bestEpoch, h.bestEpoch);
  setText(IDS.bestDetail, h.bestDetail);
  setText(IDS.throughput, h.throughput);
  setText(IDS.eta, h.eta);
  setText(IDS.engine, h.engine);
  setText(IDS.reason, h.reason);
  byId<HTMLButtonElement>(IDS.cancel).disabled = !h.canCancel;
  byId<HTMLButtonElement>(IDS.resume).disabled = !h.canResume;
  byId<HTMLButtonElement>(IDS.restart).disabled = !h.canRestart;
  renderDiagnoses(current.model.markers);
}

/** Rebuilt only when the count changes: diagnoses are few, and each kind comes once per run. */
function renderDiagnoses(markers: readonly Marker[]): void {
  if (markers.length === shownMarkers) return;
  shownMarkers = markers.length;
  const list = byId(IDS.diagnoses);
  list.replaceChildren(
    ...markers.map((m) => {
      const li = document.createElement('li');
      const kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = `epoch ${m.epoch} · ${m.kind}: `;
      li.append(kind, m.message);
      return li;
    }),
  );
}

function runOf(view: RunView): Run {
  return { view: { ...view, events: [] }, model: RunModel.of(view.events, smoothing) };
}

function init(state: PanelState): void {
  current = runOf(state.current);
  history = state.history.map(runOf);
  runs = new Map([current, ...history].map((r) => [r.view.runDir, r]));
  trusted = state.trusted;
  shownMarkers = -1;
  drawNow();
}

function onMessage(message: HostMessage): void {
  switch (message.type) {
    case 'init':
      return init(message.state);
    case 'append':
      runs.get(message.runDir)?.model.append(message.events);
      return scheduleDraw();
    case 'live': {
      const run = runs.get(message.runDir);
      if (run) run.view.live = message.live;
      return drawNow();
    }
  }
}

function setSmoothing(weight: number): void {
  smoothing = clampSmoothing(weight);
  for (const run of runs.values()) run.model.setSmoothing(smoothing);
  setText(IDS.smoothingValue, smoothing.toFixed(2));
  vscode.setState({ smoothing });
  drawNow();
}

function act(type: PanelAction): void {
  if (current) vscode.postMessage({ type, runDir: current.view.runDir });
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => onMessage(event.data));
byId(IDS.cancel).addEventListener('click', () => act('cancel'));
byId(IDS.resume).addEventListener('click', () => act('resume'));
byId(IDS.restart).addEventListener('click', () => act('restart'));
const slider = byId<HTMLInputElement>(IDS.smoothing);
slider.value = String(smoothing);
setText(IDS.smoothingValue, smoothing.toFixed(2));
slider.addEventListener('input', () => setSmoothing(Number(slider.value)));
// VS Code swaps the body's theme class and its CSS variables when the theme changes.
new MutationObserver(() => {
  colors = palette();
  themeVersion++;
  drawNow();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
vscode.postMessage({ type: 'ready' });
