// The `netlens` command: check and summary over the language core, compile (the IR) and export
// (a PyTorch module), and `lsp`, the language server for editors other than VS Code. Each
// command is a function from parsed arguments to an exit code, so tests can run them without a
// process.
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { renderSummary, summarize, toJson, type Analysis } from '../../server/src/language/index';
import { jsonDiagnostic } from '../../server/src/language/summary';
import { analyzePath } from './analyzeFile';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../../server/src/server';
import { chooseModel, compileModel, irJson, IRError, type IR } from './ir';
import { generateTorch } from './engines/torch/codegen';
import { train } from './train/run';

const USAGE = `netlens — shapes, parameters, MACs and receptive fields for .nn convolutional networks

Usage:
  netlens check FILE...                       diagnostics as path:line:col: severity CODE: message; exit 1 on any error
  netlens summary FILE [--model NAME] [--depth N] [--json]
                                              a table per model (or the versioned JSON of docs/json.md)
  netlens compile FILE [--model NAME] [--json]
                                              the compiled model (IR, docs/ir.md) that the engines build from
  netlens export FILE --to pytorch [--model NAME] [-o OUT.py]
                                              a PyTorch module for the model (docs/engines.md); stdout without -o
  netlens train FILE [--model NAME] [--engine auto|torch|tfjs] [--events ndjson] [--resume RUN_DIR] [--python PATH]
                                              runs the file's train block (docs/engines.md); runs/<model>/<time>/ beside the file
  netlens lsp --stdio | --node-ipc | --socket=PORT
                                              the language server (the one the VS Code extension runs), for other editors
  netlens --version
`;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(args: string[], valued: Set<string>): Parsed | string {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (valued.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) return `--${name} needs a value`;
      flags.set(name, value);
    } else if (inline === undefined) flags.set(name, true);
    else return `--${name} takes no value`;
  }
  return { positional, flags };
}

