#!/usr/bin/env node
/**
 * `npm create distroless-python [directory] -- [flags]`: the same questions and output as
 * `yo distroless-python`, by running that generator. Flags, `--help` and validation come from
 * the generator's question schema; yeoman is only loaded once there is something to generate.
 * build.mjs bundles this file with the generator and yeoman into one dependency-free file.
 */
import { readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { QUESTIONS, ValidationError, parseGiven, type Answers } from '../../../src/lib/questions.js';

const BIN = 'create-distroless-python';

/** Flags of this command that are not questions. */
const COMMAND_FLAGS = {
  yes: { type: 'boolean', short: 'y', description: 'ask nothing: defaults for whatever was not given' },
  interactive: { type: 'boolean', description: 'ask the questions (default: when stdin is a terminal)' },
  force: { type: 'boolean', description: 'overwrite existing files without asking' },
  'dry-run': { type: 'boolean', description: 'list what would be written, and write nothing' },
  existing: { type: 'boolean', description: 'add the distroless build to an existing project in [directory] (default: .)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
  version: { type: 'boolean', short: 'v', description: 'print the version' },
} as const;

const options: NonNullable<ParseArgsConfig['options']> = { ...COMMAND_FLAGS };
for (const q of QUESTIONS) {
  if (q.kind === 'option') options[q.name] = { type: q.type === 'confirm' ? 'boolean' : 'string', multiple: Boolean(q.multiple) };
}

function usage(): string {
  const rows: [string, string][] = [];
  for (const q of QUESTIONS) {
    if (q.kind !== 'option') continue;
    const flag = q.type === 'confirm' ? `--[no-]${q.name}` : `--${q.name} <${q.valueName}>`;
    const shown = q.format ? q.format(q.default as never) : q.type === 'confirm' ? (q.default ? 'yes' : 'no') : String(q.default);
    rows.push([flag, `${q.description} (default: ${shown})`]);
  }
  for (const [name, flag] of Object.entries(COMMAND_FLAGS)) {
    const negatable = name === 'interactive' ? `--[no-]${name}` : `--${name}`;
    rows.push(['short' in flag ? `-${flag.short}, ${negatable}` : negatable, flag.description]);
  }
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  const directory = QUESTIONS.find((q) => q.kind === 'argument')!;
  return [
    `Usage: ${BIN} [${directory.name}] [options]`,
    `       ${BIN} --existing [${directory.name}] [options]`,
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
    `With npm create, flags go after --: npm create distroless-python@latest my-app -- --yes`,
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    fail(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
  const { positionals } = parsed;
  const values = parsed.values as Record<string, unknown> & { [K in keyof typeof COMMAND_FLAGS]?: boolean };
  if (values.help) return void process.stdout.write(`${usage()}\n`);
  if (values.version) return void process.stdout.write(`${version()}\n`);
  if (positionals.length > 1) {
    fail(`directory: expected one directory, got ${positionals.map((p) => `'${p}'`).join(' ')} (with npm create, put flags after --)`);
  }

  // Everything given on the command line is checked before anything is asked or written.
  const given: Partial<Record<keyof Answers, unknown>> = { directory: positionals[0] ?? (values.existing ? '.' : undefined) };
  for (const q of QUESTIONS) if (q.kind === 'option') given[q.name] = values[q.name];
  if (values.existing && given.deps !== undefined) {
    fail("--deps: not used with --existing: the project's requirements.txt or pyproject.toml says what to install");
  }
  let answers: Partial<Answers>;
  try {
    answers = parseGiven(given);
  } catch (error) {
    if (error instanceof ValidationError) fail(error.message);
    throw error;
  }

  const [{ createEnv }, { default: AppGenerator }, { default: DockerGenerator }] = await Promise.all([
    import('yeoman-environment'),
    import('../../../src/generators/app/index.js'),
    import('../../../src/generators/docker/index.js'),
  ]);
  const env = createEnv({ cwd: process.cwd(), skipInstall: true, force: Boolean(values.force) });
  // Errors are reported below in one line; drop yeoman's extra "An error occured while running <task>".
  const { log } = env.adapter;
  const logError = log.error.bind(log);
  log.error = ((message: unknown, ...rest: unknown[]) =>
    /^An error occured while running /.test(String(message)) ? log : logError(message as string, ...(rest as string[]))) as typeof log.error;
  // The generator is bundled into this file; register the class itself, not a path to look up.
  const namespace = values.existing ? 'distroless-python:docker' : 'distroless-python:app';
  env.register(values.existing ? DockerGenerator : AppGenerator, { namespace, resolved: fileURLToPath(import.meta.url) });

  const target = answers.directory ? path.resolve(answers.directory) : undefined;
  const existed = target ? existsSync(target) : true;
  // Only what was given: yeoman turns an explicit undefined into false for boolean options.
  const generatorOptions = Object.fromEntries(
    Object.entries({ ...answers, yes: values.yes, interactive: values.interactive, force: values.force, 'dry-run': values['dry-run'] }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  try {
    await env.run([namespace], generatorOptions);
  } catch (error) {
    // A directory this run created but left empty (e.g. cancelled at a prompt) is removed.
    if (target && !existed && existsSync(target) && readdirSync(target).length === 0) rmSync(target, { recursive: true });
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ValidationError) fail(message);
    if (/force closed the prompt|aborted/i.test(message)) fail('cancelled', 130);
    fail(message);
  }
}

await main(process.argv.slice(2));
