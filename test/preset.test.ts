/**
 * Presets: the contract's example parses to the expected preset; every rule refuses with one line
 * naming the key; a preset loads from a file or an installed package; and registry mirrors rewrite
 * image references the way Docker names them, keeping tags and digests.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../lib/errors.js';
import { REGISTRIES, loadPreset, mirrorImage, parsePreset, type Preset } from '../lib/preset.js';

const fresh = (): string => mkdtempSync(path.join(tmpdir(), 'dp-preset-'));

const EXAMPLE = {
  name: 'acme-python-service',
  defaults: { python: '3.12' },
  answers: { nonroot: true },
  mirrors: {
    'docker.io': 'registry.example.internal/hub',
    'gcr.io': 'registry.example.internal/gcr',
    'ghcr.io': 'registry.example.internal/ghcr',
    'cgr.dev': 'registry.example.internal/cgr',
  },
  pipIndexUrl: 'https://pypi.example.internal/simple/',
  labels: { 'com.example.team': 'payments' },
  files: './files',
};

/** A directory holding `files/`, and the path of a preset file in it. */
function presetDir(): { dir: string; file: string } {
  const dir = fresh();
  mkdirSync(path.join(dir, 'files'));
  return { dir, file: path.join(dir, 'preset.json') };
}

/** The error `f` throws, checked to be a one-line ValidationError of --preset. */
function refusal(f: () => unknown): ValidationError {
  let thrown: unknown;
  try {
    f();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ValidationError);
  const error = thrown as ValidationError;
  expect(error.field).toBe('--preset');
  expect(error.message).toMatch(/^--preset: /);
  expect(error.message).not.toMatch(/[\r\n\u2028\u2029]/);
  return error;
}

