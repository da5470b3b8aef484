/**
 * Property-based: random answer sets (valid, hostile and plain random) are each either refused
 * with a message naming the field, or render a project whose Dockerfile parses without
 * errors, whose Makefile passes `make -n`, whose requirements.txt holds exactly the given
 * requirements and no option line, and whose Python compiles.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAMILIES, OFFERED_VERSIONS } from '../lib/catalogue.js';
import { ValidationError, defaultPython, defaults, parseGiven, type Answers } from '../lib/questions.js';
import { renderProject } from '../lib/render.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 10_000);

const hostile = fc.constantFrom('\n', ';', '$(id)', '`id`', '"', "'", '\\', '#', ' ', '..', '/', '-', '--index-url', '\u0000', '\u202e', 'е', '３', '%', '$$', '@');
const piece = (chars: string) => fc.string({ unit: fc.constantFrom(...chars.split('')), minLength: 1, maxLength: 12 });
const word = piece('abcdefghijklmnopqrstuvwxyz0123456789');
const mixed = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.tuple(word, hostile, word).map((p) => p.join('')));

const name = fc.tuple(word, fc.option(fc.constantFrom('-', '_', '.'), { nil: '' }), fc.option(word, { nil: '' })).map(([a, sep, b]) => (b ? `${a}${sep || '-'}${b}` : a));
const version = fc.tuple(fc.nat(30), fc.nat(30), fc.option(fc.nat(9), { nil: undefined })).map(([a, b, c]) => [a, b, c].filter((x) => x !== undefined).join('.'));
const requirement = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(name, fc.option(fc.array(word, { minLength: 1, maxLength: 2 }), { nil: undefined }), fc.option(fc.tuple(fc.constantFrom('==', '>=', '<=', '!=', '~=', '<', '>'), version), { nil: undefined }), fc.option(fc.constantFrom(" ; python_version < '3.11'", '; sys_platform == "linux"'), { nil: '' })).map(([n, extras, spec, marker]) => `${n}${extras ? `[${extras.join(',')}]` : ''}${spec ? spec.join('') : ''}${marker}`) },
  { weight: 2, arbitrary: mixed },
  { weight: 1, arbitrary: fc.constantFrom('-r x', '--index-url http://e', 'p @ https://e/p.whl', './p', '-', '') },
);
const entrypoint = fc.oneof(
  fc.tuple(fc.array(word, { maxLength: 3 }), word).map(([dirs, file]) => [...dirs, `${file}.py`].join('/')),
  fc.array(piece('abcdefghij_'), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.')),
  mixed,
);
const answersArb = fc.record(
  {
    directory: fc.oneof(name, mixed, fc.tuple(word, fc.constant('/'), name).map((p) => p.join(''))),
    runtime: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FAMILIES.map((f) => f.name)) }, { weight: 1, arbitrary: mixed }),
    python: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...OFFERED_VERSIONS, '3.13.1', '3.9', '2.7') }, { weight: 1, arbitrary: mixed }),
    deps: fc.array(requirement, { maxLength: 5 }),
    nonroot: fc.boolean(),
    entrypoint,
  },
  { requiredKeys: ['directory', 'deps', 'nonroot'] },
);

describe('random answer sets', () => {
  it(`${RUNS} sets: refused naming the field, or a valid project`, () => {
    const makefiles = new Set<string>();
    const pythons = new Set<string>();
    let refused = 0;
    let rendered = 0;
    fc.assert(
      fc.property(answersArb, (given) => {
        let parsed: Partial<Answers>;
        try {
          parsed = parseGiven(given);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as Error).message).toMatch(/^(directory|--runtime|--python|--deps|--entrypoint): \S/);
          expect((error as Error).message).not.toContain('\n');
          refused++;
          return;
        }
        const runtime = parsed.runtime ?? defaults().runtime;
        const answers: Answers = { ...defaults(), python: defaultPython(runtime), ...parsed } as Answers;
        const files = renderProject(answers);
        const dockerfile = files.get('Dockerfile')!;
        expect(validate(dockerfile)).toEqual([]);
        expect(DockerfileParser.parse(dockerfile).getFROMs().length).toBeGreaterThanOrEqual(3);
        const requirements = files.get('requirements.txt')!.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
        expect(requirements).toEqual(answers.deps);
        expect(requirements.filter((l) => /^\s*-/.test(l))).toEqual([]);
        makefiles.add(files.get('Makefile')!);
        for (const [file, content] of files) if (file.endsWith('.py')) pythons.add(content);
        rendered++;
      }),
      { numRuns: RUNS },
    );
    // Both outcomes must really happen, or the generators are off.
    expect(refused).toBeGreaterThan(RUNS / 10);
    expect(rendered).toBeGreaterThan(RUNS / 10);

    // Every distinct Makefile and Python file, checked in two batches.
    const dir = mkdtempSync(path.join(tmpdir(), 'dp-property-'));
    const mk = [...makefiles].map((content, i) => {
      const sub = path.join(dir, `mk${i}`);
      mkdirSync(sub);
      writeFileSync(path.join(sub, 'Makefile'), content);
      return sub;
    });
    const loop = 'for d in "$@"; do make -s -n -C "$d" help build run size sbom packages compare debug shell scan lint clean >/dev/null || { echo "$d"; exit 1; }; done';
    const make = spawnSync('bash', ['-c', loop, 'make-n', ...mk], { encoding: 'utf8' });
    expect(make.status, `make -n failed in ${make.stdout}${make.stderr}`).toBe(0);
    const py = [...pythons].map((content, i) => {
      const file = path.join(dir, `p${i}.py`);
      writeFileSync(file, content);
      return file;
    });
    execFileSync('python3', ['-m', 'py_compile', ...py]);
  }, 600_000);
});
