/**
 * A team's preset through both front ends: every key's effect on every generated file, flags
 * beating defaults, fixed answers, invalid presets refused with nothing written, the preset kept
 * for re-runs, and examples/internal-starter packed and run through npm exec, writing the same
 * project as composeWith.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import helpers from 'yeoman-test';
import Generator from 'yeoman-generator';
import { GENERATOR, ROOT, runBin, snapshot } from './helpers.js';

const EXAMPLE = path.join(ROOT, 'examples/internal-starter');
const MIRROR = 'registry.example.internal';

/** A fresh folder holding the example's preset.json and files/, and the preset's path there. */
function presetDir(overrides: Record<string, unknown> = {}): { cwd: string; preset: string } {
  const cwd = mkdtempSync(path.join(tmpdir(), 'dp-preset-'));
  mkdirSync(path.join(cwd, 'team'));
  cpSync(path.join(EXAMPLE, 'files'), path.join(cwd, 'team/files'), { recursive: true });
  const preset = { ...JSON.parse(readFileSync(path.join(EXAMPLE, 'preset.json'), 'utf8')), ...overrides };
  writeFileSync(path.join(cwd, 'team/preset.json'), JSON.stringify(preset));
  return { cwd, preset: 'team/preset.json' };
}

/** Image references a generated file names outside the mirror: registry hosts, and Docker Hub names. */
function unmirrored(text: string): string[] {
  const hosts = text.match(/\b(?:docker\.io|gcr\.io|ghcr\.io|cgr\.dev|quay\.io)\/\S*/g) ?? [];
  const hub = text.match(/(?<![\w./-])(?:python:\d|debian:trixie|anchore\/|hadolint\/hadolint)\S*/g) ?? [];
  return [...hosts, ...hub].filter((ref) => !ref.startsWith(MIRROR));
}

