/**
 * The yeoman generator, run through yeoman-test: what each answer does to each output file,
 * the --yes and non-TTY paths, stored answers and re-runs over an existing project.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import helpers from 'yeoman-test';
import type { GeneratorOptions } from '../generators/app/index.js';
import { GENERATOR, generatedFiles, snapshot } from './helpers.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const OUTPUTS = [
  '.dockerignore',
  '.hadolint.yaml',
  '.yo-rc.json',
  'Dockerfile',
  'Makefile',
  'README.md',
  'docker/count_packages.py',
  'docker/runtime_check.py',
  'docker/runtime_libs.py',
  'docker/slim.Dockerfile',
  'docker/stdlib_bytecode.py',
  'requirements.txt',
  'src/app.py',
];

function run() {
  return helpers.run(GENERATOR, { namespace: 'distroless-python:app' });
}

/** Generates with flags only (no prompts) and returns the project's files. */
async function generate(options: GeneratorOptions & { directory?: string }): Promise<Record<string, string>> {
  const result = await run().withOptions({ yes: true, ...options });
  return generatedFiles(snapshot(path.join(result.cwd, options.directory ?? 'my-app')));
}

/** Which files differ between two generated projects (added, removed or changed). */
function changed(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => a[f] !== b[f]).sort();
}

describe('defaults (--yes)', () => {
  it('writes the seed demo: emoji, nonroot distroless 3.13, src/app.py', async () => {
    const files = await generate({});
    expect(Object.keys(files).sort()).toEqual(OUTPUTS);
    expect(files['requirements.txt'].split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['emoji']);
    expect(files['src/app.py']).toContain('emoji.emojize("Distroless is :kissing_face_with_smiling_eyes::OK_hand:")');
    expect(files.Dockerfile).toContain('ARG BUILDER_IMAGE=python:3.13-slim-trixie\n');
    expect(files.Dockerfile).toContain('ARG RUNTIME_IMAGE=gcr.io/distroless/python3-debian13:nonroot\n');
    expect(files.Dockerfile).toContain('\nUSER 65532:65532\n');
    expect(files.Dockerfile).toContain('ENTRYPOINT ["/opt/venv/bin/python", "/app/src/app.py"]');
    expect(files.Makefile).toMatch(/^IMAGE\s+\?= my-app$/m);
    expect(files['.dockerignore']).toMatch(/^!src$/m);
    expect(JSON.parse(files['.yo-rc.json'])).toEqual({
      'generator-distroless-python': { runtime: 'distroless', python: '3.13', deps: ['emoji'], nonroot: true, entrypoint: 'src/app.py', 'index-secret': false, version: VERSION },
    });
  });

  it('asks nothing with --yes, even when told to be interactive', async () => {
    const result = await run().withOptions({ yes: true, interactive: true });
    expect(result.askedQuestions).toEqual([]);
    result.assertFile('my-app/Dockerfile');
  });

  it('asks nothing when stdin is not a terminal, and uses the defaults', async () => {
    expect(process.stdin.isTTY).toBeFalsy();
    const result = await run();
    expect(result.askedQuestions).toEqual([]);
    expect(generatedFiles(snapshot(path.join(result.cwd, 'my-app')))).toEqual(await generate({}));
  });
});

describe('prompts', () => {
  it('asks every question when interactive, and uses the answers', async () => {
    const result = await run()
      .withOptions({ interactive: true })
      .withAnswers({ directory: 'svc', python: '3.13', deps: 'requests>=2 markupsafe', nonroot: false, entrypoint: 'svc.main' });
    expect(result.askedQuestions.map((q) => q.name)).toEqual(['directory', 'python', 'deps', 'nonroot', 'entrypoint', 'port']);
    result.assertFileContent('svc/requirements.txt', /^requests>=2\nmarkupsafe\n$/m);
    result.assertFileContent('svc/Dockerfile', 'ENTRYPOINT ["/opt/venv/bin/python", "-m", "svc.main"]');
    result.assertNoFileContent('svc/Dockerfile', /^USER/m);
    result.assertFile('svc/src/svc/main/__main__.py');
  });

  it('asks only what no flag answered', async () => {
    const result = await run()
      .withOptions({ interactive: true, python: '3.13', deps: ['emoji'], nonroot: true })
      .withArguments(['svc'])
      .withAnswers({ entrypoint: 'src/svc.py' });
    expect(result.askedQuestions.map((q) => q.name)).toEqual(['entrypoint', 'port']);
    result.assertFile('svc/src/svc.py');
  });
});

