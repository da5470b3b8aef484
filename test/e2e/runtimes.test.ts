/**
 * The runtime strategies other than Debian's 3.13, and the build-time guard, built and run for
 * real: a standalone CPython (uv + python-build-standalone) copied with its venv to identical
 * paths into cc-debian13, Chainguard's latest-dev and latest, and the check stage refusing a
 * runtime with another Python or a compiled extension whose shared library the runtime lacks.
 *
 * Every standalone version the catalogue offers and the stand-in mirror carries is built and run:
 * offline that is 3.11 (Debian's bookworm) and 3.14 (sid); 3.10 and 3.12, which no reachable Debian
 * suite packages, run only with E2E_REAL_IMAGES=1 (catalogue.test keeps this list and the catalogue
 * in step). The mirror's 3.15 (sid) waits for a uv pin with a 3.15 release.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { TARGETS, findFamily } from '../../lib/catalogue.js';
import { runBin } from '../helpers.js';
import { chainguardPythonVersion, runCommand, standaloneBuildArgs, type RunResult } from './standins.js';

vi.setConfig({ testTimeout: 600_000 });

const e2e = inject('e2e');
const s = e2e.ok ? e2e.standins : undefined;
const DOCKER = '/usr/bin/docker';
const BUILDERS = { buildkit: '1', legacy: '0' } as const;
const tags: string[] = [];

const docker = (args: string[], buildkit = '1'): Promise<RunResult> =>
  runCommand(DOCKER, args, { timeoutMs: 600_000, env: { ...process.env, DOCKER_BUILDKIT: buildkit, BUILDKIT_PROGRESS: 'plain' } });

function generate(args: string[]): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'dp-rt-'));
  const r = runBin(['app', '--yes', ...args], cwd);
  expect(r.status, r.stderr).toBe(0);
  return path.join(cwd, 'app');
}

function tag(label: string): string {
  const t = `dp-rt/${label}-${Math.random().toString(36).slice(2, 8)}`;
  tags.push(t);
  return t;
}

const index = () => (s!.indexUrl ? ['--build-arg', `PIP_INDEX_URL=${s!.indexUrl}`] : []);
const version = (name: string) => s!.index?.distributions[name]?.version.replaceAll('.', '\\.') ?? '\\S+';

afterAll(async () => {
  if (tags.length) await docker(['image', 'rm', '-f', ...tags]);
  await docker(['image', 'prune', '--force', '--filter', 'label=standins=1']);
});

describe.skipIf(!e2e.ok)('standalone CPython on cc-debian13', () => {
  // Every standalone version the catalogue offers that the mirror (or, for real, uv) can provide.
  const offered = TARGETS.filter((t) => t.strategy === 'standalone').map((t) => t.version);
  const versions = s ? offered.filter((v) => v in s.pythons) : [];
  const absent = offered.filter((v) => !versions.includes(v));
  if (s?.mode === 'standin') process.stderr.write(`standalone e2e: Python ${versions.join(', ')}${absent.length ? ` (the stand-in mirror has no ${absent.join(', ')})` : ''}\n`);

  describe.each(versions.flatMap((v) => [true, false].map((nonroot) => ({ v, nonroot }))))('Python $v, nonroot $nonroot', ({ v, nonroot }) => {
    let dir: string;
    const images: Record<string, string> = {};

    it('is generated for the standalone strategy', () => {
      dir = generate(['--python', v, '--deps', 'emoji markdown-it-py markupsafe', nonroot ? '--nonroot' : '--no-nonroot']);
    });

    it.each(Object.keys(BUILDERS) as (keyof typeof BUILDERS)[])('builds with %s and runs the app on the copied interpreter', async (builder) => {
      images[builder] = tag(`py${v.replace('.', '')}-${builder}`);
      const build = await docker(
        [
          'build',
          // The check stage's output is read below; a cached step prints none.
          '--no-cache',
          '--network',
          'host',
          ...standaloneBuildArgs(s!, nonroot ? s!.cc.nonroot : s!.cc.latest),
          ...index(),
          '-t',
          images[builder],
          dir,
        ],
        BUILDERS[builder],
      );
      expect(build.code, `${build.stdout}\n${build.stderr}`).toBe(0);
      expect(build.stdout + build.stderr).toMatch(new RegExp(`runtime check: Python ${v.replace('.', '\\.')}, \\d+ shared object\\(s\\) in /opt/venv and \\d+ of the interpreter's load`));
      const run = await docker(['run', '--rm', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', images[builder]]);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(
        new RegExp(`^Distroless is 😙👌\\nPython ${s!.pythons[v].replaceAll('.', '\\.')}\\nemoji ${version('emoji')}\\nmarkdown-it-py ${version('markdown-it-py')}\\nmarkupsafe \\S+\\n$`),
      );
    });

    it('keeps interpreter and venv at the build paths, as the right user, without a shell', async () => {
      const image = images.buildkit;
      const probe = [
        'import os, sys, markupsafe._speedups as s',
        'print(os.path.realpath("/opt/venv/bin/python"))',
        'print(sys.prefix, sys.base_prefix)',
        'print(os.getuid(), s.__file__)',
      ].join('\n');
      const r = await docker(['run', '--rm', '--entrypoint', '/opt/venv/bin/python', image, '-c', probe]);
      expect(r.stderr).toBe('');
      const [real, prefixes, user] = r.stdout.trim().split('\n');
      expect(real).toMatch(new RegExp(`^/opt/python/cpython-${s!.pythons[v].replaceAll('.', '\\.')}-linux-x86_64-gnu/bin/python${v.replace('.', '\\.')}$`));
      expect(prefixes).toMatch(new RegExp(`^/opt/venv /opt/python/cpython-${v.replace('.', '\\.')}[.\\d]*-linux-x86_64-gnu$`));
      expect(user).toMatch(new RegExp(`^${nonroot ? 65532 : 0} /opt/venv/lib/python${v.replace('.', '\\.')}/site-packages/markupsafe/_speedups\\.cpython-${v.replace('.', '')}-x86_64-linux-gnu\\.so$`));
      const sh = await docker(['run', '--rm', '--entrypoint', 'sh', image]);
      expect(sh.code).not.toBe(0);
    });

    it('has no installer and none of what PBS bundles unused: no pip, setuptools or wheel, no ensurepip, Tk, IDLE, test suites or headers', async () => {
      // The stand-in PBS bundles pip (and setuptools for 3.11) installed, as upstream does, so this can fail.
      const probe = String.raw`
import os, re
bad = re.compile(r'^(pip|setuptools|wheel)(-.*\.dist-info)?$|^(ensurepip|idlelib|tkinter|turtledemo|idle_test)$|^_tkinter\.|^(pip|idle|pydoc)[0-9.]*$')
hits = []
for top in ('/opt', '/usr', '/app'):
    for root, dirs, files in os.walk(top):
        hits += [os.path.join(root, n) for n in dirs + files if bad.match(n)]
        if re.search(r'/lib/python3\.\d+$', root) and 'test' in dirs:
            hits.append(os.path.join(root, 'test'))
print('\n'.join(sorted(hits)))
`;
      const r = await docker(['run', '--rm', '--entrypoint', '/opt/venv/bin/python', images.buildkit, '-c', probe]);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('');
      const headers = await docker(['run', '--rm', '--entrypoint', '/opt/venv/bin/python', images.buildkit, '-c', "import glob; print(glob.glob('/opt/python/*/include'))"]);
      expect(headers.stdout.trim()).toBe('[]');
    });

    it('ships the bytecode of the stdlib, the venv and the app: running as root writes nothing there', async () => {
      const name = `dp-rt-diff-${Math.random().toString(36).slice(2, 8)}`;
      const run = await docker(['run', '--name', name, '--user', '0', images.buildkit]);
      expect(run.code, run.stderr).toBe(0);
      const diff = await docker(['diff', name]);
      await docker(['rm', name]);
      expect(diff.stdout.split('\n').filter((l) => /^[ACD] \/(opt|app)(\/|$)/.test(l))).toEqual([]);
    });
  });

  it('refuses to build a version uv cannot fetch, saying why', async () => {
    if (s!.mode !== 'standin') return;
    const dir = generate(['--python', '3.12']);
    const build = await docker([
      'build',
      '--network',
      'host',
      ...standaloneBuildArgs(s!, s!.cc.nonroot),
      ...index(),
      '-t',
      tag('py312'),
      dir,
    ]);
    expect(build.code).not.toBe(0);
    expect(build.stdout + build.stderr).toMatch(/error: No download found for request: \S*3\.12/);
  });
});

