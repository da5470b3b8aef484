import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Checks for Docker, builds the stand-in images and serves the local index, once per run.
    globalSetup: ['test/e2e/setup.ts'],
    // yeoman-test chdirs into temporary directories, which worker threads cannot do.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
