// `npm run demo`: analyse the classic examples the way a user would, through the built CLI.
// (Training joins the demo when the runtime lands; see the open issues.)
import { execFileSync } from 'node:child_process';

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
