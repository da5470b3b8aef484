/**
 * The .dockerignore written to an existing project, with Docker itself: a project converted with
 * `--existing --force` is sent as a build context to a throwaway Dockerfile (outside the context)
 * that copies all of it and lists what arrived. Its own excluded files stay out; its `!.env`,
 * `!*.pem`, `!.git`, `!.venv/...` and `!config` let in no secret, local environment or build
 * file, at any depth; the code gets in. Likewise with no .dockerignore of its own.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { BLOCK_START } from '../../lib/dockerignore.js';
import { runBin } from '../helpers.js';
import { dockerBuildkit } from './standins.js';

vi.setConfig({ testTimeout: 600_000 });

const e2e = inject('e2e');
const s = e2e.ok ? e2e.standins : undefined;
const tags: string[] = [];

const docker = dockerBuildkit;

// Their `!.git` and `!.venv/pyvenv.cfg` made BuildKit send what was in those folders, until the
// template named their contents too (`**/.git/**`).
afterAll(async () => {
  if (tags.length) await docker(['image', 'rm', '-f', ...tags]);
});

const THEIRS = '# theirs\nsecret-notes.txt\n*.log\n!.env\n!*.pem\n!.git\n!.venv/pyvenv.cfg\n!config\n!Dockerfile\n';

/** A small project: code, a requirements file, and what must never reach the build context. */
function project(dockerignore: string | undefined): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-e2e-ignore-')), 'svc');
  const files: Record<string, string> = {
    'main.py': 'from pkg.util import hello\n\nif __name__ == "__main__":\n    hello()\n',
    'pkg/__init__.py': '',
    'pkg/util.py': 'def hello():\n    print("hello")\n',
    'requirements.txt': '',
    'notes/keep.md': 'kept\n',
    'secret-notes.txt': 'theirs to keep out\n',
    'debug.log': 'theirs to keep out\n',
    '.env': 'SECRET=1\n',
    '.env.local': 'SECRET=2\n',
    '.env.example': 'SECRET=\n',
    'config/.env': 'SECRET=3\n',
    'key.pem': '-----BEGIN PRIVATE KEY-----\n',
    'certs/tls/server.pem': '-----BEGIN PRIVATE KEY-----\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/config': '[core]\n',
    '.venv/pyvenv.cfg': 'home = /usr/bin\n',
    '.venv/bin/python': '',
    'pkg/__pycache__/util.cpython-313.pyc': '',
    ...(dockerignore === undefined ? {} : { '.dockerignore': dockerignore }),
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** The files of a build context as they arrive in the image, through its .dockerignore. */
async function context(dir: string): Promise<string[]> {
  const dockerfile = path.join(mkdtempSync(path.join(tmpdir(), 'dp-e2e-ignore-df-')), 'Dockerfile');
  writeFileSync(dockerfile, `FROM ${s!.builder}\nCOPY . /ctx/\nRUN find /ctx -type f | sort\n`);
  const tag = `dp-e2e-dockerignore/ctx-${Math.random().toString(36).slice(2, 8)}`;
  tags.push(tag);
  const r = await docker(['build', '--no-cache', '--progress=plain', '-t', tag, '-f', dockerfile, dir]);
  const output = `${r.stdout}\n${r.stderr}`;
  expect(r.code, output).toBe(0);
  return [...output.matchAll(/(\/ctx\/\S+)\s*$/gm)].map((m) => m[1].slice('/ctx/'.length));
}

const CODE = ['main.py', 'notes/keep.md', 'pkg/__init__.py', 'pkg/util.py', 'requirements.txt'];

describe.skipIf(!e2e.ok)('the .dockerignore of an existing project, with Docker', () => {
  it('their .dockerignore, merged: their exclusions hold, their `!` rules let in no secret, environment or build file, the code gets in', async () => {
    expect(s!.builder).toBe('standin/python:3.13-slim-trixie');
    const dir = project(THEIRS);
    const r = runBin(['--existing', dir, '--yes', '--force'], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    const merged = readFileSync(path.join(dir, '.dockerignore'), 'utf8');
    expect(merged.startsWith(`${THEIRS}${BLOCK_START}\n`)).toBe(true);
    expect(await context(dir)).toEqual(CODE);
  });

  it('no .dockerignore of its own: ours alone keeps out the same', async () => {
    const dir = project(undefined);
    const r = runBin(['--existing', dir, '--yes'], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    // Without their *.log and secret-notes.txt rules, those two get in; nothing else does.
    expect(await context(dir)).toEqual([...CODE, 'debug.log', 'secret-notes.txt'].sort());
  });
});