function analyzeFile(file: string, io: Io): Analysis | undefined {
  try {
    return analyzePath(resolve(io.cwd, file));
  } catch (error) {
    io.err(`netlens: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return undefined;
  }
}

function display(io: Io): (uri: string) => string {
  return (uri) => relative(io.cwd, uri) || uri;
}

export function check(args: string[], io: Io): number {
  const parsed = parseArgs(args, new Set());
  if (typeof parsed === 'string' || parsed.positional.length === 0) {
    io.err(typeof parsed === 'string' ? `netlens check: ${parsed}\n` : 'netlens check: give one or more .nn files\n');
    return 2;
  }
  let errors = 0;
  let unreadable = false;
  for (const file of parsed.positional) {
    const analysis = analyzeFile(file, io);
    if (!analysis) {
      unreadable = true;
      continue;
    }
    const show = display(io);
    for (const d of analysis.diagnostics) {
      const lines = analysis.files.get(d.uri)?.lines ?? analysis.lines;
      const j = jsonDiagnostic(d, lines, show(d.uri));
      io.out(`${j.file}:${j.line}:${j.column}: ${j.severity} ${j.code}: ${j.message}\n`);
      for (const r of d.related ?? []) {
        const at = (analysis.files.get(r.uri)?.lines ?? lines).position(r.span.start);
        io.out(`${show(r.uri)}:${at.line + 1}:${at.character + 1}: note: ${r.message}\n`);
      }
      if (d.severity === 'error') errors++;
    }
  }
  return unreadable ? 2 : errors > 0 ? 1 : 0;
}

export function summary(args: string[], io: Io): number {
  const parsed = parseArgs(args, new Set(['model', 'depth']));
  if (typeof parsed === 'string' || parsed.positional.length !== 1) {
    io.err(typeof parsed === 'string' ? `netlens summary: ${parsed}\n` : 'netlens summary: give exactly one .nn file\n');
    return 2;
  }
  const depthFlag = parsed.flags.get('depth');
  const depth = typeof depthFlag === 'string' ? Number(depthFlag) : undefined;
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 0)) {
    io.err(`netlens summary: --depth needs a whole number ≥ 0, not ${depthFlag}\n`);
    return 2;
  }
  const analysis = analyzeFile(parsed.positional[0]!, io);
  if (!analysis) return 2;
  const wanted = parsed.flags.get('model');
  const models = typeof wanted === 'string' ? analysis.models.filter((m) => m.name === wanted) : analysis.models;
  if (typeof wanted === 'string' && models.length === 0) {
    io.err(`netlens summary: no model '${wanted}' in ${parsed.positional[0]}; it has ${analysis.models.map((m) => m.name).join(', ') || 'none'}\n`);
    return 2;
  }
  if (parsed.flags.has('json')) {
    io.out(`${JSON.stringify(toJson(analysis, models, display(io)), null, 2)}\n`);
    return 0;
  }
  const show = display(io);
  const blocks = models.map((m) => renderSummary(summarize(analysis, m), depth === undefined ? {} : { depth }));
  io.out(`${blocks.join('\n\n')}\n`);
  const problems = analysis.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
  if (problems.length) {
    io.out(`\n${problems.length} problem${problems.length === 1 ? '' : 's'} (run netlens check ${parsed.positional[0]} for all):\n`);
    for (const d of problems) {
      const j = jsonDiagnostic(d, analysis.files.get(d.uri)?.lines ?? analysis.lines, show(d.uri));
      io.out(`  ${j.file}:${j.line}:${j.column}: ${j.severity} ${j.code}: ${j.message}\n`);
    }
  }
  return 0;
}

/**
 * The IR of the model a command names (or the default one), or the exit code after an error.
 * Without `withTrain` the train block is left out, so its errors do not stop an export.
 */
function compileFor(command: string, file: string, wanted: string | undefined, withTrain: boolean, io: Io): IR | number {
  const analysis = analyzeFile(file, io);
  if (!analysis) return 2;
  try {
    const choice = chooseModel(analysis, wanted);
    return compileModel(analysis, choice.model, withTrain ? choice.train : undefined, { display: display(io) });
  } catch (error) {
    if (!(error instanceof IRError)) throw error;
    io.err(`netlens ${command}: ${file}: ${error.message}\n`);
    return wanted !== undefined && !analysis.models.some((m) => m.name === wanted) ? 2 : 1;
  }
}

/** One line per node: id, op, path, inputs, output shape, parameters and attributes. */
function irText(ir: IR): string {
  const lines = [`${ir.model} (${ir.source}): input ${ir.input.join('x')} -> output ${ir.output.join('x')}, ${ir.params.trainable} trainable + ${ir.params.nonTrainable} non-trainable parameters`];
  for (const node of ir.nodes) {
    const inputs = node.inputs.map((i) => (i === -1 ? 'input' : `#${i}`)).join(', ');
    const attrs = Object.entries(node.attrs).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
    lines.push(`#${node.id} ${node.op} ${node.path} <- ${inputs}  ${node.output.join('x')}  params ${node.params}${attrs ? `  ${attrs}` : ''}`);
  }
  if (ir.train) lines.push(`train: ${JSON.stringify(ir.train)}`);
  return `${lines.join('\n')}\n`;
}

export function compile(args: string[], io: Io): number {
  const parsed = parseArgs(args, new Set(['model']));
  if (typeof parsed === 'string' || parsed.positional.length !== 1) {
    io.err(typeof parsed === 'string' ? `netlens compile: ${parsed}\n` : 'netlens compile: give exactly one .nn file\n');
    return 2;
  }
  const model = parsed.flags.get('model');
  const ir = compileFor('compile', parsed.positional[0]!, typeof model === 'string' ? model : undefined, true, io);
  if (typeof ir === 'number') return ir;
  io.out(parsed.flags.has('json') ? `${irJson(ir)}\n` : irText(ir));
  return 0;
}

const EXPORT_TARGETS = ['pytorch'];

export function exportModel(args: string[], io: Io): number {
  const parsed = parseArgs(args.map((a) => (a === '-o' ? '--out' : a)), new Set(['model', 'to', 'out']));
  if (typeof parsed === 'string' || parsed.positional.length !== 1) {
    io.err(typeof parsed === 'string' ? `netlens export: ${parsed}\n` : 'netlens export: give exactly one .nn file\n');
    return 2;
  }
  const to = parsed.flags.get('to');
  const target = to === 'torch' ? 'pytorch' : to;
  if (typeof target !== 'string' || !EXPORT_TARGETS.includes(target)) {
    io.err(`netlens export: ${typeof to === 'string' ? `cannot export to '${to}'` : 'say what to export to'}: use --to ${EXPORT_TARGETS.join(' | ')}\n`);
    return 2;
  }
  const model = parsed.flags.get('model');
  const ir = compileFor('export', parsed.positional[0]!, typeof model === 'string' ? model : undefined, false, io);
  if (typeof ir === 'number') return ir;
  const source = generateTorch(ir);
  const out = parsed.flags.get('out');
  if (typeof out !== 'string') {
    io.out(source);
    return 0;
  }
  try {
    writeFileSync(resolve(io.cwd, out), source);
  } catch (error) {
    io.err(`netlens export: cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  io.err(`netlens export: wrote ${ir.model} to ${out}\n`);
  return 0;
}

/** Starts the language server; vscode-languageserver reads the transport from process.argv. */
export function lsp(args: string[], io: Io): number {
  if (!args.some((a) => /^--(stdio|node-ipc|socket|pipe)(=.+)?$/.test(a))) {
    io.err('netlens lsp: give a transport: --stdio, --node-ipc, --socket=PORT or --pipe=NAME\n');
    return 2;
  }
  startServer(createConnection(ProposedFeatures.all));
  return 0;
}

export function main(argv: string[], io: Io): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return check(rest, io);
    case 'summary':
      return summary(rest, io);
    case 'compile':
      return compile(rest, io);
    case 'export':
      return exportModel(rest, io);
    case 'lsp':
      return lsp(rest, io);
    case 'train':
      io.err('netlens train runs asynchronously: call runCli\n');
      return 2;
    case '--version':
    case '-v':
      io.out(`${VERSION}\n`);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`netlens: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

/** `main`, plus the asynchronous commands (train). */
export async function runCli(argv: string[], io: Io & { signals?: boolean }): Promise<number> {
  if (argv[0] === 'train') return train(argv.slice(1), io);
  return main(argv, io);
}

declare const NETLENS_VERSION: string | undefined;
const VERSION = typeof NETLENS_VERSION === 'string' ? NETLENS_VERSION : 'dev';

if (require.main === module) {
  // `netlens summary … | head` closes the pipe early; that is not an error worth a stack trace.
  // A training run outlives its reader instead (an editor that quit): it finishes what the signal
  // asked for and keeps recording to the run directory, which is where the events belong.
  const training = process.argv[2] === 'train';
  const gone = { stdout: false, stderr: false };
  const onPipeError = (stream: 'stdout' | 'stderr') => (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (!training) process.exit(process.exitCode ?? 0);
    gone[stream] = true;
  };
  process.stdout.on('error', onPipeError('stdout'));
  process.stderr.on('error', onPipeError('stderr'));
  const out = (t: string) => void (gone.stdout || process.stdout.write(t));
  const err = (t: string) => void (gone.stderr || process.stderr.write(t));
  void runCli(process.argv.slice(2), { out, err, cwd: process.cwd(), signals: true }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`netlens: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
