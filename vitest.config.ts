import { defineConfig } from 'vitest/config';

// One runner for everything: *.test.ts run in process, *.spec.ts spawn the CLI, the server or
// PyTorch, *.e2e.ts drive a real VS Code (code-server in headless Chromium).
export default defineConfig({
  test: {
    include: ['test/**/*.{test,spec,e2e}.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    allowOnly: false,
    pool: 'forks',
    globalSetup: ['test/tmpdir.setup.ts'],
  },
});
