/**
 * The one run of the generator, behind both front ends: resolve the answers, plan every file,
 * then apply the plan. Nothing is written until every conflict is settled; a cancel or an error
 * leaves every file as it was. A front end is an adapter: how to ask (Io.prompt), how to log.
 *
 *   create bin (packages/create-distroless-python) ─┐
 *   yo distroless-python[:docker] (src/generators) ─┴─> run(): resolve → plan → apply
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NOT_WITH_EXISTING, type Flags, type Mode } from './commands.js';
import { ValidationError, type Answers } from './questions.js';
import { loadPreset, type Preset } from './preset.js';
import { planNew } from './new-project.js';
import { BASELINE_FILE, CONFIG_KEY } from './record.js';

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

export { CONFIG_KEY };

/** What the pipeline is given: raw answers (from flags or yeoman options), the command flags, where to run. */
export interface RunInput {
  given: Partial<Record<keyof Answers, unknown>>;
  flags: Flags;
  cwd: string;
  /** A preset object (programmatic use, composeWith), or a file or package name to load. */
  preset?: Preset | string;
  /** new or existing; else --existing decides. */
  mode?: Mode;
  /** An upgrade of a generated project: nothing is asked, and the directory must hold one. */
  upgrade?: boolean;
  /** --upgrade's directories (given.directory is ignored then). */
  directories?: string[];
}

/** How a planned file reaches the disk, and how --dry-run and the summary name it. */
export type Change = 'create' | 'overwrite' | 'merge' | 'replace' | 'update' | 'merged' | 'conflict' | 'delete' | 'unchanged';

