/**
 * The command line, defined once for both front ends (`npm create distroless-python`, `yo
 * distroless-python`): the flags that are not questions, which questions each mode takes, the
 * argv parser with one-line errors, and the one `--help` renderer.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { QUESTIONS, ValidationError, editDistance, type Answers, type Question } from './questions.js';

/** A new project, or the distroless build added to an existing one (`--existing`). */
export type Mode = 'new' | 'existing';

export interface CommandFlag {
  name: 'yes' | 'interactive' | 'force' | 'dry-run' | 'existing' | 'upgrade' | 'check' | 'conflict-markers' | 'preset' | 'help' | 'version';
  type: 'boolean' | 'string';
  short?: string;
  /** Shown as --[no-]name: the negation means something of its own. */
  negatable?: boolean;
  valueName?: string;
  description: string;
}

export const COMMAND_FLAGS: readonly CommandFlag[] = [
  { name: 'yes', type: 'boolean', short: 'y', description: 'ask nothing: what was given or detected, else defaults' },
  { name: 'interactive', type: 'boolean', negatable: true, description: 'ask the questions (default: when stdin is a terminal)' },
  { name: 'force', type: 'boolean', description: 'overwrite existing files without asking' },
  { name: 'dry-run', type: 'boolean', description: 'list what would be written, and write nothing' },
  { name: 'existing', type: 'boolean', description: 'add the distroless build to an existing project in [directory] (default: .)' },
  { name: 'upgrade', type: 'boolean', description: 'upgrade the generated projects in [directory...] (default: .) to this version, merging your edits' },
  { name: 'check', type: 'boolean', description: 'with --upgrade: write nothing, exit 1 if any project would change' },
  { name: 'conflict-markers', type: 'boolean', description: 'write edits of yours that overlap this version\'s between <<<<<<< and >>>>>>> (default: refuse)' },
  { name: 'preset', type: 'string', valueName: 'file|package', description: "a team's preset: defaults, registry mirrors, index, labels, extra files" },
  { name: 'help', type: 'boolean', short: 'h', description: 'show this help' },
  { name: 'version', type: 'boolean', short: 'v', description: 'print the version' },
];

export type Flags = { [K in CommandFlag['name']]?: K extends 'preset' ? string : boolean };

/** The questions a mode takes: an existing project's dependencies are its own files. */
export function questionsFor(mode: Mode): readonly Question[] {
  return mode === 'existing' ? QUESTIONS.filter((q) => q.name !== 'deps') : QUESTIONS;
}

/** The rule for a question given in the wrong mode, as the one-line refusal says it. */
export const NOT_WITH_EXISTING: Partial<Record<keyof Answers, string>> = {
  deps: "not used with --existing: the project's requirements.txt, lock or pyproject.toml says what to install",
};

/** How a question's default reads in --help. */
export function shownDefault(q: Question): string {
  if (q.format) return q.format(q.default as never);
  if (q.type === 'confirm') return q.default ? 'yes' : 'no';
  return String(q.default);
}

function flagColumn(q: Question): string {
  return q.type === 'confirm' ? `--[no-]${q.name}` : `--${q.name} <${q.valueName}>`;
}

