/**
 * The one run of the generator, behind both front ends: resolve the answers, plan every file,
 * then apply the plan. Nothing is written until every conflict is settled; a cancel or an error
 * leaves every file as it was. A front end is an adapter: how to ask (Io.prompt), how to log.
 *
 *   create bin (packages/create-distroless-python) ─┐
 *   yo distroless-python[:docker] (src/generators) ─┴─> run(): resolve → plan → apply
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NOT_WITH_EXISTING, type Flags, type Mode } from './commands.js';
import { ValidationError, type Answers } from './questions.js';
import { loadPreset, type Preset } from './preset.js';
import { planNew } from './new-project.js';

/** What a front end provides. */
export interface Io {
  /** Whether questions may be asked (a terminal, and no --yes). */
  interactive: boolean;
  /** Asks one inquirer question and resolves to its raw answer; rejects with Cancelled on Ctrl-C. */
  prompt(question: Record<string, unknown>): Promise<unknown>;
  /** Notes, warnings and the summary (stderr, yeoman's convention). */
  log(line: string): void;
  /** The command's own output: the --dry-run listing (stdout). */
  out(line: string): void;
}

/** The user cancelled at a prompt: nothing was written. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/** The key of this generator's answers in `.yo-rc.json`, whichever package runs it. */
export const CONFIG_KEY = 'generator-distroless-python';

/** What the pipeline is given: raw answers (from flags or yeoman options), the command flags, where to run. */
export interface RunInput {
  given: Partial<Record<keyof Answers, unknown>>;
  flags: Flags;
  cwd: string;
  /** A preset object (programmatic use, composeWith), or a file or package name to load. */
  preset?: Preset | string;
  /** new or existing; else --existing decides. */
  mode?: Mode;
}

/** How a planned file reaches the disk, and how --dry-run and the summary name it. */
export type Change = 'create' | 'overwrite' | 'merge' | 'replace' | 'unchanged';

export interface PlannedFile {
  file: string;
  content: string;
  /** Merged with the project's own (every line of theirs kept), or replaced after a .bak copy. */
  kind?: 'merge' | 'replace';
}

export interface Plan {
  mode: Mode;
  /** The directory as given, for messages; and resolved. */
  directory: string;
  target: string;
  files: PlannedFile[];
  /** Copies of the project's own files made before they are replaced: copy name → content. */
  backups: [string, string][];
  /** The answers recorded in .yo-rc.json (a new project), or none (an existing one records nothing). */
  record?: Record<string, unknown>;
  /** Lines listed after the --dry-run listing (what is kept). */
  kept: string[];
  /** What a conflict without --force is refused with (the existing mode says what --force would do). */
  refusal(differing: PlannedFile[]): string;
  /** The summary's first line, and the next steps. */
  done: { created: string; updated: string; steps: string[] };
  /** Whether an interactive run may ask per file (a new project), or must refuse like a script. */
  askPerFile: boolean;
}

/** Resolves a preset given by name or path; an object is used as it is. */
export function presetOf(preset: RunInput['preset'], cwd: string): Preset | undefined {
  return typeof preset === 'string' ? loadPreset(preset, cwd) : preset;
}

/** Questions are asked when stdin is a terminal, unless --yes or --no-interactive says otherwise. */
export function isInteractive(flags: Flags): boolean {
  return !flags.yes && (flags.interactive ?? Boolean(process.stdin.isTTY));
}

/** Resolves the answers (asking through io) and plans every file; writes nothing. */
export async function plan(input: RunInput, io: Io): Promise<Plan> {
  const mode: Mode = input.mode ?? (input.flags.existing ? 'existing' : 'new');
  if (mode === 'existing') {
    for (const [name, rule] of Object.entries(NOT_WITH_EXISTING)) {
      if (input.given[name as keyof Answers] !== undefined) throw new ValidationError(`--${name}`, rule!);
    }
  }
  // Loaded for --existing only: its readers of compose, TOML and Dockerfiles are most of the bundle.
  return mode === 'existing' ? (await import('./existing.js')).planExisting(input, io) : planNew(input, io);
}

/** The whole run: resolve, plan, apply. Throws ValidationError (one line) or Cancelled, having written nothing. */
export async function run(input: RunInput, io: Io): Promise<void> {
  await apply(await plan(input, io), io, input.flags);
}

