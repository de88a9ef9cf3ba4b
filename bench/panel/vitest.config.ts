import { defineConfig } from 'vitest/config';

// The panel benchmark drives code-server like the end-to-end tests, but is not one: `npm test`
// does not run it; `npm run bench:panel` does.
export default defineConfig({
  test: {
    include: ['bench/panel/*.bench.ts'],
    testTimeout: 7_200_000,
    hookTimeout: 400_000,
    pool: 'forks',
    globalSetup: ['test/tmpdir.setup.ts'],
  },
});