describe('parsePreset', () => {
  it('parses the contract example, resolving files against the preset file', () => {
    const { dir, file } = presetDir();
    const preset = parsePreset({ $schema: 'https://example.internal/preset.schema.json', ...EXAMPLE }, file, './preset.json');
    expect(preset).toEqual({
      source: './preset.json',
      file,
      name: 'acme-python-service',
      defaults: { python: '3.12' },
      answers: { nonroot: true },
      mirrors: EXAMPLE.mirrors,
      pipIndexUrl: 'https://pypi.example.internal/simple/',
      labels: { 'com.example.team': 'payments' },
      files: path.join(dir, 'files'),
    } satisfies Preset);
    expect(path.isAbsolute(preset.files!)).toBe(true);
  });

  it('an empty object is a preset with nothing in it', () => {
    expect(parsePreset({}, '/x/p.json', 'p.json')).toEqual({ source: 'p.json', file: '/x/p.json', defaults: {}, answers: {}, mirrors: {}, labels: {} });
  });

  it('answers are normalised by their questions: deps as a string or a list, a port as a number or -', () => {
    const preset = parsePreset(
      { defaults: { deps: 'flask gunicorn', entrypoint: 'gunicorn -b 0.0.0.0:8000 app:app' }, answers: { port: 8000, runtime: 'distroless' } },
      '/x/p.json',
      'p.json',
    );
    expect(preset.defaults).toEqual({ deps: ['flask', 'gunicorn'], entrypoint: 'gunicorn -b 0.0.0.0:8000 app:app' });
    expect(preset.answers).toEqual({ port: 8000, runtime: 'distroless' });
    expect(parsePreset({ answers: { deps: ['requests>=2', "tomli ; python_version < '3.11'"], port: '-' } }, '/x/p.json', 'p.json').answers).toEqual({
      deps: ['requests>=2', "tomli ; python_version < '3.11'"],
      port: undefined,
    });
  });

  it('a files path with .. is allowed when it lands on a directory', () => {
    const { dir } = presetDir();
    mkdirSync(path.join(dir, 'presets'));
    expect(parsePreset({ files: '../files' }, path.join(dir, 'presets/p.json'), 'p.json').files).toBe(path.join(dir, 'files'));
  });

  it.each<[string, unknown, RegExp]>([
    ['unknown top-level key', { mirror: {} }, /: mirror: unknown key \(known: \$schema, name, defaults, answers, mirrors, pipIndexUrl, labels, files\)/],
    ['unknown answer key', { answers: { pyhton: '3.12' } }, /: answers\.pyhton: unknown key \(known: runtime, python, deps, nonroot, entrypoint, port, index-secret\)/],
    ['directory as an answer', { defaults: { directory: 'x' } }, /: defaults\.directory: .*\(known: runtime, /],
    ['bad python in defaults', { defaults: { python: '3.9' } }, /: defaults\.python: '3\.9' is not offered/],
    ['python as a number', { defaults: { python: 3.12 } }, /: defaults\.python: expected a text value/],
    ['nonroot as a string', { answers: { nonroot: 'yes' } }, /: answers\.nonroot: expected yes or no/],
    ['a port out of range', { answers: { port: 70000 } }, /: answers\.port: '70000' is not a port/],
    ['key in both defaults and answers', { defaults: { python: '3.12' }, answers: { python: '3.13' } }, /: defaults\.python: also in answers\.python/],
    ['a combination the runtime does not offer', { defaults: { python: '3.12' }, answers: { runtime: 'chainguard' } }, /: defaults\.python: 3\.12 is not offered with --runtime chainguard/],
    ['defaults not an object', { defaults: ['python'] }, /: defaults: must be an object/],
    ['bad name', { name: 'acme; rm -rf /' }, /: name: must be 1-100 characters/],
    ['$schema not a string', { $schema: 1 }, /: \$schema: must be a string/],
    ['mirror for an unknown registry', { mirrors: { quay: 'registry.example.internal/quay' } }, /: mirrors\.quay: unknown registry \(known: docker\.io, gcr\.io, ghcr\.io, cgr\.dev, quay\.io\)/],
    ['mirror with https://', { mirrors: { 'docker.io': 'https://registry.example.internal/hub' } }, /: mirrors\.docker\.io: give the host and path without a scheme \(e\.g\. 'registry\.example\.internal\/hub'\)/],
    ['mirror with a tag', { mirrors: { 'gcr.io': 'registry.example.internal/gcr:latest' } }, /: mirrors\.gcr\.io: .*no tag or digest/],
    ['mirror with a trailing slash', { mirrors: { 'gcr.io': 'registry.example.internal/gcr/' } }, /: mirrors\.gcr\.io: must not end in \//],
    ['mirror with whitespace', { mirrors: { 'gcr.io': 'registry.example.internal/g cr' } }, /: mirrors\.gcr\.io: must not contain whitespace/],
    ['mirror with uppercase path', { mirrors: { 'gcr.io': 'registry.example.internal/GCR' } }, /: mirrors\.gcr\.io: 'registry\.example\.internal\/GCR' is not a registry host/],
    ['mirror with a bad port', { mirrors: { 'gcr.io': 'registry.example.internal:99999/gcr' } }, /: mirrors\.gcr\.io: port 99999/],
    ['mirror too long', { mirrors: { 'gcr.io': `r.example/${'a'.repeat(250)}` } }, /: mirrors\.gcr\.io: is longer than 255/],
    ['URL with credentials', { pipIndexUrl: 'https://user:secret@pypi.example.internal/simple/' }, /: pipIndexUrl: must not hold credentials .*BuildKit secret or pip\.conf, not in the image/],
    ['URL with a user only', { pipIndexUrl: 'https://token@pypi.example.internal/simple/' }, /: pipIndexUrl: must not hold credentials/],
    ['ftp: URL', { pipIndexUrl: 'ftp://pypi.example.internal/simple/' }, /: pipIndexUrl: must be an absolute http: or https: URL/],
    ['relative URL', { pipIndexUrl: '/simple/' }, /: pipIndexUrl: must be an absolute http: or https: URL/],
    ['URL with "', { pipIndexUrl: 'https://pypi.example.internal/simple/"' }, /: pipIndexUrl: must not contain quotes/],
    ['URL with $', { pipIndexUrl: 'https://pypi.example.internal/$(id)/' }, /: pipIndexUrl: must not contain quotes/],
    ['URL with a space', { pipIndexUrl: 'https://pypi.example.internal/sim ple/' }, /: pipIndexUrl: must not contain quotes/],
    ['URL too long', { pipIndexUrl: `https://pypi.example.internal/${'a'.repeat(500)}` }, /: pipIndexUrl: is longer than 500/],
    ['label key with uppercase', { labels: { 'com.example.Team': 'payments' } }, /: labels\.com\.example\.Team: a label key is lowercase/],
    ['label value with "', { labels: { 'com.example.team': 'pay"ments' } }, /: labels\.com\.example\.team: must hold printable characters only/],
    ['label value with $', { labels: { 'com.example.team': '$HOME' } }, /: labels\.com\.example\.team: must hold printable characters only/],
    ['label value with a newline', { labels: { 'com.example.team': 'pay\nLABEL x=y' } }, /: labels\.com\.example\.team: must hold printable characters only/],
    ['label value with a backtick', { labels: { 'com.example.team': '`id`' } }, /: labels\.com\.example\.team: must hold printable characters only/],
    ['label value with a bidi override', { labels: { 'com.example.team': 'pay\u202ements' } }, /: labels\.com\.example\.team: must hold printable characters only/],
    ['label value not a string', { labels: { 'com.example.team': 1 } }, /: labels\.com\.example\.team: must be a string/],
    ['too many labels', { labels: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`l${i}`, 'x'])) }, /: labels: holds 51 labels; at most 50/],
    ['files that does not exist', { files: './missing' }, /: files: '\.\/missing' does not exist/],
    ['files absolute', { files: '/etc' }, /: files: must be a path relative to the preset file, not absolute/],
    ['files that is a file', { files: './preset.json' }, /: files: '\.\/preset\.json' is not a directory/],
    ['not an object document', ['python'], /^--preset: presets\/p\.json: must be a JSON object, not an array$/],
    ['null document', null, /: must be a JSON object, not null/],
  ])('refuses %s, naming the key', (_label, document, message) => {
    const { file } = presetDir();
    writeFileSync(file, '{}');
    const error = refusal(() => parsePreset(document, file, 'presets/p.json'));
    expect(error.message).toMatch(/^--preset: presets\/p\.json: /);
    expect(error.message).toMatch(message);
  });

  it('shows a hostile key escaped, on one line', () => {
    const error = refusal(() => parsePreset({ 'evil\nkey': 1 }, '/x/p.json', 'p.json'));
    expect(error.message).toContain('evil\\u000akey: unknown key');
  });

  it('accepts what the rules allow at their edges', () => {
    const preset = parsePreset(
      {
        mirrors: { 'quay.io': '10.0.0.5:5000', 'docker.io': 'localhost:5000/docker-hub/mirror__x' },
        pipIndexUrl: 'http://pypi.example.internal:8080/root/pypi/+simple/',
        labels: { 'org.opencontainers.image.vendor': 'ACME Inc. <ops@example.com> ü 🐍', empty: '' },
        name: 'ACME @platform/python 1.0_rc',
      },
      '/x/p.json',
      'p.json',
    );
    expect(preset.mirrors).toEqual({ 'quay.io': '10.0.0.5:5000', 'docker.io': 'localhost:5000/docker-hub/mirror__x' });
    expect(preset.pipIndexUrl).toBe('http://pypi.example.internal:8080/root/pypi/+simple/');
    expect(preset.labels['org.opencontainers.image.vendor']).toBe('ACME Inc. <ops@example.com> ü 🐍');
  });
});

