import { defineConfig } from 'vitest/config';

// One runner for everything: *.test.ts run in process, *.spec.ts spawn the CLI or PyTorch.
export default defineConfig({
  test: {
    include: ['test/**/*.{test,spec}.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    allowOnly: false,
    pool: 'forks',
  },
});
