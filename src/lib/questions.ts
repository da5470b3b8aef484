/**
 * The questions, defined once. Prompts, command-line flags, `--help` and validation are all
 * derived from this list, for `yo distroless-python` and `npm create distroless-python` alike.
 */
import path from 'node:path';
import { validRange } from '@renovatebot/pep440';
import { parsePipRequirementsLine } from 'pip-requirements-js';
import { STDLIB_MODULES } from './stdlib.js';
import { commandPort, parseCommand, type Command } from './start.js';
import { SERVERS, findServer } from './servers.js';
import { DEFAULT_FAMILY, DEFAULT_PYTHON, FAMILIES, OFFERED_VERSIONS, PYTHON_VERSIONS, findFamily, findTarget, findVersion, supportStatus } from './catalogue.js';
import { foundAtRunTime } from './system-packages.js';

export interface Answers {
  /** Directory to create the project in; its base name names the project and the image. */
  directory: string;
  /** Runtime family: distroless or chainguard. */
  runtime: string;
  python: string;
  /** PEP 508 requirements, as the user wrote them (trimmed). */
  deps: string[];
  nonroot: boolean;
  /**
   * `path/to/script.py` (run as a script), `dotted.module` (run with `python -m`),
   * `module:function`, or a command line with arguments (`gunicorn app:app`).
   */
  entrypoint: string;
  /** The port the app listens on, exposed and published; undefined for none. */
  port?: number;
  /** Whether the index URL comes from a BuildKit secret (an index with credentials) instead of a build argument. */
  'index-secret': boolean;
}

/** The answers a project records in `.yo-rc.json` (everything but where it lives). */
export type ProjectAnswers = Omit<Answers, 'directory'>;

export { ValidationError } from './errors.js';
import { ValidationError } from './errors.js';

export interface Question<K extends keyof Answers = keyof Answers> {
  name: K;
  /** `argument` is positional (`[directory]`); the others are `--<name>` flags. */
  kind: 'argument' | 'option';
  /** False for flag-only questions, which are never prompted for. */
  ask?: boolean;
  /** Prompt type, as inquirer names it. */
  type: 'input' | 'select' | 'confirm';
  /** Prompt text. */
  message: string;
  /** One line for `--help`. */
  description: string;
  /** Placeholder shown in `--help` after the flag (none for booleans). */
  valueName?: string;
  /** Whether the flag may repeat (values are collected). */
  multiple?: boolean;
  default: Answers[K];
  /** A default that depends on earlier answers (e.g. the Python version on the runtime family). */
  defaultFor?(earlier: Partial<Answers>): Answers[K];
  /** For `select`: the choices, given earlier answers. */
  choices?: (earlier: Partial<Answers>) => { name: string; value: string }[];
  /** Turns a raw value (flag text, repeated flag texts, prompt answer) into an answer, or throws ValidationError. */
  parse(raw: unknown): Answers[K];
  /** Turns an answer back into the text a prompt shows as its default. */
  format?(value: Answers[K]): string;
}

/** How a question is named in messages: `--python`, or `directory` for the positional argument. */
export function fieldName(q: Pick<Question, 'kind' | 'name'>): string {
  return q.kind === 'argument' ? q.name : `--${q.name}`;
}

// A Docker repository name component (distribution/reference): lowercase alphanumerics joined by
// single separators. The project name becomes the image name, so it must be one.
const IMAGE_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function text(raw: unknown, field: string): string {
  if (typeof raw !== 'string') throw new ValidationError(field, 'expected a text value');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new ValidationError(field, 'must not contain control characters');
  return raw;
}

/** The nearest image name to a folder name ('My App' -> 'my-app'), if there is one. */
function imageNameLike(name: string): string | undefined {
  const like = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[._-]*([._-])[._-]*/g, '$1')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 128);
  return IMAGE_NAME.test(like) ? like : undefined;
}

