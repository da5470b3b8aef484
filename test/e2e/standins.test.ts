/**
 * Checks the offline stand-in images and the local index themselves (see
 * standins.ts), as set up once per run by setup.ts (the vitest globalSetup): without a
 * Docker daemon the suite is skipped with a loud "SKIPPED e2e: <reason>" line, unless
 * E2E=required, where the run fails.
 * With E2E_REAL_IMAGES=1 the same checks run against the real images, minus
 * the stand-in-only ones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  STANDINS_DIR,
  type Standins,
  docker,
  dockerAvailable,
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

  describe.skipIf(real)('recipes', () => {
    it('hash the same in TypeScript and bash, and label the images with it', async () => {
      const r = await runCommand('bash', [join(STANDINS_DIR, 'build.sh'), '--print-hashes']);
      expect(r.code, r.stderr).toBe(0);
      const bash = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(' ')));
      for (const c of ['runtime', 'builder', 'index'] as const) expect(bash[c], c).toBe(recipeHash(c));
      for (const image of [s.runtime.latest, s.runtime.nonroot, s.runtime.debug, s.runtime.debugNonroot]) {
        expect((await imageConfig(image)).Labels?.['standins.recipe-hash'], image).toBe(recipeHash('runtime'));
      }
      expect((await imageConfig(s.builder)).Labels?.['standins.recipe-hash']).toBe(recipeHash('builder'));
    });
  });
});
