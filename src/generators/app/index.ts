/**
 * `yo distroless-python [directory]`: asks the questions of lib/questions (or takes them as
 * flags) and writes the project rendered by lib/render.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Generator from 'yeoman-generator';
import { findTarget } from '../../lib/catalogue.js';
import { QUESTIONS, ValidationError, checkCombination, commandWarning, parseGiven, promptFor, pythonWarning, requirementName, type Answers, type ProjectAnswers, type Question } from '../../lib/questions.js';
import { TEMPLATES_DIR, projectName, renderProject, view } from '../../lib/render.js';

export type GeneratorOptions = Generator['options'] &
  Partial<Answers> & {
    yes?: boolean;
    interactive?: boolean;
    force?: boolean;
    'dry-run'?: boolean;
  };

/**
 * The key of this generator's answers in `.yo-rc.json`. Fixed rather than read from the package
 * name, because the create bin bundles this class into another package.
 */
export const CONFIG_KEY = 'generator-distroless-python';

/** Repeated `--deps` flags arrive as an array, a single one as a string. */
const collect = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)]);
Object.defineProperty(collect, 'name', { value: 'String' });

function differs(file: string, content: string): boolean {
  return existsSync(file) && readFileSync(file, 'utf8') !== content;
}

export default class DistrolessPythonGenerator extends Generator<Record<string, unknown>, GeneratorOptions> {
  #given: Partial<Answers> = {};
  #interactive = false;
  answers!: Answers;

  constructor(args?: string[], options?: GeneratorOptions) {
    // customInstallTask: we write no package.json, so skip the install step and its message.
    super(args ?? [], options as GeneratorOptions, { customInstallTask: true });
    for (const q of QUESTIONS) {
      if (q.kind === 'argument') {
        this.argument(q.name, { type: String, required: false, description: `${q.description} (default: ${q.default})` });
      } else {
        this.option(q.name, {
          type: q.type === 'confirm' ? Boolean : q.multiple ? collect : String,
          description: `${q.description} (default: ${q.format ? q.format(q.default as never) : String(q.default)})`,
        });
      }
    }
    this.option('yes', { type: Boolean, alias: 'y', description: 'ask nothing: defaults for whatever was not given' });
    this.option('interactive', { type: Boolean, description: 'ask the questions (default: when stdin is a terminal)' });
    this.option('dry-run', { type: Boolean, description: 'list what would be written, and write nothing' });
    this.sourceRoot(TEMPLATES_DIR);
  }

  /** Flags are checked before anything is asked or written. */
  initializing(): void {
    const given: Partial<Record<keyof Answers, unknown>> = {};
    for (const q of QUESTIONS) given[q.name] = (this.options as Partial<Answers>)[q.name];
    this.#given = parseGiven(given);
  }

  async prompting(): Promise<void> {
    const interactive = !this.options.yes && (this.options.interactive ?? Boolean(process.stdin.isTTY));
    this.#interactive = interactive;
    const value = async <K extends keyof Answers>(q: Question<K>, fallback: Answers[K], earlier: Partial<Answers> = {}): Promise<Answers[K]> => {
      const given = this.#given[q.name];
      if (given !== undefined) return given as Answers[K];
      return interactive && q.ask !== false ? this.#ask(q, fallback, earlier) : fallback;
    };

    const [directoryQuestion, ...rest] = QUESTIONS;
    const directory = await value(directoryQuestion as Question<'directory'>, directoryQuestion.default as string);
    const target = path.resolve(this.contextRoot, directory);
    if (existsSync(target) && !statSync(target).isDirectory()) {
      throw new ValidationError('directory', `'${directory}' exists and is not a directory`);
    }
    if (existsSync(target) && readdirSync(target).length > 0) {
      this.log(`note: ${directory} exists and is not empty: files in it are only replaced with --force or your yes for each`);
    }
    // An existing project's answers are the defaults, so a re-run reproduces it.
    const stored = this.#stored(target);
    const answers: Partial<Answers> = { directory };
    for (const q of rest) {
      let fallback = (stored as Partial<Answers>)[q.name] ?? q.defaultFor?.(answers) ?? q.default;
      // A recorded version the (newly chosen) runtime family does not offer gives way to its default.
      if (q.name === 'python' && !findTarget(answers.runtime!, fallback as string)) fallback = q.defaultFor!(answers);
      (answers as Record<string, unknown>)[q.name] = await value(q, fallback as never, answers);
    }
    checkCombination(answers as Answers);
    const warning = pythonWarning(answers.python!);
    if (warning) this.log(`warning: ${warning}`);
    const missing = commandWarning(answers.entrypoint!, answers.deps!.map(requirementName));
    if (missing) this.log(`warning: ${missing}`);
    this.answers = answers as Answers;
  }

