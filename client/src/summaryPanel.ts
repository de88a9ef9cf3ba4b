// The "Model Summary" webview: one panel, showing one model (or all models) of one .nn file.
// It re-requests the summary when the server says the file's analysis changed, and follows the
// active editor when that is another .nn file.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SummaryRequest, type SummaryParams, type SummaryResult } from '../../server/src/protocol';
import { renderPage } from './summaryHtml';

/** Edits come faster than anyone reads a table: refresh at most this often while typing. */
const REFRESH_DELAY_MS = 150;

export class SummaryPanel implements vscode.Disposable {
  private static current: SummaryPanel | undefined;

  /** Shows the summary of `model` (every model when undefined) of the document at `uri`. */
  static show(client: () => LanguageClient | undefined, uri: vscode.Uri, model: string | undefined): SummaryPanel {
    if (SummaryPanel.current) {
      SummaryPanel.current.target(uri, model);
      SummaryPanel.current.panel.reveal(undefined, true);
    } else {
      SummaryPanel.current = new SummaryPanel(client, uri, model);
    }
    return SummaryPanel.current;
  }

  /** The server's summaryChanged notification: it comes on every keystroke, so refreshes are coalesced. */
  static changed(uri: string): void {
    const panel = SummaryPanel.current;
    if (panel && panel.protocolUri() === uri) panel.scheduleRefresh();
  }

  /** After a server restart. */
  static refreshCurrent(): void {
    void SummaryPanel.current?.refresh();
  }

  static disposeCurrent(): void {
    SummaryPanel.current?.dispose();
  }

  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private uri: vscode.Uri;
  private model: string | undefined;
  /** Answers to older requests are dropped: only the latest one is rendered. */
  private sequence = 0;
  private lastResult: SummaryResult | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    private readonly client: () => LanguageClient | undefined,
    uri: vscode.Uri,
    model: string | undefined,
  ) {
    this.uri = uri;
    this.model = model;
    this.panel = vscode.window.createWebviewPanel('netlens.summary', this.title(model), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: false,
      enableCommandUris: false,
      retainContextWhenHidden: true,
      localResourceRoots: [],
    });
    this.panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor), undefined, this.disposables);
    void this.refresh();
  }

  private target(uri: vscode.Uri, model: string | undefined): void {
    this.uri = uri;
    this.model = model;
    this.lastResult = null;
    void this.refresh();
  }

  /** Follow the active editor to another .nn file, keeping the model if that file has one of that name. */
  private follow(editor: vscode.TextEditor | undefined): void {
    if (!editor || editor.document.languageId !== 'nn') return;
    if (editor.document.uri.toString() === this.uri.toString()) return;
    this.target(editor.document.uri, this.model);
  }

  private protocolUri(): string {
    return this.uri.toString();
  }

  private title(model: string | undefined): string {
    return `Summary: ${model ?? this.uri.path.split('/').pop() ?? this.uri.toString()}`;
  }

  private scheduleRefresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, REFRESH_DELAY_MS);
  }

  async refresh(): Promise<void> {
    const sequence = ++this.sequence;
    const params: SummaryParams = { uri: this.protocolUri() };
    let result: SummaryResult | null = null;
    let notice: string | undefined;
    try {
      // A model that the file no longer has (renamed, or not in the file followed to) shows every model.
      const client = this.client();
      if (!client) throw new Error('the server is not running');
      result = await client.sendRequest<SummaryResult | null>(SummaryRequest, params);
    } catch (error) {
      notice = `The server did not answer: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (sequence !== this.sequence) return;
    if (result === null && this.lastResult) {
      // The file was closed, or the server is restarting: keep the last summary.
      result = this.lastResult;
      notice ??= 'The file is not open: this is its last summary.';
    }
    this.lastResult = result;
    this.render(result, notice);
  }

  private render(result: SummaryResult | null, notice: string | undefined): void {
    let json = result?.json ?? null;
    let text = result?.text;
    let shown: string | undefined;
    if (json && result && this.model !== undefined) {
      const index = json.models.findIndex((m) => m.name === this.model);
      if (index >= 0) {
        json = { ...json, models: [json.models[index]!] };
        text = [result.text[index]!];
        shown = this.model;
      }
    }
    this.panel.title = this.title(shown);
    this.panel.webview.html = renderPage(json, {
      cspSource: this.panel.webview.cspSource,
      nonce: randomBytes(16).toString('hex'),
      title: vscode.workspace.asRelativePath(this.uri),
      displayPath: (file) => {
        try {
          return vscode.workspace.asRelativePath(vscode.Uri.parse(file));
        } catch {
          return file;
        }
      },
      text,
      notice,
    });
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    if (SummaryPanel.current === this) SummaryPanel.current = undefined;
    this.sequence++;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