export function parseDirectory(raw: unknown): string {
  const value = text(raw, 'directory').trim();
  if (value === '') throw new ValidationError('directory', 'must not be empty');
  const name = path.basename(path.resolve(value));
  if (name.length > 128 || !IMAGE_NAME.test(name)) {
    const suggested = imageNameLike(name);
    throw new ValidationError(
      'directory',
      `'${name}' cannot name a Docker image: use lowercase letters, digits and single . _ - between them${suggested ? ` (e.g. '${suggested}')` : ''}`,
    );
  }
  return value;
}

const OFFERED = OFFERED_VERSIONS.join(', ');
/** Versions the catalogue knows that no family offers yet (it says why when one is asked for). */
const PENDING = PYTHON_VERSIONS.map((v) => v.version).filter((v) => !OFFERED_VERSIONS.includes(v));

export function parsePython(raw: unknown): string {
  const value = text(raw, '--python').trim();
  if (findVersion(value)) return value;
  const minor = /^(\d+\.\d+)\.\d+$/.exec(value);
  if (minor && findVersion(minor[1])) {
    throw new ValidationError('--python', `give major.minor (${minor[1]}), not a patch release: the patch level comes from the image (offered: ${OFFERED})`);
  }
  throw new ValidationError('--python', `'${value}' is not offered (offered: ${OFFERED})`);
}

export function parseRuntime(raw: unknown): string {
  const value = text(raw, '--runtime').trim();
  if (findFamily(value)) return value;
  throw new ValidationError('--runtime', `'${value}' is not a runtime family (offered: ${FAMILIES.map((f) => f.name).join(', ')})`);
}

/** The Python version a family offers by default: the project default if it has it, else its newest. */
export function defaultPython(family: string): string {
  const offered = Object.keys(findFamily(family)?.targets ?? {}).sort();
  return offered.includes(DEFAULT_PYTHON) ? DEFAULT_PYTHON : (offered.at(-1) ?? DEFAULT_PYTHON);
}

/**
 * The module names of the project's own code that an entrypoint imports first: a script's own
 * name, a module's top-level package, a command's app module.
 */
function entrypointModules(entrypoint: string): string[] {
  const entry = classifyEntrypoint(entrypoint);
  if (entry.kind === 'script') return [scriptModule(entry.path)];
  if (entry.kind !== 'command') return [entry.module.split('.')[0]];
  const c = entry.command;
  const modules: string[] = [];
  if (c.script) modules.push(scriptModule(c.script));
  if (c.app?.module) modules.push(c.app.module.split('.')[0]);
  if (c.app?.path?.endsWith('.py')) modules.push(scriptModule(c.app.path));
  return modules;
}

const scriptModule = (file: string): string => file.split('/').at(-1)!.slice(0, -'.py'.length);

/**
 * Checks answers against each other: the runtime family must offer the Python version (named as
 * `pythonFrom`'s when it was read from the project), and the entrypoint must not shadow a
 * dependency it imports.
 */
