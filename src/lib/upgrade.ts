/**
 * `--upgrade [directory...]`: each generated project re-rendered from its recorded answers (and
 * any flags, as new answers) with this version, merged three ways with the owner's edits (lib/merge)
 * against the baseline the project keeps (lib/record), so it works offline. A fleet in one run:
 * each project changes all at once or not at all, one failing stops no other, and one table says
 * what happened; the exit code is the worst. `--check` writes nothing and exits 1 when any project
 * would change; `--dry-run` prints the whole change as a unified diff.
 */
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { planNew } from './new-project.js';
import { CONFLICT_RULE, changesOf, commit, current, settle, type Io, type RunInput } from './pipeline.js';
import { ValidationError } from './questions.js';
import { BASELINE_FILE } from './record.js';

export type Status = 'up to date' | 'upgraded' | 'would upgrade' | 'conflicts' | 'failed';

export interface Row {
  directory: string;
  status: Status;
  detail: string;
}

const WORST: Status[] = ['up to date', 'upgraded', 'would upgrade', 'conflicts', 'failed'];
const RECORD_FILES = new Set(['.yo-rc.json', BASELINE_FILE]);

/** Upgrades every directory given; resolves to the exit code (0, or 1 if any conflicted or failed, or would change under --check). */
export async function upgrade(input: RunInput, io: Io): Promise<number> {
  const directories = input.directories ?? [typeof input.given.directory === 'string' ? input.given.directory : '.'];
  const rows: Row[] = [];
  for (const directory of directories) rows.push(await one(directory, input, io));
  const width = Math.max(9, ...rows.map((r) => r.directory.length)) + 2;
  io.log('');
  io.log(`${'directory'.padEnd(width)}${'status'.padEnd(15)}detail`);
  for (const r of rows) io.log(`${r.directory.padEnd(width)}${r.status.padEnd(15)}${r.detail}`);
  const count = (s: Status) => rows.filter((r) => r.status === s).length;
  io.log('');
  io.log(WORST.filter((s) => count(s)).map((s) => `${s} ${count(s)}`).join(', ') + (input.flags['dry-run'] || input.flags.check ? '; nothing was written' : ''));
  const failing = rows.some((r) => r.status === 'conflicts' || r.status === 'failed' || (input.flags.check && r.status === 'would upgrade'));
  return failing ? 1 : 0;
}

async function one(directory: string, input: RunInput, io: Io): Promise<Row> {
  const say = (line: string) => io.log(`${directory}: ${line.replace(/^(note|warning): /, '$1: ')}`);
  // Nothing is asked in an upgrade; a project's warnings are said with its name.
  const quiet: Io = { interactive: false, prompt: () => Promise.reject(new Error('nothing is asked in an upgrade')), log: (l) => l.startsWith('warning: ') && say(l), out: io.out };
  const row = (status: Status, detail: string): Row => ({ directory, status, detail });
  try {
    const plan = await planNew({ ...input, given: { ...input.given, directory }, upgrade: true }, quiet);
    const all = changesOf(plan);
    const changes = all.filter((c) => c.change !== 'unchanged');
    const substantive = changes.filter((c) => !RECORD_FILES.has(c.file) || c.change === 'create');
    for (const note of plan.notes ?? []) say(`note: ${note}`);
    const conflicts = changes.filter((c) => c.change === 'conflict');
    const summary = describe(changes.filter((c) => !RECORD_FILES.has(c.file)));
    if (!substantive.length) return row('up to date', '');
    if (input.flags['dry-run']) {
      for (const c of changes) io.out(patch(plan.target, input.cwd, c.file, c.change === 'delete' ? undefined : c.content).replace(/\n$/, ''));
    }
    if (conflicts.length && !input.flags['conflict-markers'] && !input.flags.force) {
      return row('conflicts', `${conflicts.map((c) => c.file).join(', ')}: your edits and this version's overlap; nothing was written (${CONFLICT_RULE})`);
    }
    if (input.flags['dry-run'] || input.flags.check) return row('would upgrade', summary);
    commit(plan.target, await settle(plan, all, quiet, input.flags));
    return row('upgraded', summary + (conflicts.length && !input.flags.force ? '; resolve the conflict markers' : ''));
  } catch (error) {
    if (error instanceof ValidationError) return row('failed', error.message);
    return row('failed', error instanceof Error ? error.message : String(error));
  }
}

/** "merged Dockerfile; updated Makefile; conflict in README.md", as short as the table needs. */
function describe(changes: { file: string; change: string }[]): string {
  const by = new Map<string, string[]>();
  const verb: Record<string, string> = { create: 'created', update: 'updated', overwrite: 'updated', merged: 'merged', conflict: 'conflicts in', delete: 'deleted' };
  for (const c of changes) by.set(verb[c.change] ?? c.change, [...(by.get(verb[c.change] ?? c.change) ?? []), c.file]);
  return [...by].map(([v, files]) => `${v} ${files.join(', ')}`).join('; ');
}

/** The change to one file as a unified diff, with git's a/ and b/ paths from where the command runs. */
function patch(target: string, cwd: string, file: string, next: string | undefined): string {
  const before = current(target, file);
  const shown = path.relative(cwd, path.join(target, file)).split(path.sep).join('/');
  const text = createTwoFilesPatch(before === undefined ? '/dev/null' : `a/${shown}`, next === undefined ? '/dev/null' : `b/${shown}`, before ?? '', next ?? '', undefined, undefined, { context: 3 });
  // jsdiff starts with a line of = where git names the file.
  return text.replace(/^(Index: .*\n)?=+\n/, `diff --git a/${shown} b/${shown}\n`);
}
