import { defineConfig } from 'vitest/config';

// Two projects: the unit tests need no Docker and start at once; the e2e tests first check for a
// Docker daemon, build the stand-in images if they are missing or outdated, and serve the local
// index (test/e2e/setup.ts), once per run. `vitest run` runs both; `--project unit` or
// `--project e2e` one of them (npm run test:unit, npm run test:e2e).
const shared = {
  // yeoman-test chdirs into temporary directories, which worker threads cannot do.
  pool: 'forks' as const,
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/*.test.ts'] } },
      { test: { ...shared, name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/e2e/setup.ts'] } },
    ],
  },
});