export function checkCombination(answers: Partial<Pick<Answers, 'runtime' | 'python' | 'deps' | 'entrypoint' | 'port'>>, pythonFrom?: string): void {
  const { runtime = DEFAULT_FAMILY, python, deps, entrypoint, port } = answers;
  if (python !== undefined && !findTarget(runtime, python)) {
    const family = findFamily(runtime)!;
    const offered = Object.keys(family.targets).sort().join(', ');
    // A version read from a project's file (`pythonFrom`) is named as that file's, not as a flag's.
    throw new ValidationError(
      '--python',
      pythonFrom
        ? `${pythonFrom} asks for ${python}, which --runtime ${runtime} does not offer: ${family.refusal(python)} (offered: ${offered}); give --python to build on one of those`
        : `${python} is not offered with --runtime ${runtime}: ${family.refusal(python)} (offered: ${offered})`,
    );
  }
  const cannot = deps === undefined ? undefined : foundAtRunTime(deps);
  if (cannot) throw new ValidationError('--deps', cannot);
  if (entrypoint !== undefined && deps !== undefined) {
    for (const module of entrypointModules(entrypoint)) {
      const shadowed = deps.map(requirementName).find((name) => normaliseName(name).replaceAll('-', '_') === module.toLowerCase());
      if (shadowed) throw new ValidationError('--entrypoint', `'${module}' would shadow the dependency ${shadowed} for every import; rename it`);
    }
  }
  if (entrypoint !== undefined && 'port' in answers && port === undefined) {
    const entry = classifyEntrypoint(entrypoint);
    if (entry.kind === 'command' && entry.command.serving && !entry.command.bind.socket && entry.command.bind.port === undefined) {
      const server = entry.command.server!;
      throw new ValidationError('--port', `${server.script} serves on a port: give one (its own default is ${server.serves!.port}${server.serves!.host === '0.0.0.0' ? '' : `, on ${server.serves!.host} only`})`);
    }
  }
  if (entrypoint !== undefined && port !== undefined) {
    const entry = classifyEntrypoint(entrypoint);
    if (entry.kind === 'command' && entry.command.server?.worker) {
      throw new ValidationError('--port', `${entry.command.server.script} is a worker and listens on no port: give '-' (or no --port)`);
    }
    const bound = entry.kind === 'command' ? entry.command.bind.port : undefined;
    if (bound !== undefined && bound !== port) {
      throw new ValidationError('--port', `${port} is not the port the command binds (${bound}): give --port ${bound}, or change the bind`);
    }
  }
}

/** Levenshtein distance, for "did you mean" hints on short names. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/** The port proposed for an entrypoint: the one its command binds, else its server's default; none for scripts. */
export function proposedPort(entrypoint: string | undefined): number | undefined {
  if (entrypoint === undefined) return undefined;
  const entry = classifyEntrypoint(entrypoint);
  return entry.kind === 'command' ? commandPort(entry.command) : undefined;
}

/**
 * A warning when no listed dependency provides the command's console script: the build's check
 * stage would then fail on it. Names the distribution that provides it, when it is a known one.
 */
export function commandWarning(entrypoint: string, distributions: readonly string[] | undefined): string | undefined {
  const entry = classifyEntrypoint(entrypoint);
  if (entry.kind !== 'command' || distributions === undefined) return undefined;
  const { program, module, server } = entry.command;
  const names = new Set(distributions.map(normaliseName));
  if (program === 'python' && !module) return undefined;
  const needed = server?.distribution ?? program;
  const wanted = normaliseName(requirementName(needed));
  if (names.has(wanted)) return undefined;
  // A console script named like no dependency may still come from one (e.g. a package's own script).
  if (!server) {
    if (module) return undefined;
    const near = SERVERS.find((s) => editDistance(s.script, program) <= 2);
    const hint = near ? ` (did you mean ${near.script}?)` : '';
    return `no listed dependency is named like '${program}'${hint}: the build fails at the check stage unless one of them installs that console script`;
  }
  const what = module ? `python -m ${module}` : program;
  return `${what} comes from ${needed}, which is not a dependency: add it (e.g. --deps '${needed}'), or the build fails at the check stage`;
}

/** A warning for a development server as the image's command (Django's runserver), else undefined. */
export function developmentWarning(entrypoint: string): string | undefined {
  const entry = classifyEntrypoint(entrypoint);
  if (entry.kind !== 'command') return undefined;
  const { words, script, argsFrom } = entry.command;
  const django = (script !== undefined && path.posix.basename(script) === 'manage.py') || words[0] === 'django-admin';
  if (!django || words[argsFrom] !== 'runserver') return undefined;
  return "manage.py runserver is Django's development server, which Django says not to use in production: serve the project's WSGI app with a server instead, e.g. --entrypoint 'gunicorn <project>.wsgi:application' with gunicorn among the dependencies";
}

/** A warning for a version past or within a year of its end of life, else undefined. */
export function pythonWarning(version: string, today = new Date()): string | undefined {
  const { status, endOfLife } = supportStatus(version, today);
  if (status === 'end of life') return `Python ${version} reached its end of life in ${endOfLife}: it gets no more security fixes`;
  if (status === 'near end of life') return `Python ${version} reaches its end of life in ${endOfLife}: plan the upgrade`;
  return undefined;
}

