/**
 * What both modes share when resolving answers: asking one question through the front end's
 * prompt, a preset's fixed answers, and what a preset adds to every project (its site settings and
 * its extra files).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { Io } from './pipeline.js';
import type { Preset } from './preset.js';
import { ValidationError, promptFor, type Answers, type ProjectAnswers, type Question } from './questions.js';
import type { Site, View } from './render.js';

export type Ask = <K extends keyof Answers>(q: Question<K>, fallback: Answers[K], earlier: Partial<Answers>, check?: (value: Answers[K]) => void) => Promise<Answers[K]>;

/** One prompt of the question's type, validated like the flag (and by `check`, re-asking with its rule). */
export function askFor(io: Io): Ask {
  return async (q, fallback, earlier, check) => {
    const prompt = promptFor(q, fallback, earlier);
    if (check) {
      const validate = prompt.validate as ((input: string) => true | string) | undefined;
      prompt.validate = (input: string) => {
        const result = validate ? validate(input) : true;
        if (result !== true) return result;
        try {
          check(q.parse(input));
          return true;
        } catch (error) {
          return error instanceof ValidationError ? error.rule : String(error);
        }
      };
    }
    return q.parse(await io.prompt(prompt));
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A preset's fixed answers, which are never asked; a flag may repeat one, never contradict it. */
export function fixedBy(preset: Preset | undefined, given: Partial<Answers>): Partial<ProjectAnswers> {
  const fixed = preset?.answers ?? {};
  for (const [name, value] of Object.entries(fixed)) {
    const flag = given[name as keyof Answers];
    if (flag !== undefined && !same(flag, value)) {
      throw new ValidationError(`--${name}`, `is fixed to ${JSON.stringify(value)} by the preset ${preset!.name ?? preset!.source}`);
    }
  }
  return fixed;
}

/** What a preset changes in every generated file: image references, the index, the image's labels. */
export function siteOf(preset: Preset | undefined): Site | undefined {
  if (!preset) return undefined;
  return { mirrors: preset.mirrors, pipIndexUrl: preset.pipIndexUrl, labels: Object.entries(preset.labels) };
}

/** Files no preset may replace: they are the generator's, and what its checks vouch for. */
const OURS = /^(Dockerfile|Makefile|\.dockerignore|\.yo-rc\.json|DISTROLESS\.md|docker\/.*)$/;

/**
 * A preset's extra files, each rendered with the templates' view when it ends in `.ejs` (the
 * suffix dropped) and copied as it is otherwise.
 */
export function presetFiles(preset: Preset | undefined, v: View): Map<string, string> {
  const out = new Map<string, string>();
  if (!preset?.files) return out;
  const root = preset.files;
  const walk = (sub: string): void => {
    for (const name of readdirSync(path.join(root, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      const full = path.join(root, rel);
      if (statSync(full).isDirectory()) {
        walk(rel);
        continue;
      }
      const file = rel.endsWith('.ejs') ? rel.slice(0, -'.ejs'.length) : rel;
      if (OURS.test(file)) throw new ValidationError('--preset', `${preset.source}: files/${rel}: a preset may add files, not replace the generator's ${file}`);
      const text = readFileSync(full, 'utf8');
      out.set(file, rel.endsWith('.ejs') ? (ejs.render(text, v, { filename: full, async: false }) as string) : text);
    }
  };
  walk('');
  return out;
}
