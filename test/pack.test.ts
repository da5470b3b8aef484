/**
 * The packages as npm delivers them: both packed with `npm pack`, the create bin run through
 * the real `npm exec` path, and the generator found the way yo finds it (by package name).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderProject } from '../lib/render.js';
import { ROOT, snapshot } from './helpers.js';

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

interface Packed {
  filename: string;
  files: { path: string }[];
}

let generatorTgz: string;
let createTgz: string;
let generatorFiles: string[];
let createFiles: string[];

beforeAll(() => {
  const dest = mkdtempSync(path.join(tmpdir(), 'dp-pack-'));
  const [gen] = JSON.parse(npm(['pack', '--json', '--pack-destination', dest], ROOT)) as Packed[];
  const [create] = JSON.parse(npm(['pack', '--json', '--pack-destination', dest, '-w', 'create-distroless-python'], ROOT)) as Packed[];
  generatorTgz = path.join(dest, gen.filename);
  createTgz = path.join(dest, create.filename);
  generatorFiles = gen.files.map((f) => f.path);
  createFiles = create.files.map((f) => f.path);
}, 120_000);

describe('packed packages', () => {
  it('the generator package ships compiled JavaScript and the templates, no TypeScript', () => {
    expect(generatorFiles).toContain('generators/app/index.js');
    expect(generatorFiles).toContain('templates/Dockerfile.ejs');
    expect(generatorFiles.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  it('the create package is one bundled file plus templates, with no dependencies', () => {
    expect(createFiles.filter((f) => !f.startsWith('templates/')).sort()).toEqual(['README.md', 'dist/cli.js', 'dist/cli.js.LEGAL.txt', 'package.json']);
  });

  // The same answers through both packages: the bundled bin via npm exec, and the unbundled
  // generator found by yeoman-environment's lookup, as yo finds it.
  const ARGS = ['app', '--yes', '--deps', 'requests markupsafe', '--entrypoint', 'svc.main', '--no-nonroot'];
  let viaExec: Record<string, string>;

  it('npm exec runs create-distroless-python from the packed tarball alone', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dp-exec-'));
    const out = npm(['exec', '--yes', `--package=${createTgz}`, '--', 'create-distroless-python', ...ARGS], cwd);
    expect(out).toBe('');
    viaExec = snapshot(path.join(cwd, 'app'));
    const { '.yo-rc.json': _recorded, ...files } = viaExec;
    expect(files).toEqual(
      Object.fromEntries(renderProject({ directory: 'app', runtime: 'distroless', python: '3.13', deps: ['requests', 'markupsafe'], nonroot: false, entrypoint: 'svc.main' })),
    );
  }, 240_000);

  it('the unbundled generator, found by its package name as yo does, writes identical files', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dp-yo-'));
    writeFileSync(path.join(cwd, 'package.json'), '{"private":true}');
    npm(['install', '--no-audit', '--no-fund', '--omit=dev', generatorTgz, 'yeoman-environment@^6.3.0'], cwd);
    const script = `
      import { createEnv } from 'yeoman-environment';
      const env = createEnv();
      await env.lookup({ localOnly: true });
      await env.run(['distroless-python', ...${JSON.stringify(ARGS)}]);
    `;
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    expect(snapshot(path.join(cwd, 'app'))).toEqual(viaExec);
  }, 240_000);
});
