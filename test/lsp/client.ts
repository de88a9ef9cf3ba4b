// A real LSP client for *.spec.ts: it spawns `node dist/server.js --stdio` and talks JSON-RPC to it,
// so the tests exercise what an editor would. It rebuilds dist/server.js first when a source under
// server/src is newer than the bundle, so `npx vitest run test/lsp` always tests the current code.
//
// Usage:
//
//   import { LspClient, tempWorkspace, at } from './client';
//
//   let client: LspClient;
//   beforeAll(async () => { client = await LspClient.start(); await client.initialize(); });
//   afterAll(() => client.shutdown());
//
//   it('hovers', async () => {
//     const ws = tempWorkspace({ 'a.nn': 'model M {\n  input 3x8x8\n  conv 4 kernel=3\n}\n' });
//     const uri = ws.uri('a.nn');
//     client.open(uri, ws.text('a.nn'));                       // textDocument/didOpen
//     const published = await client.waitForDiagnostics(uri);    // diagnostics for that version
//     const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: at(ws.text('a.nn'), 'conv') });
//     client.change(uri, [{ range, text: 'x' }]);                 // incremental edit (or pass a whole new text)
//     await client.waitForDiagnostics(uri, (d) => d.diagnostics.some((x) => x.code === 'NN202'));
//   });
//
// `waitForDiagnostics(uri, predicate?, timeoutMs?)` resolves with the latest publication for `uri`
// that is for the version this client last sent (publications for older versions are ignored) and
// satisfies `predicate`, including one that already arrived. For a file whose own version does not
// change (an importer when its import is edited) pass a predicate, or use `nextDiagnostics`, which
// only accepts a publication that arrives after the call.
// `summaryChanged` collects every `netlens/summaryChanged` notification; `logs` every
// window/logMessage; `registrations` every client/registerCapability; `settings` answers
// workspace/configuration requests (section `netlens`).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CancellationToken,
  type ClientCapabilities,
  type InitializeResult,
  type MessageConnection,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Settings, SummaryChangedParams } from '../../server/src/protocol';

export const ROOT = join(__dirname, '..', '..');
export const SERVER = process.env.NETLENS_SERVER ?? join(ROOT, 'dist', 'server.js');

/** Capabilities of a typical editor: dynamic registration, configuration, inlay hints, code lens refresh. */
export const DEFAULT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    inlayHint: { refreshSupport: true },
    codeLens: { refreshSupport: true },
    semanticTokens: { refreshSupport: true },
    workspaceFolders: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
    signatureHelp: { signatureInformation: { documentationFormat: ['markdown', 'plaintext'] } },
    inlayHint: {},
    codeLens: {},
    rename: { prepareSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
};

