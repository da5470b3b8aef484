/**
 * A new project: its answers resolved (flags, a preset's fixed answers, the answers an earlier run
 * recorded, a preset's defaults, the schema's), then its files planned (lib/render).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { findTarget } from './catalogue.js';
import { projectName, renderProject, view } from './render.js';
import { CONFIG_KEY, presetOf, type Io, type Plan, type RunInput } from './pipeline.js';
import { askFor, fixedBy, presetFiles, siteOf } from './resolve.js';
import { QUESTIONS, ValidationError, checkCombination, commandWarning, parseGiven, pythonWarning, requirementName, type Answers, type ProjectAnswers, type Question } from './questions.js';
import { isFileSpec, type Preset } from './preset.js';

/** Files that mark a folder as a Python project already: --existing is then what was meant. */
const PYTHON_PROJECT = ['pyproject.toml', 'requirements.txt', 'setup.py', 'Pipfile', 'poetry.lock', 'uv.lock', 'manage.py'];

/** What an earlier run recorded in `<target>/.yo-rc.json`, checked like flags; an invalid record is refused. */
function recorded(target: string): { answers: Partial<ProjectAnswers>; preset?: string } {
  const file = path.join(target, '.yo-rc.json');
  if (!existsSync(file)) return { answers: {} };
  let config: Record<string, Record<string, unknown> | undefined>;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as typeof config;
  } catch {
    throw new ValidationError(file, 'is not valid JSON: fix or remove it');
  }
  const { directory: _ignored, preset, ...answers } = config[CONFIG_KEY] ?? {};
  if (preset !== undefined && typeof preset !== 'string') throw new ValidationError(file, 'recorded preset is not a file or package name');
  try {
    return { answers: parseGiven(answers), preset };
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(file, `recorded ${error.field} is invalid: ${error.rule}`);
    throw error;
  }
}

export async function planNew(input: RunInput, io: Io): Promise<Plan> {
  const given = parseGiven(input.given);
  const ask = askFor(io);
  const [directoryQuestion, ...rest] = QUESTIONS as [Question<'directory'>, ...Question[]];
  const directory = given.directory ?? (io.interactive ? await ask(directoryQuestion, directoryQuestion.default, {}) : directoryQuestion.default);
  const target = path.resolve(input.cwd, directory);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new ValidationError('directory', `'${directory}' exists and is not a directory`);
  const entries = existsSync(target) ? readdirSync(target) : [];
  const stored = recorded(target);
  if (!input.flags.force && entries.length && !entries.includes('.yo-rc.json') && PYTHON_PROJECT.some((f) => entries.includes(f))) {
    throw new ValidationError('directory', `${directory} already holds a Python project (${PYTHON_PROJECT.filter((f) => entries.includes(f)).join(', ')}): to add the distroless build to it, give --existing ${directory} (--force writes a new project over it)`);
  }
  if (entries.length) io.log(`note: ${directory} exists and is not empty: files in it are only replaced with --force or your yes for each`);
  // A re-run keeps the preset the project was made with, unless another is given.
  const preset: Preset | undefined = presetOf(input.preset ?? stored.preset, input.preset === undefined && stored.preset ? target : input.cwd);
  const fixed = fixedBy(preset, given) as Partial<Answers>;
  const answers: Partial<Answers> = { directory };
  for (const q of rest) {
    const name = q.name;
    if (given[name] !== undefined || fixed[name] !== undefined) {
      (answers as Record<string, unknown>)[name] = given[name] ?? fixed[name];
      continue;
    }
    let fallback = (stored.answers as Partial<Answers>)[name] ?? (preset?.defaults as Partial<Answers> | undefined)?.[name] ?? q.defaultFor?.(answers) ?? q.default;
    // A recorded version the (newly chosen) runtime family does not offer gives way to its default.
    if (name === 'python' && !findTarget(answers.runtime!, fallback as string)) fallback = q.defaultFor!(answers);
    (answers as Record<string, unknown>)[name] = io.interactive && q.ask !== false ? await ask(q as Question<typeof name>, fallback as never, answers) : fallback;
  }
  checkCombination(answers);
  const done = answers as Answers;
  const warning = pythonWarning(done.python);
  if (warning) io.log(`warning: ${warning}`);
  const missing = commandWarning(done.entrypoint, done.deps.map(requirementName));
  if (missing) io.log(`warning: ${missing}`);

  const site = siteOf(preset);
  const v = view(done, undefined, site);
  const files = renderProject(done, site);
  for (const [file, content] of presetFiles(preset, v)) files.set(file, content);
  const { directory: _directory, ...record } = done;
  const relative = path.relative(input.cwd, target);
  return {
    mode: 'new',
    directory,
    target,
    files: [...files].map(([file, content]) => ({ file, content })),
    backups: [],
    record: { ...record, ...(preset ? { preset: recordedPreset(preset, target, input.cwd) } : {}) },
    kept: [],
    askPerFile: true,
    refusal: (differing) => `${directory} already has ${differing.map((d) => d.file).join(', ')} with other content; nothing was written (--force overwrites)`,
    done: {
      created: `Created ${projectName(directory)}: Python ${v.target.version} on ${v.runtimeImage}.`,
      updated: `Updated ${projectName(directory)}: Python ${v.target.version} on ${v.runtimeImage}.`,
      steps: [
        ...(relative ? [`cd ${relative}`] : []),
        'make build   # build the image',
        v.port === undefined ? 'make run     # run it' : `make run     # serve it on http://localhost:${v.port}/ (make run PORT=9000 for another port)`,
        ...(v.healthcheckJson ? ['             # GET /health answers {"status": "ok"}; the image health check asks it'] : []),
        'make size    # see how small it is',
      ],
    },
  };
}

/** How the project records its preset: a package by name, a file relative to the project, so the folder can move. */
function recordedPreset(preset: Preset, target: string, cwd: string): string {
  return isFileSpec(preset.source, cwd) ? path.relative(target, preset.file).split(path.sep).join('/') || preset.file : preset.source;
}

export type { Plan };