describe('each answer changes exactly the files it should', () => {
  it('directory names the project in every file that mentions it', async () => {
    const base = await generate({});
    const other = await generate({ directory: 'billing-api' });
    expect(changed(base, other)).toEqual(['Dockerfile', 'Makefile', 'README.md', 'requirements.txt', 'src/app.py']);
    expect(other.Makefile).toMatch(/^IMAGE\s+\?= billing-api$/m);
    expect(other.Dockerfile).toContain('org.opencontainers.image.title="billing-api"');
    expect(other['README.md']).toMatch(/^# billing-api$/m);
  });

  it('nonroot picks the runtime tag, the USER and what the README says', async () => {
    const base = await generate({});
    const root = await generate({ nonroot: false });
    expect(changed(base, root)).toEqual(['.yo-rc.json', 'Dockerfile', 'Makefile', 'README.md', 'docker/slim.Dockerfile']);
    expect(root.Makefile).toMatch(/^DEBUG_IMAGE \?= gcr\.io\/distroless\/python3-debian13:debug$/m);
    expect(root.Dockerfile).toContain('ARG RUNTIME_IMAGE=gcr.io/distroless/python3-debian13:latest\n');
    expect(root.Dockerfile).not.toMatch(/^USER/m);
    expect(root['README.md']).toContain('root (generated with `--no-nonroot`)');
  });

  it('deps fill requirements.txt and the app that proves them', async () => {
    const base = await generate({});
    const deps = await generate({ deps: ['requests>=2,<3', "tomli ; python_version < '3.11'", 'MarkupSafe'] });
    expect(changed(base, deps)).toEqual(['.yo-rc.json', 'requirements.txt', 'src/app.py']);
    expect(deps['requirements.txt']).toMatch(/\nrequests>=2,<3\ntomli ; python_version < '3.11'\nMarkupSafe\n$/);
    expect(deps['src/app.py']).toContain('DEPENDENCIES = ["requests", "tomli", "MarkupSafe"]');
    expect(deps['src/app.py']).not.toContain('emoji');

    const none = await generate({ deps: ['-'] });
    expect(none['requirements.txt'].split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([]);
    expect(none['src/app.py']).toContain('print(f"Python {sys.version.split()[0]}")');
    expect(none['src/app.py']).not.toContain('DEPENDENCIES');

    const mixed = await generate({ deps: ['emoji', 'requests'] });
    expect(mixed['src/app.py']).toContain('emoji.emojize(');
    expect(mixed['src/app.py']).toContain('DEPENDENCIES = ["emoji", "requests"]');
  });

  it('a module entrypoint gets a package with __main__.py, run with python -m', async () => {
    const base = await generate({});
    const mod = await generate({ entrypoint: 'shop.worker' });
    expect(changed(base, mod)).toEqual([
      '.yo-rc.json',
      'Dockerfile',
      'README.md',
      'docker/slim.Dockerfile',
      'src/app.py',
      'src/shop/__init__.py',
      'src/shop/worker/__init__.py',
      'src/shop/worker/__main__.py',
    ]);
    expect(mod['src/shop/worker/__main__.py']).toBe(base['src/app.py']);
    expect(mod.Dockerfile).toContain('ENTRYPOINT ["/opt/venv/bin/python", "-m", "shop.worker"]');
    expect(mod.Dockerfile).toMatch(/PYTHONPATH=\/app\/src$/m);
    expect(base.Dockerfile).not.toContain('PYTHONPATH');
  });

  it('a script outside src/ is what gets copied into the image', async () => {
    const top = await generate({ entrypoint: 'main.py' });
    expect(top['main.py']).toBeDefined();
    expect(top['src/app.py']).toBeUndefined();
    expect(top.Dockerfile).toContain('COPY main.py /app/main.py\n');
    expect(top.Dockerfile).toContain('ENTRYPOINT ["/opt/venv/bin/python", "/app/main.py"]');
    expect(top['.dockerignore']).toMatch(/^!main\.py$/m);
  });

  it('python picks the catalogue target: a standalone CPython on cc-debian13 for 3.12', async () => {
    const base = await generate({});
    const py312 = await generate({ python: '3.12' });
    expect(changed(base, py312)).toEqual(['.yo-rc.json', 'Dockerfile', 'Makefile', 'README.md', 'docker/slim.Dockerfile']);
    expect(py312['docker/slim.Dockerfile']).toContain('ARG SLIM_IMAGE=python:3.12-slim-trixie\n');
    expect(py312.Dockerfile).toContain('ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian13:nonroot\n');
    expect(py312.Dockerfile).toContain('uv venv --python 3.12 /opt/venv');
    expect(py312['README.md']).toContain('python-build-standalone CPython\n  3.12');
  });

  it('runtime picks the image family, and its Python version when none is given', async () => {
    const base = await generate({});
    const chainguard = await generate({ runtime: 'chainguard' });
    // No runtime_libs.py: the catalogue lists no libraries of Chainguard's image, so nothing is copied into it.
    expect(changed(base, chainguard)).toEqual(['.dockerignore', '.yo-rc.json', 'Dockerfile', 'Makefile', 'README.md', 'docker/runtime_libs.py', 'docker/slim.Dockerfile']);
    expect(chainguard['docker/runtime_libs.py']).toBeUndefined();
    expect(JSON.parse(chainguard['.yo-rc.json'])['generator-distroless-python']).toMatchObject({ runtime: 'chainguard', python: '3.14' });
    expect(chainguard.Dockerfile).toContain('ARG BUILDER_IMAGE=cgr.dev/chainguard/python:latest-dev\n');
    expect(chainguard.Dockerfile).toContain('RUN ["/usr/bin/python", "-B", "/tmp/runtime_check.py", "3.14", "/opt/venv"]');
    const root = await generate({ runtime: 'chainguard', nonroot: false });
    // Chainguard's images default to nonroot, so root must be asked for, and lint is told why.
    expect(root.Dockerfile).toMatch(/^USER 0\n/m);
    expect(root['.hadolint.yaml']).toContain('  - DL3002\n');
  });
});

describe('flags as yo passes them (raw arguments)', () => {
  it('parses repeated --deps, --no-nonroot and --entrypoint', async () => {
    const result = await run().withArguments([
      'svc',
      '--deps',
      'requests>=2 markupsafe',
      '--deps',
      "tomli ; python_version < '3.11'",
      '--no-nonroot',
      '--entrypoint',
      'main.py',
      '--yes',
    ]);
    const files = snapshot(path.join(result.cwd, 'svc'));
    expect(files['requirements.txt']).toMatch(/\nrequests>=2\nmarkupsafe\ntomli ; python_version < '3.11'\n$/);
    expect(files.Dockerfile).not.toMatch(/^USER/m);
    expect(files['main.py']).toBeDefined();
  });

  it('refuses an invalid flag before writing anything', async () => {
    const context = run().withArguments(['svc', '--python', '3.9', '--yes']);
    await expect(context).rejects.toThrow(/--python: '3\.9' is not offered/);
    expect(existsSync(path.join(context.targetDirectory!, 'svc'))).toBe(false);
  });
});

describe('re-running over an existing project', () => {
  // yeoman-test removes its own temporary directory on the next run; keep ours across runs (and cd, since inDir empties it).
  const workdir = () => mkdtempSync(path.join(tmpdir(), 'dp-rerun-'));

  it('reuses the recorded answers and leaves identical files alone', async () => {
    const cwd = workdir();
    await run().cd(cwd).withOptions({ yes: true, deps: ['requests'], entrypoint: 'api' });
    const before = snapshot(path.join(cwd, 'my-app'));
    expect(before['src/api/__main__.py']).toBeDefined();
    const again = await run().cd(cwd).withOptions({ yes: true });
    expect(snapshot(path.join(again.cwd, 'my-app'))).toEqual(before);
  });

  it('merges a re-run with the owner\'s edits; overlapping ones are refused with nothing written, --force takes this version\'s', async () => {
    const cwd = workdir();
    await run().cd(cwd).withOptions({ yes: true });
    const dir = path.join(cwd, 'my-app');
    const dockerfile = path.join(dir, 'Dockerfile');
    writeFileSync(dockerfile, `${readFileSync(dockerfile, 'utf8')}# my edit\n`);

    // yeoman-test forces by default; a user's run does not.
    await run().cd(cwd).withOptions({ yes: true, force: false, nonroot: false });
    expect(readFileSync(dockerfile, 'utf8')).toContain('# my edit');
    expect(readFileSync(dockerfile, 'utf8')).not.toContain('USER 65532');

    // An edit on a line the next answer changes too.
    const edited = readFileSync(dockerfile, 'utf8').replace(/^ARG RUNTIME_IMAGE=.*$/m, 'ARG RUNTIME_IMAGE=registry.example/mine:1');
    writeFileSync(dockerfile, edited);
    const before = snapshot(dir);
    await expect(run().cd(cwd).withOptions({ yes: true, force: false, nonroot: true })).rejects.toThrow(
      /directory: my-app: your edits and this version's overlap in Dockerfile; nothing was written \(--conflict-markers writes them/,
    );
    expect(snapshot(dir)).toEqual(before);

    await run().cd(cwd).withOptions({ yes: true, force: true, nonroot: true });
    expect(readFileSync(dockerfile, 'utf8')).not.toContain('registry.example/mine');
    expect(readFileSync(dockerfile, 'utf8')).toContain('# my edit');
  });

  it('reports a recorded answer that is no longer valid', async () => {
    const cwd = workdir();
    mkdirSync(path.join(cwd, 'my-app'));
    writeFileSync(path.join(cwd, 'my-app/.yo-rc.json'), JSON.stringify({ 'generator-distroless-python': { python: '3.9' } }));
    const context = run().cd(cwd).withOptions({ yes: true });
    await expect(context).rejects.toThrow(/\.yo-rc\.json: recorded --python is invalid: '3\.9' is not offered/);
  });

  it('a recorded version the newly chosen runtime does not offer gives way to its default', async () => {
    const cwd = workdir();
    await run().cd(cwd).withOptions({ yes: true, python: '3.12' });
    await run().cd(cwd).withOptions({ yes: true, force: true, runtime: 'chainguard' });
    const recorded = JSON.parse(readFileSync(path.join(cwd, 'my-app/.yo-rc.json'), 'utf8'))['generator-distroless-python'];
    expect(recorded).toMatchObject({ runtime: 'chainguard', python: '3.14' });
  });
});

describe('yo distroless-python --upgrade', () => {
  it('upgrades every directory given, with a new answer, keeping the owners\' edits; a directory it did not make fails alone', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dp-yo-upgrade-'));
    for (const name of ['a', 'b']) {
      await run().cd(cwd).withOptions({ yes: true, directory: name } as GeneratorOptions);
      const file = path.join(cwd, name, 'Makefile');
      writeFileSync(file, `${readFileSync(file, 'utf8')}\nmine: ## the owner's\n\t@true\n`);
    }
    mkdirSync(path.join(cwd, 'c'));
    const exitCode = process.exitCode;
    try {
      await run().cd(cwd).withArguments(['a', 'b', 'c']).withOptions({ upgrade: true, python: '3.12', force: false } as GeneratorOptions);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = exitCode;
    }
    for (const name of ['a', 'b']) {
      expect(readFileSync(path.join(cwd, name, 'Makefile'), 'utf8')).toContain("mine: ## the owner's");
      expect(readFileSync(path.join(cwd, name, 'Dockerfile'), 'utf8')).toContain('Python 3.12');
      expect(JSON.parse(readFileSync(path.join(cwd, name, '.yo-rc.json'), 'utf8'))['generator-distroless-python'].python).toBe('3.12');
    }
    expect(snapshot(path.join(cwd, 'c'))).toEqual({});
  });
});

describe('yo --help', () => {
  it.each([
    ['generators/app/index.js', 'distroless-python:app', 'yo distroless-python'],
    ['generators/docker/index.js', 'distroless-python:docker', 'yo distroless-python:docker'],
  ])('%s renders the one usage() the bin prints, under its own name', async (file, namespace, program) => {
    const { usage } = await import('../lib/commands.js');
    const result = await helpers
      .run(path.join(path.dirname(GENERATOR), '..', '..', file), { namespace })
      // An app to find, for the existing-project generator; a dry run writes nothing.
      .doInDir((dir) => writeFileSync(path.join(dir, 'app.py'), "if __name__ == '__main__':\n    print('hi')\n"))
      .withOptions({ yes: true, force: true, 'dry-run': true });
    const help = (result.generator as unknown as { help(): string }).help();
    expect(help).toBe(usage(program));
    expect(help).toContain(`Usage: ${program} [directory] [options]`);
    expect(help).toMatch(/^ {2}--preset <file\|package> /m);
  });
});
