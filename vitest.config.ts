import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // yeoman-test chdirs into temporary directories, which worker threads cannot do.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
