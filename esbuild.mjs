// Bundles everything into dist/: the CLI, the language server, the VS Code extension and the
// benchmarks. tsc only type-checks. An entry whose source does not exist yet is skipped.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const version = { NETLENS_VERSION: JSON.stringify(pkg.version) };
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

const entries = [
  { entryPoints: ['runtime/src/cli.ts'], outfile: 'dist/netlens.js', banner: { js: '#!/usr/bin/env node' }, define: version },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', define: version },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], define: version },
  { entryPoints: ['bench/src/analyze.bench.ts'], outfile: 'dist/bench.js' },
  { entryPoints: ['bench/src/lsp.bench.ts'], outfile: 'dist/lsp.bench.js' },
  { entryPoints: ['bench/src/train.bench.ts'], outfile: 'dist/train.bench.js' },
  // The tfjs trainer runs as its own Node process. tfjs-node(-gpu) are native and optional: they
  // stay outside the bundle and are required at run time where a user installed them.
  { entryPoints: ['runtime/src/engines/tfjs/trainer.ts'], outfile: 'dist/tfjsTrainer.js', external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'] },
  // The training panel's script runs in the webview (a browser), with uPlot bundled in.
  { entryPoints: ['client/webview/trainingPanel.ts'], outfile: 'dist/webview/trainingPanel.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

await Promise.all(entries.filter((e) => existsSync(e.entryPoints[0])).map((e) => build({ ...common, ...e })));
