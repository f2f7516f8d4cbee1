import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    setupFiles: ['test/setup/clear-environment.ts'],
    testTimeout: 15_000,
    pool: 'forks',
    // The fault soak compares the heap after GC with its value after warm-up.
    execArgv: ['--expose-gc'],
    // A test that asserts nothing cannot fail: every test must make at least one assertion.
    expect: { requireAssertions: true },
  },
});