export interface StartOptions {
  /** Extra arguments after `--stdio`. */
  args?: string[];
  /** The whole command line after `node`, instead of `dist/server.js --stdio ...args` (e.g. `dist/netlens.js lsp --stdio`). */
  argv?: string[];
  /** The server bundle to run (default dist/server.js, or $NETLENS_SERVER). */
  server?: string;
  /** Rebuild dist/server.js first when a source is newer (default true; off with `server` or $NETLENS_SERVER). */
  build?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export class LspClient {
  readonly summaryChanged: SummaryChangedParams[] = [];
  readonly logs: { type: number; message: string }[] = [];
  readonly registrations: Registration[] = [];
  /** Answers workspace/configuration for section `netlens` (and its sub-sections). */
  settings: Partial<Settings> = {};
  /** What the server wrote to stderr. */
  stderr = '';
  exitCode: number | null | undefined;

  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters = new Set<(p: PublishDiagnosticsParams) => void>();
  private readonly docs = new Map<string, TextDocument>();
  private exited: Promise<void>;

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
  ) {
    this.exited = new Promise((resolve) => process.once('exit', (code) => ((this.exitCode = code), resolve())));
    process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p);
      for (const waiter of [...this.waiters]) waiter(p);
    });
    connection.onNotification('netlens/summaryChanged', (p: SummaryChangedParams) => void this.summaryChanged.push(p));
    connection.onNotification('window/logMessage', (p: { type: number; message: string }) => void this.logs.push(p));
    connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((item) => this.configuration(item.section)));
    connection.onRequest('client/registerCapability', (p: { registrations: Registration[] }) => void this.registrations.push(...p.registrations));
    connection.onRequest('client/unregisterCapability', () => null);
    // Refresh requests (inlay hints, code lens, semantic tokens) and anything else: answer null.
    // (ProtocolConnection's types omit the catch-all handlers that its MessageConnection has.)
    const catchAll = connection as unknown as MessageConnection;
    catchAll.onRequest(() => null);
    catchAll.onNotification(() => undefined);
  }

  /** Spawns the server (rebuilding dist/server.js if a source is newer) and listens. */
  static async start(options: StartOptions = {}): Promise<LspClient> {
    if ((options.build ?? (!options.server && !process.env.NETLENS_SERVER)) && !options.argv) await ensureBuilt();
    const child = spawn(process.execPath, options.argv ?? [options.server ?? SERVER, '--stdio', ...(options.args ?? [])], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: 'pipe',
    });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onError(() => undefined);
    connection.listen();
    return new LspClient(child, connection);
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** True while the server process has not exited. */
  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /** `initialize` then `initialized`. */
  async initialize(capabilities: ClientCapabilities = DEFAULT_CAPABILITIES, initializationOptions?: unknown): Promise<InitializeResult> {
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities,
      initializationOptions,
      workspaceFolders: null,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, languageId = 'nn', version = 1): void {
    this.docs.set(uri, TextDocument.create(uri, languageId, version, text));
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** A whole new text, or incremental edits (applied in order, as LSP says). Returns the new version. */
  change(uri: string, change: string | TextDocumentContentChangeEvent[]): number {
    const doc = this.docs.get(uri);
    if (!doc) throw new Error(`change: ${uri} is not open`);
    const changes: TextDocumentContentChangeEvent[] = typeof change === 'string' ? [{ text: change }] : change;
    const next = TextDocument.update(doc, changes, doc.version + 1);
    this.docs.set(uri, next);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: next.version }, contentChanges: changes });
    return next.version;
  }

  close(uri: string): void {
    this.docs.delete(uri);
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** The text this client believes `uri` holds (after its own edits). */
  text(uri: string): string {
    const doc = this.docs.get(uri);
    if (!doc) throw new Error(`text: ${uri} is not open`);
    return doc.getText();
  }

  version(uri: string): number | undefined {
    return this.docs.get(uri)?.version;
  }

  /** The latest diagnostics published for `uri`, if any. */
  diagnostics(uri: string): PublishDiagnosticsParams | undefined {
    return this.latest.get(uri);
  }

  /** See the header: the current version's diagnostics for `uri` that satisfy `predicate`. */
  waitForDiagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 5000): Promise<PublishDiagnosticsParams> {
    const current = (p: PublishDiagnosticsParams): boolean => {
      const sent = this.docs.get(uri)?.version;
      return p.uri === uri && (sent === undefined || p.version === undefined || p.version === sent) && predicate(p);
    };
    const latest = this.latest.get(uri);
    if (latest && current(latest)) return Promise.resolve(latest);
    return this.waitFor(current, timeoutMs, `diagnostics for ${uri} (version ${this.docs.get(uri)?.version})`);
  }

  /** The next publication for `uri` (arriving after this call) that satisfies `predicate`. */
  nextDiagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 5000): Promise<PublishDiagnosticsParams> {
    return this.waitFor((p) => p.uri === uri && predicate(p), timeoutMs, `new diagnostics for ${uri}`);
  }

  request<R = unknown>(method: string, params: unknown, token?: CancellationToken): Promise<R> {
    // An undefined third argument would be sent as a second positional parameter.
    return token ? this.connection.sendRequest<R>(method, params, token) : this.connection.sendRequest<R>(method, params);
  }

  /** A request with a token source, so a test can cancel it ($/cancelRequest). */
  cancellable<R = unknown>(method: string, params: unknown): { result: Promise<R>; cancel: () => void } {
    const source = new CancellationTokenSource();
    return { result: this.connection.sendRequest<R>(method, params, source.token), cancel: () => source.cancel() };
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** Resident memory of the server process in bytes (Linux /proc), or undefined elsewhere. */
  rss(): number | undefined {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** `shutdown`, `exit`, and waits for the process (killing it after `timeoutMs`). */
  async shutdown(timeoutMs = 3000): Promise<void> {
    if (this.alive) {
      try {
        await withTimeout(this.connection.sendRequest('shutdown'), timeoutMs, 'shutdown');
        await this.connection.sendNotification('exit');
      } catch {
        // the process may be gone already; killing below is enough
      }
      const killed = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
      await this.exited;
      clearTimeout(killed);
    }
    this.connection.dispose();
  }

  private configuration(section: string | undefined): unknown {
    if (!section || section === 'netlens') return this.settings;
    const key = section.replace(/^netlens\./, '') as keyof Settings;
    return this.settings[key] ?? null;
  }

  private waitFor(accept: (p: PublishDiagnosticsParams) => boolean, timeoutMs: number, what: string): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const waiter = (p: PublishDiagnosticsParams): void => {
        if (!accept(p)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(p);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${this.alive ? '' : ` (server exited ${this.exitCode}: ${this.stderr.slice(-500)})`}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

/** A temporary directory with the given files; `uri(name)` gives their file:// URIs. */
export function tempWorkspace(files: Record<string, string> = {}): { dir: string; uri: (name: string) => string; text: (name: string) => string; write: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-lsp-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return pathToFileURL(path).href;
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  return { dir, uri: (name) => pathToFileURL(join(dir, name)).href, text: (name) => readFileSync(join(dir, name), 'utf8'), write };
}

/** An example from examples/ with its file:// URI (in the repository, so imports resolve). */
export function example(name: string): { uri: string; text: string } {
  const path = join(ROOT, 'examples', name);
  return { uri: pathToFileURL(path).href, text: readFileSync(path, 'utf8') };
}

/**
 * The position of the `occurrence`-th (0-based) `needle` in `text`, plus `delta` characters:
 * `at(text, 'conv 96')` is the `c` of the first `conv 96`.
 */
export function at(text: string, needle: string, delta = 0, occurrence = 0): Position {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`at: '${needle}' (occurrence ${occurrence}) is not in the text`);
  }
  return positionAt(text, offset + delta);
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

/** Rebuilds dist/server.js when any source it bundles is newer; written atomically, so parallel test files can race safely. */
export async function ensureBuilt(entry = 'server/src/server.ts', outfile = SERVER, banner?: string): Promise<void> {
  const newest = Math.max(...['server/src', 'runtime/src'].flatMap((dir) => mtimes(join(ROOT, dir))));
  let built = 0;
  try {
    built = statSync(outfile).mtimeMs;
  } catch {
    // not built yet
  }
  if (built >= newest) return;
  // Loaded at run time, so that bundling this harness (bench/src/lsp.bench.ts) leaves esbuild out.
  const { build } = createRequire(__filename)('esbuild') as typeof import('esbuild');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    define: { NETLENS_VERSION: JSON.stringify(pkg.version) },
    ...(banner ? { banner: { js: banner } } : {}),
    write: false,
  });
  for (const file of result.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
}

function mtimes(dir: string): number[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs);
}