const lastStageLabels = (dockerfile: string): string[] => {
  const instructions = DockerfileParser.parse(dockerfile).getInstructions();
  const from = instructions.map((i) => i.getKeyword()).lastIndexOf('FROM');
  // Each label as written, key="value" (the parser splits arguments at spaces, even quoted ones).
  return instructions.slice(from).filter((i) => i.getKeyword() === 'LABEL').flatMap((i) => i.getTextContent().match(/[\w.-]+="[^"]*"/g) ?? []);
};

describe('a preset', () => {
  it.each([
    ['the default (debian 3.13)', ['--python', '3.13']],
    ['standalone (the preset default 3.12)', []],
    ['chainguard', ['--runtime', 'chainguard']],
  ])('mirrors every image in every file, sets the index and labels, adds its files: %s', (_label, flags) => {
    const { cwd, preset } = presetDir();
    const r = runBin(['svc', '--yes', '--preset', preset, ...flags], cwd);
    expect(r.status, r.stderr).toBe(0);
    const files = snapshot(path.join(cwd, 'svc'));
    for (const [file, text] of Object.entries(files)) expect(unmirrored(text), file).toEqual([]);
    expect(unmirrored(r.stderr), 'the footer').toEqual([]);
    expect(files.Dockerfile).toMatch(/^ARG PIP_INDEX_URL=https:\/\/pypi\.example\.internal\/simple\/$/m);
    expect(files['docker/slim.Dockerfile']).toMatch(/^ARG PIP_INDEX_URL=https:\/\/pypi\.example\.internal\/simple\/$/m);
    expect(lastStageLabels(files.Dockerfile)).toEqual(expect.arrayContaining(['com.example.team="payments"', 'org.opencontainers.image.vendor="Example Corp"']));
    expect(files.CODEOWNERS).toBe('* @example-corp/payments\n');
    expect(files['docs/runbook.md']).toMatch(/^# svc runbook\n\nRuns Python 3\.1\d on `registry\.example\.internal\//);
    expect(files['docs/runbook.md']).toContain('internal index https://pypi.example.internal/simple/');
  });

  it('names the public images without one (so the mirror check can fail)', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dp-plain-'));
    expect(runBin(['svc', '--yes'], cwd).status).toBe(0);
    const names = Object.values(snapshot(path.join(cwd, 'svc'))).flatMap(unmirrored);
    expect(names).toEqual(expect.arrayContaining(['gcr.io/distroless/python3-debian13:nonroot', 'python:3.13-slim-trixie']));
  });

  it('docker.io images gain library/ the way registry proxies name them', () => {
    const { cwd, preset } = presetDir();
    expect(runBin(['svc', '--yes', '--preset', preset, '--python', '3.13'], cwd).status).toBe(0);
    const files = snapshot(path.join(cwd, 'svc'));
    expect(files.Dockerfile).toContain('ARG BUILDER_IMAGE=registry.example.internal/hub/library/python:3.13-slim-trixie\n');
    expect(files.Dockerfile).toContain('ARG RUNTIME_IMAGE=registry.example.internal/gcr/distroless/python3-debian13:nonroot\n');
    expect(files.Makefile).toContain('SYFT_IMAGE     ?= registry.example.internal/hub/anchore/syft:');
    expect(files.Makefile).toContain('DEBUG_IMAGE ?= registry.example.internal/gcr/distroless/python3-debian13:debug-nonroot');
  });

  it('pre-fills answers that flags beat; fixed answers are neither asked nor overridable', async () => {
    const { cwd, preset } = presetDir();
    const r = runBin(['svc', '--yes', '--preset', preset, '--python', '3.13', '--entrypoint', 'src/app.py', '--deps', 'emoji'], cwd);
    expect(r.status, r.stderr).toBe(0);
    const recorded = JSON.parse(readFileSync(path.join(cwd, 'svc/.yo-rc.json'), 'utf8'))['generator-distroless-python'];
    expect(recorded).toEqual({ runtime: 'distroless', python: '3.13', deps: ['emoji'], nonroot: true, entrypoint: 'src/app.py', 'index-secret': false, preset: '../team/preset.json', version: expect.any(String) });
    const defaults = runBin(['app', '--yes', '--preset', preset], cwd);
    expect(defaults.status, defaults.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(cwd, 'app/.yo-rc.json'), 'utf8'))['generator-distroless-python']).toMatchObject({ python: '3.12', deps: ['flask', 'gunicorn'], entrypoint: 'gunicorn app:app', port: 8000 });

    const before = snapshot(cwd);
    const refused = runBin(['other', '--yes', '--preset', preset, '--no-nonroot'], cwd);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe('error: --nonroot: is fixed to true by the preset acme-python-service\n');
    expect(snapshot(cwd)).toEqual(before);

    const asked = await helpers.run(GENERATOR, { namespace: 'distroless-python:app' }).cd(cwd).withOptions({ interactive: true, preset }).withAnswers({ directory: 'tty' });
    expect(asked.askedQuestions.map((q) => q.name)).toEqual(['directory', 'python', 'deps', 'entrypoint', 'port']);
    expect(asked.askedQuestions.find((q) => q.name === 'python')?.answer).toBe('3.12');
  });

  it('is kept by a re-run without --preset', () => {
    const { cwd, preset } = presetDir();
    expect(runBin(['svc', '--yes', '--preset', preset], cwd).status).toBe(0);
    const again = runBin(['svc', '--yes', '--force', '--deps', 'flask gunicorn requests'], cwd);
    expect(again.status, again.stderr).toBe(0);
    const files = snapshot(path.join(cwd, 'svc'));
    for (const [file, text] of Object.entries(files)) expect(unmirrored(text), file).toEqual([]);
    expect(files['requirements.txt']).toMatch(/\nrequests\n$/);
  });

  it('works for --existing too: mirrored Dockerfile, Makefile and DISTROLESS.md', () => {
    const { cwd, preset } = presetDir();
    cpSync(path.join(ROOT, 'test/fixtures/existing/flat-main'), path.join(cwd, 'proj'), { recursive: true });
    const r = runBin(['--existing', 'proj', '--yes', '--preset', preset], cwd);
    expect(r.status, r.stderr).toBe(0);
    const files = snapshot(path.join(cwd, 'proj'));
    for (const file of ['Dockerfile', 'Makefile', 'DISTROLESS.md']) expect(unmirrored(files[file]), file).toEqual([]);
    expect(files.CODEOWNERS).toBe('* @example-corp/payments\n');
    expect(lastStageLabels(files.Dockerfile)).toContain('com.example.team="payments"');
  });

  it.each([
    ['an unknown key', { registry: 'x' }, /^error: --preset: team\/preset\.json: registry: unknown key/],
    ['a mirror for an unknown registry', { mirrors: { 'evil.io': 'x.example' } }, /^error: --preset: team\/preset\.json: mirrors\.evil\.io: /],
    ['a mirror with a scheme', { mirrors: { 'gcr.io': 'https://x.example' } }, /^error: --preset: team\/preset\.json: mirrors\.gcr\.io: /],
    ['an index with credentials', { pipIndexUrl: 'https://u:p@pypi.example/simple/' }, /^error: --preset: team\/preset\.json: pipIndexUrl: /],
    ['a label breaking out of its quotes', { labels: { a: 'x" \\\nRUN id' } }, /^error: --preset: team\/preset\.json: labels\.a: /],
    ['a bad default', { defaults: { python: '2.7' } }, /^error: --preset: team\/preset\.json: defaults\.python: /],
    ['missing files', { files: './nowhere' }, /^error: --preset: team\/preset\.json: files: /],
  ])('refuses %s in one line, writing nothing', (_label, overrides, message) => {
    const { cwd, preset } = presetDir(overrides);
    const before = snapshot(cwd);
    const r = runBin(['svc', '--yes', '--preset', preset], cwd);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(snapshot(cwd)).toEqual(before);
  });

  it('refuses a preset file that would replace a generated file', () => {
    const { cwd, preset } = presetDir();
    writeFileSync(path.join(cwd, 'team/files/Dockerfile'), 'FROM evil\n');
    const r = runBin(['svc', '--yes', '--preset', preset], cwd);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: --preset: team/preset.json: files/Dockerfile: a preset may add files, not replace the generator's Dockerfile\n");
    expect(snapshot(cwd)['svc/Dockerfile']).toBeUndefined();
  });
});