/** PEP 503 normalised distribution name. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

// PEP 508's own definition of a distribution name.
const DISTRIBUTION_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const MAX_REQUIREMENT = 200;

/** The parsed requirement, or undefined when `item` is not one (syntax); throws when it is one we refuse. */
function tryRequirement(item: string): { text: string; name: string } | undefined {
  if (item.startsWith('-')) {
    throw new ValidationError('--deps', `'${item}' is an option; only requirements are allowed (no -r, -e, --index-url, ...)`);
  }
  if (item.includes('#')) throw new ValidationError('--deps', `'${item}' holds a comment (#); give requirements only`);
  if (item.length > MAX_REQUIREMENT) throw new ValidationError('--deps', `a requirement is longer than ${MAX_REQUIREMENT} characters`);
  // A bare name is a whole requirement by PEP 508's own definition; the grammar is for the rest.
  if (DISTRIBUTION_NAME.test(item)) return { text: item, name: item };
  let parsed;
  try {
    parsed = parsePipRequirementsLine(item);
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  if (parsed.type !== 'ProjectName') {
    throw new ValidationError('--deps', `'${item}' is a direct reference; only names with versions and markers are allowed`);
  }
  if (!DISTRIBUTION_NAME.test(parsed.name)) {
    throw new ValidationError('--deps', `'${parsed.name}' is not a distribution name (ASCII letters, digits, . _ -)`);
  }
  for (const { operator, version } of parsed.versionSpec ?? []) {
    if (!validRange(`${operator}${version}`)) throw new ValidationError('--deps', `'${operator}${version}' in '${item}' is not a PEP 440 version specifier`);
  }
  return { text: item, name: parsed.name };
}

function parseRequirement(item: string): { text: string; name: string } {
  const requirement = tryRequirement(item);
  if (!requirement) throw new ValidationError('--deps', `'${item}' is not a PEP 508 requirement (name[extras] specifiers ; marker)`);
  return requirement;
}

/**
 * Dependencies: each value is either one requirement (it may hold spaces, e.g. a marker) or
 * several separated by whitespace. `-` or an empty value means none.
 */
export function parseDeps(raw: unknown): string[] {
  const values = Array.isArray(raw) ? raw : [raw];
  const out: { text: string; name: string }[] = [];
  for (const rawValue of values) {
    const value = text(rawValue, '--deps').trim();
    if (value === '' || value === '-') continue;
    const whole = tryRequirement(value);
    out.push(...(whole ? [whole] : value.split(/\s+/).map(parseRequirement)));
  }
  const seen = new Set<string>();
  for (const { name } of out) {
    const key = normaliseName(name);
    if (seen.has(key)) throw new ValidationError('--deps', `'${name}' is listed more than once`);
    seen.add(key);
  }
  return out.map((r) => r.text);
}

export function requirementName(requirement: string): string {
  return parseRequirement(requirement).name;
}

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export type Entrypoint =
  | { kind: 'script'; path: string }
  | { kind: 'module'; module: string }
  /** An entry-point object reference, `package.module:function`, as in [project.scripts]. */
  | { kind: 'callable'; module: string; function: string }
  /** A command line: a console script (or python) with arguments. */
  | { kind: 'command'; command: Command };

/** Whether an entrypoint is a command line: words separated by white space. */
export const isCommandLine = (value: string): boolean => /\s/.test(value.trim());

export function classifyEntrypoint(value: string): Entrypoint {
  if (isCommandLine(value)) return { kind: 'command', command: parseCommand(value.trim()) };
  if (value.endsWith('.py')) return { kind: 'script', path: value };
  const [module, fn] = value.split(':');
  return fn === undefined ? { kind: 'module', module } : { kind: 'callable', module, function: fn };
}

export function parseEntrypoint(raw: unknown): string {
  const trimmed = text(raw, '--entrypoint').trim();
  const value = isCommandLine(trimmed) ? checkCommand(trimmed) : checkEntrypointShape(trimmed);
  for (const module of entrypointModules(value)) {
    if (STDLIB_MODULES.has(module)) {
      throw new ValidationError('--entrypoint', `'${module}' is a standard-library module name and would shadow it for every import; rename it`);
    }
  }
  return value;
}

/** A command line: parsed (shell words, no shell syntax), its script and app paths as safe as a script entrypoint's. */
function checkCommand(value: string): string {
  const { command } = classifyEntrypoint(value) as { command: Command };
  if (command.script) checkScriptPath(command.script);
  if (command.app?.path) checkScriptPath(command.app.path.endsWith('.py') ? command.app.path : `${command.app.path.replace(/\/$/, '')}/__init__.py`);
  return value;
}

const MAX_ENTRYPOINT = 200;

function checkEntrypointShape(value: string): string {
  if (value.length > MAX_ENTRYPOINT) throw new ValidationError('--entrypoint', `is longer than ${MAX_ENTRYPOINT} characters`);
  if (value.endsWith('.py')) return checkScriptPath(value);
  const [module, fn, ...rest] = value.split(':');
  const identifiers = [...module.split('.'), ...(fn === undefined ? [] : [fn])];
  if (rest.length > 0 || !identifiers.every((p) => IDENTIFIER.test(p) && !PY_KEYWORDS.has(p))) {
    throw new ValidationError(
      '--entrypoint',
      `'${value}' is neither a script path ending in .py, a dotted module name of Python identifiers, module:function, nor a command line with arguments`,
    );
  }
  return value;
}

function checkScriptPath(value: string): string {
  if (value.startsWith('/')) throw new ValidationError('--entrypoint', 'must be a path relative to the project, not absolute');
  const segments = value.split('/');
  if (segments.some((s) => s === '..')) throw new ValidationError('--entrypoint', "must stay inside the project (no '..')");
  if (!segments.every((s) => PATH_SEGMENT.test(s)) || segments.at(-1) === '.py') {
    throw new ValidationError('--entrypoint', `'${value}' is not a safe script path: use letters, digits, _ . - and / (e.g. src/app.py)`);
  }
  return value;
}

/** A port: a whole number from 1 to 65535; '' or '-' for none. */
export function parsePort(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 65535) return raw;
  const value = text(typeof raw === 'number' ? String(raw) : raw, '--port').trim();
  if (value === '' || value === '-') return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw new ValidationError('--port', `'${value}' is not a port: give a whole number from 1 to 65535 ('-' for none)`);
  }
  return Number(value);
}

