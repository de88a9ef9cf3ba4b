// `npm run demo`: analyse the classic examples the way a user would, through the built CLI, then
// train examples/lenet5.nn's LeNet5Modern for the one epoch its train block asks for, on the real
// MNIST, with the torch engine (or, without PyTorch, tfjs on a subset), and print the test accuracy.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const cli = new URL('../dist/netlens.js', import.meta.url).pathname;
const run = (...args) => {
  console.log(`\n$ netlens ${args.join(' ')}`);
  const out = execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  process.stdout.write(out);
  return out;
};

if (run('check', 'examples/lenet5.nn', 'examples/alexnet.nn') === '') console.log('(exit 0, no diagnostics: both files are clean)');
run('summary', 'examples/lenet5.nn');
run('summary', 'examples/alexnet.nn');

// The torch engine needs a Python with PyTorch: the same search as `netlens train`.
function torchPython() {
  const candidates = [process.env.NETLENS_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const python of candidates) {
    try {
      const version = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      return { python, version };
    } catch {
      // not this one
    }
  }
  return undefined;
}

const found = torchPython();
// Without PyTorch the demo trains with TensorFlow.js in Node: plain @tensorflow/tfjs is slow (tens
// of samples a second here), so it takes a seeded subset of the digits that finishes in about a
// minute, from a copy of the example with `limit=` on its data lines.
const SUBSET = { train: 2000, test: 1000 };
let file = 'examples/lenet5.nn';
let engine = ['--engine', 'torch', '--python', found?.python];
let what = `one epoch on the real MNIST (60,000 + 10,000 digits), torch ${found?.version}`;
if (!found) {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-demo-'));
  file = join(dir, 'lenet5.nn');
  writeFileSync(file, readFileSync('examples/lenet5.nn', 'utf8').replace(/^(\s*)data mnist$/m, `$1data mnist limit=${SUBSET.train}`).replace(/^(\s*)test mnist\b/m, `$1test mnist limit=${SUBSET.test}`));
  engine = ['--engine', 'tfjs'];
  what = `no Python with PyTorch was found (tried NETLENS_PYTHON, python3, /usr/bin/python3), so TensorFlow.js in Node, on a subset: ${SUBSET.train.toLocaleString('en-US')} training and ${SUBSET.test.toLocaleString('en-US')} test digits of the real MNIST, one epoch (install python3-torch for the full epoch)`;
}

const args = ['train', file, '--model', 'LeNet5Modern', ...engine, '--events', 'ndjson'];
console.log(`\n$ netlens ${args.join(' ')}   # ${what}`);
const started = Date.now();
const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
process.on('SIGINT', () => {}); // the child gets the terminal's Ctrl-C and cancels cleanly
let end;
let steps = '';
let lastShown = 0;
for await (const line of createInterface({ input: child.stdout })) {
  let e;
  try {
    e = JSON.parse(line);
  } catch {
    continue;
  }
  if (e.type === 'start') {
    steps = e.stepsPerEpoch;
    console.log(`training ${e.model} (${e.params.toLocaleString('en-US')} parameters) on ${e.samples.toLocaleString('en-US')} images, ${e.stepsPerEpoch} steps of ${e.batch}; ${e.why}`);
  } else if (e.type === 'batch' && Date.now() - lastShown > 2000) {
    lastShown = Date.now();
    console.log(`  step ${e.step}/${steps} loss ${e.loss?.toFixed(4)} accuracy ${(e.accuracy * 100).toFixed(1)}% ${Math.round(e.samplesPerSec)} samples/s, ETA ${Math.round(e.eta)}s`);
  } else if (e.type === 'epoch') console.log(`epoch ${e.epoch}: loss ${e.loss?.toFixed(4)}, accuracy ${(e.accuracy * 100).toFixed(2)}%, validation accuracy ${e.valAccuracy == null ? '–' : `${(e.valAccuracy * 100).toFixed(2)}%`}, ${e.seconds.toFixed(1)} s`);
  else if (e.type === 'error') console.log(`error (${e.code}): ${e.message}`);
  else if (e.type === 'end') end = e;
}
const status = await new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('close', r)));
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (!end || end.status !== 'completed' || typeof end.testAccuracy !== 'number') {
  console.log(`\ntraining did not complete (${end ? `status ${end.status}${end.reason ? `: ${end.reason}` : ''}` : `exit ${status}`}); see the run directory under ${join(dirname(file), 'runs', 'LeNet5Modern')}/`);
  process.exit(status || 1);
}
console.log(`\ntest accuracy after 1 epoch${found ? '' : ` on ${SUBSET.train.toLocaleString('en-US')} digits (tfjs)`}: ${(end.testAccuracy * 100).toFixed(1)}% (test loss ${end.testLoss.toFixed(4)}; ${seconds} s in all, data loading included; run directory ${join(dirname(file), 'runs', 'LeNet5Modern')}/)`);
if (found && end.testAccuracy < 0.97) {
  console.log('below the 97% that PyTorch reaches here after one epoch');
  process.exit(1);
}
