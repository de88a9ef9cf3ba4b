// Finding a Python with PyTorch for the torch engine: --python, then NETLENS_PYTHON, then
// `python3` on PATH, then /usr/bin/python3. Each candidate is probed once per process with
// `python -c "import torch; print(torch.__version__)"`.
import { spawnSync } from 'node:child_process';

export interface PythonProbe {
  python: string;
  /** Where the candidate came from: "--python", "NETLENS_PYTHON", "python3" or "/usr/bin/python3". */
  source: string;
  /** torch.__version__, when torch imports. */
  torch?: string;
  /** Why it cannot be used, when torch does not import. */
  problem?: string;
}

const cache = new Map<string, PythonProbe>();

export function probePython(python: string, source: string): PythonProbe {
  const cached = cache.get(python);
  if (cached) return { ...cached, source };
  const result = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  let probe: PythonProbe;
  if (result.error) probe = { python, source, problem: (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : result.error.message };
  else if (result.status !== 0) {
    const last = (result.stderr ?? '').trim().split('\n').pop() ?? '';
    probe = { python, source, problem: /No module named .?torch/.test(last) ? 'has no torch' : last || `exit ${result.status}` };
  } else probe = { python, source, torch: result.stdout.trim() };
  cache.set(python, probe);
  return probe;
}

export function pythonCandidates(flag?: string, env: NodeJS.ProcessEnv = process.env): Array<{ python: string; source: string }> {
  const list: Array<{ python: string; source: string }> = [];
  if (flag) list.push({ python: flag, source: '--python' });
  if (env.NETLENS_PYTHON) list.push({ python: env.NETLENS_PYTHON, source: 'NETLENS_PYTHON' });
  list.push({ python: 'python3', source: 'python3' }, { python: '/usr/bin/python3', source: '/usr/bin/python3' });
  return list;
}

/** The first candidate with torch, and every probe made on the way (for the reason given to the user). */
export function findTorchPython(flag?: string, env: NodeJS.ProcessEnv = process.env): { found?: PythonProbe; tried: PythonProbe[] } {
  const tried: PythonProbe[] = [];
  const seen = new Set<string>();
  for (const c of pythonCandidates(flag, env)) {
    if (seen.has(c.python)) continue;
    seen.add(c.python);
    const probe = probePython(c.python, c.source);
    tried.push(probe);
    if (probe.torch) return { found: probe, tried };
  }
  return { tried };
}

export function describeTried(tried: PythonProbe[]): string {
  return tried.map((p) => `${p.python} (${p.source}): ${p.problem ?? `torch ${p.torch}`}`).join('; ');
}
