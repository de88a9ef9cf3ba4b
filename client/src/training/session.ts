// One training run started from the editor: the same `netlens train --events ndjson` a terminal
// runs, spawned without a shell, its stdout read as the event stream (runtime/src/events.ts) and
// its stderr kept as the log. No vscode import: the extension wires it to the UI, tests drive it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { isParseError, parseEvent, type EndStatus, type TrainEvent } from '../../../runtime/src/events';
import { trainArgs, type TrainRequest } from './cli';

export type { TrainRequest } from './cli';

export type SessionStatus = 'starting' | 'running' | EndStatus;

export interface SessionHandlers {
  /** Each event as it arrives, already validated. */
  event?: (event: TrainEvent) => void;
  /** A line of the log: the CLI's stderr, and stdout lines that are not events. */
  log?: (line: string) => void;
  /** Once the run directory is known (after the `start` event). */
  runDir?: (dir: string) => void;
}

/** The folder a model's runs go in: runs/<model>/ beside the .nn file. */
export function runsFolderOf(file: string, model: string): string {
  return join(dirname(file), 'runs', model);
}

function listDirs(folder: string): Set<string> {
  try {
    return new Set(readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(folder, e.name)));
  } catch {
    return new Set();
  }
}

export class TrainingSession {
  readonly events: TrainEvent[] = [];
  status: SessionStatus = 'starting';
  runDir: string | undefined;
  exitCode: number | null = null;
  /** Resolves with the CLI's exit code once its output has been read to the end. */
  readonly done: Promise<number>;
  private readonly child: ChildProcess;
  private readonly before: Set<string>;
  private cancels = 0;

  constructor(
    readonly request: TrainRequest,
    node: string,
    script: string,
    env: NodeJS.ProcessEnv,
    private readonly handlers: SessionHandlers = {},
  ) {
    this.runDir = request.resume;
    this.before = request.resume ? new Set() : listDirs(runsFolderOf(request.file, request.model));
    // ELECTRON_RUN_AS_NODE makes VS Code's own binary a plain Node; a real Node ignores it.
    this.child = spawn(node, trainArgs(script, request), { cwd: dirname(request.file), env: { ...env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    this.done = this.watch();
  }

  /** First call: finish the step, checkpoint, end as cancelled. A second: stop at once. */
  cancel(): void {
    if (this.exitCode !== null) return;
    this.cancels++;
    this.child.kill(this.cancels === 1 ? 'SIGTERM' : 'SIGINT');
  }

  get cancelling(): boolean {
    return this.cancels > 0 && this.exitCode === null;
  }

  private watch(): Promise<number> {
    const lines = createInterface({ input: this.child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => this.line(line));
    const errors = createInterface({ input: this.child.stderr!, crlfDelay: Infinity });
    errors.on('line', (line) => this.handlers.log?.(line));
    const closed = Promise.all([new Promise<void>((r) => lines.on('close', () => r())), new Promise<void>((r) => errors.on('close', () => r()))]);
    return new Promise((resolve) => {
      let spawnError: Error | undefined;
      this.child.on('error', (error) => {
        spawnError = error;
        this.handlers.log?.(`could not start ${this.child.spawnfile}: ${error.message}`);
      });
      this.child.on('close', (code, signal) => {
        void closed.then(() => {
          this.exitCode = code ?? (signal || spawnError ? 1 : 0);
          if (this.status === 'starting' || this.status === 'running') this.status = this.cancels > 0 ? 'cancelled' : 'failed';
          resolve(this.exitCode);
        });
      });
    });
  }

  private line(line: string): void {
    if (!line.trim()) return;
    const event = parseEvent(line);
    if (isParseError(event)) {
      this.handlers.log?.(line);
      return;
    }
    this.events.push(event);
    if (event.type === 'start') this.status = 'running';
    else if (event.type === 'end') this.status = event.status;
    else if (event.type === 'error') this.handlers.log?.(`error (${event.code}): ${event.message}`);
    this.handlers.event?.(event);
    // After the event is handed on: whoever learns the directory then sees every event so far.
    if (event.type === 'start') this.findRunDir(event);
  }

  /** The run directory: the start event's `runDir` where the trainer gives it, else the one that appeared. */
  private findRunDir(event: TrainEvent): void {
    if (this.runDir) return;
    const given = (event as { runDir?: unknown }).runDir;
    if (typeof given === 'string' && existsSync(given)) this.runDir = given;
    else {
      const fresh = [...listDirs(runsFolderOf(this.request.file, this.request.model))].filter((d) => !this.before.has(d) && existsSync(join(d, 'job.json'))).sort();
      this.runDir = fresh.pop();
    }
    if (this.runDir) this.handlers.runDir?.(this.runDir);
  }
}