describe('loadPreset', () => {
  it('loads a file given by a relative path, recording the path as typed', () => {
    const { dir, file } = presetDir();
    writeFileSync(file, `\uFEFF${JSON.stringify(EXAMPLE)}`);
    const preset = loadPreset('./preset.json', dir);
    expect(preset.source).toBe('./preset.json');
    expect(preset.file).toBe(file);
    expect(preset.files).toBe(path.join(dir, 'files'));
    expect(preset.defaults).toEqual({ python: '3.12' });
    // A bare name of an existing file is that file, not a package.
    mkdirSync(path.join(dir, 'conf'));
    writeFileSync(path.join(dir, 'conf/acme'), JSON.stringify({ name: 'acme' }));
    expect(loadPreset('conf/acme', dir)).toMatchObject({ source: 'conf/acme', file: path.join(dir, 'conf/acme'), name: 'acme' });
  });

  it('names the file in its errors as given', () => {
    const { dir, file } = presetDir();
    writeFileSync(file, JSON.stringify({ labels: { Team: 'x' } }));
    expect(refusal(() => loadPreset('preset.json', dir)).message).toMatch(/^--preset: preset\.json: labels\.Team: /);
  });

  it.each<[string, (dir: string) => string, RegExp]>([
    ['invalid JSON file', (dir) => (writeFileSync(path.join(dir, 'bad.json'), '{\n  "name": "x",\n}\n'), './bad.json'), /^--preset: \.\/bad\.json: is not valid JSON: \S/],
    ['a missing file', () => './missing.json', /^--preset: \.\/missing\.json: cannot read .*missing\.json: no such file$/],
    ['a directory', (dir) => (mkdirSync(path.join(dir, 'd.json')), 'd.json'), /^--preset: d\.json: cannot read .*: is a directory/],
    ['package not found', () => '@acme/missing-preset', /^--preset: @acme\/missing-preset: package not found from .*npm install --save-dev @acme\/missing-preset/],
    ['not a package name', () => 'Not A Package', /^--preset: Not A Package: is neither a preset file .* nor an npm package name/],
    ['empty', () => '', /^--preset: : give a preset file or an npm package name$/],
  ])('refuses %s in one line', (_label, make, message) => {
    const dir = fresh();
    const spec = make(dir);
    expect(refusal(() => loadPreset(spec, dir)).message).toMatch(message);
  });

  function installPackage(cwd: string, manifest: Record<string, unknown>, presetPath: string): string {
    const root = path.join(cwd, 'node_modules/@acme/preset');
    mkdirSync(path.dirname(path.join(root, presetPath)), { recursive: true });
    mkdirSync(path.join(root, 'files'));
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: '@acme/preset', version: '1.0.0', ...manifest }));
    writeFileSync(path.join(root, presetPath), JSON.stringify(EXAMPLE));
    return root;
  }

  it('loads a package by the preset field of its package.json, from a subdirectory of the project', () => {
    const cwd = fresh();
    const root = installPackage(cwd, { 'distroless-python': { preset: './config/python.json' } }, 'config/python.json');
    // The package's files are relative to its preset file, so config/ needs its own files/.
    mkdirSync(path.join(root, 'config/files'));
    mkdirSync(path.join(cwd, 'sub'));
    const preset = loadPreset('@acme/preset', path.join(cwd, 'sub'));
    expect(preset.source).toBe('@acme/preset');
    expect(preset.file).toBe(path.join(root, 'config/python.json'));
    expect(preset.files).toBe(path.join(root, 'config/files'));
    expect(preset.mirrors['docker.io']).toBe('registry.example.internal/hub');
  });

  it('falls back to preset.json at the package root, even when exports leaves out package.json', () => {
    const cwd = fresh();
    const root = installPackage(cwd, { exports: { '.': './index.js' } }, 'preset.json');
    const preset = loadPreset('@acme/preset', cwd);
    expect(preset.file).toBe(path.join(root, 'preset.json'));
    expect(preset.files).toBe(path.join(root, 'files'));
    expect(preset.name).toBe('acme-python-service');
  });

  it('names a package preset by package and file in its errors', () => {
    const cwd = fresh();
    const root = installPackage(cwd, {}, 'preset.json');
    writeFileSync(path.join(root, 'preset.json'), JSON.stringify({ mirrors: { 'docker.io': 'https://x' } }));
    expect(refusal(() => loadPreset('@acme/preset', cwd)).message).toMatch(/^--preset: @acme\/preset\/preset\.json: mirrors\.docker\.io: give the host/);
  });

  it('refuses a package without a preset, or whose preset field leaves the package', () => {
    const cwd = fresh();
    const root = installPackage(cwd, { 'distroless-python': { preset: '../elsewhere.json' } }, 'preset.json');
    expect(refusal(() => loadPreset('@acme/preset', cwd)).message).toMatch(/^--preset: @acme\/preset\/package\.json: "distroless-python"\.preset: '\.\.\/elsewhere\.json' must be a path inside the package/);
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: '@acme/preset', 'distroless-python': { preset: './nope.json' } }));
    expect(refusal(() => loadPreset('@acme/preset', cwd)).message).toMatch(/^--preset: @acme\/preset\/nope\.json: cannot read .*: no such file/);
  });
});

