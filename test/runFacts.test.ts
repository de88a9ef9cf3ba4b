// Reading run directories for the editor (server/src/runFacts.ts): the newest run with events,
// its stream folded incrementally as a live run appends, a resumed run's second start, a torn
// last line, and a run that stopped without an end event.
import { appendFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { readLatestRun, readRun, runChanged, runDirectories, runDirOfFile, runsFolder, SILENT_MS } from '../server/src/runFacts';

const root = mkdtempSync(join(tmpdir(), 'netlens-runfacts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const nn = join(root, 'net.nn');
const line = (o: Record<string, unknown>) => `${JSON.stringify({ v: 1, time: '2026-11-28T10:00:00Z', ...o })}\n`;
const epoch = (e: number, loss: number, valLoss: number, valAccuracy: number) => line({ type: 'epoch', epoch: e, loss, accuracy: 0.9, valLoss, valAccuracy, lr: 0.001, seconds: 1 });

function runDir(name: string, job?: unknown): string {
  const dir = join(runsFolder('Net', pathToFileURL(nn).href), name);
  mkdirSync(dir, { recursive: true });
  if (job !== undefined) writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
  return dir;
}

describe('run directories', () => {
  it('lists runs newest first, by their timestamp names, and skips other folders', () => {
    runDir('20261128-090000');
    runDir('20261128-090000-2');
    runDir('20261127-235959');
    mkdirSync(join(root, 'runs', 'Net', 'notes'));
    expect(runDirectories(runsFolder('Net', nn)).map((d) => d.split('/').pop())).toEqual(['20261128-090000-2', '20261128-090000', '20261127-235959']);
  });

  it('takes the newest run that has events, and reads the settings it trained with from job.json', () => {
    const dir = runDir('20261128-080000', { settings: { epochs: 20, optimizer: { name: 'adam', lr: 0.001 }, validation: { fraction: 0.1 } } });
    writeFileSync(join(dir, 'events.ndjson'), line({ type: 'start', params: 15770, epochs: 20 }));
    // Every later folder above has no events.ndjson yet (a run being prepared).
    const run = readLatestRun('Net', pathToFileURL(nn).href)!;
    expect(run.name).toBe('20261128-080000');
    expect(run.settings).toEqual({ epochs: 20, optimizer: 'adam', lr: 0.001, validation: true });
    expect(run.params).toBe(15770);
    expect(run.status).toBe('running');
  });

  it('follows a live stream a line at a time, waiting for a line to be whole', () => {
    const dir = runDir('20261128-100000', { settings: { epochs: 3, validation: null } });
    const events = join(dir, 'events.ndjson');
    writeFileSync(events, line({ type: 'start', params: 10, epochs: 3 }) + epoch(1, 0.9, 0.8, 0.7));
    expect(readRun(dir)!.epochs).toBe(1);
    const second = epoch(2, 0.5, 0.6, 0.8);
    appendFileSync(events, second.slice(0, 20)); // half a line, as a writer mid-write leaves it
    expect(readRun(dir)!.epochs).toBe(1);
    appendFileSync(events, second.slice(20) + line({ type: 'diagnosis', kind: 'plateau', epoch: 2, setting: 'optimizer.lr', evidence: {}, message: 'flat – 1%' }));
    const run = readRun(dir)!;
    expect(run.epochs).toBe(2);
    expect(run.bestEpoch).toBe(2);
    expect(run.bestValAccuracy).toBe(0.8);
    expect(run.diagnoses).toEqual([{ kind: 'plateau', epoch: 2, setting: 'optimizer.lr', message: 'flat – 1%' }]);
    expect(run.settings.validation).toBe(false);
  });

  it('a resumed run: the end of the cancelled part does not end it', () => {
    const dir = runDir('20261128-110000');
    writeFileSync(
      join(dir, 'events.ndjson'),
      line({ type: 'start', params: 10, epochs: 4 }) + epoch(1, 0.9, 0.8, 0.7) + line({ type: 'end', status: 'cancelled', epochs: 1, bestEpoch: 1, testAccuracy: null }) + line({ type: 'start', params: 10, epochs: 4, resumedFrom: 1 }) + epoch(2, 0.8, 0.7, 0.75),
    );
    expect(readRun(dir)!.status).toBe('running');
    appendFileSync(join(dir, 'events.ndjson'), line({ type: 'end', status: 'completed', epochs: 4, bestEpoch: 2, testAccuracy: 0.74 }));
    expect(readRun(dir)).toMatchObject({ status: 'completed', epochs: 4, bestEpoch: 2, testAccuracy: 0.74 });
  });

  it('a run silent for ten minutes without an end event was interrupted', () => {
    const dir = runDir('20261128-120000');
    const events = join(dir, 'events.ndjson');
    writeFileSync(events, line({ type: 'start', params: 10, epochs: 4 }) + 'not json\n');
    const old = (Date.now() - SILENT_MS - 60_000) / 1000;
    utimesSync(events, old, old);
    expect(readRun(dir)!.status).toBe('interrupted');
    expect(readRun(dir, Date.now() - SILENT_MS)!.status).toBe('running');
  });

  it('re-reads from the start when the stream is replaced by a shorter one', () => {
    const dir = runDir('20261128-130000');
    const events = join(dir, 'events.ndjson');
    writeFileSync(events, line({ type: 'start', params: 10, epochs: 4 }) + epoch(1, 0.9, 0.8, 0.7) + epoch(2, 0.8, 0.7, 0.75));
    expect(readRun(dir)!.epochs).toBe(2);
    writeFileSync(events, line({ type: 'start', params: 12, epochs: 4 }));
    expect(readRun(dir)).toMatchObject({ epochs: 0, params: 12 });
  });

  it('says which changes of a live run alter what the editor shows: not batch events', () => {
    const dir = runDir('20261128-140000');
    const events = join(dir, 'events.ndjson');
    writeFileSync(events, line({ type: 'start', params: 10, epochs: 4 }));
    expect(runDirOfFile(events)).toBe(dir);
    expect(runChanged(dir)).toBe(true);
    appendFileSync(events, line({ type: 'batch', step: 1, epoch: 1, loss: 1, accuracy: 0.5, samplesPerSec: 10, eta: 5 }));
    expect(runChanged(dir)).toBe(false);
    appendFileSync(events, epoch(1, 0.9, 0.8, 0.7));
    expect(runChanged(dir)).toBe(true);
    expect(runChanged(dir)).toBe(false);
  });
});