  writing(): void {
    const target = path.resolve(this.contextRoot, this.answers.directory);
    const files = renderProject(this.answers);
    const { directory: _directory, ...recorded } = this.answers;
    if (this.options['dry-run']) {
      const before = this.#recorded(target);
      const statuses: [string, string][] = [...files].map(([file, content]) => {
        const absolute = path.join(target, file);
        return [file, !existsSync(absolute) ? 'would create' : differs(absolute, content) ? 'would overwrite' : 'unchanged'];
      });
      statuses.push(['.yo-rc.json', !before ? 'would create' : JSON.stringify(before) !== JSON.stringify(recorded) ? 'would overwrite' : 'unchanged']);
      for (const [file, status] of statuses) this.log(`${status.padEnd(16)}${path.join(this.answers.directory, file)}`);
      return;
    }
    // Without a terminal nobody can answer yeoman's per-file "Overwrite?", so refuse up front
    // rather than write some files and stop at the first conflict.
    if (!this.#interactive && !this.options.force) {
      const differing = [...files].filter(([file, content]) => differs(path.join(target, file), content)).map(([file]) => file);
      const before = this.#recorded(target);
      if (before && JSON.stringify(before) !== JSON.stringify(recorded)) differing.push('.yo-rc.json');
      if (differing.length) {
        throw new ValidationError(
          'directory',
          `${this.answers.directory} already has ${differing.join(', ')} with other content; nothing was written (--force overwrites)`,
        );
      }
    }
    this.destinationRoot(target);
    for (const [file, content] of files) this.fs.write(this.destinationPath(file), content);
    this.createStorage('.yo-rc.json', { name: CONFIG_KEY }).set(recorded satisfies ProjectAnswers);
  }

  end(): void {
    if (this.options['dry-run']) return void this.log('Dry run: nothing was written.');
    const v = view(this.answers);
    const relative = path.relative(process.cwd(), this.destinationRoot());
    this.log('');
    this.log(`Created ${v.name}: Python ${v.target.version} on ${v.runtimeImage}.`);
    this.log('');
    this.log('Next steps:');
    if (relative) this.log(`  cd ${relative}`);
    this.log('  make build   # build the image');
    this.log(v.port === undefined ? '  make run     # run it' : `  make run     # serve it on http://localhost:${v.port}/ (make run PORT=9000 for another port)`);
    if (v.healthcheckJson) this.log('               # GET /health answers {"status": "ok"}; the image health check asks it');
    this.log('  make size    # see how small it is');
  }

  async #ask<K extends keyof Answers>(q: Question<K>, fallback: Answers[K], earlier: Partial<Answers>): Promise<Answers[K]> {
    // One prompt of the question's type; inquirer's typings want the type narrowed statically.
    const reply = await this.prompt<Record<string, unknown>>([promptFor(q, fallback, earlier) as never]);
    return q.parse(reply[q.name]);
  }

  /** What an earlier run recorded in `<target>/.yo-rc.json`, as written. */
  #recorded(target: string): Record<string, unknown> | undefined {
    const config = this.fs.readJSON(path.join(target, '.yo-rc.json'), {}) as Record<string, Record<string, unknown> | undefined>;
    return config[CONFIG_KEY];
  }

  /** Answers recorded by an earlier run, checked like flags; invalid ones are reported, not used. */
  #stored(target: string): Partial<ProjectAnswers> {
    const recorded = this.#recorded(target);
    if (!recorded) return {};
    const file = path.join(target, '.yo-rc.json');
    const { directory: _ignored, ...answers } = recorded;
    try {
      return parseGiven(answers);
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError(`${file}`, `recorded ${error.field} is invalid: ${error.rule}`);
      }
      throw error;
    }
  }
}