export interface PlannedFile {
  file: string;
  /** What is written: for a conflict, the file with conflict markers. */
  content: string;
  /**
   * merge: merged with the project's own (every line of theirs kept); replace: replaced after a
   * .bak copy; update: a generated file the owner never edited, replaced by this version's;
   * merged: three-way merged with the owner's edits (both written without asking);
   * conflict: the owner's and this version's edits overlap; delete: no longer generated, unedited.
   */
  kind?: 'merge' | 'replace' | 'update' | 'merged' | 'conflict' | 'delete';
  /** For a conflict: the merge with this version's side of each overlap, which --force (or the owner's choice) takes. */
  theirs?: string;
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
  /** Said after the run or the dry run: generated files the owner deleted, ones kept because edited. */
  notes?: string[];
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

/**
 * The whole run: resolve, plan, apply; or --upgrade's, of each directory. Resolves to the exit
 * code; throws ValidationError (one line) or Cancelled, having written nothing.
 */
export async function run(input: RunInput, io: Io): Promise<number> {
  if (input.flags.upgrade) return (await import('./upgrade.js')).upgrade(input, io);
  await apply(await plan(input, io), io, input.flags);
  return 0;
}

/** A file of the project as it is now, or undefined when it does not exist. */
export function current(target: string, file: string): string | undefined {
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
  if (f.kind === 'delete') return before === undefined ? 'unchanged' : 'delete';
  if (before === undefined) return 'create';
  if (before === f.content) return 'unchanged';
  return f.kind ?? 'overwrite';
}

/** Every planned file (and `.yo-rc.json`) with what writing it would do to the project. */
export function changesOf(plan: Plan): (PlannedFile & { change: Change })[] {
  const files = [...plan.files];
  // Our key is set and every other generator's kept: never a question of overwriting.
  if (plan.record) files.push({ file: '.yo-rc.json', content: yoRc(plan.target, plan.record), kind: 'update' });
  return files.map((f) => ({ ...f, change: changeOf(plan.target, f) }));
}

/** A file to write (content), or to delete (none), and why. */
export type Write = { file: string; content?: string; change: Change };

/**
 * Writes the plan: every conflict settled first (--force, --conflict-markers, the user's answer
 * per file, or a refusal), then all files at once, the project's copies first, the baseline and
 * `.yo-rc.json` last.
 */
export async function apply(plan: Plan, io: Io, flags: Flags): Promise<void> {
  const changes = changesOf(plan);
  const shown = (file: string) => path.join(plan.directory, file);
  if (flags['dry-run']) {
    const verbs: Record<Change, string> = {
      create: 'would create', overwrite: 'would overwrite', merge: 'would merge', replace: 'would replace',
      update: 'would update', merged: 'would merge', conflict: 'would conflict', delete: 'would delete', unchanged: 'unchanged',
    };
    for (const c of changes) io.out(`${verbs[c.change].padEnd(16)}${shown(c.file)}`);
    for (const line of plan.kept) io.out(`kept            ${line}`);
    for (const note of plan.notes ?? []) io.log(`note: ${note}`);
    // What the same command would do without --dry-run, when it would not write at all.
    const refused = changes.filter((c) => c.change === 'overwrite' || c.change === 'merge' || c.change === 'replace');
    const conflicts = changes.filter((c) => c.change === 'conflict');
    if (!flags.force && !(io.interactive && plan.askPerFile)) {
      if (refused.length) io.log(`note: without --dry-run this would write nothing: ${plan.refusal(refused).replace("; nothing was written", "")}`);
      else if (conflicts.length && !flags['conflict-markers']) io.log(`note: without --dry-run this would write nothing: your edits and this version's overlap in ${conflicts.map((c) => c.file).join(', ')} (${CONFLICT_RULE})`);
    }
    io.log('Dry run: nothing was written.');
    return;
  }
  const writes = await settle(plan, changes, io, flags);
  commit(plan.target, writes);
  for (const w of writes) io.log(`${w.change.padEnd(10)}${shown(w.file)}`);
  for (const c of changes) if (c.change !== 'unchanged' && !writes.some((w) => w.file === c.file)) io.log(`${'kept'.padEnd(10)}${shown(c.file)} (yours)`);
  for (const note of plan.notes ?? []) io.log(`note: ${note}`);
  io.log('');
  const changed = writes.some((w) => w.file !== '.yo-rc.json' && w.file !== BASELINE_FILE);
  const skipped = changes.some((c) => c.change !== 'unchanged' && !writes.some((w) => w.file === c.file));
  const fresh = writes.length > 0 && writes.every((w) => w.change === 'create');
  io.log(!changed && !skipped ? `Nothing changed: ${plan.directory} already has every file as it would be written.` : fresh ? plan.done.created : plan.done.updated);
  io.log('');
  io.log('Next steps:');
  for (const step of plan.done.steps) io.log(`  ${step}`);
}

/** Conflict-marked files ask for a resolution before the image is built. */
export const CONFLICT_RULE = '--conflict-markers writes them between <<<<<<< and >>>>>>> for you to resolve, --force takes this version\'s side of each';

/** Which changes are written: --force, --conflict-markers, the user's choice per file, or a refusal. */
export async function settle(plan: Plan, changes: (PlannedFile & { change: Change })[], io: Io, flags: Flags): Promise<Write[]> {
  const resolved = new Map<string, string | undefined>();
  const keep = new Set<string>();
  const overwrites = changes.filter((c) => c.change === 'overwrite' || c.change === 'merge' || c.change === 'replace');
  const conflicts = changes.filter((c) => c.change === 'conflict');
  if (flags.force) {
    for (const c of conflicts) resolved.set(c.file, c.theirs);
  } else if (io.interactive && plan.askPerFile && (overwrites.length || conflicts.length)) {
    let all = false;
    for (const c of [...overwrites, ...conflicts]) {
      if (all) continue;
      const conflict = c.change === 'conflict';
      const answer = await io.prompt({
        type: 'expand',
        name: 'overwrite',
        message: conflict ? `${shown(plan, c.file)}: your edits and this version's overlap. Write?` : `Overwrite ${shown(plan, c.file)}?`,
        default: 'n',
        choices: [
          { key: 'y', name: conflict ? "this version's side of each overlap, yours elsewhere" : 'overwrite', value: 'yes' },
          { key: 'n', name: 'keep yours', value: 'no' },
          ...(conflict ? [{ key: 'm', name: 'both, between conflict markers', value: 'markers' }] : [{ key: 'a', name: 'overwrite this and all the others', value: 'all' }]),
          { key: 'x', name: 'cancel: write nothing', value: 'cancel' },
        ],
      });
      if (answer === 'cancel') throw new Cancelled();
      if (answer === 'all') all = true;
      else if (answer === 'markers') continue;
      else if (answer === 'yes') resolved.set(c.file, c.theirs ?? c.content);
      else keep.add(c.file);
    }
  } else {
    if (overwrites.length) throw new ValidationError('directory', plan.refusal(overwrites));
    if (conflicts.length && !flags['conflict-markers']) {
      throw new ValidationError('directory', `${plan.directory}: your edits and this version's overlap in ${conflicts.map((c) => c.file).join(', ')}; nothing was written (${CONFLICT_RULE})`);
    }
  }
  const writes: Write[] = [];
  for (const c of changes) {
    if (c.change === 'unchanged' || keep.has(c.file)) continue;
    writes.push({ file: c.file, content: c.change === 'delete' ? undefined : resolved.has(c.file) ? resolved.get(c.file) : c.content, change: c.change });
  }
  // The project's copies before anything is replaced; the record last: an interrupted run must not
  // record what was never applied.
  if (writes.some((w) => w.change === 'replace')) writes.unshift(...plan.backups.map(([file, content]) => ({ file, content, change: 'create' as Change })));
  const rank = (w: Write) => (w.file === '.yo-rc.json' ? 2 : w.file === BASELINE_FILE ? 1 : 0);
  return writes.sort((a, b) => rank(a) - rank(b));
}

const shown = (plan: Plan, file: string) => path.join(plan.directory, file);

/**
 * Writes (and deletes) all of `writes` in `target`, or, when one fails, none: what was created
 * is removed, what was overwritten or deleted is put back, and a directory this made is removed.
 */
export function commit(target: string, writes: readonly Write[]): void {
  const existed = existsSync(target);
  const written: Written[] = [];
  try {
    for (const w of writes) write(target, w.file, w.content, written);
  } catch (error) {
    for (const w of written.reverse()) {
      if (w.made) rmSync(w.full, { recursive: true, force: true });
      else if (w.before === undefined) rmSync(w.full, { force: true });
      else writeFileSync(w.full, w.before);
    }
    if (!existed) rmSync(target, { recursive: true, force: true });
    throw error;
  }
}

/** A file written (with what it held before, if anything), or a directory made for one. */
type Written = { full: string; before?: Buffer; made?: boolean };

/** One file, written whole: to a temporary name beside it, then renamed over; or deleted (no content). */
function write(target: string, file: string, content: string | undefined, written: Written[]): void {
  const full = path.join(target, file);
  const before = existsSync(full) ? readFileSync(full) : undefined;
  if (content === undefined) {
    rmSync(full, { force: true });
  } else {
    const made = mkdirSync(path.dirname(full), { recursive: true });
    if (made) written.push({ full: made, made: true });
    const temporary = `${full}.distroless-python-${process.pid}.tmp`;
    try {
      // The file's mode stays the owner's (an executable script stays executable).
      writeFileSync(temporary, content);
      if (before !== undefined) chmodSync(temporary, statSync(full).mode & 0o7777);
      renameSync(temporary, full);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }
  written.push({ full, before });
}
