/**
 * The generated Makefile's measuring targets, run for real on the stand-ins: size, SBOM (the
 * tool that can run here: cdxgen through npx), packages, compare with the -slim build, debug.
 * Package counts are checked against what this test counts itself in each exported filesystem.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { runBin } from '../helpers.js';

vi.setConfig({ testTimeout: 600_000 });

const e2e = inject('e2e');
const cwd = mkdtempSync(path.join(tmpdir(), 'dp-make-'));
const dir = path.join(cwd, 'demo');
const image = `dp-make/${path.basename(cwd).toLowerCase()}`;
const DOCKER = '/usr/bin/docker';

function make(...args: string[]): string {
  const s = e2e.ok ? e2e.standins : undefined;
  const buildArgs = ['--network host'];
  if (s && s.mode === 'standin') {
    buildArgs.push(`--build-arg BUILDER_IMAGE=${s.builder}`, `--build-arg RUNTIME_IMAGE=${s.runtime.nonroot}`, `--build-arg SLIM_IMAGE=${s.builder}`);
  }
  if (s?.indexUrl) buildArgs.push(`--build-arg PIP_INDEX_URL=${s.indexUrl}`);
  const debug = s?.mode === 'standin' ? [`DEBUG_IMAGE=${s.runtime.debugNonroot}`] : [];
  return execFileSync('make', ['--no-print-directory', '--silent', ...args, `IMAGE=${image}`, `DOCKER=${DOCKER}`, `BUILD_ARGS=${buildArgs.join(' ')}`, ...debug], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DOCKER_BUILDKIT: '1', BUILDKIT_PROGRESS: 'plain' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 600_000,
  });
}

/** Packages in the image's filesystem: dpkg entries (status and status.d) and Python distributions (dist-info, wheels). */
function countInFilesystem(img: string): { os: number; python: number } {
  const id = execFileSync(DOCKER, ['create', img], { encoding: 'utf8' }).trim();
  const tar = path.join(cwd, `${id}.tar`);
  try {
    execFileSync('sh', ['-c', `"${DOCKER}" export "${id}" > "${tar}"`]);
  } finally {
    execFileSync(DOCKER, ['rm', id]);
  }
  const names = execFileSync('tar', ['-tf', tar], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).split('\n');
  const status = spawnSync('tar', ['-xOf', tar, 'var/lib/dpkg/status'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const dpkg = (status.stdout.match(/^Status: install ok installed$/gm) ?? []).length;
  const statusD = names.filter((n) => /^var\/lib\/dpkg\/status\.d\/[^/]+$/.test(n) && !n.endsWith('.md5sums')).length;
  // Distinct name@version, as an SBOM lists them: pip installed and pip's wheel are one package.
  const python = new Set(
    names
      .map((n) => /([^/]+?)-([^-/]+)\.dist-info\/$/.exec(n) ?? /([^/]+?)-([^-/]+)-[^/]+\.whl$/.exec(n))
      .filter((m) => m !== null)
      .map((m) => `${m![1].toLowerCase().replace(/[-_.]+/g, '-')}@${m![2]}`),
  );
  return { os: dpkg + statusD, python: python.size };
}

afterAll(async () => {
  if (e2e.ok) spawnSync(DOCKER, ['image', 'rm', '-f', image, `${image}-slim`, `${image}-debug`]);
});

describe.skipIf(!e2e.ok)('the generated Makefile, for real', () => {
  it('generates and builds the project', () => {
    expect(runBin(['demo', '--yes', '--deps', 'emoji markupsafe'], cwd).status).toBe(0);
    make('build');
  });

  it('make size prints bytes, MB and how it measured', () => {
    const bytes = Number(execFileSync(DOCKER, ['image', 'inspect', '--format', '{{.Size}}', image], { encoding: 'utf8' }).trim());
    const driver = execFileSync(DOCKER, ['info', '--format', '{{.Driver}}'], { encoding: 'utf8' }).trim();
    expect(make('size')).toBe(
      `${image}: ${bytes} bytes (${(bytes / 1e6).toFixed(1)} MB)\nmeasured: docker image inspect .Size, image store ${driver}${driver === 'overlay2' ? ' (uncompressed, unpacked layers)' : ' (on the containerd store, Docker before 29 reported the compressed size here)'}\n`,
    );
  });

  it('make sbom writes CycloneDX JSON with the tool that can run here, and says which', () => {
    const out = make('sbom');
    const tool = /\(by (\S+?)[,)]/.exec(out)?.[1];
    expect(['syft', 'syft-image', 'cdxgen']).toContain(tool);
    const cdx = JSON.parse(readFileSync(path.join(dir, 'sbom.cdx.json'), 'utf8'));
    expect(cdx.bomFormat).toBe('CycloneDX');
    expect(cdx.specVersion).toMatch(/^1\.\d+$/);
    expect(cdx.components.length).toBeGreaterThan(38);
    if (tool !== 'cdxgen') expect(JSON.parse(readFileSync(path.join(dir, 'sbom.spdx.json'), 'utf8')).spdxVersion).toMatch(/^SPDX-2\./);
  });

  it('make packages counts what is in the image, OS and Python separately', () => {
    const out = make('packages');
    const own = countInFilesystem(image);
    expect(out).toContain(`${own.os + own.python} packages: ${own.os} OS, ${own.python} Python (sbom.cdx.json)\n`);
    expect(out).toMatch(/^Python \(2\): emoji@\S+ markupsafe@\S+$/m);
  });

  it('make compare prints the table: distroless smaller, fewer packages, counts as in the filesystems', () => {
    const out = make('compare');
    const rows = Object.fromEntries(
      [...out.matchAll(/^\| (\S+) \| ([\d.]+) MB \| (\d+) \((\d+) \+ (\d+)\) \|$/gm)].map((m) => [m[1], { mb: Number(m[2]), os: Number(m[4]), python: Number(m[5]) }]),
    );
    const ours = rows[image];
    const slim = rows[`${image}-slim`];
    expect(ours).toBeDefined();
    expect(slim).toBeDefined();
    expect(ours.mb).toBeLessThan(slim.mb);
    expect(ours.os + ours.python).toBeLessThan(slim.os + slim.python);
    expect({ os: ours.os, python: ours.python }).toEqual(countInFilesystem(image));
    expect({ os: slim.os, python: slim.python }).toEqual(countInFilesystem(`${image}-slim`));
    const reduction = /^\| reduction \| (\d+) % smaller \| (\d+) % fewer packages \|$/m.exec(out);
    expect(reduction).not.toBeNull();
    expect(Number(reduction![1])).toBe(Math.round((1 - ours.mb / slim.mb) * 100));
  });

  it('make debug builds the same app on the debug runtime, with a shell; the production image still has none', () => {
    make('debug');
    const sh = spawnSync(DOCKER, ['run', '--rm', '--entrypoint=sh', `${image}-debug`, '-c', 'test -x /busybox/sh && echo ok'], { encoding: 'utf8' });
    expect(sh.stdout).toBe('ok\n');
    const app = spawnSync(DOCKER, ['run', '--rm', `${image}-debug`], { encoding: 'utf8' });
    expect(app.stdout).toMatch(/^Distroless is 😙👌\n/);
    const prod = spawnSync(DOCKER, ['run', '--rm', '--entrypoint=sh', image], { encoding: 'utf8' });
    expect(prod.status).not.toBe(0);
  });

  it('the paths that cannot run here (syft, its image, grype, hadolint) expand as intended', () => {
    const n = (...args: string[]) => execFileSync('make', ['-n', ...args, `IMAGE=${image}`], { cwd: dir, encoding: 'utf8' });
    const sbom = n('sbom');
    expect(sbom).toContain(`syft ${image} --output cyclonedx-json=sbom.cdx.json --output spdx-json=sbom.spdx.json`);
    expect(sbom).toContain(`docker run --rm --volume /var/run/docker.sock:/var/run/docker.sock anchore/syft:v1.45.0 docker:${image} --output spdx-json > sbom.spdx.json`);
    expect(n('scan', 'FAIL_ON=high').trim()).toBe(`docker run --rm --volume /var/run/docker.sock:/var/run/docker.sock anchore/grype:v0.114.0 docker:${image} --fail-on high`);
    expect(n('lint').trim()).toBe(`docker run --rm --volume "${dir}:/work:ro" --workdir /work hadolint/hadolint:v2.14.0 hadolint Dockerfile`);
    const bogus = spawnSync('make', ['--silent', 'sbom', 'SBOM_TOOL=bogus', `IMAGE=${image}`], { cwd: dir, encoding: 'utf8' });
    expect(bogus.status).not.toBe(0);
    expect(bogus.stderr).toContain('sbom: SBOM_TOOL=bogus: use auto, syft, syft-image or cdxgen');
  });
});
