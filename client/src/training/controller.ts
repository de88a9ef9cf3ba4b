// Training from the editor: the commands (Run Training, Cancel, Resume, Show, Open Run), the
// session they start, and where its progress shows: the training panel, a status bar item, a
// cancellable progress notification and the "NetLens Training" output channel. Untrusted
// workspaces get analysis only: training runs code (the generated model and the trainer).
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { TrainEvent } from '../../../runtime/src/events';
import { OPEN_RUN_COMMAND, TRAIN_COMMAND } from '../../../server/src/protocol';
import { canResume, readEvents, runInfo, runsIn, sourceOf, type RunInfo } from './runs';
import { runsFolderOf, TrainingSession, type TrainRequest } from './session';
import { TrainingPanel, type PanelActions, type PanelRun } from './trainingPanel';
import { activeNnDocument, toUri } from '../documents';
import { interpreterFor } from './python';
import { progressOf, statusText, untilTick } from './status';

export const CANCEL_COMMAND = 'netlens.cancelTraining';
export const RESUME_COMMAND = 'netlens.resumeTraining';
export const SHOW_TRAINING_COMMAND = 'netlens.showTraining';
export const REFRESH_RUNS_COMMAND = 'netlens.refreshRuns';

/** Earlier runs of the same model drawn faintly in the panel: the most recent few. */
const HISTORY = 5;

export class TrainingController implements vscode.Disposable {
  private readonly sessions = new Map<string, TrainingSession>();
  /** The session the status bar and the panel follow: the latest one started. */
  private focus: TrainingSession | undefined;
  private readonly status: vscode.StatusBarItem;
  private readonly output: vscode.OutputChannel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private pendingIds = 0;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  private statusShownAt = 0;
  private statusVisible = false;
  /** A resumed run's events before this session: the panel shows the whole run. */
  private readonly prior = new WeakMap<TrainingSession, TrainEvent[]>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fired when a run starts, ends or learns its directory: the runs view refreshes. */
  readonly onDidChangeRuns = this.changed.event;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('NetLens Training');
    this.status = vscode.window.createStatusBarItem('netlens.training', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'NetLens Training';
    this.status.command = SHOW_TRAINING_COMMAND;
    this.status.tooltip = 'NetLens training: show the panel';
    this.subscriptions.push(
      this.output,
      this.status,
      vscode.commands.registerCommand(TRAIN_COMMAND, (uri?: unknown, model?: unknown) => this.trainCommand(uri, model)),
      vscode.commands.registerCommand(CANCEL_COMMAND, (dir?: unknown) => this.cancel(dirOf(dir))),
      vscode.commands.registerCommand(RESUME_COMMAND, (dir?: unknown) => this.resumeCommand(dir)),
      vscode.commands.registerCommand(SHOW_TRAINING_COMMAND, () => this.showFocus()),
      vscode.commands.registerCommand(OPEN_RUN_COMMAND, (dir?: unknown) => this.openRun(dirOf(dir))),
      vscode.workspace.onDidGrantWorkspaceTrust(() => TrainingPanel.current()?.setTrusted(true)),
    );
  }

  /** Asks every running trainer to checkpoint and stop, and waits (VS Code gives a few seconds). */
  async stopAll(): Promise<void> {
    const running = [...this.sessions.values()].filter((s) => s.exitCode === null);
    for (const s of running) s.cancel();
    await Promise.race([Promise.all(running.map((s) => s.done)), new Promise((r) => setTimeout(r, 4000))]);
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.cancel();
    clearTimeout(this.statusTimer);
    for (const d of this.subscriptions) d.dispose();
    this.changed.dispose();
  }

  running(): TrainingSession[] {
    return [...this.sessions.values()].filter((s) => s.exitCode === null);
  }

  // ── commands ───────────────────────────────────────────────────────────────

  private async trainCommand(uriArg: unknown, modelArg: unknown): Promise<void> {
    const uri = toUri(uriArg) ?? activeNnDocument()?.uri;
    if (!uri) {
      void vscode.window.showWarningMessage('NetLens: open a .nn file with a train block to run training.');
      return;
    }
    const model = typeof modelArg === 'string' ? modelArg : await this.pickTrainBlock(uri);
    if (!model) return;
    await this.start({ file: uri.fsPath, model });
  }