function current(target: string, file: string): string | undefined {
  const full = path.join(target, file);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

/** `.yo-rc.json` with our answers set and any other generator's kept. */
function yoRc(target: string, record: Record<string, unknown>): string {
  let config: Record<string, unknown> = {};
  const before = current(target, '.yo-rc.json');
  if (before !== undefined) {
    try {
      config = JSON.parse(before) as Record<string, unknown>;
    } catch {
      throw new ValidationError('.yo-rc.json', 'is not valid JSON: fix or remove it');
    }
  }
  return `${JSON.stringify({ ...config, [CONFIG_KEY]: record }, null, 2)}\n`;
}

function changeOf(target: string, f: PlannedFile): Change {
  const before = current(target, f.file);
  if (before === undefined) return 'create';
  if (before === f.content) return 'unchanged';
  return f.kind ?? 'overwrite';
}

/**
 * Writes the plan: every conflict settled first (--force, the user's answer per file, or a
 * refusal), then all files, the project's copies first and `.yo-rc.json` last.
 */
export async function apply(plan: Plan, io: Io, flags: Flags): Promise<void> {
  const files = [...plan.files];
  if (plan.record) files.push({ file: '.yo-rc.json', content: yoRc(plan.target, plan.record) });
  const changes = files.map((f) => ({ ...f, change: changeOf(plan.target, f) }));
  const shown = (file: string) => path.join(plan.directory, file);
  if (flags['dry-run']) {
    const verbs: Record<Change, string> = { create: 'would create', overwrite: 'would overwrite', merge: 'would merge', replace: 'would replace', unchanged: 'unchanged' };
    for (const c of changes) io.out(`${verbs[c.change].padEnd(16)}${shown(c.file)}`);
    for (const line of plan.kept) io.out(`kept            ${line}`);
    io.log('Dry run: nothing was written.');
    return;
  }
  const differing = changes.filter((c) => c.change !== 'create' && c.change !== 'unchanged');
  const skipped = new Set<string>();
  if (differing.length && !flags.force) {
    if (!io.interactive || !plan.askPerFile) throw new ValidationError('directory', plan.refusal(differing));
    let all = false;
    for (const c of differing) {
      if (all) continue;
      const answer = await io.prompt({
        type: 'expand',
        name: 'overwrite',
        message: `Overwrite ${shown(c.file)}?`,
        default: 'n',
        choices: [
          { key: 'y', name: 'overwrite', value: 'yes' },
          { key: 'n', name: 'keep yours', value: 'no' },
          { key: 'a', name: 'overwrite this and all the others', value: 'all' },
          { key: 'x', name: 'cancel: write nothing', value: 'cancel' },
        ],
      });
      if (answer === 'cancel') throw new Cancelled();
      if (answer === 'all') all = true;
      else if (answer !== 'yes') skipped.add(c.file);
    }
  }
  const writes = changes.filter((c) => c.change !== 'unchanged' && !skipped.has(c.file));
  // The recorded answers go last: an interrupted run must not record what was never applied.
  writes.sort((a, b) => Number(a.file === '.yo-rc.json') - Number(b.file === '.yo-rc.json'));
  const existed = existsSync(plan.target);
  const written: Written[] = [];
  try {
    for (const [copy, content] of writes.some((w) => w.change === 'replace') ? plan.backups : []) write(plan.target, copy, content, written);
    for (const w of writes) write(plan.target, w.file, w.content, written);
  } catch (error) {
    // Nothing half-done: what this run created is removed, what it overwrote is put back.
    for (const w of written.reverse()) {
      if (w.before === undefined) rmSync(w.full, { force: true });
      else writeFileSync(w.full, w.before);
    }
    if (!existed) rmSync(plan.target, { recursive: true, force: true });
    throw error;
  }
  for (const w of writes) io.log(`${w.change.padEnd(10)}${shown(w.file)}`);
  for (const file of skipped) io.log(`${'kept'.padEnd(10)}${shown(file)} (yours)`);
  io.log('');
  const changed = writes.some((w) => w.file !== '.yo-rc.json');
  const fresh = writes.length > 0 && writes.every((w) => w.change === 'create');
  io.log(!changed && !skipped.size ? `Nothing changed: ${plan.directory} already has every file as it would be written.` : fresh ? plan.done.created : plan.done.updated);
  io.log('');
  io.log('Next steps:');
  for (const step of plan.done.steps) io.log(`  ${step}`);
}

type Written = { full: string; before?: Buffer };

/** One file, written whole: to a temporary name beside it, then renamed over. */
function write(target: string, file: string, content: string, written: Written[]): void {
  const full = path.join(target, file);
  mkdirSync(path.dirname(full), { recursive: true });
  const temporary = `${full}.distroless-python-${process.pid}.tmp`;
  writeFileSync(temporary, content);
  const before = existsSync(full) ? readFileSync(full) : undefined;
  renameSync(temporary, full);
  written.push({ full, before });
}