describe.skipIf(!e2e.ok)('the build-time runtime check', () => {
  // The one version the catalogue says Chainguard's latest runs.
  const [chainguardPython] = Object.keys(findFamily('chainguard')!.targets);

  it.each(Object.keys(BUILDERS) as (keyof typeof BUILDERS)[])("builds a Chainguard project with %s on latest-dev and runs it on latest, the catalogue's version, nonroot, without a shell", async (builder) => {
    const dir = generate(['--runtime', 'chainguard', '--deps', 'emoji markupsafe']);
    const image = tag(`chainguard-${builder}`);
    const build = await docker(
      ['build', '--network', 'host', '--build-arg', `BUILDER_IMAGE=${s!.chainguard.latestDev}`, '--build-arg', `RUNTIME_IMAGE=${s!.chainguard.latest}`, ...index(), '-t', image, dir],
      BUILDERS[builder],
    );
    expect(build.code, `${build.stdout}\n${build.stderr}`).toBe(0);
    const run = await docker(['run', '--rm', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', image]);
    expect(run.stderr).toBe('');
    const full = s!.mode === 'standin' ? s!.pythons[chainguardPython!]! : chainguardPython!;
    expect(run.stdout).toMatch(new RegExp(`^Distroless is 😙👌\\nPython ${full.replaceAll('.', '\\.')}`));
    const probe = await docker(['run', '--rm', '--entrypoint', '/opt/venv/bin/python', image, '-c', 'import os, markupsafe._speedups as s; print(os.getuid(), os.path.realpath("/opt/venv/bin/python"))']);
    expect(probe.stdout.trim()).toBe(`65532 /usr/bin/python${chainguardPython}`);
    expect((await docker(['run', '--rm', '--entrypoint', 'sh', image])).code).not.toBe(0);
  });

  it('fails a Chainguard build whose latest has moved to another Python, naming both', async () => {
    // The stand-ins have latest as it will be once Chainguard moves it: the next minor.
    if (s!.mode !== 'standin') return;
    const moved = await chainguardPythonVersion(s!.chainguard.next!);
    expect(moved.startsWith(`${chainguardPython}.`)).toBe(false);
    const dir = generate(['--runtime', 'chainguard', '--deps', 'emoji']);
    const build = await docker([
      'build',
      '--network',
      'host',
      '--build-arg',
      `BUILDER_IMAGE=${s!.chainguard.latestDev}`,
      '--build-arg',
      `RUNTIME_IMAGE=${s!.chainguard.next}`,
      ...index(),
      '-t',
      tag('chainguard-moved'),
      dir,
    ]);
    expect(build.code).not.toBe(0);
    expect(build.stdout + build.stderr).toContain(
      `runtime check failed: the project was generated for Python ${chainguardPython}, but the runtime image runs Python ${moved.split('.').slice(0, 2).join('.')} (/usr/bin/python).`,
    );
  });

  it('fails a build whose compiled extension needs a library the runtime image lacks, naming it', async () => {
    const dir = generate(['--deps', 'emoji pyyaml']);
    for (const [builder, buildkit] of Object.entries(BUILDERS)) {
      const build = await docker(
        ['build', '--network', 'host', '--build-arg', `BUILDER_IMAGE=${s!.builder}`, '--build-arg', `RUNTIME_IMAGE=${s!.runtime.nonroot}`, ...index(), '-t', tag(`yaml-${builder}`), dir],
        buildkit,
      );
      const log = build.stdout + build.stderr;
      expect(build.code, builder).not.toBe(0);
      expect(log).toContain('runtime check failed: compiled extensions need shared libraries the runtime image lacks:');
      expect(log).toMatch(/lib\/python3\.13\/site-packages\/(yaml\/)?_yaml\.cpython-313-x86_64-linux-gnu\.so: libyaml-0\.so\.2: cannot open shared object file/);
    }
  });
});
