// The CLI arguments the editor runs `netlens` with: a run from ▶ Train and a `netlens` task.
// Each value is its own argument and nothing goes through a shell. No vscode import.

export interface TrainRequest {
  /** The .nn file (a path). */
  file: string;
  model: string;
  /** auto, torch or tfjs; undefined leaves it to the train block. */
  engine?: string;
  /** A Python with torch (the setting, or the Python extension's interpreter). */
  python?: string;
  /** auto, cpu, gpu or gpu:N; undefined leaves it to the train block. */
  device?: string;
  /** A run directory to continue instead of a new run. */
  resume?: string;
}

/** The CLI's arguments for a request: every value its own argument, so nothing is ever parsed by a shell. */
export function trainArgs(script: string, request: TrainRequest): string[] {
  const args = [script, 'train'];
  // A resumed run keeps the engine and device it started with (its job.json): checkpoints are
  // only readable by the engine that wrote them.
  if (request.resume) return [...args, '--resume', request.resume, '--events', 'ndjson', ...(request.python ? ['--python', request.python] : [])];
  args.push(request.file, '--model', request.model, '--events', 'ndjson');
  if (request.engine && request.engine !== 'auto') args.push('--engine', request.engine);
  if (request.python) args.push('--python', request.python);
  if (request.device && request.device !== 'auto') args.push('--device', request.device);
  return args;
}

/** A `netlens` task in tasks.json (package.json's taskDefinitions). */
export interface NetlensTaskDefinition {
  type: string;
  command: 'check' | 'summary' | 'train';
  file: string;
  model?: string;
  engine?: string;
}

/** The CLI's arguments for a task: train streams the terminal progress bar, not events. */
export function taskArgs(script: string, definition: NetlensTaskDefinition): string[] {
  const args = [script, definition.command, definition.file];
  if (definition.model) args.push('--model', definition.model);
  if (definition.command === 'train' && definition.engine && definition.engine !== 'auto') args.push('--engine', definition.engine);
  return args;
}
