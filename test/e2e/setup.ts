/**
 * vitest globalSetup for the end-to-end tests: once per run, check for a Docker daemon, build
 * the stand-ins if they are missing or outdated, and serve the local index. Test files get the
 * result through `inject('e2e')`.
 *
 * No daemon: one loud `SKIPPED e2e: <reason>` line and the e2e tests skip, unless E2E=required,
 * when the run fails.
 */
import type { TestProject } from 'vitest/node';
import { dockerAvailable, ensureStandins, type Standins } from './standins.js';

export type E2E = { ok: true; standins: Omit<Standins, 'stop'> } | { ok: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2E;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const available = await dockerAvailable();
  if (!available.ok) {
    if (process.env.E2E === 'required') throw new Error(`E2E=required but ${available.reason}`);
    process.stderr.write(`\nSKIPPED e2e: ${available.reason}\n\n`);
    project.provide('e2e', available);
    return async () => {};
  }
  let built: Standins;
  try {
    built = await ensureStandins();
  } catch (error) {
    const reason = `the stand-in images could not be built: ${(error as Error).message.split('\n')[0]}`;
    if (process.env.E2E === 'required') throw error;
    process.stderr.write(`\nSKIPPED e2e: ${reason}\n\n`);
    project.provide('e2e', { ok: false, reason });
    return async () => {};
  }
  const { stop, ...standins } = built;
  project.provide('e2e', { ok: true, standins });
  return stop;
}