function parseBoolean(field: string) {
  return (raw: unknown): boolean => {
    if (typeof raw === 'boolean') return raw;
    throw new ValidationError(field, 'expected yes or no');
  };
}

export const QUESTIONS: readonly Question[] = [
  {
    name: 'directory',
    kind: 'argument',
    type: 'input',
    message: 'Project directory',
    description: 'directory to create; its name is the project and image name',
    default: 'my-app',
    parse: parseDirectory,
  } satisfies Question<'directory'>,
  {
    name: 'runtime',
    kind: 'option',
    ask: false,
    type: 'select',
    message: 'Runtime family',
    description: `runtime image family (${FAMILIES.map((f) => f.name).join(', ')})`,
    valueName: 'family',
    default: DEFAULT_FAMILY,
    parse: parseRuntime,
  } satisfies Question<'runtime'>,
  {
    name: 'python',
    kind: 'option',
    type: 'select',
    message: 'Python version',
    description: `Python version (${OFFERED}${PENDING.length ? `; not yet ${PENDING.join(', ')}` : ''})`,
    valueName: 'version',
    default: DEFAULT_PYTHON,
    defaultFor: (earlier) => defaultPython(earlier.runtime ?? DEFAULT_FAMILY),
    choices: (earlier) =>
      Object.entries(findFamily(earlier.runtime ?? DEFAULT_FAMILY)!.targets)
        .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
        .map(([version, offer]) => {
          const warning = supportStatus(version).status !== 'supported' ? `, ${supportStatus(version).status} ${supportStatus(version).endOfLife}` : '';
          return { name: `${version}  (${offer.strategy}: ${offer.runtime.image}${warning})`, value: version };
        }),
    parse: parsePython,
  } satisfies Question<'python'>,
  {
    name: 'deps',
    kind: 'option',
    type: 'input',
    message: 'Dependencies (PEP 508, separated by spaces; - for none)',
    description: "PEP 508 requirements separated by spaces; repeat for one with spaces; '-' for none",
    valueName: 'reqs',
    multiple: true,
    default: ['emoji'],
    parse: parseDeps,
    format: (deps) => (deps.length ? deps.join(' ') : '-'),
  } satisfies Question<'deps'>,
  {
    name: 'nonroot',
    kind: 'option',
    type: 'confirm',
    message: 'Run as the nonroot user (uid 65532)?',
    description: 'run as the nonroot user, uid 65532 (--no-nonroot: as root)',
    default: true,
    parse: parseBoolean('--nonroot'),
  } satisfies Question<'nonroot'>,
  {
    name: 'entrypoint',
    kind: 'option',
    type: 'input',
    message: 'Entrypoint (script path, module for python -m, module:function, or a command such as gunicorn app:app)',
    description: "script path such as src/app.py, a dotted module run with python -m, module:function, or a command line such as 'gunicorn app:app'",
    valueName: 'target',
    default: 'src/app.py',
    parse: parseEntrypoint,
  } satisfies Question<'entrypoint'>,
  {
    name: 'port',
    kind: 'option',
    type: 'input',
    message: "Port the app listens on ('-' for none)",
    description: "port the app listens on, 1-65535 ('-' for none; proposed for known servers)",
    valueName: 'port',
    default: undefined,
    defaultFor: (earlier) => proposedPort(earlier.entrypoint),
    parse: parsePort,
    format: (port) => (port === undefined ? '-' : String(port)),
  } satisfies Question<'port'>,
  {
    name: 'index-secret',
    kind: 'option',
    ask: false,
    type: 'confirm',
    message: 'Read the index URL, with its credentials, from a BuildKit secret?',
    description: 'read PIP_INDEX_URL from the BuildKit secret pip_index_url, never a build argument (needs BuildKit)',
    default: false,
    parse: parseBoolean('--index-secret'),
  } satisfies Question<'index-secret'>,
] as unknown as readonly Question[];