  /** The train blocks of the file; asked when there are several. */
  private async pickTrainBlock(uri: vscode.Uri): Promise<string | undefined> {
    const document = await vscode.workspace.openTextDocument(uri);
    const models = [...document.getText().matchAll(/^\s*train\s+([A-Za-z_]\w*)/gm)].map((m) => m[1]!);
    if (models.length === 0) {
      void vscode.window.showWarningMessage(`NetLens: ${basename(uri.fsPath)} has no train block. Add one (docs/language.md, "Training").`);
      return undefined;
    }
    if (models.length === 1) return models[0];
    return vscode.window.showQuickPick(models, { title: 'NetLens: Run Training', placeHolder: 'Which train block?' });
  }

  private async resumeCommand(dirArg: unknown): Promise<void> {
    let dir = dirOf(dirArg);
    if (!dir) {
      const folders = this.focus ? [runsFolderOf(this.focus.request.file, this.focus.request.model)] : [];
      const candidates = folders.flatMap((f) => runsIn(f)).filter(canResume);
      const pick = await vscode.window.showQuickPick(candidates.map((r) => ({ label: r.summary.name, description: r.summary.status, dir: r.dir })), { title: 'NetLens: Resume Training', placeHolder: 'Which run?' });
      dir = pick?.dir;
    }
    if (!dir) return;
    const run = runInfo(dir);
    const file = run && sourceOf(run);
    if (!run || !file) {
      void vscode.window.showErrorMessage(`NetLens: ${dir} is not a run directory with events (runs/<model>/<timestamp>).`);
      return;
    }
    await this.start({ file, model: run.model, resume: dir });
  }

  private cancel(dir?: string): void {
    const session = dir ? [...this.sessions.values()].find((s) => s.runDir === dir) : this.focus;
    if (!session || session.exitCode !== null) {
      void vscode.window.showInformationMessage('NetLens: no training is running.');
      return;
    }
    this.output.appendLine(session.cancelling ? 'Cancel again: stopping at once.' : 'Cancelling: finishing the step and writing a checkpoint…');
    session.cancel();
    this.updateStatus();
  }

  // ── a run ─────────────────────────────────────────────────────────────────

  async start(partial: Pick<TrainRequest, 'file' | 'model' | 'resume'>): Promise<TrainingSession | undefined> {
    if (!vscode.workspace.isTrusted) {
      this.showUntrusted(partial);
      return undefined;
    }
    const clash = this.running().find((s) => s.request.file === partial.file && s.request.model === partial.model);
    if (clash) {
      void vscode.window.showWarningMessage(`NetLens: ${partial.model} is already training.`, 'Show').then((c) => c && this.showFocus());
      return undefined;
    }
    const config = vscode.workspace.getConfiguration('netlens.training', vscode.Uri.file(partial.file));
    const request: TrainRequest = {
      ...partial,
      engine: config.get<string>('engine') || undefined,
      device: config.get<string>('device') || undefined,
      python: config.get<string>('pythonPath')?.trim() || (await interpreterFor(vscode.Uri.file(partial.file), this.output)),
    };
    const script = this.context.asAbsolutePath('dist/netlens.js');
    // Until its start event names the run directory, a new run is known by a placeholder.
    const id = partial.resume ?? `pending:${++this.pendingIds}`;
    this.output.appendLine(`\n▶ ${partial.resume ? `resume ${partial.resume}` : `train ${partial.model} (${partial.file})`}${request.engine ? ` · engine ${request.engine}` : ''}${request.python ? ` · python ${request.python}` : ''}`);
    const session: TrainingSession = new TrainingSession(request, process.execPath, script, process.env, {
      event: (event) => this.onEvent(session, event),
      log: (line) => this.output.appendLine(line),
      runDir: (dir) => this.onRunDir(session, id, dir),
    });
    this.sessions.set(id, session);
    if (partial.resume) this.prior.set(session, readEvents(partial.resume));
    this.focus = session;
    this.showPanel(session, id);
    this.updateStatus();
    this.progress(session);
    void session.done.then((code) => this.onDone(session, id, code));
    return session;
  }

