/**
 * Presets: a JSON file a platform team ships to fit the generator to its company (pre-filled and
 * fixed answers, registry mirrors, an internal package index, image labels, extra files).
 * Everything in one is checked here, before anything is generated, because its values end up in
 * a Dockerfile and a Makefile: a value that could break out of its quotes, be expanded, or leak a
 * credential into an image layer is refused with a one-line message naming its key.
 *
 * No yeoman imports: the create CLI bundles this and must start at once.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ValidationError } from './errors.js';
import { QUESTIONS, checkCombination, type Answers, type ProjectAnswers } from './questions.js';

/** The registries a preset may mirror: those the generated files pull images from, and quay.io. */
export const REGISTRIES: readonly string[] = Object.freeze(['docker.io', 'gcr.io', 'ghcr.io', 'cgr.dev', 'quay.io']);

export interface Preset {
  /** How it was given: a path (as typed) or a package name; recorded in .yo-rc.json so re-runs use it. */
  source: string;
  /** Absolute path of the JSON file read. */
  file: string;
  name?: string;
  /** Pre-filled answers: still asked, and a flag wins. */
  defaults: Partial<ProjectAnswers>;
  /** Fixed answers: never asked, and a flag may not contradict them. */
  answers: Partial<ProjectAnswers>;
  /** Registry (one of REGISTRIES) → mirror prefix (`host[:port][/path]`). */
  mirrors: Readonly<Record<string, string>>;
  pipIndexUrl?: string;
  labels: Readonly<Record<string, string>>;
  /** Absolute directory of extra files, when given. */
  files?: string;
}

const TOP_LEVEL = ['$schema', 'name', 'defaults', 'answers', 'mirrors', 'pipIndexUrl', 'labels', 'files'] as const;
/** The directory is where this project goes, not company policy, so a preset cannot set it. */
const ANSWER_KEYS = QUESTIONS.map((q) => q.name).filter((name) => name !== 'directory') as (keyof ProjectAnswers)[];