describe('examples/internal-starter', () => {
  const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

  it('packed and run through npm exec, writes the same project as composeWith with its preset', async () => {
    const dest = mkdtempSync(path.join(tmpdir(), 'dp-starter-pack-'));
    const [create] = JSON.parse(npm(['pack', '--json', '--pack-destination', dest, '-w', 'create-distroless-python'], ROOT)) as { filename: string }[];
    const [starter] = JSON.parse(npm(['pack', '--json', '--pack-destination', dest], EXAMPLE)) as { filename: string }[];
    const project = mkdtempSync(path.join(tmpdir(), 'dp-starter-'));
    writeFileSync(path.join(project, 'package.json'), '{"private":true}');
    npm(['install', '--no-audit', '--no-fund', '--offline', path.join(dest, create.filename), path.join(dest, starter.filename)], project);
    const help = npm(['exec', '--', 'create-acme-python-service', '--help'], project);
    expect(help).toMatch(/^Usage: create-acme-python-service \[directory\]/);
    npm(['exec', '--', 'create-acme-python-service', 'svc', '--yes'], project);
    const viaExec = snapshot(path.join(project, 'svc'));
    expect(viaExec.CODEOWNERS).toBe('* @example-corp/payments\n');
    expect(viaExec.Dockerfile).toContain('ARG PIP_INDEX_URL=https://pypi.example.internal/simple/\n');

    // A team's yeoman generator composing ours with the same preset.
    const composed = mkdtempSync(path.join(tmpdir(), 'dp-compose-'));
    mkdirSync(path.join(composed, 'node_modules/create-acme-python-service'), { recursive: true });
    cpSync(EXAMPLE, path.join(composed, 'node_modules/create-acme-python-service'), { recursive: true });
    const presetFile = path.join(composed, 'node_modules/create-acme-python-service/preset.json');
    class Starter extends Generator {
      async initializing(): Promise<void> {
        await this.composeWith(GENERATOR, { generatorArgs: ['svc'], generatorOptions: { preset: presetFile, yes: true } } as never);
      }
    }
    await helpers.run(Starter as never).cd(composed);
    const viaCompose = snapshot(path.join(composed, 'svc'));
    // The same files; .yo-rc.json records where each found the preset.
    const { '.yo-rc.json': a, ...execFiles } = viaExec;
    const { '.yo-rc.json': b, ...composeFiles } = viaCompose;
    expect(composeFiles).toEqual(execFiles);
    expect(JSON.parse(a)['generator-distroless-python'].preset).toBe('../node_modules/create-acme-python-service/preset.json');
    expect(JSON.parse(b)['generator-distroless-python'].preset).toBe('../node_modules/create-acme-python-service/preset.json');
  }, 240_000);
});
