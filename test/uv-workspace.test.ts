/**
 * A member of a uv workspace whose uv.lock is in a parent folder (issue 12, item 1), on two real
 * workspaces (test/fixtures/convert: fastapi/full-stack-fastapi-template's backend,
 * carderne/postmodern-mono's apps/server): the image builds from the workspace root, uv exports
 * the lock for this package only with its hashes, every member's pyproject.toml is there for uv
 * to find the workspace, and the members it depends on are installed from their sources.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect } from '../lib/detect.js';
import { BLOCK_START, theirRules } from '../lib/dockerignore.js';
import { ROOT, runBin, snapshot } from './helpers.js';

const CONVERT = path.join(ROOT, 'test/fixtures/convert');

function layout(fixture: string, project: string): { root: string; dir: string } {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'dp-workspace-')), 'repo');
  const dir = path.join(root, project);
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(CONVERT, fixture, '_repo-root'), root, { recursive: true });
  for (const entry of readdirSync(path.join(CONVERT, fixture))) if (entry !== '_repo-root') cpSync(path.join(CONVERT, fixture, entry), path.join(dir, entry), { recursive: true });
  return { root, dir };
}

describe('a uv workspace member', () => {
  it('full-stack-fastapi-template backend: the root uv.lock, exported for the app package, from the workspace root', () => {
    const { root, dir } = layout('full-stack-fastapi-backend', 'backend');
    expect(detect(dir).install).toMatchObject({ kind: 'uv-workspace', root: '..', member: 'backend', package: 'app', members: ['backend'], siblings: [], project: true });
    const before = snapshot(root);
    const r = runBin(['--existing', dir, '--yes', '--force'], root);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("found: dependencies: ../uv.lock, a uv workspace (");
    expect(r.stderr).toContain("app's are exported frozen with their hashes); the image builds from the workspace root; the project is installed too");
    expect(r.stderr).toContain('  docker build -t backend -f Dockerfile ..\n');
    const after = snapshot(root);
    const dockerfile = after['backend/Dockerfile'];
    expect(dockerfile).toContain('COPY pyproject.toml /tmp/workspace/pyproject.toml\nCOPY uv.lock /tmp/workspace/uv.lock\nCOPY backend/pyproject.toml /tmp/workspace/backend/pyproject.toml\n');
    expect(dockerfile).toContain('RUN uv export --frozen --no-dev --no-emit-workspace --package app --project /tmp/workspace --output-file /tmp/requirements.txt \\\n');
    expect(dockerfile).toMatch(/^COPY backend \/app$/m);
    // make build builds from the workspace root.
    expect(after['backend/Makefile']).toMatch(/^build: .*\n\t.*\$\(DOCKER\) build\$\(if \$\(PLATFORM\), --platform \$\(PLATFORM\)\)\) \$\(BUILD_ARGS\) -t \$\(IMAGE\) -f Dockerfile \.\.$/m);
    // The root's .dockerignore rules, then ours, beside the Dockerfile, where BuildKit reads them for it.
    const ignore = after['backend/Dockerfile.dockerignore'];
    expect(ignore.startsWith(theirRules(before['.dockerignore']).trimEnd())).toBe(true);
    expect(ignore).toContain(BLOCK_START);
    // The project's files are as they were; the member's own .dockerignore is left alone.
    for (const [file, content] of Object.entries(before)) if (file !== 'backend/Dockerfile') expect(after[file], file).toBe(content);
    expect(after['backend/Dockerfile.bak']).toBe(before['backend/Dockerfile']);
    expect(existsSync(path.join(dir, 'DISTROLESS.md')) && readFileSync(path.join(dir, 'DISTROLESS.md'), 'utf8')).toContain('docker build -t backend -f Dockerfile ..');
  });

  it('postmodern-mono apps/server: every member found by its glob, the greeter it depends on installed from source', () => {
    const { root, dir } = layout('postmodern-mono-server', 'apps/server');
    expect(detect(dir).install).toMatchObject({
      kind: 'uv-workspace',
      root: '../..',
      member: 'apps/server',
      package: 'postmodern-server',
      members: ['apps/mycli', 'apps/server', 'libs/greeter'],
      siblings: ['libs/greeter'],
    });
    const r = runBin(['--existing', dir, '--yes', '--force', '--entrypoint', 'python postmodern/server/run.py'], root);
    expect(r.status, r.stderr).toBe(0);
    const dockerfile = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    for (const m of ['apps/mycli', 'apps/server', 'libs/greeter']) expect(dockerfile).toContain(`COPY ${m}/pyproject.toml /tmp/workspace/${m}/pyproject.toml\n`);
    expect(dockerfile).toContain('--no-emit-workspace --package postmodern-server');
    expect(dockerfile).toMatch(/^COPY apps\/server \/app\n# The workspace members it depends on, installed from their sources.\nCOPY libs\/greeter \/tmp\/workspace\/libs\/greeter\nRUN .* --no-deps \/tmp\/workspace\/libs\/greeter \\\n && rm -rf \/tmp\/workspace$/m);
  });

  it('a uv.lock above whose workspace does not list the project is not used, and says so', () => {
    const { dir } = layout('postmodern-mono-server', 'tools/other');
    const d = detect(dir);
    expect(d.install.kind).toBe('pyproject');
    expect(d.problems).toContain('../../uv.lock is a uv workspace\'s lock, but its members (libs/*, apps/*) do not include tools/other: not used');
  });
});
