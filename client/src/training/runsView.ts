// The explorer view "NetLens Runs": every run directory in the workspace, grouped by model,
// newest first, with its status, best validation accuracy and date. It is read from disk each
// time it refreshes (a watcher on events.ndjson and job.json, coalesced): run directories are the
// only store, so a run from a terminal shows up the same as one from the editor.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { OPEN_RUN_COMMAND } from '../../../server/src/protocol';
import { canResume, describeRun, runsIn, type RunInfo } from './runs';

type Node = { kind: 'model'; folder: string; model: string; home: string } | { kind: 'run'; run: RunInfo };

const REFRESH_MS = 500;
/** A live run's tree item (status, epoch) is redrawn at most this often. */
const CHANGE_MS = 2000;

export class RunsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watcher: vscode.FileSystemWatcher;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** The runs/<model>/ folders found by the last search; searched again only when runs appear or go. */
  private folders: Promise<Node[]> | undefined;

  constructor() {
    this.watcher = vscode.workspace.createFileSystemWatcher('**/runs/*/*/{events.ndjson,job.json}');
    this.watcher.onDidCreate(() => this.refresh(true));
    this.watcher.onDidDelete(() => this.refresh(true));
    this.watcher.onDidChange(() => this.refresh());
  }

  /**
   * Coalesced: a live run changes its events ten times a second, and the tree need not follow
   * each batch. A run created or deleted also searches the workspace for run folders again.
   */
  refresh(search = false): void {
    if (search) this.folders = undefined;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, search ? REFRESH_MS : CHANGE_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher.dispose();
    this.changed.dispose();
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return (this.folders ??= this.models());
    if (node.kind === 'model') return runsIn(node.folder).map((run) => ({ kind: 'run', run }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'model') {
      const item = new vscode.TreeItem(node.model, vscode.TreeItemCollapsibleState.Expanded);
      item.description = vscode.workspace.asRelativePath(node.home);
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.contextValue = 'netlens.model';
      return item;
    }
    const { run } = node;
    const item = new vscode.TreeItem(run.started ? run.started.toLocaleString() : run.summary.name, vscode.TreeItemCollapsibleState.None);
    item.description = describeRun(run);
    item.tooltip = new vscode.MarkdownString([`**${run.model}** · run ${run.summary.name}`, '', describeRun(run), '', `\`${run.dir}\``].join('\n'));
    item.iconPath = new vscode.ThemeIcon(ICONS[run.summary.status] ?? 'circle-outline');
    item.contextValue = canResume(run) ? 'netlens.run.resumable' : run.summary.status === 'running' ? 'netlens.run.running' : 'netlens.run';
    item.command = { title: 'Open Run', command: OPEN_RUN_COMMAND, arguments: [run.dir] };
    item.resourceUri = vscode.Uri.file(run.dir);
    return item;
  }

  /** Each runs/<model>/ folder that holds a run with events. */
  private async models(): Promise<Node[]> {
    const files = await vscode.workspace.findFiles('**/runs/*/*/events.ndjson', '**/node_modules/**', 2000);
    const folders = new Map<string, Node>();
    for (const file of files) {
      const folder = dirname(dirname(file.fsPath));
      if (folders.has(folder)) continue;
      folders.set(folder, { kind: 'model', folder, model: folder.split(/[\\/]/).pop()!, home: dirname(folder) });
    }
    return [...folders.values()].sort((a, b) => (a.kind === 'model' && b.kind === 'model' ? a.model.localeCompare(b.model) : 0));
  }
}

const ICONS: Record<string, string> = {
  running: 'sync~spin',
  completed: 'pass',
  'early-stopped': 'pass-filled',
  cancelled: 'debug-pause',
  interrupted: 'debug-disconnect',
  failed: 'error',
};
