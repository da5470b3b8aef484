/**
 * Checks the offline stand-in images, the local index and the local
 * python-build-standalone mirror themselves, and the fake uv (see standins.ts),
 * as set up once per run by setup.ts (the vitest globalSetup): without a
 * Docker daemon the suite is skipped with a loud "SKIPPED e2e: <reason>" line, unless
 * E2E=required, where the run fails.
 * With E2E_REAL_IMAGES=1 the same checks run against the real images, minus
 * the stand-in-only ones.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFamily } from '../../lib/catalogue.js';
import {
  COMPONENTS,
  DEPS,
  STANDINS_DIR,
  type Standins,
  chainguardPythonVersion,
  docker,
  dockerAvailable,
  dockerBin,
  pbsDir,
  readPbsManifest,
  realMode,
  recipeHash,
  runCommand,
  startIndexServer,
} from './standins.js';

const MIN = 60_000;
const e2e = inject('e2e');
const real = realMode();

let s: Omit<Standins, 'stop'>;

/** docker run --rm <args>; fails the test with docker's output on a non-zero exit. */
async function dockerRun(args: string[], timeoutMs = 2 * MIN): Promise<string> {
  const r = await docker(['run', '--rm', ...args], { timeoutMs });
  if (r.code !== 0) {
    throw new Error(`docker run ${args.join(' ')} -> exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** Runs Python code with the image's entrypoint (the runtime images' python3.13). */
function runtimePy(image: string, code: string, extra: string[] = []): Promise<string> {
  return dockerRun([...extra, image, '-c', code]);
}

/** Runs a shell script in the builder image (it has a shell). */
function builderSh(script: string, extra: string[] = [], timeoutMs = 2 * MIN): Promise<string> {
  return dockerRun([...extra, s.builder, 'sh', '-euc', script], timeoutMs);
}

async function imageConfig(image: string): Promise<{
  Entrypoint: string[] | null;
  Cmd: string[] | null;
  Env: string[] | null;
  User: string;
  WorkingDir: string;
  Labels: Record<string, string> | null;
}> {
  const r = await docker(['image', 'inspect', '--format', '{{json .Config}}', image]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Runs fn with a created (never started) container of image. */
async function withContainer<T>(image: string, fn: (id: string) => Promise<T>): Promise<T> {
  const c = await docker(['create', image, '/nonexistent'], { timeoutMs: 60_000 });
  expect(c.code, c.stderr).toBe(0);
  const id = c.stdout.trim();
  try {
    return await fn(id);
  } finally {
    await docker(['rm', '-f', id]);
  }
}

/** `docker cp <container>:<path> - | tar <tarArgs>`: reads images that have no shell without running them. */
function copyOut(image: string, path: string, tarArgs: string): Promise<string> {
  return withContainer(image, async (id) => {
    const r = await runCommand('bash', ['-c', `set -o pipefail; "$0" cp "$1:$2" - | tar ${tarArgs}`, dockerBin(), id, path]);
    expect(r.code, `${image}:${path}: ${r.stderr}`).toBe(0);
    return r.stdout;
  });
}

/** A file's text, read out of an image. */
const imageFile = (image: string, path: string) => copyOut(image, path, '-xOf -');

/** Names directly inside a directory of an image. */
async function imageDir(image: string, dir: string): Promise<string[]> {
  const out = await copyOut(image, dir, '-tf -');
  const names = out
    .split('\n')
    .map((l) => l.replace(/\/$/, '').split('/'))
    .filter((parts) => parts.length === 2)
    .map((parts) => parts[1]!);
  return [...new Set(names)].sort();
}

const listFile = (file: string) =>
  readFileSync(join(STANDINS_DIR, file), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '');

const envOf = (env: string[] | null) =>
  Object.fromEntries((env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

describe('dockerAvailable()', () => {
  it('reports a missing docker CLI as a reason, not an exception', async () => {
    const saved = process.env['DOCKER'];
    process.env['DOCKER'] = '/nonexistent/docker';
    try {
      const r = await dockerAvailable();
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/not found/);
    } finally {
      if (saved === undefined) delete process.env['DOCKER'];
      else process.env['DOCKER'] = saved;
    }
  });
});

describe.skipIf(!e2e.ok)('stand-in images and local index', () => {
  beforeAll(() => {
    if (e2e.ok) s = e2e.standins;
  });

  describe('runtime (distroless python3-debian13)', () => {
    it('has no shell: --entrypoint sh fails and subprocess(shell=True) fails', async () => {
      for (const sh of ['sh', '/bin/sh', '/busybox/sh']) {
        const r = await docker(['run', '--rm', '--entrypoint', sh, s.runtime.latest, '-c', 'true']);
        expect(r.code, `${sh}: ${r.stderr}`).not.toBe(0);
        expect(r.stderr).toMatch(/no such file or directory|executable file not found/);
      }
      const out = await runtimePy(
        s.runtime.latest,
        'import subprocess\ntry:\n  subprocess.run("true", shell=True)\n  print("ran")\nexcept OSError as e:\n  print("OSError", e.errno)',
      );
      expect(out.trim()).toBe('OSError 2');
    });

    it('has no package manager, shell or busybox anywhere on disk', async () => {
      const out = await runtimePy(
        s.runtime.latest,
        [
          'import os',
          'bad = {"sh","bash","dash","busybox","dpkg","dpkg-deb","dpkg-query","apt","apt-get","apt-cache"}',
          'hits = []',
          'for d in ("/bin","/sbin","/usr/bin","/usr/sbin","/usr/local/bin","/usr/local/sbin","/busybox"):',
          '  if os.path.isdir(d): hits += [os.path.join(d, f) for f in os.listdir(d) if f in bad]',
          'hits += [p for p in ("/busybox", "/var/lib/dpkg/status") if os.path.exists(p)]',
          'print(sorted(set(hits)))',
        ].join('\n'),
      );
      expect(out.trim()).toBe('[]');
    });

    it('lists exactly the 38 distroless packages in /var/lib/dpkg/status.d', async () => {
      const out = await runtimePy(
        s.runtime.latest,
        'import os, json\nprint(json.dumps(sorted(f for f in os.listdir("/var/lib/dpkg/status.d") if not f.endswith(".md5sums"))))',
      );
      const found = JSON.parse(out) as string[];
      expect(found).toHaveLength(38);
      if (!real) {
        const listed = readFileSync(join(STANDINS_DIR, 'runtime-packages.txt'), 'utf8')
          .split('\n')
          .map((l) => l.replace(/#.*/, '').trim())
          .filter((l) => l !== '')
          .sort();
        expect(found).toEqual(listed);
      }
    });

    it('has the distroless users, groups and directories', async () => {
      const out = await runtimePy(
        s.runtime.latest,
        [
          'import json, os, pwd, grp',
          'st = lambda p: [oct(os.stat(p).st_mode & 0o7777), os.stat(p).st_uid, os.stat(p).st_gid]',
          'print(json.dumps({',
          '  "passwd": {p.pw_name: [p.pw_uid, p.pw_gid, p.pw_dir, p.pw_shell] for p in pwd.getpwall()},',
          '  "group": {g.gr_name: g.gr_gid for g in grp.getgrall()},',
          '  "home": st("/home/nonroot"), "root": st("/root"), "tmp": st("/tmp"),',
          '}))',
        ].join('\n'),
      );
      const info = JSON.parse(out);
      expect(info.passwd).toEqual({
        root: [0, 0, '/root', '/sbin/nologin'],
        nobody: [65534, 65534, '/nonexistent', '/sbin/nologin'],
        nonroot: [65532, 65532, '/home/nonroot', '/sbin/nologin'],
      });
      expect(info.group).toEqual({ root: 0, nobody: 65534, tty: 5, staff: 50, nonroot: 65532 });
      expect(info.home).toEqual(['0o700', 65532, 65532]);
      expect(info.root).toEqual(['0o700', 0, 0]);
      expect(info.tmp).toEqual(['0o1777', 0, 0]);
    });

    it('has the distroless image config on all four tags', async () => {
      for (const [image, user, workdir, debug] of [
        [s.runtime.latest, '0', '/', false],
        [s.runtime.nonroot, '65532', '/home/nonroot', false],
        [s.runtime.debug, '0', '/', true],
        [s.runtime.debugNonroot, '65532', '/home/nonroot', true],
      ] as const) {
        const c = await imageConfig(image);
        expect(c.Entrypoint, image).toEqual(['/usr/bin/python3.13']);
        const env = envOf(c.Env);
        expect(env['PATH'], image).toBe(debug ? `${BASE_PATH}:/busybox` : BASE_PATH);
        expect(env['SSL_CERT_FILE'], image).toBe('/etc/ssl/certs/ca-certificates.crt');
        expect(env['LANG'], image).toBe('C.UTF-8');
        expect(c.User, image).toBe(user);
        expect(c.WorkingDir || '/', image).toBe(workdir);
      }
    });

    it('runs :nonroot as 65532 in /home/nonroot, :latest as root in /', async () => {
      const code = 'import os; print(os.getuid(), os.getgid(), os.getcwd())';
      expect((await runtimePy(s.runtime.nonroot, code)).trim()).toBe('65532 65532 /home/nonroot');
      expect((await runtimePy(s.runtime.latest, code)).trim()).toBe('0 0 /');
    });

    it('has python and python3 pointing at /usr/bin/python3.13', async () => {
      const out = await runtimePy(
        s.runtime.latest,
        'import os, sys\nprint(sys.executable, os.path.realpath("/usr/bin/python"), os.path.realpath("/usr/bin/python3"), "%d.%d" % sys.version_info[:2])',
      );
      expect(out.trim()).toBe('/usr/bin/python3.13 /usr/bin/python3.13 /usr/bin/python3.13 3.13');
    });

    it('has working ssl (CA bundle), sqlite3, ctypes.util.find_library and C.UTF-8', async () => {
      const out = await runtimePy(
        s.runtime.nonroot,
        [
          'import ctypes.util, json, ssl, sqlite3, sys, zlib, bz2, lzma, zoneinfo, uuid, readline, dbm',
          'ctx = ssl.create_default_context()',
          'print(json.dumps({',
          '  "cas": len(ctx.get_ca_certs()),',
          '  "sqlite": sqlite3.connect(":memory:").execute("select 6*7").fetchone()[0],',
          '  "libssl": ctypes.util.find_library("ssl"),',
          '  "libc": ctypes.util.find_library("c"),',
          '  "fsenc": sys.getfilesystemencoding(),',
          '  "tz": str(zoneinfo.ZoneInfo("Europe/Berlin")),',
          '}))',
        ].join('\n'),
      );
      const r = JSON.parse(out);
      expect(r.cas).toBeGreaterThan(100);
      expect(r.sqlite).toBe(42);
      expect(r.libssl).toMatch(/^libssl\.so\.3/);
      expect(r.libc).toMatch(/^libc\.so\.6/);
      expect(r.fsenc).toBe('utf-8');
      expect(r.tz).toBe('Europe/Berlin');
    });

    it('reports PRETTY_NAME="Distroless" in /etc/os-release', async () => {
      const out = await runtimePy(s.runtime.latest, 'print(open("/etc/os-release").read())');
      expect(out).toContain('PRETTY_NAME="Distroless"');
      expect(out).toContain('VERSION_ID="13"');
    });

    it('debug tags have busybox at /busybox/sh, as root and as nonroot', async () => {
      const script = 'echo "$(id -u) $(pwd)"; ls / >/dev/null && echo ok';
      expect((await dockerRun(['--entrypoint', '/busybox/sh', s.runtime.debug, '-c', script])).trim()).toBe('0 /\nok');
      expect((await dockerRun(['--entrypoint', 'sh', s.runtime.debugNonroot, '-c', script])).trim()).toBe(
        '65532 /home/nonroot\nok',
      );
      // The entrypoint is still python.
      expect((await runtimePy(s.runtime.debug, 'print("py")')).trim()).toBe('py');
    });
  });

  describe('builder (python:3.13-slim-trixie)', () => {
    it('reaches Python 3.13 and pip through /usr/local/bin, has no /usr/bin/python', async () => {
      const out = await builderSh(
        [
          'command -v python3; command -v python; command -v pip',
          'readlink -f /usr/local/bin/python3 >/dev/null',
          'python3 -c "import sys; print(\'%d.%d\' % sys.version_info[:2])"',
          'test ! -e /usr/bin/python && echo no-usr-bin-python',
        ].join('\n'),
      );
      expect(out.trim().split('\n')).toEqual([
        '/usr/local/bin/python3',
        '/usr/local/bin/python',
        '/usr/local/bin/pip',
        '3.13',
        'no-usr-bin-python',
      ]);
    });

    it('has no EXTERNALLY-MANAGED marker and pip lives in /usr/local/lib/python3.13/site-packages', async () => {
      const out = await builderSh(
        [
          'python3 -c "import sysconfig, os; print(os.path.exists(os.path.join(sysconfig.get_path(\'stdlib\'), \'EXTERNALLY-MANAGED\')))"',
          'ls /usr/lib/python3*/EXTERNALLY-MANAGED /usr/local/lib/python3*/EXTERNALLY-MANAGED 2>/dev/null | wc -l',
          'python3 -c "import os, pip; print(os.path.realpath(pip.__file__))"',
          'pip list --format=freeze --disable-pip-version-check | cut -d= -f1',
        ].join('\n'),
      );
      expect(out.trim().split('\n')).toEqual([
        'False',
        '0',
        '/usr/local/lib/python3.13/site-packages/pip/__init__.py',
        'pip',
      ]);
    });

    it('creates venvs whose interpreter links to /usr/local/bin/python3', async () => {
      const out = await builderSh(
        [
          'python3 -m venv /v',
          'grep "^home = " /v/pyvenv.cfg',
          // Follow the link chain one step at a time and print each target.
          'p=/v/bin/python3; while [ -L "$p" ]; do t=$(readlink "$p"); case $t in /*) p=$t;; *) p=$(dirname "$p")/$t;; esac; echo "$p"; done',
        ].join('\n'),
      );
      const lines = out.trim().split('\n');
      expect(lines[0]).toBe('home = /usr/local/bin');
      expect(lines).toContain('/usr/local/bin/python3');
    });

    it('has the Python headers but no libc6-dev and no compiler', async () => {
      const out = await builderSh(
        [
          // The official image has them in /usr/local/include, the stand-in in /usr/include.
          'python3 -c "import os, sysconfig; print(os.path.exists(sysconfig.get_paths()[\'include\'] + \'/Python.h\'))"',
          'test ! -e /usr/include/stdio.h && echo no-libc-dev',
          'command -v gcc cc || echo no-cc',
        ].join('\n'),
      );
      expect(out.trim().split('\n')).toEqual(['True', 'no-libc-dev', 'no-cc']);
    });

    it('has the python image config (PATH, LANG, CMD)', async () => {
      const c = await imageConfig(s.builder);
      const env = envOf(c.Env);
      expect(env['PATH']?.split(':')[0]).toBe('/usr/local/bin');
      expect(env['LANG']).toBe('C.UTF-8');
      expect(env['PYTHON_VERSION']).toMatch(/^3\.13\.\d+$/);
      expect(c.Cmd).toEqual(['python3']);
    });

    it.skipIf(real)('keeps /usr/bin/python3.13 a real binary (stand-in detail)', async () => {
      const out = await builderSh('test -f /usr/bin/python3.13 && test ! -L /usr/bin/python3.13 && echo real');
      expect(out.trim()).toBe('real');
    });

    it('can use apt inside builds (Debian mirror)', async () => {
      const out = await builderSh(
        'apt-get update -qq >/dev/null && apt-get install -s --no-install-recommends gcc | grep -c "^Inst "',
        [],
        5 * MIN,
      );
      expect(Number(out.trim())).toBeGreaterThan(3);
    }, 6 * MIN);
  });

  describe.skipIf(real)('local PEP 503 index', () => {
    const pipEnv = () => ['--network', 'host', '-e', `PIP_INDEX_URL=${s.indexUrl}`, '-e', 'PIP_DISABLE_PIP_VERSION_CHECK=1'];
    const dist = (role: string) => {
      const name = s.index?.roles[role];
      expect(name, `role ${role}`).toBeTruthy();
      const d = s.index!.distributions[name!];
      expect(d, name).toBeTruthy();
      return d!;
    };

    it('is served on 127.0.0.1 with PEP 503 pages and sha256 links', async () => {
      expect(s.indexUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/simple\/$/);
      const emoji = dist('simple');
      const page = await (await fetch(`${s.indexUrl}emoji/`)).text();
      expect(page).toContain(`${emoji.wheel}#sha256=${emoji.sha256}`);
      const root = await (await fetch(s.indexUrl)).text();
      for (const name of Object.keys(s.index!.distributions)) expect(root).toContain(`href="${name}/"`);
    });

    it('records its contents in index.json (pure, with a dependency, compiled)', () => {
      expect(dist('simple').name).toBe('emoji');
      expect(dist('with-dependency').dependsOn).toContain(s.index!.roles['dependency']);
      const compiled = dist('compiled');
      expect(compiled.compiled).toBe(true);
      expect(compiled.tag).toBe('cp313-cp313-linux_x86_64');
      expect(dist('depends-on-compiled').dependsOn).toContain(s.index!.roles['compiled']);
      for (const tool of ['pip', 'setuptools', 'wheel', 'packaging']) expect(s.index!.distributions[tool]).toBeTruthy();
      expect(s.index!.recipeHash).toBe(recipeHash('index'));
    });

    it('lets pip in the builder install emoji (and a package with a dependency) from it', async () => {
      const emoji = dist('simple');
      const withDep = dist('with-dependency');
      const dep = s.index!.distributions[withDep.dependsOn[0]!]!;
      const out = await builderSh(
        [
          `pip install -q --root-user-action=ignore emoji ${withDep.name}`,
          'python3 -c "import emoji; print(emoji.__version__)"',
          'pip list --format=freeze | sort',
          'head -1 /usr/local/bin/markdown-it',
        ].join('\n'),
        pipEnv(),
      );
      const lines = out.trim().split('\n');
      expect(lines[0]).toBe(emoji.version);
      expect(lines).toContain(`emoji==${emoji.version}`);
      expect(lines).toContain(`${withDep.name}==${withDep.version}`);
      expect(lines).toContain(`${dep.name}==${dep.version}`);
      expect(lines).toContain('#!/usr/local/bin/python3');
    });

    it('serves a cp313 x86_64 wheel that installs in the builder and imports in the runtime', async () => {
      const compiled = dist('compiled');
      const user = dist('depends-on-compiled');
      const vol = `standins-test-${process.pid}-${Date.now()}`;
      expect((await docker(['volume', 'create', vol])).code).toBe(0);
      try {
        const listing = await builderSh(
          `pip install -q --root-user-action=ignore --target /out ${user.name} && ls /out/markupsafe`,
          [...pipEnv(), '-v', `${vol}:/out`],
        );
        expect(listing).toContain('_speedups.cpython-313-x86_64-linux-gnu.so');
        const out = await runtimePy(
          s.runtime.nonroot,
          [
            'import jinja2, markupsafe',
            'from markupsafe import _speedups',
            'print(markupsafe.__version__, jinja2.__version__, markupsafe.escape("<&>"))',
          ].join('\n'),
          ['-v', `${vol}:/out:ro`, '-e', 'PYTHONPATH=/out'],
        );
        expect(out.trim()).toBe(`${compiled.version} ${user.version} &lt;&amp;&gt;`);
      } finally {
        await docker(['volume', 'rm', '-f', vol]);
      }
    });

    it('has pip, setuptools and wheel for "pip install --upgrade pip setuptools wheel" in a venv', async () => {
      const out = await builderSh(
        'python3 -m venv /venv && /venv/bin/pip install -q --upgrade pip setuptools wheel && /venv/bin/pip list --format=freeze | sort',
        pipEnv(),
      );
      const lines = out.trim().split('\n');
      for (const tool of ['pip', 'setuptools', 'wheel']) {
        expect(lines).toContain(`${tool}==${s.index!.distributions[tool]!.version}`);
      }
    });

    it('serves on a fresh port per server and stops cleanly', async () => {
      const other = await startIndexServer();
      try {
        expect(other.url).not.toBe(s.indexUrl);
        expect((await fetch(other.url)).status).toBe(200);
      } finally {
        await other.stop();
      }
      await expect(fetch(other.url)).rejects.toThrow();
    });
  });

  describe('cc (distroless cc-debian13)', () => {
    it('has the distroless config: no ENTRYPOINT, PATH and SSL_CERT_FILE only, uid 0 in / or 65532 in /home/nonroot', async () => {
      for (const [image, user, workdir] of [
        [s.cc.latest, '0', '/'],
        [s.cc.nonroot, '65532', '/home/nonroot'],
      ] as const) {
        const c = await imageConfig(image);
        expect(c.Entrypoint ?? null, image).toBeNull();
        expect(c.Cmd ?? null, image).toBeNull();
        expect(envOf(c.Env), image).toEqual({ PATH: BASE_PATH, SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt' });
        expect(c.User, image).toBe(user);
        expect(c.WorkingDir || '/', image).toBe(workdir);
      }
    });

    it('has no shell and no python to run', async () => {
      for (const exe of ['sh', '/bin/sh', '/busybox/sh', 'python3', '/usr/bin/python3']) {
        const r = await docker(['run', '--rm', '--entrypoint', exe, s.cc.latest, '-c', 'true']);
        expect(r.code, `${exe}: ${r.stderr}`).not.toBe(0);
        expect(r.stderr).toMatch(/no such file or directory|executable file not found/);
      }
    });

    it('lists exactly the static, base and cc packages in /var/lib/dpkg/status.d', async () => {
      const found = (await imageDir(s.cc.latest, '/var/lib/dpkg/status.d')).filter((f) => !f.endsWith('.md5sums'));
      expect(found).toHaveLength(14);
      if (!real) {
        const cc = listFile('cc-packages.txt');
        expect(found).toEqual([...cc].sort());
        // The python3 image is the cc image plus its own layer.
        expect(listFile('runtime-packages.txt').slice(0, cc.length)).toEqual(cc);
      }
    });

    it('has glibc, libssl, libstdc++, the distroless users and CA bundle, but no ldconfig or ld.so.cache', async () => {
      const libs = await imageDir(s.cc.latest, '/usr/lib/x86_64-linux-gnu');
      for (const lib of ['libc.so.6', 'libssl.so.3', 'libcrypto.so.3', 'libstdc++.so.6', 'libgcc_s.so.1', 'libgomp.so.1', 'libz.so.1', 'libzstd.so.1']) {
        expect(libs, lib).toContain(lib);
      }
      expect(libs.some((l) => l.startsWith('libsqlite3') || l.startsWith('libpython'))).toBe(false);
      expect(await imageFile(s.cc.latest, '/etc/passwd')).toBe(await imageFile(s.runtime.latest, '/etc/passwd'));
      expect(await imageFile(s.cc.latest, '/etc/group')).toBe(await imageFile(s.runtime.latest, '/etc/group'));
      expect((await imageFile(s.cc.latest, '/etc/ssl/certs/ca-certificates.crt')).match(/BEGIN CERTIFICATE/g)?.length).toBeGreaterThan(100);
      expect(await imageFile(s.cc.latest, '/usr/lib/os-release')).toContain('PRETTY_NAME="Distroless"');
      const etc = await imageDir(s.cc.latest, '/etc');
      expect(etc).not.toContain('ld.so.cache');
      expect(await imageDir(s.cc.latest, '/usr/sbin')).not.toContain('ldconfig');
    });
  });

  describe.skipIf(real)('python-build-standalone mirror (stand-in)', () => {
    const trees: Record<string, string> = {};
    let tmp = '';
    beforeAll(async () => {
      tmp = mkdtempSync(join(tmpdir(), 'standins-pbs-'));
      for (const [minor, p] of Object.entries(readPbsManifest()!.pythons)) {
        const dir = join(tmp, minor);
        const r = await runCommand('bash', ['-c', 'mkdir -p "$1" && tar -xzf "$0" -C "$1"', join(pbsDir(), p.url), dir]);
        expect(r.code, r.stderr).toBe(0);
        trees[minor] = join(dir, 'python');
      }
    }, 2 * MIN);
    afterAll(() => {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    it('offers CPython 3.11 (bookworm), 3.13 (trixie), 3.14 and 3.15 (sid), recorded in pbs.json', () => {
      const m = readPbsManifest()!;
      expect(m.recipeHash).toBe(recipeHash('pbs'));
      const suites = { '3.11': 'bookworm', '3.13': 'trixie', '3.14': 'sid', '3.15': 'sid' };
      expect(Object.keys(s.pythons).sort()).toEqual(Object.keys(suites));
      for (const [minor, suite] of Object.entries(suites)) {
        expect(s.pythons[minor]).toMatch(new RegExp(`^${minor.replace('.', '\\.')}\\.\\d+$`));
        expect(m.pythons[minor]!.suite).toBe(suite);
        // sid's termios needs glibc 2.42's termios ABI, which trixie's glibc (2.41) lacks: left out.
        expect(m.pythons[minor]!.leftOut, minor).toEqual(
          suite === 'sid' ? { termios: expect.arrayContaining(['GLIBC_2.42 from libc.so.6']) } : {},
        );
      }
      for (const [minor, p] of Object.entries(m.pythons)) {
        expect(p.version).toBe(s.pythons[minor]);
        expect(p.key).toBe(`cpython-${p.version}-linux-x86_64-gnu`);
        expect(p.url).toBe(`${m.release}/cpython-${p.version}+${m.release}-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz`);
        expect(p.files.install_only).toBe(p.url.replace('_stripped', ''));
      }
    });

    it('serves uv-named tarballs, SHA256SUMS and the manifest under pythonMirror on 127.0.0.1', async () => {
      expect(s.pythonMirror).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pbs$/);
      const m = readPbsManifest()!;
      const sums = await (await fetch(`${s.pythonMirror}/${m.release}/SHA256SUMS`)).text();
      for (const p of Object.values(m.pythons)) {
        // uv asks for the URL-encoded name (cpython-X.Y.Z%2B<release>-...).
        const res = await fetch(`${s.pythonMirror}/${p.url.replace('+', '%2B')}`);
        expect(res.status, p.url).toBe(200);
        const body = Buffer.from(await res.arrayBuffer());
        expect(createHash('sha256').update(body).digest('hex')).toBe(p.sha256);
        expect(sums).toContain(`${p.sha256}  ${p.url.split('/')[1]}`);
        expect((await fetch(`${s.pythonMirror}/${p.files.install_only}`, { method: 'HEAD' })).status).toBe(200);
      }
      expect((await (await fetch(`${s.pythonMirror}/pbs.json`)).json()).release).toBe(m.release);
      // The index still answers at the same server.
      expect((await fetch(s.indexUrl)).status).toBe(200);
    });

    it('lays each tarball out as PBS install_only: python/{bin,lib,include}, bundled libraries, RUNPATHs', async () => {
      for (const [minor, tree] of Object.entries(trees)) {
        const r = await runCommand('bash', [
          '-c',
          [
            'cd "$0"',
            'ls ..',
            'readlink bin/python3',
            'readlink bin/python',
            `test -f lib/python${minor}/os.py && test -d lib/python${minor}/lib-dynload && test -f lib/libpython${minor}.so.1.0 && test -f include/python${minor}/Python.h && echo layout-ok`,
            `ls lib/python${minor}/ensurepip/_bundled`,
            // As upstream: pip (and setuptools up to 3.11) installed in the interpreter's own site-packages.
            `ls lib/python${minor}/site-packages | grep -E '^(pip|setuptools)(-.*\\.dist-info)?$' | sed 's/^/installed /'`,
            'test -x bin/pip3 && echo pip3-ok',
            `test ! -e lib/python${minor}/EXTERNALLY-MANAGED && echo no-marker`,
            `cat lib/python${minor}/_sysconfigdata__x86_64-linux-gnu.py | grep -c "'prefix': '/install'"`,
            `patchelf --print-rpath bin/python${minor}`,
            `patchelf --print-rpath lib/python${minor}/lib-dynload/_ssl.cpython-${minor.replace('.', '')}-x86_64-linux-gnu.so`,
            'patchelf --print-rpath lib/libssl.so.3',
          ].join('\n'),
          tree,
        ]);
        expect(r.code, `${minor}: ${r.stderr}`).toBe(0);
        const lines = r.stdout.trim().split('\n');
        expect(lines[0], minor).toBe('python');
        expect(lines.slice(1, 4)).toEqual([`python${minor}`, `python${minor}`, 'layout-ok']);
        expect(lines.some((l) => /^pip-.*\.whl$/.test(l)), minor).toBe(true);
        expect(lines).toContain('no-marker');
        expect(lines.filter((l) => /^installed pip-.*\.dist-info$/.test(l)), minor).toHaveLength(1);
        expect(lines).toContain('installed pip');
        expect(lines.includes('installed setuptools'), minor).toBe(minor === '3.11');
        expect(lines).toContain('pip3-ok');
        expect(lines.slice(-4)).toEqual(['1', '$ORIGIN/../lib', '$ORIGIN/../..', '$ORIGIN']);
      }
    });

    it('runs from another path in cc-debian13 as 65532 with only glibc from the image; venv + pip work', async () => {
      for (const [minor, tree] of Object.entries(trees)) {
        const out = await dockerRun([
          '-u', '65532', '-v', `${tree}:/srv/elsewhere/py:ro`, '--entrypoint', `/srv/elsewhere/py/bin/python${minor}`, s.cc.nonroot, '-c',
          [
            'import ssl, sqlite3, ctypes, lzma, bz2, zlib, json, decimal, readline, uuid, os, sys, subprocess, venv, glob',
            'ctx = ssl.create_default_context()',
            'maps = {l.split()[-1] for l in open("/proc/self/maps") if ".so" in l}',
            'system = sorted(os.path.basename(p) for p in maps if not p.startswith(sys.prefix + "/"))',
            // Every module of lib-dynload loads on the runtime's glibc, as the build's runtime check needs.
            // (The tarball's sysconfig says /install until uv rewrites it: lib-dynload is found from sys.prefix.)
            'unloadable, modules = [], sorted(glob.glob(f"{sys.prefix}/lib/python{sys.version_info.major}.{sys.version_info.minor}/lib-dynload/*.so"))',
            'for so in modules:',
            '    try: ctypes.CDLL(so)',
            '    except OSError as e: unloadable.append(f"{os.path.basename(so)}: {e}")',
            'subprocess.run([sys.executable, "-m", "venv", "/tmp/v"], check=True)',
            'pip = subprocess.run(["/tmp/v/bin/python", "-m", "pip", "--version"], capture_output=True, text=True, check=True).stdout',
            // As upstream's, the interpreter's own pip runs (the generated build strips it).
            'base_pip = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True, text=True).stdout',
            'print(json.dumps({"version": sys.version.split()[0], "prefix": sys.prefix, "uid": os.getuid(), "cas": len(ctx.get_ca_certs()),',
            '  "sqlite": sqlite3.connect(":memory:").execute("select 6*7").fetchone()[0], "decimal": str(decimal.Decimal(1) / 8),',
            '  "system": system, "pip": pip.split()[0], "modules": len(modules), "unloadable": unloadable, "basePip": base_pip}))',
          ].join('\n'),
        ]);
        const r = JSON.parse(out);
        expect(r.version, minor).toBe(s.pythons[minor]);
        expect(r.prefix).toBe('/srv/elsewhere/py');
        expect(r.uid).toBe(65532);
        expect(r.cas).toBeGreaterThan(100);
        expect(r.sqlite).toBe(42);
        expect(r.decimal).toBe('0.125');
        // Only glibc (the loader, libc, libm) comes from the image.
        for (const lib of r.system as string[]) expect(lib, minor).toMatch(/^(ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6)$/);
        expect(r.pip).toBe('pip');
        expect(r.basePip, minor).toMatch(new RegExp(`^pip \\S+ from /srv/elsewhere/py/lib/python${minor.replace('.', '\\.')}/(site|dist)-packages/pip `));
        // ... but _crypt (3.11), which needs the system's libcrypt.so.1 as upstream's does (the build copies it in).
        expect(r.modules, minor).toBeGreaterThan(30);
        expect(r.unloadable, minor).toEqual(minor === '3.11' ? [expect.stringMatching(/_crypt\..*libcrypt\.so\.1: cannot open shared object file/)] : []);
      }
    }, 4 * MIN);
  });

  describe('standalone strategy: uv, debian:trixie-slim, cc-debian13', () => {
    it('uv has /uv and /uvx, WORKDIR /io and ENTRYPOINT /uv', async () => {
      const c = await imageConfig(s.uv);
      expect(c.Entrypoint).toEqual(['/uv']);
      expect(c.WorkingDir).toBe('/io');
      const root = (await imageDir(s.uv, '/')).filter((f) => f !== '.dockerenv');
      expect(root.filter((f) => !['dev', 'etc', 'proc', 'sys'].includes(f))).toEqual(['io', 'uv', 'uvx']);
    });

    it('debian:trixie-slim has debian config, apt and no python in /usr/local', async () => {
      const c = await imageConfig(s.debianSlim);
      expect(c.Entrypoint ?? null).toBeNull();
      expect(c.Cmd).toEqual(['bash']);
      expect(envOf(c.Env)['PATH']).toBe(BASE_PATH);
      const out = await dockerRun([s.debianSlim, 'sh', '-c', 'command -v apt-get; . /etc/os-release; echo $VERSION_CODENAME; ls /usr/local/bin | wc -l']);
      expect(out.trim().split('\n')).toEqual(['/usr/bin/apt-get', 'trixie', '0']);
    });

    describe.skipIf(real)('the fake uv', () => {
      let bin = '';
      beforeAll(async () => {
        bin = mkdtempSync(join(tmpdir(), 'standins-uv-'));
        await withContainer(s.uv, async (id) => {
          for (const f of ['uv', 'uvx']) expect((await docker(['cp', `${id}:/${f}`, join(bin, f)])).code).toBe(0);
        });
      });
      afterAll(() => {
        if (bin) rmSync(bin, { recursive: true, force: true });
      });
      /** A shell script in the debian stand-in with /uv and /uvx on PATH, host network. */
      const uvSh = (script: string, env: Record<string, string> = {}) =>
        docker([
          'run', '--rm', '--network', 'host', '-v', `${bin}/uv:/bin/uv:ro`, '-v', `${bin}/uvx:/bin/uvx:ro`,
          ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
          s.debianSlim, 'sh', '-euc', script,
        ], { timeoutMs: 3 * MIN });

      it('is uv 0.12.5 and says what it does not implement (exit 2)', async () => {
        const r = await uvSh('uv --version; uv sync || echo "exit $?"; uvx ruff || echo "exit $?"; uv python list || echo "exit $?"');
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout.trim().split('\n')).toEqual(['uv 0.12.5', 'exit 2', 'exit 2', 'exit 2']);
        expect(r.stderr).toMatch(/`uv sync` is not implemented in the stand-in/);
        expect(r.stderr).toMatch(/`uvx` is not implemented in the stand-in/);
      });

      it('fails `uv python install` clearly without UV_PYTHON_INSTALL_MIRROR (no GitHub here)', async () => {
        const r = await uvSh('UV_PYTHON_INSTALL_DIR=/opt/python uv python install 3.11');
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`error: Failed to install cpython-${s.pythons['3.11']}-linux-x86_64-gnu`);
        expect(r.stderr).toMatch(/releases\.astral\.sh.*\n.*UV_PYTHON_INSTALL_MIRROR/);
      });

      it('installs like uv: minor-version link, bin/python, BUILD, EXTERNALLY-MANAGED, patched sysconfig, ~/.local/bin', async () => {
        const r = await uvSh(
          [
            'uv python install 3.13',
            'cd /opt/python',
            'ls -A',
            'readlink cpython-3.13-linux-x86_64-gnu',
            `readlink cpython-${s.pythons['3.13']}-linux-x86_64-gnu/bin/python`,
            `cat cpython-${s.pythons['3.13']}-linux-x86_64-gnu/BUILD; echo`,
            `cat cpython-${s.pythons['3.13']}-linux-x86_64-gnu/lib/python3.13/EXTERNALLY-MANAGED`,
            'readlink /root/.local/bin/python3.13',
            'cpython-3.13-linux-x86_64-gnu/bin/python3 -c "import sysconfig; print(sysconfig.get_config_var(\'LIBDIR\'))"',
            'uv python install 3.13',
            'uv pip install --python /opt/python/cpython-3.13-linux-x86_64-gnu/bin/python3.13 emoji || echo "exit $?"',
          ].join('\n'),
          { UV_PYTHON_INSTALL_DIR: '/opt/python', UV_PYTHON_INSTALL_MIRROR: s.pythonMirror },
        );
        expect(r.code, r.stderr).toBe(0);
        const v = s.pythons['3.13']!;
        const dir = `/opt/python/cpython-${v}-linux-x86_64-gnu`;
        expect(r.stdout.trim().split('\n')).toEqual([
          '.gitignore',
          '.lock',
          '.temp',
          'cpython-3.13-linux-x86_64-gnu',
          `cpython-${v}-linux-x86_64-gnu`,
          dir,
          'python3.13',
          readPbsManifest()!.release,
          '[externally-managed]',
          'Error=This Python installation is managed by uv and should not be modified.',
          '/opt/python/cpython-3.13-linux-x86_64-gnu/bin/python3.13',
          `${dir}/lib/x86_64-linux-gnu`,
          'exit 2',
        ]);
        expect(r.stderr).toMatch(new RegExp(`Installed Python ${v.replaceAll('.', '\\.')} in \\S+\\n \\+ cpython-${v.replaceAll('.', '\\.')}-linux-x86_64-gnu \\(python3\\.13\\)`));
        expect(r.stderr).toContain('Python 3.13 is already installed');
        expect(r.stderr).toContain('is externally managed');
      });

      it('installs from UV_DEFAULT_INDEX only (PIP_* settings are not uv\'s), bytecode only with UV_COMPILE_BYTECODE', async () => {
        const r = await uvSh(
          [
            'uv venv --python 3.13 /v1 && uv pip install --python /v1/bin/python emoji',
            'find /v1/lib/python3.13/site-packages/emoji -name "*.pyc" | wc -l',
            'UV_COMPILE_BYTECODE=1 uv venv --python 3.13 /v2 && UV_COMPILE_BYTECODE=1 uv pip install --python /v2/bin/python emoji',
            'find /v2/lib/python3.13/site-packages/emoji -name "*.pyc" | wc -l',
            '/v2/bin/python -c "import emoji, sys; print(emoji.__version__, sys.prefix)"',
            'ls /v2/bin',
          ].join('\n'),
          {
            UV_PYTHON_INSTALL_DIR: '/opt/python',
            UV_PYTHON_PREFERENCE: 'only-managed',
            UV_PYTHON_INSTALL_MIRROR: s.pythonMirror,
            UV_DEFAULT_INDEX: s.indexUrl,
            PIP_INDEX_URL: 'http://127.0.0.1:9/simple/',
            PIP_NO_INDEX: '1',
          },
        );
        expect(r.code, r.stderr).toBe(0);
        const lines = r.stdout.trim().split('\n');
        expect(lines[0]).toBe('0');
        expect(Number(lines[1])).toBeGreaterThan(0);
        expect(lines[2]).toBe(`${s.index!.distributions['emoji']!.version} /v2`);
        // No pip in a uv venv.
        expect(lines.slice(3)).toEqual(['activate', 'python', 'python3', 'python3.13']);
        expect(r.stderr).toContain(`+ emoji==${s.index!.distributions['emoji']!.version}`);
      });
    });

    describe.skipIf(real)('the generated Dockerfile shape with CPython 3.11', () => {
      let ctx = '';
      const tag = `standins-test/standalone-${process.pid}`;
      afterAll(async () => {
        await docker(['image', 'rm', '-f', `${tag}:build`, `${tag}:buildkit`, `${tag}:legacy`]);
        await docker(['image', 'prune', '--force', '--filter', 'label=standins=1']);
        if (ctx) rmSync(ctx, { recursive: true, force: true });
      });
      beforeAll(() => {
        ctx = mkdtempSync(join(tmpdir(), 'standins-standalone-'));
        writeFileSync(
          join(ctx, 'Dockerfile'),
          [
            'ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.12.5',
            'ARG BUILDER_IMAGE=debian:trixie-slim',
            'ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian13:nonroot',
            'FROM ${UV_IMAGE} AS uv',
            'FROM ${BUILDER_IMAGE} AS build',
            'COPY --from=uv /uv /uvx /bin/',
            'ENV UV_PYTHON_INSTALL_DIR=/opt/python UV_PYTHON_PREFERENCE=only-managed UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_NO_CACHE=1',
            'ARG UV_PYTHON_INSTALL_MIRROR',
            'RUN uv python install 3.11 && uv venv --python 3.11 /opt/venv',
            'ARG PIP_INDEX_URL',
            'COPY requirements.txt /tmp/requirements.txt',
            'RUN UV_DEFAULT_INDEX="${PIP_INDEX_URL:-https://pypi.org/simple}" uv pip install --python /opt/venv/bin/python --requirement /tmp/requirements.txt',
            'FROM ${RUNTIME_IMAGE}',
            'COPY --from=build /opt/python /opt/python',
            'COPY --from=build /opt/venv /opt/venv',
            'COPY app.py /app/src/app.py',
            'ENTRYPOINT ["/opt/venv/bin/python", "/app/src/app.py"]',
            '',
          ].join('\n'),
        );
        writeFileSync(
          join(ctx, 'app.py'),
          [
            'import json, os, sys',
            'import jinja2, markupsafe',
            'from markupsafe import _speedups',
            'print(json.dumps({"version": sys.version.split()[0], "uid": os.getuid(), "base": sys.base_prefix,',
            '  "markupsafe": markupsafe.__version__, "speedups": _speedups.__file__, "escaped": str(markupsafe.escape("<&>")),',
            '  "jinja2": jinja2.__version__}))',
            '',
          ].join('\n'),
        );
      });
      const buildArgs = () => [
        '--network', 'host',
        '--build-arg', `UV_IMAGE=${s.uv}`,
        '--build-arg', `BUILDER_IMAGE=${s.debianSlim}`,
        '--build-arg', `RUNTIME_IMAGE=${s.cc.nonroot}`,
        '--build-arg', `UV_PYTHON_INSTALL_MIRROR=${s.pythonMirror}`,
        '--build-arg', `PIP_INDEX_URL=${s.indexUrl}`,
      ];
      const build = async (args: string[], builder: 'buildkit' | 'legacy') => {
        writeFileSync(join(ctx, 'requirements.txt'), `${s.index!.roles['depends-on-compiled']}\n`);
        const r = await runCommand('/usr/bin/docker', ['build', ...buildArgs(), ...args, ctx], {
          timeoutMs: 5 * MIN,
          env: { ...process.env, DOCKER_BUILDKIT: builder === 'buildkit' ? '1' : '0', BUILDKIT_PROGRESS: 'plain' },
        });
        expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      };

      it('installs CPython 3.11 from the mirror and links the venv into the minor-version directory', async () => {
        await build(['--target', 'build', '-t', `${tag}:build`], 'legacy');
        const out = await dockerRun([
          `${tag}:build`, 'sh', '-euc',
          [
            'ls /opt/python',
            'readlink /opt/venv/bin/python',
            'readlink -f /opt/venv/bin/python',
            'cat /opt/venv/pyvenv.cfg',
            'test -x /opt/python/cpython-3.11-linux-x86_64-gnu/bin/python3.11 && echo minor-ok',
          ].join('\n'),
        ]);
        const v = s.pythons['3.11']!;
        expect(out.trim().split('\n')).toEqual([
          'cpython-3.11-linux-x86_64-gnu',
          `cpython-${v}-linux-x86_64-gnu`,
          '/opt/python/cpython-3.11-linux-x86_64-gnu/bin/python3.11',
          `/opt/python/cpython-${v}-linux-x86_64-gnu/bin/python3.11`,
          'home = /opt/python/cpython-3.11-linux-x86_64-gnu/bin',
          'implementation = CPython',
          'uv = 0.12.5',
          'version_info = 3.11',
          'include-system-site-packages = false',
          'minor-ok',
        ]);
      }, 6 * MIN);

      it.each(['legacy', 'buildkit'] as const)(
        'runs in cc-debian13:nonroot as 65532 with the cp311 MarkupSafe _speedups (%s builder)',
        async (builder) => {
          await build(['-t', `${tag}:${builder}`], builder);
          const r = JSON.parse(await dockerRun([`${tag}:${builder}`]));
          const cp311 = s.index!.distributions[s.index!.roles['compiled']!]!.extraWheels!.find((w) => w.tag.startsWith('cp311'))!;
          expect(r).toEqual({
            version: s.pythons['3.11'],
            uid: 65532,
            base: '/opt/python/cpython-3.11-linux-x86_64-gnu',
            markupsafe: cp311.version,
            speedups: '/opt/venv/lib/python3.11/site-packages/markupsafe/_speedups.cpython-311-x86_64-linux-gnu.so',
            escaped: '&lt;&amp;&gt;',
            jinja2: s.index!.distributions[s.index!.roles['depends-on-compiled']!]!.version,
          });
        },
        6 * MIN,
      );
    });
  });

  describe('chainguard python', () => {
    it('has the Chainguard config on both tags: /usr/bin/python entrypoint, user 65532, no WORKDIR', async () => {
      for (const image of [s.chainguard.latest, s.chainguard.latestDev]) {
        const c = await imageConfig(image);
        expect(c.Entrypoint, image).toEqual(['/usr/bin/python']);
        expect(c.User, image).toBe('65532');
        expect(c.WorkingDir ?? '', image).toBe('');
        expect(c.Cmd ?? null, image).toBeNull();
        expect(envOf(c.Env)['SSL_CERT_FILE'], image).toBe('/etc/ssl/certs/ca-certificates.crt');
      }
    });

    it('latest has no shell and runs python as nonroot (65532)', async () => {
      const r = await docker(['run', '--rm', '--entrypoint', 'sh', s.chainguard.latest, '-c', 'true']);
      expect(r.code).not.toBe(0);
      const out = await dockerRun([s.chainguard.latest, '-c', 'import os, pwd, sys; print(os.getuid(), pwd.getpwuid(os.getuid()).pw_name, sys.executable)']);
      expect(out.trim()).toBe('65532 nonroot /usr/bin/python');
    });

    it.skipIf(real)("run the catalogue's Chainguard version (latest, latest-dev) and the next minor (next), as their standins.python-version label says", async () => {
      const [minor] = Object.keys(findFamily('chainguard')!.targets);
      const next = `3.${Number(minor!.split('.')[1]) + 1}`;
      for (const [image, want] of [[s.chainguard.latest, minor], [s.chainguard.latestDev, minor], [s.chainguard.next!, next]] as const) {
        const label = await chainguardPythonVersion(image);
        expect(label, image).toBe(s.pythons[want!]);
        const out = await dockerRun([image, '-c', 'import platform, sysconfig; print(platform.python_version(), sysconfig.get_paths()["purelib"])']);
        expect(out.trim(), image).toBe(`${label} /usr/lib/python${want}/site-packages`);
      }
      // As on Chainguard, only -dev has an installer.
      expect((await docker(['run', '--rm', s.chainguard.latest, '-c', 'import pip'])).code).not.toBe(0);
    });

    it('latest-dev builds a venv (python = /usr/bin/python) with pip that runs in latest at the same path', async () => {
      const vol = `standins-test-cg-${process.pid}-${Date.now()}`;
      expect((await docker(['volume', 'create', vol])).code).toBe(0);
      try {
        const env = real ? [] : ['--network', 'host', '-e', `PIP_INDEX_URL=${s.indexUrl}`];
        const dev = await dockerRun([
          '-u', '0', ...env, '-v', `${vol}:/venv`, '--entrypoint', 'sh', s.chainguard.latestDev, '-euc',
          'id -u; command -v python; command -v pip; python -m venv /venv && readlink /venv/bin/python && /venv/bin/pip install -q --disable-pip-version-check markupsafe',
        ], 4 * MIN);
        expect(dev.trim().split('\n').slice(0, 4)).toEqual(['0', '/usr/bin/python', expect.stringMatching(/\/pip$/), '/usr/bin/python']);
        const out = await dockerRun([
          '-v', `${vol}:/venv:ro`, '--entrypoint', '/venv/bin/python', s.chainguard.latest, '-c',
          'import os, markupsafe; from markupsafe import _speedups; print(os.getuid(), markupsafe.escape("<"))',
        ]);
        expect(out.trim()).toBe('65532 &lt;');
      } finally {
        await docker(['volume', 'rm', '-f', vol]);
      }
    }, 5 * MIN);
  });

  describe.skipIf(real)('recipes', () => {
    it('hash the same in TypeScript and bash, and label the images with it', async () => {
      const r = await runCommand('bash', [join(STANDINS_DIR, 'build.sh'), '--print-hashes']);
      expect(r.code, r.stderr).toBe(0);
      const bash = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(' ')));
      expect(Object.keys(bash)).toEqual([...COMPONENTS]);
      for (const c of COMPONENTS) expect(bash[c], c).toBe(recipeHash(c));
      const labelled: [string, (typeof COMPONENTS)[number]][] = [
        [s.runtime.latest, 'runtime'],
        [s.runtime.nonroot, 'runtime'],
        [s.runtime.debug, 'runtime'],
        [s.runtime.debugNonroot, 'runtime'],
        [s.builder, 'builder'],
        [s.cc.latest, 'cc'],
        [s.cc.nonroot, 'cc'],
        [s.uv, 'uv'],
        [s.debianSlim, 'debian'],
        [s.chainguard.latest, 'chainguard'],
        [s.chainguard.latestDev, 'chainguard'],
        [s.chainguard.next!, 'chainguard'],
      ];
      for (const [image, c] of labelled) {
        expect((await imageConfig(image)).Labels?.['standins.recipe-hash'], image).toBe(recipeHash(c));
      }
    });

    it('derive the same components from each other in TypeScript and bash (DEPS)', () => {
      const table = readFileSync(join(STANDINS_DIR, 'common.sh'), 'utf8').match(/declare -A DEPS=\(\n([\s\S]*?)\n\)/);
      expect(table).toBeTruthy();
      const bash = Object.fromEntries(
        [...table![1]!.matchAll(/\[(\w+)\]=("([^"]*)"|(\S+))/g)].map((m) => [m[1], (m[3] ?? m[4]!).split(' ')]),
      );
      expect(bash).toEqual(DEPS);
    });
  });
});
