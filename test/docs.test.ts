// Keeps docs/diagnostics.md in step with the table of codes: one `## NNxxx Title` entry per code,
// in the table's order, with its title, anchor and severity, and an example that really gives the
// message the entry quotes.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeDocument, CODES, type Code } from '../server/src/language/index';
import { observedFromEvents } from '../server/src/runFacts';

const DOC = readFileSync(path.resolve(__dirname, '../docs/diagnostics.md'), 'utf8');
const LINES = DOC.split('\n');

interface Entry {
  code: string;
  title: string;
  /** The lines after the heading, up to the next `## ` heading. */
  body: string[];
  /** The line before the heading, after blank lines: where the explicit anchor goes. */
  before: string;
}

/** Every level-2 heading, outside fenced code blocks. */
function entries(): Entry[] {
  const found: Entry[] = [];
  let fenced = false;
  let current: Entry | undefined;
  LINES.forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (!fenced && line.startsWith('## ')) {
      const match = /^## (\S+) (.+)$/.exec(line);
      let j = i - 1;
      while (j >= 0 && LINES[j]!.trim() === '') j--;
      current = { code: match?.[1] ?? line, title: match?.[2] ?? '', body: [], before: LINES[j] ?? '' };
      found.push(current);
    } else current?.body.push(line);
  });
  return found;
}

/** The contents of the first fenced block with the given info string. */
function fenced(body: string[], info: string): string | undefined {
  const start = body.indexOf('```' + info);
  if (start < 0) return undefined;
  const end = body.indexOf('```', start + 1);
  return end < 0 ? undefined : body.slice(start + 1, end).join('\n');
}

const ENTRIES = entries();
const CODE_LIST = Object.keys(CODES) as Code[];

// Examples shortened with … cannot run; NN321's example expands a million layers, which the
// diagnostics tests already time.
const NOT_RUN = new Set<string>(['NN321']);

describe('docs/diagnostics.md', () => {
  it('has exactly one `## NNxxx Title` heading per code, in the order of CODES', () => {
    expect(ENTRIES.map((e) => `## ${e.code} ${e.title}`)).toEqual(CODE_LIST.map((code) => `## ${code} ${CODES[code].title}`));
  });

  it('has no heading that names a code outside CODES', () => {
    const headings = LINES.filter((line) => /^#+\s*NN\d/i.test(line));
    const unknown = headings.filter((line) => !CODE_LIST.some((code) => line === `## ${code} ${CODES[code].title}`));
    expect(unknown).toEqual([]);
  });

  it.each(CODE_LIST)('%s has its anchor, severity, example, message and fix', (code) => {
    const entry = ENTRIES.find((e) => e.code === code);
    expect(entry, `no entry for ${code}`).toBeDefined();
    const body = entry!.body.join('\n');
    expect(entry!.before).toBe(`<a id="${code.toLowerCase()}"></a>`);
    expect(body).toContain(`Severity: **${CODES[code].severity}**`);
    expect(fenced(entry!.body, 'nn')?.trim()).toBeTruthy();
    expect(fenced(entry!.body, 'text')?.trim()).toBeTruthy();
    expect(body).toMatch(/^Fix: \S/m);
  });

  const runnable = CODE_LIST.filter((code) => {
    const entry = ENTRIES.find((e) => e.code === code);
    return entry && !NOT_RUN.has(code) && !fenced(entry.body, 'nn')?.includes('…');
  });

  it.each(runnable)('%s: the example gives the quoted message', (code) => {
    const entry = ENTRIES.find((e) => e.code === code)!;
    // NN6xx: the run the example's events describe, read as the server reads events.ndjson.
    const events = fenced(entry.body, 'ndjson');
    const run = events === undefined ? undefined : observedFromEvents(events, '/w/runs/Net/20261128-101500');
    const analysis = analyzeDocument(fenced(entry.body, 'nn')!, run ? { observed: () => run } : {});
    const messages = analysis.diagnostics.filter((d) => d.code === code).map((d) => d.message);
    expect(messages).toContain(fenced(entry.body, 'text')!.trim());
  });
});
