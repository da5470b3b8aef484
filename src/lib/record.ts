/**
 * What a generated project remembers, so that a re-run or an upgrade years later, offline, knows
 * what it was made from: the answers, the preset and the generator version in `.yo-rc.json`, and
 * every file as that version wrote it (the baseline of the three-way merge) in
 * BASELINE_FILE, one line of each file per JSON line so that a change to it reads as a diff.
 * Both are read as untrusted input: checked like flags, refused in one line.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError, parseGiven, type ProjectAnswers } from './questions.js';

/** The key of this generator's answers in `.yo-rc.json`, whichever package runs it. */
export const CONFIG_KEY = 'generator-distroless-python';

/** Where the baseline is kept, beside `.yo-rc.json`. */
export const BASELINE_FILE = '.distroless-python-baseline.json';

export interface Recorded {
  answers: Partial<ProjectAnswers>;
  preset?: string;
  /** The generator version that last wrote the project. */
  version?: string;
  /** Every generated file as that version wrote it; undefined when none was kept. */
  baseline?: Map<string, string>;
}

/** Whether `<target>/.yo-rc.json` holds this generator's record. */
export function hasRecord(target: string): boolean {
  const file = path.join(target, '.yo-rc.json');
  if (!existsSync(file)) return false;
  try {
    return Boolean((JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)[CONFIG_KEY]);
  } catch {
    return true; // read (and refused, naming the file) by readRecord
  }
}

/** What an earlier run recorded in `<target>`, or nothing; an invalid record is refused. */
export function readRecord(target: string): Recorded {
  const file = path.join(target, '.yo-rc.json');
  if (!existsSync(file)) return { answers: {} };
  let config: Record<string, Record<string, unknown> | undefined>;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as typeof config;
  } catch {
    throw new ValidationError(file, 'is not valid JSON: fix or remove it');
  }
  const { directory: _ignored, preset, version, ...answers } = config[CONFIG_KEY] ?? {};
  if (preset !== undefined && typeof preset !== 'string') throw new ValidationError(file, 'recorded preset is not a file or package name');
  if (version !== undefined && (typeof version !== 'string' || !/^\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(version))) throw new ValidationError(file, 'recorded version is not a version number');
  let parsed: Partial<ProjectAnswers>;
  try {
    parsed = parseGiven(answers);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(file, `recorded ${error.field} is invalid: ${error.rule}`);
    throw error;
  }
  return { answers: parsed, preset, version, baseline: readBaseline(target) };
}

function readBaseline(target: string): Map<string, string> | undefined {
  const file = path.join(target, BASELINE_FILE);
  if (!existsSync(file)) return undefined;
  let data: { files?: unknown };
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as typeof data;
  } catch {
    throw new ValidationError(file, 'is not valid JSON: restore it from version control, or remove it (then every file that differs is a conflict)');
  }
  const files = data.files;
  const bad = () => new ValidationError(file, 'must hold {"files": {"<path>": ["line", ...]}} as the generator wrote it');
  if (typeof files !== 'object' || files === null || Array.isArray(files)) throw bad();
  const out = new Map<string, string>();
  for (const [name, content] of Object.entries(files)) {
    if (!Array.isArray(content) || !content.every((l) => typeof l === 'string')) throw bad();
    if (!safePath(name)) throw new ValidationError(file, `'${name}' is not a path inside the project`);
    out.set(name, content.join('\n'));
  }
  return out;
}

/** A relative path that stays inside the project: no `..`, no absolute path, no empty part. */
export function safePath(name: string): boolean {
  return name !== '' && !name.startsWith('/') && !name.includes('\\') && name.split('/').every((p) => p !== '' && p !== '.' && p !== '..' && !p.includes('\0'));
}

/** The baseline file for these generated files. */
export function baselineFile(version: string, files: ReadonlyMap<string, string>): string {
  const sorted = Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, content]) => [name, content.split('\n')]));
  return `${JSON.stringify({ comment: 'Written by distroless-python: each file as it generated it, the base of the three-way merge of the next re-run or --upgrade. Do not edit.', version, files: sorted }, null, 2)}\n`;
}