const MIRRORS = {
  'docker.io': 'registry.example.internal/hub',
  'gcr.io': 'registry.example.internal/gcr',
  'ghcr.io': 'registry.example.internal/ghcr',
  'cgr.dev': 'registry.example.internal/cgr',
  'quay.io': 'mirror.example.internal:5000',
};
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('mirrorImage', () => {
  it.each([
    ['python:3.13-slim-trixie', 'registry.example.internal/hub/library/python:3.13-slim-trixie'],
    ['python', 'registry.example.internal/hub/library/python'],
    [`python@${DIGEST}`, `registry.example.internal/hub/library/python@${DIGEST}`],
    [`python:3.13@${DIGEST}`, `registry.example.internal/hub/library/python:3.13@${DIGEST}`],
    ['anchore/syft:v1.45.0', 'registry.example.internal/hub/anchore/syft:v1.45.0'],
    ['docker.io/library/debian:trixie-slim', 'registry.example.internal/hub/library/debian:trixie-slim'],
    ['docker.io/debian', 'registry.example.internal/hub/library/debian'],
    ['index.docker.io/debian:trixie', 'registry.example.internal/hub/library/debian:trixie'],
    ['index.docker.io/aquasec/trivy:0.58.1', 'registry.example.internal/hub/aquasec/trivy:0.58.1'],
    ['gcr.io/distroless/python3-debian13:nonroot', 'registry.example.internal/gcr/distroless/python3-debian13:nonroot'],
    [`gcr.io/distroless/cc-debian13@${DIGEST}`, `registry.example.internal/gcr/distroless/cc-debian13@${DIGEST}`],
    ['ghcr.io/astral-sh/uv:0.9.0', 'registry.example.internal/ghcr/astral-sh/uv:0.9.0'],
    ['cgr.dev/chainguard/python:latest-dev', 'registry.example.internal/cgr/chainguard/python:latest-dev'],
    ['quay.io/prometheus/busybox', 'mirror.example.internal:5000/prometheus/busybox'],
    ['localhost:5000/x', 'localhost:5000/x'],
    ['localhost/x:1', 'localhost/x:1'],
    ['registry.example.com/x', 'registry.example.com/x'],
    ['registry.example.com:443/team/x:1', 'registry.example.com:443/team/x:1'],
    ['Registry/x', 'Registry/x'],
  ])('%s -> %s', (ref, expected) => {
    expect(mirrorImage(ref, MIRRORS)).toBe(expected);
  });

  it('leaves a registry without a mirror unchanged', () => {
    expect(mirrorImage('gcr.io/distroless/python3-debian13', { 'docker.io': 'm.example/hub' })).toBe('gcr.io/distroless/python3-debian13');
    expect(mirrorImage('python:3.13', { 'gcr.io': 'm.example/gcr' })).toBe('python:3.13');
    expect(mirrorImage('python:3.13', {})).toBe('python:3.13');
  });

  const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,8}){0,2}$/);
  const registry = fc.constantFrom('', 'docker.io/', 'index.docker.io/', 'gcr.io/', 'ghcr.io/', 'cgr.dev/', 'quay.io/', 'localhost:5000/', 'localhost/', 'registry.example.com/', '10.1.2.3:8443/');
  const suffix = fc.oneof(
    fc.constant(''),
    fc.stringMatching(/^:[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/),
    fc.stringMatching(/^@sha256:[0-9a-f]{64}$/),
    fc.tuple(fc.stringMatching(/^:[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), fc.stringMatching(/^@sha256:[0-9a-f]{64}$/)).map(([t, d]) => t + d),
  );
  const ref = fc.tuple(registry, fc.array(component, { minLength: 1, maxLength: 3 }), suffix).map(([r, [head, ...rest], s]) => {
    // Without a registry part, a first component with a '.' would name a registry: keep it a Hub name.
    const parts = [r === '' ? head.replaceAll('.', '-') : head, ...rest];
    return { registry: r, parts, ref: `${r}${parts.join('/')}${s}`, suffix: s };
  });

  it('keeps the tag and digest, mirrors every known registry, and changes nothing without mirrors (property)', () => {
    fc.assert(
      fc.property(ref, ({ registry: r, parts, ref: image, suffix: s }) => {
        expect(mirrorImage(image, {})).toBe(image);
        const mirrored = mirrorImage(image, MIRRORS);
        expect(mirrored.endsWith(s)).toBe(true);
        const host = r === '' || r === 'index.docker.io/' ? 'docker.io' : r.slice(0, -1);
        if (REGISTRIES.includes(host)) {
          const library = host === 'docker.io' && parts.length === 1 ? 'library/' : '';
          expect(mirrored).toBe(`${MIRRORS[host as keyof typeof MIRRORS]}/${library}${parts.join('/')}${s}`);
        } else {
          expect(mirrored).toBe(image);
        }
        // A mirror is not itself a mirrored registry, so mirroring twice changes nothing more.
        expect(mirrorImage(mirrored, MIRRORS)).toBe(mirrored);
      }),
      { numRuns: 2000 },
    );
  });
});