/** `--help`, for either front end: only the program's name differs. */
export function usage(program: string): string {
  const directory = QUESTIONS.find((q) => q.kind === 'argument')!;
  const rows: [string, string][] = [];
  for (const q of QUESTIONS) if (q.kind === 'option') rows.push([flagColumn(q), `${q.description} (default: ${shownDefault(q)})`]);
  for (const f of COMMAND_FLAGS) {
    const long = f.negatable ? `--[no-]${f.name}` : f.type === 'string' ? `--${f.name} <${f.valueName}>` : `--${f.name}`;
    rows.push([f.short ? `-${f.short}, ${long}` : long, f.description]);
  }
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return [
    `Usage: ${program} [${directory.name}] [options]`,
    `       ${program} --existing [${directory.name}] [options]`,
    '',
    'Writes a Python project that builds a small, shell-less, nonroot distroless image:',
    'src/app.py, requirements.txt, Dockerfile, Makefile, .dockerignore, README.md and docker/ helpers.',
    'With --existing, adds Dockerfile, Makefile, .dockerignore and DISTROLESS.md to the project',
    'in the directory instead, fitted to its requirements.txt or pyproject.toml; nothing of it changes.',
    '',
    'Arguments:',
    `  ${directory.name.padEnd(width)}${directory.description} (default: ${directory.default})`,
    '',
    'Options:',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`),
    '',
    'Questions not answered by a flag are asked when stdin is a terminal; otherwise defaults are used.',
    'With npm create, flags go after --: npm create distroless-python@latest my-app -- --yes',
  ].join('\n');
}

/** What the command line gave: answers as raw text (checked later by the questions), and the command flags. */
export interface Parsed {
  given: Partial<Record<keyof Answers, unknown>>;
  flags: Flags;
  /** --upgrade's directories (default: the current one). */
  directories?: string[];
}

const PARSE_OPTIONS: NonNullable<ParseArgsConfig['options']> = {};
for (const f of COMMAND_FLAGS) PARSE_OPTIONS[f.name] = { type: f.type, ...(f.short ? { short: f.short } : {}) };
for (const q of QUESTIONS) if (q.kind === 'option') PARSE_OPTIONS[q.name] = { type: q.type === 'confirm' ? 'boolean' : 'string', multiple: Boolean(q.multiple) };

/**
 * Parses argv (the words after the program) with the schema's flags. Errors are one line naming
 * the flag: a value that starts with `-` is taken as the value (the questions then say whether it
 * is allowed), and an unknown flag is named with the nearest known one, never with Node's advice
 * to put it after `--`, which npm create already uses for itself.
 */
export function parseArgv(argv: readonly string[]): Parsed {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    const name = word.startsWith('--') ? word.slice(2) : undefined;
    if (name !== undefined && !name.includes('=') && PARSE_OPTIONS[name]?.type === 'string') {
      if (i + 1 >= argv.length) throw new ValidationError(`--${name}`, 'needs a value');
      args.push(`${word}=${argv[++i]}`);
    } else {
      args.push(word);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: PARSE_OPTIONS, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    if (unknown) {
      const bare = unknown.replace(/^--?(no-)?/, '').split('=')[0];
      const near = Object.keys(PARSE_OPTIONS).filter((o) => editDistance(o, bare) <= 2).sort((a, b) => editDistance(a, bare) - editDistance(b, bare))[0];
      throw new ValidationError(unknown, `unknown option${near ? ` (did you mean --${near}?)` : ''}; see --help`);
    }
    const flag = /'(-[^']+)'/.exec((error as Error).message)?.[1] ?? 'arguments';
    throw new ValidationError(flag.split(' ')[0], `${(error as Error).message.split('\n')[0].replace(/^Option '[^']+' /, '')} (see --help)`);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.check && !values.upgrade) throw new ValidationError('--check', 'is for --upgrade: give --upgrade --check [directory...]');
  if (values.upgrade && values.existing) throw new ValidationError('--upgrade', 'is for generated projects; --existing projects record nothing to upgrade from');
  // --upgrade takes many directories (a fleet); everything else one.
  if (parsed.positionals.length > 1 && !values.upgrade) {
    throw new ValidationError('directory', `expected one directory, got ${parsed.positionals.map((p) => `'${p}'`).join(' ')} (with npm create, put flags after --)`);
  }
  const given: Parsed['given'] = { directory: parsed.positionals[0] };
  for (const q of QUESTIONS) if (q.kind === 'option' && values[q.name] !== undefined) given[q.name] = values[q.name];
  const flags: Flags = {};
  for (const f of COMMAND_FLAGS) if (values[f.name] !== undefined) (flags as Record<string, unknown>)[f.name] = values[f.name];
  return { given, flags, ...(values.upgrade ? { directories: parsed.positionals.length ? parsed.positionals : ['.'] } : {}) };
}