  private onEvent(session: TrainingSession, event: TrainEvent): void {
    const key = session.runDir ?? this.keyOf(session);
    TrainingPanel.current()?.append(key, [event]);
    if (event.type === 'start' || event.type === 'epoch' || event.type === 'end' || event.type === 'diagnosis') this.output.appendLine(logLine(event));
    if (session !== this.focus) return;
    if (event.type === 'batch') this.updateStatusSoon();
    else this.updateStatus();
  }

  private onRunDir(session: TrainingSession, id: string, dir: string): void {
    this.output.appendLine(`run directory: ${dir}`);
    this.sessions.delete(id);
    this.sessions.set(dir, session);
    // The panel learns the run's directory, but a panel the user closed meanwhile stays closed.
    if (session === this.focus && TrainingPanel.current()) this.showPanel(session, dir);
    this.changed.fire();
  }

  private onDone(session: TrainingSession, id: string, code: number): void {
    const key = session.runDir ?? id;
    this.output.appendLine(`■ ${session.request.model}: ${session.status} (exit ${code})`);
    TrainingPanel.current()?.setLive(key, false);
    if (session === this.focus) this.updateStatus();
    this.changed.fire();
    if (session.status === 'failed') {
      const error = [...session.events].reverse().find((e) => e.type === 'error');
      void vscode.window.showErrorMessage(`NetLens: training ${session.request.model} failed${error && error.type === 'error' ? `: ${error.message}` : ''}`, 'Show Log').then((c) => c && this.output.show());
    }
  }

  private keyOf(session: TrainingSession): string {
    for (const [key, s] of this.sessions) if (s === session) return key;
    return '';
  }

  /** A notification with a Cancel button for as long as the run goes, updated on the second (untilTick). */
  private progress(session: TrainingSession): void {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `NetLens: training ${session.request.model}`, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => session.cancel());
      let last = 0;
      let shown = '';
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = (): void => {
        const text = statusText(session.events);
        const percent = progressOf(session.events).percent;
        if (text !== shown || percent !== last) progress.report({ message: text, increment: percent - last });
        last = percent;
        shown = text;
        timer = setTimeout(tick, untilTick(Date.now(), Date.now()));
      };
      timer = setTimeout(tick, untilTick(Date.now()));
      return session.done.finally(() => clearTimeout(timer));
    });
  }

  /**
   * A batch's progress: on the next whole second, at least half a second after the status bar
   * last changed (untilTick). Each change costs the workbench a repaint, which on a VS Code drawn
   * in software takes CPU from the training it reports.
   */
  private updateStatusSoon(): void {
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => this.updateStatus(), untilTick(Date.now(), this.statusShownAt));
  }

  private updateStatus(): void {
    clearTimeout(this.statusTimer);
    this.statusTimer = undefined;
    this.statusShownAt = Date.now();
    const session = this.focus;
    if (!session) {
      this.status.hide();
      this.statusVisible = false;
      return;
    }
    const live = session.exitCode === null;
    const text = `${live ? '$(pulse)' : session.status === 'completed' ? '$(check)' : '$(circle-slash)'} ${session.request.model}: ${live ? (session.cancelling ? 'cancelling…' : statusText(session.events)) : session.status}`;
    // Every assignment is sent to the workbench, even of the same text.
    if (this.status.text !== text) this.status.text = text;
    if (!this.statusVisible) this.status.show();
    this.statusVisible = true;
  }

  // ── the panel ──────────────────────────────────────────────────────────────

  private actions(): PanelActions {
    return {
      cancel: (dir) => this.cancel(dir.startsWith('pending:') ? undefined : dir),
      resume: (dir) => void this.resumeCommand(dir),
      restart: (dir) => {
        const run = runInfo(dir);
        const file = run && sourceOf(run);
        if (run && file) void this.start({ file, model: run.model });
      },
    };
  }

  private showPanel(session: TrainingSession, key: string): void {
    const folder = runsFolderOf(session.request.file, session.request.model);
    const run: PanelRun = { runDir: key, model: session.request.model, file: session.request.file, label: session.runDir ? basename(session.runDir) : 'starting…', live: session.exitCode === null, events: [...(this.prior.get(session) ?? []), ...session.events] };
    TrainingPanel.show(this.context.extensionUri, run, this.history(folder, session.runDir), this.actions(), vscode.workspace.isTrusted);
  }

  private showFocus(): void {
    if (this.focus) this.showPanel(this.focus, this.focus.runDir ?? this.keyOf(this.focus));
    else void vscode.window.showInformationMessage('NetLens: no training yet. Click "▶ Train" above a train block.');
  }

  /** A run from disk (the runs view, the "last run" lens): its curves, or the live session's. */
  openRun(dir: string | undefined): void {
    if (!dir) return;
    const live = this.sessions.get(dir);
    if (live) {
      this.focus = live;
      this.showPanel(live, dir);
      return;
    }
    const run = runInfo(dir);
    if (!run) {
      void vscode.window.showWarningMessage(`NetLens: ${dir} has no events.ndjson.`);
      return;
    }
    const file = sourceOf(run) ?? '';
    TrainingPanel.show(this.context.extensionUri, panelRun(run, file), this.history(run.folder, dir), this.actions(), vscode.workspace.isTrusted);
  }

  private history(folder: string, except: string | undefined): PanelRun[] {
    return runsIn(folder)
      .filter((r) => r.dir !== except && !this.sessions.has(r.dir))
      .slice(0, HISTORY)
      .map((r) => panelRun(r, sourceOf(r) ?? ''));
  }

  private showUntrusted(partial: Pick<TrainRequest, 'file' | 'model'>): void {
    const run: PanelRun = { runDir: 'untrusted', model: partial.model, file: partial.file, label: 'not started', live: false, events: [] };
    TrainingPanel.show(this.context.extensionUri, run, [], this.actions(), false);
    void vscode.window.showWarningMessage('NetLens: training runs code (the generated model and the trainer), so it is off in an untrusted workspace. Analysis still works.', 'Manage Workspace Trust').then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
  }
}

