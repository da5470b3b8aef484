/**
 * The packages as npm delivers them: both packed with `npm pack`, the create bin run through
 * the real `npm exec` path, and the generator found the way yo finds it (by package name).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderProject } from '../lib/render.js';
import { BIN, ROOT, generatedFiles, snapshot } from './helpers.js';

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

interface Packed {
  filename: string;
  files: { path: string }[];
  unpackedSize: number;
}

let generatorTgz: string;
let createTgz: string;
let generatorFiles: string[];
let createFiles: string[];
let createSize: number;

beforeAll(() => {
  const dest = mkdtempSync(path.join(tmpdir(), 'dp-pack-'));
  const [gen] = JSON.parse(npm(['pack', '--json', '--pack-destination', dest], ROOT)) as Packed[];
  const [create] = JSON.parse(npm(['pack', '--json', '--pack-destination', dest, '-w', 'create-distroless-python'], ROOT)) as Packed[];
  generatorTgz = path.join(dest, gen.filename);
  createTgz = path.join(dest, create.filename);
  generatorFiles = gen.files.map((f) => f.path);
  createFiles = create.files.map((f) => f.path);
  createSize = create.unpackedSize;
}, 120_000);

describe('packed packages', () => {
  it('the generator package ships compiled JavaScript and the templates, no TypeScript', () => {
    expect(generatorFiles).toContain('generators/app/index.js');
    expect(generatorFiles).toContain('templates/Dockerfile.ejs');
    expect(generatorFiles.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  it('the create package is its bundle alone: no dependencies, no second copy of the templates, under 2 MB', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'packages/create-distroless-python/package.json'), 'utf8'));
    expect(pkg.dependencies).toBeUndefined();
    expect(createFiles.filter((f) => !/^dist\/chunks\/[\w-]+\.js(\.LEGAL\.txt)?$/.test(f)).sort()).toEqual(['README.md', 'dist/cli.js', 'package.json']);
    // The prompts' chunk is split off, so `--yes` does not parse it.
    expect(createFiles.some((f) => f.startsWith('dist/chunks/'))).toBe(true);
    expect(createSize).toBeLessThan(2_000_000);
  });

  it('the bundled --yes path loads no yeoman: not yeoman-environment, not yeoman-generator, not the prompts', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dp-load-'));
    // Every module file node loads, recorded by a loader hook; the bin runs in the same process.
    const script = `
      const loaded = [];
      const { register } = await import('node:module');
      process.on('exit', () => { process.stderr.write('LOADED ' + JSON.stringify(loaded) + '\\n'); });
      const { pathToFileURL } = await import('node:url');
      const hooks = 'data:text/javascript,' + encodeURIComponent('export async function load(u, c, n) { if (u.startsWith("file:")) globalThis.port?.postMessage(u); return n(u, c); } export async function initialize(d) { globalThis.port = d.port; }');
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (u) => loaded.push(u)); port1.unref();
      register(hooks, { data: { port: port2 }, transferList: [port2] });
      process.argv = [process.argv[0], ${JSON.stringify(BIN)}, 'app', '--yes'];
      await import(pathToFileURL(${JSON.stringify(BIN)}).href);
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const loaded = JSON.parse(/LOADED (.*)/.exec(r.stderr)![1]) as string[];
    const files = loaded.map((u) => path.relative(path.dirname(BIN), new URL(u).pathname));
    expect(files[0]).toBe('cli.js');
    // Shared chunks may load, never the prompts' (inquirer) or --existing's (compose, TOML and Dockerfile readers).
    expect(files.length).toBeGreaterThan(1);
    for (const chunk of files.slice(1)) {
      expect(chunk).not.toMatch(/existing-/);
      expect(readFileSync(path.join(path.dirname(BIN), chunk), 'utf8')).not.toMatch(/inquirer|TerminalAdapter/);
    }
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
    const { '.yo-rc.json': _recorded, ...files } = generatedFiles(viaExec);
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
