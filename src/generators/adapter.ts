/**
 * The yeoman front end: `yo distroless-python` and `yo distroless-python:docker` (the same as
 * `--existing`). An adapter over lib/pipeline: flags from the schema as yeoman options, questions
 * through yeoman's prompts, messages through its log. No rule lives here.
 */
import Generator from 'yeoman-generator';
import { COMMAND_FLAGS, shownDefault, usage, type Flags, type Mode } from '../lib/commands.js';
import { Cancelled, apply, isInteractive, plan, run, type Io, type Plan, type RunInput } from '../lib/pipeline.js';
import type { Preset } from '../lib/preset.js';
import { QUESTIONS, type Answers } from '../lib/questions.js';

export type GeneratorOptions = Generator['options'] & Partial<Answers> & Flags & { preset?: string | Preset };

/** Repeated `--deps` flags arrive as an array, a single one as a string. */
const collect = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)]);
Object.defineProperty(collect, 'name', { value: 'String' });

/** The front end's own flags: yeoman answers --help itself, and the version is yo's. */
const OWN = COMMAND_FLAGS.filter((f) => f.name !== 'help' && f.name !== 'version');

export class DistrolessPythonGenerator extends Generator<Record<string, unknown>, GeneratorOptions> {
  #plan?: Plan;
  #io?: Io;

  constructor(args?: string[], options?: GeneratorOptions) {
    // customInstallTask: we write no package.json, so skip the install step and its message.
    super(args ?? [], options as GeneratorOptions, { customInstallTask: true });
    for (const q of QUESTIONS) {
      const description = `${q.description} (default: ${shownDefault(q)})`;
      if (q.kind === 'argument') this.argument(q.name, { type: String, required: false, description });
      else this.option(q.name, { type: q.type === 'confirm' ? Boolean : q.multiple ? collect : String, description });
    }
    for (const f of OWN) this.option(f.name, { type: f.type === 'boolean' ? Boolean : String, ...(f.short ? { alias: f.short } : {}), description: f.description });
  }

  /** new, existing, or (undefined) as --existing says; and the name --help shows. */
  protected get mode(): Mode | undefined {
    return undefined;
  }

  protected get program(): string {
    return 'yo distroless-python';
  }

  override help(): string {
    return usage(this.program);
  }

  #input(): RunInput {
    const options = this.options as Record<string, unknown>;
    const given: RunInput['given'] = {};
    for (const q of QUESTIONS) if (options[q.name] !== undefined) given[q.name] = options[q.name];
    const flags: Flags = {};
    for (const f of OWN) if (options[f.name] !== undefined) (flags as Record<string, unknown>)[f.name] = options[f.name];
    // --upgrade takes every directory given (yeoman keeps the words in this.args).
    const directories = flags.upgrade ? (this.args.length ? this.args.map(String) : ['.']) : undefined;
    return { given, flags, cwd: this.contextRoot, preset: this.options.preset, mode: this.mode, directories };
  }

  async prompting(): Promise<void> {
    const input = this.#input();
    this.#io = {
      interactive: isInteractive(input.flags),
      prompt: async (question) => {
        try {
          return (await this.prompt<Record<string, unknown>>([question as never]))[question.name as string];
        } catch (error) {
          if ((error as Error).name === 'ExitPromptError' || /force closed the prompt/.test(String(error))) throw new Cancelled();
          throw error;
        }
      },
      log: (line) => void this.log(line),
      out: (line) => void process.stdout.write(`${line}\n`),
    };
    // An upgrade plans and writes each project in turn, in this one step.
    if (input.flags.upgrade) process.exitCode = await this.#cancellable(() => run(input, this.#io!));
    else this.#plan = await this.#cancellable(() => plan(input, this.#io!));
  }

  async writing(): Promise<void> {
    if (this.#plan) await this.#cancellable(() => apply(this.#plan!, this.#io!, this.#input().flags));
  }

  /** Ctrl-C at a prompt: one line and exit 130, as a shell expects, instead of yeoman's error report. */
  async #cancellable<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof Cancelled) {
        process.stderr.write('error: cancelled\n');
        process.exit(130);
      }
      throw error;
    }
  }
}
