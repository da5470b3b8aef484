/**
 * Merging a project's .dockerignore with distroless-python's (lib/dockerignore): theirs kept byte
 * for byte and in order, ours after in one marked block that re-runs replace, and what is always
 * kept out (secrets, local environments) kept out whatever a `!` rule of theirs says. The rules
 * are checked by what they do, with a small matcher of Docker's semantics below;
 * test/e2e/dockerignore.test.ts checks them with Docker itself.
 */
import { describe, expect, it } from 'vitest';
import { BLOCK_END, BLOCK_START, mergeDockerignore, theirRules } from '../lib/dockerignore.js';
import { renderExisting } from '../lib/render.js';

/** Our rules, from the template, as the generator renders them. */
const OURS = renderExisting(
  { directory: 'app', runtime: 'distroless', python: '3.13', deps: [], nonroot: true, entrypoint: 'main.py' },
  { install: { kind: 'none' }, codeRoot: '.' },
).get('.dockerignore')!;

/** A pattern as a regular expression, as moby's patternmatcher compiles it (`**`, `*`, `?`, `[...]`). */
function regex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        out += '(?:.*/)?';
      } else out += '.*';
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i);
      out += pattern.slice(i, close + 1);
      i = close;
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Whether a .dockerignore keeps a path out: the last rule matching it or a folder above it decides. */
function ignored(dockerignore: string, file: string): boolean {
  let out = false;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (!pattern) continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    pattern = pattern.replace(/^\.\//, '').replace(/^\//, '').replace(/\/$/, '');
    const re = regex(pattern);
    const parts = file.split('/');
    if (parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')))) out = !invert;
  }
  return out;
}

const SECRETS = ['.env', '.env.local', '.env.example', 'config/.env', 'config/.env.prod', 'key.pem', 'certs/tls/server.pem', '.git/HEAD', '.git/objects/ab/cdef', '.venv/bin/python', 'services/api/.venv/pyvenv.cfg'];
const BUILD_FILES = ['Dockerfile', 'Dockerfile.bak', 'Makefile', '.dockerignore', 'DISTROLESS.md', 'sbom.spdx.json', 'app/__pycache__/main.cpython-313.pyc'];

describe('the .dockerignore written to an existing project', () => {
  it('our rules only exclude, and end with the always-excluded set', () => {
    const rules = OURS.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rules.filter((l) => l.startsWith('!'))).toEqual([]);
    expect(rules.slice(-7)).toEqual(['**/.env', '**/.env.*', '**/*.pem', '**/.git', '**/.git/**', '**/.venv', '**/.venv/**']);
    expect(() => mergeDockerignore(undefined, `${OURS}!.env\n`)).toThrow("'!.env' would re-include");
  });

  it('with no .dockerignore of the project: our block alone, keeping out secrets, environments and build files, letting in the code', () => {
    const merged = mergeDockerignore(undefined, OURS);
    expect(merged).toBe(`${BLOCK_START}\n${OURS}${BLOCK_END}\n`);
    for (const file of [...SECRETS, ...BUILD_FILES]) expect(ignored(merged, file), file).toBe(true);
    for (const file of ['main.py', 'app/main.py', 'requirements.txt', 'pyproject.toml', 'uv.lock', '.python-version', 'envoy.yaml', 'src/environment.py'])
      expect(ignored(merged, file), file).toBe(false);
    expect(mergeDockerignore('', OURS)).toBe(merged);
  });

  it('keeps every line of theirs, comments too, byte for byte and first; ours follow in one block', () => {
    const theirs = '# Python\n__pycache__\n*.pyc\n  # not a comment to Docker: a pattern\n\ntests\n!tests/fixtures/keep.json\nsecret-notes.txt\n';
    const merged = mergeDockerignore(theirs, OURS);
    expect(merged).toBe(`${theirs}${BLOCK_START}\n${OURS}${BLOCK_END}\n`);
    expect(theirRules(merged)).toBe(theirs);
    // Theirs still decide what ours say nothing about, exclusions and re-inclusions alike.
    expect(ignored(merged, 'secret-notes.txt')).toBe(true);
    expect(ignored(merged, 'tests/test_app.py')).toBe(true);
    expect(ignored(merged, 'tests/fixtures/keep.json')).toBe(false);
    expect(ignored(merged, 'app.py')).toBe(false);
  });

  it('an allow-list of theirs (`*`, then `!` what goes in) stays one, minus what is always kept out', () => {
    const theirs = '*\n!app\n!requirements.txt\n';
    const merged = mergeDockerignore(theirs, OURS);
    expect(ignored(merged, 'app/main.py')).toBe(false);
    expect(ignored(merged, 'requirements.txt')).toBe(false);
    expect(ignored(merged, 'notes.md')).toBe(true);
    expect(ignored(merged, 'app/.env')).toBe(true);
    expect(ignored(merged, 'app/certs/key.pem')).toBe(true);
  });

  it('a `!` rule of theirs cannot let in a secret, a local environment or a build file', () => {
    const theirs = '!.env\n!.env.*\n!**/.env\n!*.pem\n!certs/**\n!.git\n!.venv\n!Dockerfile\n!Makefile\n';
    const merged = mergeDockerignore(theirs, OURS);
    expect(merged.startsWith(theirs)).toBe(true);
    for (const file of [...SECRETS, ...BUILD_FILES, 'certs/ca.pem']) expect(ignored(merged, file), file).toBe(true);
  });

  it('a re-run replaces only our block: the same text again, one block, whatever the line endings', () => {
    for (const theirs of [undefined, '', 'node_modules', '.venv\n', 'a\r\nb\r\n', 'a\r\nb', '# only a comment\n\n\n']) {
      const once = mergeDockerignore(theirs, OURS);
      expect(mergeDockerignore(once, OURS), JSON.stringify(theirs)).toBe(once);
      expect(once.split(BLOCK_START).length - 1).toBe(1);
    }
  });

  it('a re-run with other rules of ours swaps the block and keeps what they added above it', () => {
    const first = mergeDockerignore('dist\n', 'old-rule\n');
    const edited = first.replace('dist\n', 'dist\n!dist/app.whl\n');
    const again = mergeDockerignore(edited, OURS);
    expect(again).toBe(`dist\n!dist/app.whl\n${BLOCK_START}\n${OURS}${BLOCK_END}\n`);
    // The one thing ours undo: a `!` of theirs into a folder ours keep out (dist, build, venv, ...).
    expect(ignored(again, 'dist/app.whl')).toBe(true);
  });

  it('lines they added after our block move above it, in their order, so that ours stay last', () => {
    const merged = `keep-1\n${mergeDockerignore(undefined, OURS)}!.env\nkeep-2\n`;
    expect(ignored(merged, '.env')).toBe(false);
    const again = mergeDockerignore(merged, OURS);
    expect(again).toBe(`keep-1\n!.env\nkeep-2\n${BLOCK_START}\n${OURS}${BLOCK_END}\n`);
    expect(ignored(again, '.env')).toBe(true);
  });

  it('CRLF: theirs kept as they are, our block in CRLF too', () => {
    const theirs = '# theirs\r\nsecret-notes.txt\r\n!.env\r\n';
    const merged = mergeDockerignore(theirs, OURS);
    expect(merged.startsWith(theirs)).toBe(true);
    const block = merged.slice(theirs.length);
    expect(block).toBe(`${BLOCK_START}\r\n${OURS.replaceAll('\n', '\r\n')}${BLOCK_END}\r\n`);
    expect(block.replaceAll('\r\n', '')).not.toContain('\n');
    expect(ignored(merged, 'secret-notes.txt')).toBe(true);
    expect(ignored(merged, '.env')).toBe(true);
  });

  it('no final newline: their last rule is ended, not run into our first line', () => {
    expect(mergeDockerignore('a\nnode_modules', OURS)).toBe(`a\nnode_modules\n${BLOCK_START}\n${OURS}${BLOCK_END}\n`);
    expect(mergeDockerignore('a\r\nnode_modules', OURS).startsWith(`a\r\nnode_modules\r\n${BLOCK_START}\r\n`)).toBe(true);
  });

  it('an unmatched start or end line is theirs: kept, and nothing after it dropped', () => {
    const theirs = `${BLOCK_START}\nmine\n`;
    expect(theirRules(theirs)).toBe(theirs);
    expect(theirRules(`${BLOCK_END}\nmine\n`)).toBe(`${BLOCK_END}\nmine\n`);
    const merged = mergeDockerignore(theirs, OURS);
    expect(merged).toBe(`${theirs}${BLOCK_START}\n${OURS}${BLOCK_END}\n`);
    expect(theirRules(merged)).toBe(theirs);
  });
});