function panelRun(run: RunInfo, file: string): PanelRun {
  return { runDir: run.dir, model: run.model, file, label: run.summary.name, live: false, events: readEvents(run.dir) };
}

function logLine(event: TrainEvent): string {
  switch (event.type) {
    case 'start':
      return `start: ${event.model}, ${event.params.toLocaleString('en-US')} parameters, ${event.engine} (${event.backend}) on ${event.device}, ${event.precision}; ${event.samples.toLocaleString('en-US')} samples, ${event.epochs} epochs of ${event.stepsPerEpoch} steps; ${event.why}`;
    case 'epoch':
      return `epoch ${event.epoch}: loss ${fmt(event.loss)} acc ${fmt(event.accuracy)}${event.valLoss !== null ? ` · val loss ${fmt(event.valLoss)} val acc ${fmt(event.valAccuracy)}` : ''} · lr ${event.lr} · ${event.seconds.toFixed(1)} s`;
    case 'diagnosis':
      return `diagnosis (${event.kind}, epoch ${event.epoch}): ${event.message}`;
    case 'end':
      return `end: ${event.status}${event.bestEpoch !== null ? `, best epoch ${event.bestEpoch}` : ''}${event.testAccuracy !== null ? `, test accuracy ${(event.testAccuracy * 100).toFixed(2)}%` : ''}${event.reason ? ` (${event.reason})` : ''}`;
    default:
      return '';
  }
}

const fmt = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(4));

/** A run directory from a command's argument: a path, a Uri, or a Runs view item ({ run: { dir } }). */
function dirOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return existsSync(value) ? value : undefined;
  if (value instanceof vscode.Uri) return value.fsPath;
  const item = value as { dir?: unknown; run?: { dir?: unknown } } | undefined;
  const dir = item?.run?.dir ?? item?.dir;
  return typeof dir === 'string' ? dir : undefined;
}
