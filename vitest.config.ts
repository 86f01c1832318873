import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Each file opens its own database; files run in parallel processes, tests inside a file in order.
    pool: 'forks',
    testTimeout: 20_000,
    // The JSON report is what .ci/run counts from.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    hookTimeout: 30_000,
  },
})
