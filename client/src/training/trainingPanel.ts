// The training panel on the extension host's side: one webview beside the editor showing a run
// and, faintly, the earlier runs of its model. The host keeps every run's events; live events (up
// to 10 batch events a second) are batched and posted once a second, on the second with the status
// bar and the notification (untilTick), never while the panel is hidden (the full state goes when
// it is shown again), and the whole state goes whenever the webview (re)loads and says ready.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { TrainEvent } from '../../../runtime/src/events';
import { DEFAULT_SMOOTHING, RunModel } from './chartData';
import { renderPanel } from './panelHtml';
import { headerOf, isWebviewMessage, type HostMessage, type PanelState, type RunView, type WebviewMessage } from './panelProtocol';
import { untilTick } from './status';

export type PanelRun = RunView;

export interface PanelActions {
  cancel(runDir: string): void;
  resume(runDir: string): void;
  restart(runDir: string): void;
}

export class TrainingPanel implements vscode.Disposable {
  private static instance: TrainingPanel | undefined;

  /** Shows `run` with `history` as faint lines; reuses the open panel. */
  static show(extensionUri: vscode.Uri, run: PanelRun, history: PanelRun[], actions: PanelActions, trusted: boolean): TrainingPanel {
    const open = TrainingPanel.instance;
    if (open) {
      open.actions = actions;
      open.setRuns(run, history);
      if (open.trusted !== trusted) open.setTrusted(trusted);
      else open.sendState();
      open.panel.reveal(undefined, /*preserveFocus*/ true);
      return open;
    }
    TrainingPanel.instance = new TrainingPanel(extensionUri, run, history, actions, trusted);
    return TrainingPanel.instance;
  }

  static current(): TrainingPanel | undefined {
    return TrainingPanel.instance;
  }

  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose: vscode.Event<void> = this.disposed.event;

  private readonly panel: vscode.WebviewPanel;
  private readonly webviewRoot: vscode.Uri;
  private readonly subscriptions: vscode.Disposable[] = [];
  private current!: PanelRun;
  private history: PanelRun[] = [];
  private runs = new Map<string, PanelRun>();
  /** Events held for the next flush, by run. */
  private pending = new Map<string, TrainEvent[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushedAt = -Infinity;
  /** The webview's script has said ready since the page was last set: messages reach it. */
  private ready = false;
  /** Something changed while hidden: the next time it is visible it gets the full state. */
  private stale = false;
  private isDisposed = false;

  private constructor(
    extensionUri: vscode.Uri,
    run: PanelRun,
    history: PanelRun[],
    private actions: PanelActions,
    private trusted: boolean,
  ) {
    this.webviewRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.setRuns(run, history);
    this.panel = vscode.window.createWebviewPanel('netlens.training', this.title(), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      enableCommandUris: false,
      // Hidden and shown again without a reload when VS Code allows; a reload is handled by `ready`.
      retainContextWhenHidden: true,
      localResourceRoots: [this.webviewRoot],
    });
    this.panel.onDidDispose(() => this.dispose(), undefined, this.subscriptions);
    this.panel.onDidChangeViewState(() => this.visibilityChanged(), undefined, this.subscriptions);
    this.panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), undefined, this.subscriptions);
    this.render();
  }

  /** Live events of a run shown in the panel; other runs' events are ignored. */
  append(runDir: string, events: TrainEvent[]): void {
    const run = this.runs.get(runDir);
    if (!run || events.length === 0) return;
    run.events.push(...events);
    if (!this.canPost()) {
      this.stale = true;
      return;
    }
    const held = this.pending.get(runDir);
    if (held) held.push(...events);
    else this.pending.set(runDir, [...events]);
    this.timer ??= setTimeout(() => this.flush(), untilTick(Date.now(), this.flushedAt));
  }

  setLive(runDir: string, live: boolean): void {
    const run = this.runs.get(runDir);
    if (!run || run.live === live) return;
    run.live = live;
    // The process's last events come before the news that it ended.
    this.flush();
    if (this.canPost()) this.post({ type: 'live', runDir, live });
    else this.stale = true;
  }

  /** The page differs (the explanation, disabled buttons), so it is made again. */
  setTrusted(trusted: boolean): void {
    this.trusted = trusted;
    this.render();
  }

  private setRuns(run: PanelRun, history: PanelRun[]): void {
    // Copies: the caller's arrays are its own, and appends must not land twice.
    const copy = (r: PanelRun): PanelRun => ({ ...r, events: [...r.events] });
    this.current = copy(run);
    this.history = history.filter((h) => h.runDir !== run.runDir).map(copy);
    this.runs = new Map([this.current, ...this.history].map((r) => [r.runDir, r]));
    this.pending.clear();
    if (this.panel) this.panel.title = this.title();
  }

  private title(): string {
    return `Training: ${this.current.model} ${this.current.label}`;
  }

  private canPost(): boolean {
    return !this.isDisposed && this.ready && this.panel.visible;
  }

  private render(): void {
    this.ready = false;
    this.pending.clear();
    const webview = this.panel.webview;
    const asset = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(this.webviewRoot, name)).toString();
    webview.html = renderPanel({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('hex'),
      scriptUri: asset('trainingPanel.js'),
      styleUri: asset('trainingPanel.css'),
      title: `${this.current.model} · ${this.current.label}`,
      trusted: this.trusted,
      header: headerOf(RunModel.of(this.current.events), this.current.live, this.trusted),
      smoothing: DEFAULT_SMOOTHING,
    });
  }

  private state(): PanelState {
    return { current: this.current, history: this.history, trusted: this.trusted };
  }

  /** The full state replaces whatever the webview had, so what was pending is in it. */
  private sendState(): void {
    this.pending.clear();
    this.stale = false;
    if (this.canPost()) this.post({ type: 'init', state: this.state() });
    else this.stale = true;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushedAt = Date.now();
    if (!this.canPost()) {
      if (this.pending.size > 0) this.stale = true;
      this.pending.clear();
      return;
    }
    // A message was lost (the webview went away for a moment): appending to a gap would hide it.
    if (this.stale) return this.sendState();
    for (const [runDir, events] of this.pending) this.post({ type: 'append', runDir, events });
    this.pending.clear();
  }

  private visibilityChanged(): void {
    if (this.panel.visible && this.stale) this.sendState();
  }

  /** postMessage is asynchronous; a webview that went away meanwhile just misses the message. */
  private post(message: HostMessage): void {
    this.panel.webview.postMessage(message).then(
      (delivered) => {
        if (!delivered) this.stale = true;
      },
      () => (this.stale = true),
    );
  }

  private receive(message: unknown): void {
    if (!isWebviewMessage(message)) return;
    if (message.type === 'ready') {
      this.ready = true;
      this.sendState();
      return;
    }
    this.act(message);
  }

  /** The webview's buttons are disabled when training is, but the host decides. */
  private act(message: Exclude<WebviewMessage, { type: 'ready' }>): void {
    if (!this.trusted || !this.runs.has(message.runDir)) return;
    this.actions[message.type](message.runDir);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    if (this.timer) clearTimeout(this.timer);
    if (TrainingPanel.instance === this) TrainingPanel.instance = undefined;
    this.panel.dispose();
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.disposed.fire();
    this.disposed.dispose();
  }
}
