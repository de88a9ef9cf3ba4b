// The run model the client shows: run directories (runs/<model>/<timestamp>/ beside a .nn file)
// read back from disk, the only store. A run's events come from events.ndjson through the same
// parser the live stream uses; its summary (status, best epoch, accuracy) from the server's
// reader, so the tree, the panel and the code lens agree. No vscode import.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isParseError, parseEvent, type TrainEvent } from '../../../runtime/src/events';
import { readRun, runDirectories } from '../../../server/src/runFacts';
import type { ObservedRun } from '../../../server/src/language/index';

export interface RunInfo {
  dir: string;
  /** The model's name: the folder above the run. */
  model: string;
  /** runs/<model>/ */
  folder: string;
  summary: ObservedRun;
  /** When it started, from the directory name (local time, as the CLI names it). */
  started: Date | undefined;
}

/** "20261128-093012" or "20261128-093012-2" → that local time. */
export function startedAt(name: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(name);
  return m ? new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

export function runInfo(dir: string, now = Date.now()): RunInfo | undefined {
  const summary = readRun(dir, now);
  if (!summary) return undefined;
  const folder = dirname(dir);
  return { dir, model: basename(folder), folder, summary, started: startedAt(basename(dir)) };
}

/** The runs of one model folder, newest first; directories without events are left out. */
export function runsIn(folder: string, now = Date.now()): RunInfo[] {
  return runDirectories(folder.endsWith('/') ? folder : `${folder}/`).flatMap((dir) => runInfo(dir, now) ?? []);
}

/** Every event of a run, in order; lines that do not parse (a torn last line) are skipped. */
export function readEvents(dir: string): TrainEvent[] {
  let text: string;
  try {
    text = readFileSync(join(dir, 'events.ndjson'), 'utf8');
  } catch {
    return [];
  }
  const events: TrainEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const event = parseEvent(line);
    if (!isParseError(event)) events.push(event);
  }
  return events;
}

/**
 * The .nn file a run's model comes from: runs/ sits beside it, and of the .nn files there the one
 * that declares `model <name>` (the first, when several do).
 */
export function sourceOf(run: Pick<RunInfo, 'folder' | 'model'>): string | undefined {
  const home = dirname(dirname(run.folder.replace(/\/$/, '')));
  let files: string[];
  try {
    files = readdirSync(home).filter((f) => f.endsWith('.nn')).sort();
  } catch {
    return undefined;
  }
  const declares = new RegExp(`^\\s*model\\s+${run.model.replace(/[^\w]/g, '')}\\b`, 'm');
  return files.map((f) => join(home, f)).find((f) => {
    try {
      return declares.test(readFileSync(f, 'utf8'));
    } catch {
      return false;
    }
  });
}

/** Whether `--resume` can continue it: stopped early by the person or by a closed editor, with a checkpoint. */
export function canResume(run: RunInfo): boolean {
  if (run.summary.status !== 'cancelled' && run.summary.status !== 'interrupted' && run.summary.status !== 'failed') return false;
  try {
    return readdirSync(join(run.dir, 'checkpoints')).some((f) => f.startsWith('last.'));
  } catch {
    return false;
  }
}

/** "completed · best val acc 98.6% · test acc 98.4%": the tree's description of a run. */
export function describeRun(run: RunInfo): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const s = run.summary;
  const parts: string[] = [s.status === 'running' ? `running ${s.epochs}/${s.totalEpochs ?? '?'}` : s.status];
  if (s.bestValAccuracy !== null) parts.push(`best val ${pct(s.bestValAccuracy)}`);
  if (s.testAccuracy !== null) parts.push(`test ${pct(s.testAccuracy)}`);
  if (s.diagnoses.length) parts.push(s.diagnoses.map((d) => d.kind).join(', '));
  return parts.join(' · ');
}