const NAME = /^[A-Za-z0-9@/._ -]{1,100}$/;
/** A registry host as distribution/reference allows it: DNS name or IPv4, or a bracketed IPv6, then an optional port. */
const HOST = String.raw`(?:(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?`;
/** A repository path component; the separators are distribution/reference's (`.`, `_`, `__`, dashes). */
const COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const MIRROR = new RegExp(`^${HOST}(?:/${COMPONENT})*$`);
const MAX_MIRROR = 255;
const MAX_URL = 500;
/** Characters a URL must not hold: it is written into a Dockerfile and a Makefile, inside quotes. */
// eslint-disable-next-line no-control-regex
const URL_UNSAFE = /["'`$\\\s\u0000-\u001f\u007f-\u009f]/;
const LABEL_KEY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const MAX_LABEL_KEY = 128;
const MAX_LABEL_VALUE = 500;
const MAX_LABELS = 50;
/**
 * What a label value must not hold: it is written between double quotes on a LABEL line, where `"`
 * and `\` would end or escape the quotes, `$` and backticks would be expanded, and control, format
 * (bidi overrides), separator and lone-surrogate characters are not printable.
 */
const LABEL_UNSAFE = /["\\$`\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
/** npm's package name rules (validate-npm-package-name, for new packages): lowercase, URL-safe, optionally scoped. */
const PACKAGE_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const MAX_PACKAGE_NAME = 214;
/** A preset is a small configuration file; anything bigger is not one. */
const MAX_PRESET_BYTES = 1024 * 1024;

/** Messages are one line: control and line-separator characters are shown escaped, never printed. */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function refuse(shown: string, key: string | undefined, rule: string): never {
  throw new ValidationError('--preset', oneLine(key === undefined ? `${shown}: ${rule}` : `${shown}: ${key}: ${rule}`));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/**
 * Validates a parsed JSON document; `file` is the absolute path (for resolving `files`), `source` as
 * given. `shown` names the preset in messages (by default `source`).
 */
export function parsePreset(document: unknown, file: string, source: string, shown: string = source): Preset {
  if (!isObject(document)) refuse(shown, undefined, `must be a JSON object, not ${typeOf(document)}`);
  for (const key of Object.keys(document)) {
    if (!(TOP_LEVEL as readonly string[]).includes(key)) refuse(shown, key, `unknown key (known: ${TOP_LEVEL.join(', ')})`);
  }
  const absolute = path.resolve(file);
  const preset: Preset = { source, file: absolute, defaults: {}, answers: {}, mirrors: Object.freeze({}), labels: Object.freeze({}) };
  const { $schema, name, defaults, answers, mirrors, pipIndexUrl, labels, files } = document;
  // `$schema` is for editors only; it says nothing to the generator.
  if ($schema !== undefined && typeof $schema !== 'string') refuse(shown, '$schema', `must be a string, not ${typeOf($schema)}`);
  if (name !== undefined) preset.name = parseName(name, shown);
  if (defaults !== undefined) preset.defaults = parseAnswers(defaults, 'defaults', shown);
  if (answers !== undefined) preset.answers = parseAnswers(answers, 'answers', shown);
  checkAnswerPair(preset.defaults, preset.answers, shown);
  if (mirrors !== undefined) preset.mirrors = parseMirrors(mirrors, shown);
  if (pipIndexUrl !== undefined) preset.pipIndexUrl = parsePipIndexUrl(pipIndexUrl, shown);
  if (labels !== undefined) preset.labels = parseLabels(labels, shown);
  if (files !== undefined) preset.files = parseFiles(files, path.dirname(absolute), shown);
  return preset;
}

function parseName(value: unknown, shown: string): string {
  if (typeof value !== 'string') refuse(shown, 'name', `must be a string, not ${typeOf(value)}`);
  if (!NAME.test(value)) refuse(shown, 'name', 'must be 1-100 characters of letters, digits, space and @ / . _ -');
  return value;
}

/** Each answer is checked by its own question's parser, so a preset is held to the flags' rules. */
function parseAnswers(value: unknown, where: 'defaults' | 'answers', shown: string): Partial<ProjectAnswers> {
  if (!isObject(value)) refuse(shown, where, `must be an object of answers, not ${typeOf(value)}`);
  const out: Partial<Record<keyof ProjectAnswers, unknown>> = {};
  for (const [key, raw] of Object.entries(value)) {
    const q = QUESTIONS.find((candidate) => candidate.name === key && candidate.name !== 'directory');
    if (!q) {
      const why = key === 'directory' ? 'a preset cannot choose where the project goes' : 'unknown key';
      refuse(shown, `${where}.${key}`, `${why} (known: ${ANSWER_KEYS.join(', ')})`);
    }
    try {
      // '-' for the port parses to undefined and is kept as an own key: "no port" is an answer.
      out[q.name as keyof ProjectAnswers] = q.parse(raw);
    } catch (error) {
      if (error instanceof ValidationError) refuse(shown, `${where}.${key}`, error.rule);
      throw error;
    }
  }
  return out as Partial<ProjectAnswers>;
}

/** A key in both would leave it unclear whether it is asked; and together they must make sense. */
function checkAnswerPair(defaults: Partial<ProjectAnswers>, answers: Partial<ProjectAnswers>, shown: string): void {
  for (const key of Object.keys(defaults)) {
    if (Object.hasOwn(answers, key)) refuse(shown, `defaults.${key}`, `also in answers.${key}: give it in one of them (answers fixes it, defaults only pre-fills it)`);
  }
  try {
    checkCombination({ ...defaults, ...answers });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const key = error.field.replace(/^--/, '') as keyof Answers;
    const at = Object.hasOwn(answers, key) ? `answers.${key}` : Object.hasOwn(defaults, key) ? `defaults.${key}` : 'defaults and answers';
    refuse(shown, at, error.rule);
  }
}

function parseMirrors(value: unknown, shown: string): Readonly<Record<string, string>> {
  if (!isObject(value)) refuse(shown, 'mirrors', `must be an object of registry to mirror, not ${typeOf(value)}`);
  const out: Record<string, string> = {};
  for (const [registry, mirror] of Object.entries(value)) {
    const key = `mirrors.${registry}`;
    if (!REGISTRIES.includes(registry)) refuse(shown, key, `unknown registry (known: ${REGISTRIES.join(', ')})`);
    out[registry] = parseMirror(mirror, key, shown);
  }
  return Object.freeze(out);
}

/** A mirror is a prefix an image path is appended to, so it is a host and repository path and nothing more. */
function parseMirror(value: unknown, key: string, shown: string): string {
  if (typeof value !== 'string') refuse(shown, key, `must be a string, not ${typeOf(value)}`);
  if (value.length === 0) refuse(shown, key, 'must not be empty');
  if (value.length > MAX_MIRROR) refuse(shown, key, `is longer than ${MAX_MIRROR} characters`);
  if (/\s/.test(value)) refuse(shown, key, 'must not contain whitespace');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) refuse(shown, key, `give the host and path without a scheme (e.g. '${value.replace(/^[^:]+:\/\//, '').replace(/\/+$/, '')}')`);
  if (value.endsWith('/')) refuse(shown, key, 'must not end in /');
  const match = MIRROR.exec(value);
  if (!match) {
    const afterHost = value.includes('/') ? value.slice(value.indexOf('/') + 1) : '';
    if (/[:@]/.test(afterHost)) refuse(shown, key, 'is a prefix images are appended to: no tag or digest');
    refuse(shown, key, `'${value}' is not a registry host[:port] followed by an optional path of lowercase repository components (e.g. registry.example.internal/hub)`);
  }
  if (match[1] !== undefined && (Number(match[1]) < 1 || Number(match[1]) > 65535)) refuse(shown, key, `port ${match[1]} is not from 1 to 65535`);
  return value;
}

/**
 * The index URL is written into the image's build, so credentials in it would be kept in a layer
 * and in the build history for anyone who pulls the image.
 */
function parsePipIndexUrl(value: unknown, shown: string): string {
  const key = 'pipIndexUrl';
  if (typeof value !== 'string') refuse(shown, key, `must be a string, not ${typeOf(value)}`);
  if (value.length > MAX_URL) refuse(shown, key, `is longer than ${MAX_URL} characters`);
  if (URL_UNSAFE.test(value)) refuse(shown, key, 'must not contain quotes, whitespace, $, \\, ` or control characters');
  // WHATWG URL parsing is lenient with special schemes ('https:host' parses); ask for the plain form.
  if (!/^https?:\/\//i.test(value)) refuse(shown, key, `must be an absolute http: or https: URL (e.g. https://pypi.example.internal/simple/)`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    refuse(shown, key, `'${value}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse(shown, key, 'must be an absolute http: or https: URL');
  if (url.username !== '' || url.password !== '') {
    refuse(shown, key, 'must not hold credentials (user:password@): they belong in a BuildKit secret or pip.conf, not in the image');
  }
  return url.href;
}

function parseLabels(value: unknown, shown: string): Readonly<Record<string, string>> {
  if (!isObject(value)) refuse(shown, 'labels', `must be an object of label key to value, not ${typeOf(value)}`);
  const entries = Object.entries(value);
  if (entries.length > MAX_LABELS) refuse(shown, 'labels', `holds ${entries.length} labels; at most ${MAX_LABELS}`);
  const out: Record<string, string> = {};
  for (const [label, text] of entries) {
    const key = `labels.${label}`;
    if (label.length > MAX_LABEL_KEY) refuse(shown, key, `a label key is at most ${MAX_LABEL_KEY} characters`);
    if (!LABEL_KEY.test(label)) refuse(shown, key, 'a label key is lowercase letters and digits with single . _ - between them (e.g. com.example.team)');
    if (typeof text !== 'string') refuse(shown, key, `must be a string, not ${typeOf(text)}`);
    if (text.length > MAX_LABEL_VALUE) refuse(shown, key, `is longer than ${MAX_LABEL_VALUE} characters`);
    if (LABEL_UNSAFE.test(text)) refuse(shown, key, 'must hold printable characters only, without ", \\, $ or `: it is written between quotes on a LABEL line');
    out[label] = text;
  }
  return Object.freeze(out);
}

/** Relative to the preset, so a preset and its files move together; `..` is fine if it lands on a directory. */
function parseFiles(value: unknown, base: string, shown: string): string {
  if (typeof value !== 'string') refuse(shown, 'files', `must be a string, not ${typeOf(value)}`);
  if (value.trim() === '') refuse(shown, 'files', 'must not be empty');
  if (path.isAbsolute(value)) refuse(shown, 'files', 'must be a path relative to the preset file, not absolute');
  const directory = path.resolve(base, value);
  let isDirectory = false;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    refuse(shown, 'files', `'${value}' does not exist (looked for ${directory})`);
  }
  if (!isDirectory) refuse(shown, 'files', `'${value}' is not a directory (${directory})`);
  return directory;
}

/** Whether a spec names a file rather than a package. */
/** Whether `--preset` names a file (else a package). */
export function isFileSpec(spec: string, cwd: string): boolean {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.endsWith('.json')) return true;
  try {
    return statSync(path.resolve(cwd, spec)).isFile();
  } catch {
    return false;
  }
}

/**
 * Loads a preset given as `--preset <spec>` relative to `cwd`:
 * - a spec that starts with `.` or `/` or ends in `.json`, or names an existing file: that JSON file (relative to cwd);
 * - otherwise an npm package name (`@acme/python-preset`, `acme-preset`), resolved from `cwd` as Node resolves it, so
 *   a preset is versioned and installed like any other dev dependency; its file is the package.json field
 *   `"distroless-python": { "preset": "./preset.json" }` if present, else `preset.json` at the package root.
 * Unreadable file, invalid JSON, package not found: one-line ValidationError('--preset', ...).
 */
export function loadPreset(spec: string, cwd: string): Preset {
  if (typeof spec !== 'string' || spec.trim() === '') refuse(String(spec ?? ''), undefined, 'give a preset file or an npm package name');
  if (isFileSpec(spec, cwd)) {
    const file = path.resolve(cwd, spec);
    return parsePreset(readJson(file, spec), file, spec, spec);
  }
  if (spec.length > MAX_PACKAGE_NAME || !PACKAGE_NAME.test(spec)) {
    refuse(spec, undefined, 'is neither a preset file (no such file) nor an npm package name (e.g. @acme/python-preset)');
  }
  const root = path.dirname(resolvePackageJson(spec, cwd));
  const manifest = readJson(path.join(root, 'package.json'), `${spec}/package.json`);
  const field = isObject(manifest) ? manifest['distroless-python'] : undefined;
  let relative = 'preset.json';
  if (field !== undefined) {
    const given = isObject(field) ? field.preset : undefined;
    if (typeof given !== 'string' || given === '') refuse(`${spec}/package.json`, '"distroless-python".preset', 'must be the path of the preset file in the package (e.g. "./preset.json")');
    const inside = path.relative(root, path.resolve(root, given));
    if (path.isAbsolute(given) || inside.startsWith('..') || path.isAbsolute(inside)) {
      refuse(`${spec}/package.json`, '"distroless-python".preset', `'${given}' must be a path inside the package`);
    }
    relative = inside;
  }
  const file = path.join(root, relative);
  const shown = `${spec}/${relative.split(path.sep).join('/')}`;
  return parsePreset(readJson(file, shown), file, spec, shown);
}

/** The package's package.json, found from `cwd` as `import` would find the package. */
function resolvePackageJson(name: string, cwd: string): string {
  const require = createRequire(path.join(cwd, 'noop.js'));
  try {
    return require.resolve(`${name}/package.json`);
  } catch (error) {
    // A package whose `exports` leaves out ./package.json is still installed: look in the same places.
    if ((error as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      for (const dir of require.resolve.paths(name) ?? []) {
        const candidate = path.join(dir, name, 'package.json');
        try {
          if (statSync(candidate).isFile()) return candidate;
        } catch {
          // not in this node_modules
        }
      }
    }
    refuse(name, undefined, `package not found from ${cwd} (install it, e.g. npm install --save-dev ${name})`);
  }
}

function readJson(file: string, shown: string): unknown {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_PRESET_BYTES) refuse(shown, undefined, `is ${size} bytes; a preset is at most ${MAX_PRESET_BYTES}`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const { code, message } = error as NodeJS.ErrnoException;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a JSON file' : (code ?? message.split('\n')[0]);
    refuse(shown, undefined, `cannot read ${file}: ${why}`);
  }
  try {
    // Editors on some systems save a byte-order mark, which JSON.parse refuses.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    refuse(shown, undefined, `is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * An image reference as a registry mirror names it. `mirrors` maps a registry to its mirror prefix.
 * Docker Hub references are recognised the way Docker normalises them (distribution/reference's
 * splitDockerDomain): no registry part (a first path component without '.' or ':', not 'localhost',
 * and lowercase) means docker.io, `index.docker.io` is docker.io, and a single-component Hub name
 * gains `library/`. Tags and @digests are kept. A registry without a mirror is returned unchanged.
 */
export function mirrorImage(ref: string, mirrors: Readonly<Record<string, string>>): string {
  const slash = ref.indexOf('/');
  const first = slash === -1 ? '' : ref.slice(0, slash);
  const hub = slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first);
  let registry = hub ? 'docker.io' : first;
  let remainder = hub ? ref : ref.slice(slash + 1);
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  if (!Object.hasOwn(mirrors, registry)) return ref;
  return `${mirrors[registry].replace(/\/+$/, '')}/${remainder}`;
}
