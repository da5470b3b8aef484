/**
 * Hostile input, by name: each is refused by the create bin with exit 1 and one exact line on
 * stderr, and the folder it ran in (holding an existing project and a file of the user's) is
 * byte-for-byte unchanged.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBin, snapshot } from './helpers.js';

const OPTION = "is an option; only requirements are allowed (no -r, -e, --index-url, ...)";
const NOT_PEP508 = 'is not a PEP 508 requirement (name[extras] specifiers ; marker)';
const UNSAFE_PATH = 'is not a safe script path: use letters, digits, _ . - and / (e.g. src/app.py)';
const NOT_IMAGE = 'cannot name a Docker image: use lowercase letters, digits and single . _ - between them';
const OFFERED = '(offered: 3.10, 3.11, 3.12, 3.13, 3.14)';

const HOSTILE: [name: string, args: string[], error: string][] = [
  ['newline smuggling an index into requirements.txt', ['app', '--deps', 'emoji\n--index-url http://evil.example/simple'], '--deps: must not contain control characters'],
  ['a shell command after ;', ['app', '--deps', 'emoji; rm -rf /'], `--deps: 'emoji;' ${NOT_PEP508}`],
  ['command substitution', ['app', '--deps', '$(id)'], `--deps: '$(id)' ${NOT_PEP508}`],
  ['backticks', ['app', '--deps', '`id`'], `--deps: '\`id\`' ${NOT_PEP508}`],
  ['a stray quote', ['app', '--deps', 'emoji"'], `--deps: 'emoji"' ${NOT_PEP508}`],
  ['--index-url as a requirement', ['app', '--deps=--index-url=http://evil.example/simple'], `--deps: '--index-url=http://evil.example/simple' ${OPTION}`],
  ['--extra-index-url as a requirement', ['app', '--deps=--extra-index-url http://evil.example/simple'], `--deps: '--extra-index-url http://evil.example/simple' ${OPTION}`],
  ['-r including another file', ['app', '--deps=-r /etc/passwd'], `--deps: '-r /etc/passwd' ${OPTION}`],
  ['-e editable install', ['app', '--deps=-e .'], `--deps: '-e .' ${OPTION}`],
  ['-f find-links', ['app', '--deps=-f http://evil.example/wheels'], `--deps: '-f http://evil.example/wheels' ${OPTION}`],
  ['a direct URL reference', ['app', '--deps', 'pkg @ https://evil.example/pkg.whl'], "--deps: 'pkg @ https://evil.example/pkg.whl' is a direct reference; only names with versions and markers are allowed"],
  ['a local path', ['app', '--deps', './pkg'], `--deps: './pkg' ${NOT_PEP508}`],
  ['a Cyrillic look-alike name', ['app', '--deps', 'еmoji'], "--deps: 'еmoji' is not a distribution name (ASCII letters, digits, . _ -)"],
  ['a very long requirement', ['app', '--deps', `emoji==1.0,<${'9'.repeat(250)}`], '--deps: a requirement is longer than 200 characters'],
  ['the same distribution twice', ['app', '--deps', 'emoji EMOJI'], "--deps: 'EMOJI' is listed more than once"],
  ['a comment', ['app', '--deps', 'emoji #x'], "--deps: 'emoji #x' holds a comment (#); give requirements only"],
  ['a version that is not PEP 440', ['app', '--deps', 'emoji==abc'], "--deps: '==abc' in 'emoji==abc' is not a PEP 440 version specifier"],
  ['entrypoint traversal', ['app', '--entrypoint', '../../etc/passwd.py'], "--entrypoint: must stay inside the project (no '..')"],
  ['absolute entrypoint', ['app', '--entrypoint', '/etc/app.py'], '--entrypoint: must be a path relative to the project, not absolute'],
  ['entrypoint command substitution', ['app', '--entrypoint', '$(id).py'], `--entrypoint: '$(id).py' ${UNSAFE_PATH}`],
  ['entrypoint backticks', ['app', '--entrypoint', '`id`.py'], `--entrypoint: '\`id\`.py' ${UNSAFE_PATH}`],
  ['entrypoint ;', ['app', '--entrypoint', 'app;rm.py'], `--entrypoint: 'app;rm.py' ${UNSAFE_PATH}`],
  ['entrypoint quotes', ['app', '--entrypoint', '"app".py'], `--entrypoint: '"app".py' ${UNSAFE_PATH}`],
  ['entrypoint newline smuggling a USER line', ['app', '--entrypoint', 'src/app.py\nUSER root'], '--entrypoint: must not contain control characters'],
  ['entrypoint Cyrillic look-alike', ['app', '--entrypoint', 'src/аpp.py'], `--entrypoint: 'src/аpp.py' ${UNSAFE_PATH}`],
  ['a Python keyword as module', ['app', '--entrypoint', 'class'], "--entrypoint: 'class' is neither a script path ending in .py, a dotted module name of Python identifiers, module:function, nor a command line with arguments"],
  ['a script shadowing the standard library', ['app', '--entrypoint', 'src/json.py'], "--entrypoint: 'json' is a standard-library module name and would shadow it for every import; rename it"],
  ['a module shadowing a dependency', ['app', '--deps', 'emoji', '--entrypoint', 'emoji'], "--entrypoint: 'emoji' would shadow the dependency emoji for every import; rename it"],
  ['a very long entrypoint', ['app', '--entrypoint', `src/${'a'.repeat(300)}.py`], '--entrypoint: is longer than 200 characters'],
  // Each with the nearest name that works.
  ['a directory with a space', ['My App'], `directory: 'My App' ${NOT_IMAGE} (e.g. 'my-app')`],
  ['a directory named by command substitution', ['$(id)'], `directory: '$(id)' ${NOT_IMAGE} (e.g. 'id')`],
  ['a directory with a newline', ['app\nx'], 'directory: must not contain control characters'],
  ['a reserved hidden directory', ['.git'], `directory: '.git' ${NOT_IMAGE} (e.g. 'git')`],
  ['a very long directory name', ['d'.repeat(200)], `directory: '${'d'.repeat(200)}' ${NOT_IMAGE} (e.g. '${'d'.repeat(128)}')`],
  ['a directory that is a file', ['notes.txt'], "directory: 'notes.txt' exists and is not a directory"],
  ['python with a newline', ['app', '--python', '3.13\n'], '--python: must not contain control characters'],
  ['python with a command', ['app', '--python', '3.13; rm -rf /'], `--python: '3.13; rm -rf /' is not offered ${OFFERED}`],
  ['python in full-width digits', ['app', '--python', '３.13'], `--python: '３.13' is not offered ${OFFERED}`],
  ['runtime with a command', ['app', '--runtime', 'distroless; rm -rf /'], "--runtime: 'distroless; rm -rf /' is not a runtime family (offered: distroless, chainguard)"],
];

let cwd: string;
let before: Record<string, string>;

beforeAll(() => {
  cwd = mkdtempSync(path.join(tmpdir(), 'dp-hostile-'));
  expect(runBin(['app', '--yes', '--deps', 'emoji requests'], cwd).status).toBe(0);
  writeFileSync(path.join(cwd, 'notes.txt'), 'mine\n');
  writeFileSync(path.join(cwd, 'app/src/extra.py'), 'print("mine")\n');
  before = snapshot(cwd);
});

describe('hostile input', () => {
  it('has at least 30 named cases', () => expect(HOSTILE.length).toBeGreaterThanOrEqual(30));

  it.each(HOSTILE)('%s', (_name, args, error) => {
    const r = runBin(['--yes', ...args], cwd);
    expect(r.stderr).toBe(`error: ${error}\n`);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(snapshot(cwd)).toEqual(before);
  });
});
