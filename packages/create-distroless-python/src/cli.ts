#!/usr/bin/env node
/**
 * `npm create distroless-python [directory] -- [flags]`: the command-line front end of
 * lib/pipeline, which `yo distroless-python` also runs. Flags, `--help` and validation come from
 * the schema (lib/commands, lib/questions). Yeoman's prompts (inquirer) are loaded only when a
 * question is asked; `--yes` loads nothing but the pipeline. build.mjs bundles this file.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgv, usage } from '../../../src/lib/commands.js';
import { Cancelled, isInteractive, run as runPipeline, type Io } from '../../../src/lib/pipeline.js';
import type { Preset } from '../../../src/lib/preset.js';
import { ValidationError } from '../../../src/lib/questions.js';
import { templatesVersion } from '../../../src/lib/templates.js';

export interface RunOptions {
  /** The words after the program name (process.argv.slice(2)). */
  argv: string[];
  /** A team's preset: a file path, a file: URL, a package name, or the preset itself (lib/preset). */
  preset?: string | URL | Preset;
  /** The program name --help shows (a team's own `create-acme-python-service`). */
  program?: string;
  cwd?: string;
}

/** A terminal prompt through yeoman's adapter (inquirer), loaded on the first question. */
let adapter: Promise<{ prompt(questions: unknown[]): Promise<Record<string, unknown>> }> | undefined;
async function prompt(question: Record<string, unknown>): Promise<unknown> {
  adapter ??= import('@yeoman/adapter').then(({ TerminalAdapter }) => new TerminalAdapter() as never);
  try {
    return (await (await adapter).prompt([question]))[question.name as string];
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError' || /force closed the prompt/.test(String(error))) throw new Cancelled();
    throw error;
  }
}

/**
 * Runs the command as the bin does and returns its exit code: 0, 1 for a refusal (one line on
 * stderr, nothing written) or an upgrade that conflicted, failed or (--check) would change, 130
 * for a cancel. A team's own create package calls this with its preset.
 */
export async function run(options: RunOptions): Promise<number> {
  const program = options.program ?? 'create-distroless-python';
  const fail = (message: string, code = 1): number => {
    process.stderr.write(`error: ${message}\n`);
    return code;
  };
  try {
    const { given, flags, directories } = parseArgv(options.argv);
    if (flags.help) return void process.stdout.write(`${usage(program)}\n`), 0;
    if (flags.version) return void process.stdout.write(`${templatesVersion()}\n`), 0;
    const preset = flags.preset ?? (options.preset instanceof URL ? options.preset.pathname : options.preset);
    const io: Io = {
      interactive: isInteractive(flags),
      prompt,
      log: (line) => void process.stderr.write(`${line}\n`),
      out: (line) => void process.stdout.write(`${line}\n`),
    };
    return await runPipeline({ given, flags, cwd: options.cwd ?? process.cwd(), preset, directories }, io);
  } catch (error) {
    if (error instanceof Cancelled) return fail('cancelled', 130);
    if (error instanceof ValidationError) return fail(error.message);
    return fail(error instanceof Error ? error.message : String(error));
  }
}

// Run as the bin (npm links it into node_modules/.bin), not imported by a team's package.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await run({ argv: process.argv.slice(2) });
}
