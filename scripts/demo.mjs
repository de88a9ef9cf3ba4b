// `npm run demo`: analyse the classic examples the way a user would, through the built CLI, then
// train examples/lenet5.nn's LeNet5Modern for the one epoch its train block asks for, on the real
// MNIST, with the torch engine, and print the test accuracy.
import { execFileSync, spawn } from 'node:child_process';
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
if (!found) {
  console.log('\nSkipping the training part of the demo: no Python with PyTorch was found (tried NETLENS_PYTHON, python3, /usr/bin/python3).');
  console.log('Install it (Debian/Ubuntu: sudo apt install python3-torch; or pip install torch), or set NETLENS_PYTHON to a Python that has it, and run npm run demo again.');
  process.exit(0);
}

const args = ['train', 'examples/lenet5.nn', '--model', 'LeNet5Modern', '--engine', 'torch', '--events', 'ndjson', '--python', found.python];
console.log(`\n$ netlens ${args.join(' ')}   # one epoch on the real MNIST (60,000 + 10,000 digits), torch ${found.version}`);
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
  console.log(`\ntraining did not complete (${end ? `status ${end.status}${end.reason ? `: ${end.reason}` : ''}` : `exit ${status}`}); see the run directory under examples/runs/LeNet5Modern/`);
  process.exit(status || 1);
}
console.log(`\ntest accuracy after 1 epoch: ${(end.testAccuracy * 100).toFixed(1)}% (test loss ${end.testLoss.toFixed(4)}; ${seconds} s in all, data loading included; run directory examples/runs/LeNet5Modern/)`);
if (end.testAccuracy < 0.97) {
  console.log('below the 97% that PyTorch reaches here after one epoch');
  process.exit(1);
}
