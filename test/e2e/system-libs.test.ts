/**
 * System libraries (issue 12, item 4), built and run on the stand-ins: a dependency whose
 * compiled extension loads a library no runtime image has (PyYAML's _yaml, libyaml-0.so.2)
 * builds and runs once BUILD_PACKAGES brings the library into the build stage (the build copies
 * it, and what it loads, into the runtime image), and fails the build naming the library
 * without; a standalone CPython's own lib-dynload gets what it loads too (_crypt needs
 * libcrypt.so.1, which cc-debian13 lacks).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { runBin } from '../helpers.js';
import { dockerBuildkit as docker, standaloneBuildArgs } from './standins.js';

vi.setConfig({ testTimeout: 900_000 });

const e2e = inject('e2e');
const s = e2e.ok ? e2e.standins : undefined;
const tags: string[] = [];

afterAll(async () => {
  if (tags.length) await docker(['image', 'rm', '-f', ...tags]);
});

function project(name: string, files: Record<string, string>, ...flags: string[]): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-e2e-syslibs-')), name);
  mkdirSync(dir);
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
  const r = runBin(['--existing', dir, '--yes', ...flags], path.dirname(dir));
  expect(r.status, r.stderr).toBe(0);
  return dir;
}

async function build(dir: string, args: string[]): Promise<{ code: number; output: string; tag: string }> {
  const tag = `dp-e2e-syslibs/${path.basename(dir)}-${Math.random().toString(36).slice(2, 8)}`;
  tags.push(tag);
  const index = s!.indexUrl ? ['--build-arg', `PIP_INDEX_URL=${s!.indexUrl}`] : [];
  const r = await docker(['build', '--network', 'host', ...args, ...index, '-t', tag, dir]);
  return { code: r.code, output: `${r.stdout}\n${r.stderr}`, tag };
}

const hardened = ['run', '--rm', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];

describe.skipIf(!e2e.ok || s?.mode !== 'standin')('system libraries', () => {
  const debian = () => ['--build-arg', `BUILDER_IMAGE=${s!.builder}`, '--build-arg', `RUNTIME_IMAGE=${s!.runtime.nonroot}`];
  const yamlProject = () =>
    project('yaml-app', {
      'requirements.txt': 'pyyaml\n',
      'main.py': 'import yaml\n\nif __name__ == "__main__":\n    print(yaml.__with_libyaml__, yaml.load("a: 1", Loader=yaml.CSafeLoader))\n',
      '.python-version': '3.13\n',
    });

  it('without the library, the build fails naming it', async () => {
    const image = await build(yamlProject(), debian());
    expect(image.code).not.toBe(0);
    expect(image.output).toContain('compiled extensions need shared libraries the runtime image lacks');
    expect(image.output).toContain('libyaml-0.so.2');
  });

  it('with BUILD_PACKAGES bringing it, the library and its closure reach the runtime image, and the app runs', async () => {
    const image = await build(yamlProject(), [...debian(), '--build-arg', 'BUILD_PACKAGES=libyaml-dev']);
    expect(image.code, image.output).toBe(0);
    expect(image.output).toMatch(/runtime libs: libyaml-0\.so\.2 from \/usr\/lib\/\S+\/libyaml-0\.so\.2\.\S+ \(for _yaml\./);
    const run = await docker([...hardened, image.tag]);
    expect(run.stdout, run.stderr).toBe("True {'a': 1}\n");
  });

  it("a standalone CPython 3.11's own _crypt loads: libcrypt.so.1 is copied into cc-debian13", async () => {
    const dir = project('crypt-app', {
      'requirements.txt': '',
      'main.py': 'import warnings\nwarnings.simplefilter("ignore")\nimport crypt\n\nif __name__ == "__main__":\n    print(crypt.crypt("x", "ab"))\n',
      '.python-version': '3.11\n',
    });
    const image = await build(dir, standaloneBuildArgs(s!, s!.cc.nonroot));
    expect(image.code, image.output).toBe(0);
    expect(image.output).toMatch(/runtime libs: libcrypt\.so\.1 from \S+ \(for _crypt\./);
    const run = await docker([...hardened, image.tag]);
    // DES crypt, as the host's Python 3.11 computes it.
    expect(run.stdout, run.stderr).toBe('abiQ6Ep3EYTHc\n');
  });
});
