// Every temporary file a test run makes (the tests' own directories, the CLI's, Python's, code-server's)
// goes under one directory, removed when the run ends: child processes inherit TMPDIR. An
// end-to-end sandbox kept for a failed test is made outside it (test/e2e/harness.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = tmpdir();
  const dir = mkdtempSync(join(outer, 'netlens-tests-'));
  process.env.NETLENS_OUTER_TMPDIR = outer;
  process.env.TMPDIR = dir;
  return () => {
    if (process.env.NETLENS_KEEP_TMP === '1') console.log(`test temporary files kept: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