export function question<K extends keyof Answers>(name: K): Question<K> {
  return QUESTIONS.find((q) => q.name === name) as unknown as Question<K>;
}

/** Defaults for every answer. */
export function defaults(): Answers {
  return Object.fromEntries(QUESTIONS.map((q) => [q.name, q.default])) as unknown as Answers;
}

/**
 * Validates and normalises whatever answers were given (flags, stored config), leaving out the
 * ones not given. Throws the first ValidationError, including a runtime family that does not
 * offer the given Python version.
 */
export function parseGiven(given: Partial<Record<keyof Answers, unknown>>): Partial<Answers> {
  const out: Partial<Record<keyof Answers, unknown>> = {};
  for (const q of QUESTIONS) {
    if (given[q.name] !== undefined) out[q.name] = q.parse(given[q.name]);
  }
  const answers = out as Partial<Answers>;
  checkCombination(answers);
  return answers;
}

/**
 * The inquirer prompt for a question: its default shown as text, its choices given the earlier
 * answers, and (for text input) the same validation as the flag, re-asking with the rule.
 */
export function promptFor<K extends keyof Answers>(q: Question<K>, fallback: Answers[K], earlier: Partial<Answers>): Record<string, unknown> {
  return {
    type: q.type,
    name: q.name,
    message: q.message,
    default: q.format ? q.format(fallback) : fallback,
    ...(q.choices ? { choices: q.choices(earlier) } : {}),
    ...(q.type === 'input'
      ? {
          validate: (input: string) => {
            try {
              checkCombination({ ...earlier, [q.name]: q.parse(input) });
              return true;
            } catch (error) {
              return error instanceof ValidationError ? error.rule : String(error);
            }
          },
        }
      : {}),
  };
}
