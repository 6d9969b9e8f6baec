import { defineConfig } from 'vitest/config';

/**
 * One runner for the whole repo. Orchestrator tests run twice when a PostgreSQL server is
 * configured (DATABASE_URL, as in CI): once on embedded PGlite, once on the real server, so
 * both backends stay proven. Redis-backed cases run when REDIS_URL is set.
 */
const orchestratorTests = ['orchestrator/src/**/*.test.ts'];
const realPostgres = Boolean(process.env['DATABASE_URL']);

export default defineConfig({
  test: {
    reporters: ['default', './infra/ci/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['keycloak/src/**/*.test.ts', 'chatwoot/src/**/*.test.ts', 'infra/**/*.test.ts', 'shell/src/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'shell/e2e/**'],
        },
      },
      {
        test: {
          name: 'orchestrator:pglite',
          sequence: { groupOrder: 0 },
          include: orchestratorTests,
          env: { WRRK_TEST_BACKEND: 'pglite' },
        },
      },
      ...(realPostgres
        ? [{ test: { name: 'orchestrator:postgres', include: orchestratorTests, env: { WRRK_TEST_BACKEND: 'postgres' }, sequence: { groupOrder: 0 } } }]
        : []),
      {
        test: {
          name: 'e2e',
          include: ['shell/e2e/**/*.test.ts'],
          // After every other project: the browser suite measures timings and should not share
          // two cores with the database suites.
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
