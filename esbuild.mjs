// Bundles the CLI (and, as they land, the server and the extension) into dist/. tsc only type-checks.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['runtime/src/cli.ts'], outfile: 'dist/netlens.js', banner: { js: '#!/usr/bin/env node' }, define: { NETLENS_VERSION: JSON.stringify(pkg.version) } }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', define: { NETLENS_VERSION: JSON.stringify(pkg.version) } }),
  build({ ...common, entryPoints: ['bench/src/analyze.bench.ts'], outfile: 'dist/bench.js' }),
]);
