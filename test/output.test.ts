/**
 * What the generated files mean, for every combination of answers that changes them: the
 * Dockerfile parsed and checked instruction by instruction, the Makefile run with `make -n`,
 * the Python compiled.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { RUNTIMES } from '../lib/catalogue.js';
import type { Answers } from '../lib/questions.js';
import { renderProject } from '../lib/render.js';

const DEPS = { none: [], emoji: ['emoji'], several: ['emoji', 'requests>=2,<3', "tomli ; python_version < '3.11'", 'MarkupSafe[extra]==3.0.2'] };
const ENTRYPOINTS = { script: 'src/app.py', top: 'main.py', module: 'app', dotted: 'shop.worker' };

const matrix: { label: string; answers: Answers }[] = [];
for (const runtime of RUNTIMES) {
  for (const nonroot of [true, false]) {
    for (const [depsLabel, deps] of Object.entries(DEPS)) {
      for (const [entryLabel, entrypoint] of Object.entries(ENTRYPOINTS)) {
        matrix.push({
          label: `python ${runtime.version}, ${nonroot ? 'nonroot' : 'root'}, deps ${depsLabel}, entrypoint ${entryLabel}`,
          answers: { directory: 'my-app', python: runtime.version, deps, nonroot, entrypoint },
        });
      }
    }
  }
}

function write(files: Map<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dp-output-'));
  for (const [file, content] of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());

describe.each(matrix)('$label', ({ answers }) => {
  const files = renderProject(answers);
  const runtime = RUNTIMES.find((r) => r.version === answers.python)!;
  const dockerfileText = files.get('Dockerfile')!;
  const dockerfile = DockerfileParser.parse(dockerfileText);

  it('Dockerfile: parses cleanly, no # syntax line, no removed image, no BuildKit-only flags', () => {
    expect(validate(dockerfileText)).toEqual([]);
    expect(dockerfile.getDirectives()).toEqual([]);
    expect(dockerfileText).not.toMatch(/^#\s*syntax\s*=/im);
    for (const [, content] of files) expect(content).not.toContain('python3-debian12');
    const flags = dockerfile.getInstructions().flatMap((i) => ('getFlags' in i ? (i as unknown as { getFlags(): { getName(): string }[] }).getFlags().map((f) => f.getName()) : []));
    expect(flags.filter((f) => f !== 'from')).toEqual([]);
  });

  it('Dockerfile: two stages whose FROM images are build args defaulting to the catalogue images', () => {
    const [builderArg, runtimeArg] = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'ARG').slice(0, 2);
    expect(args(builderArg)).toEqual([`BUILDER_IMAGE=${runtime.builder.image}:${runtime.builder.tag}`]);
    const tag = answers.nonroot ? runtime.runtime.tags.nonroot : runtime.runtime.tags.root;
    expect(args(runtimeArg)).toEqual([`RUNTIME_IMAGE=${runtime.runtime.image}:${tag}`]);
    const froms = dockerfile.getFROMs();
    expect(froms.map((f) => f.getImageName())).toEqual(['${BUILDER_IMAGE}', '${RUNTIME_IMAGE}']);
    expect(froms[0].getBuildStage()).toBe('build');
  });

  it('Dockerfile: builder and runtime agree on the interpreter path and the venv path', () => {
    const [build, final] = dockerfile.getFROMs().map((f) => f.getRange().start.line);
    const stage = (from: number, to: number) => dockerfile.getInstructions().filter((i) => i.getRange().start.line > from && i.getRange().start.line < to);
    const buildStage = stage(build, final);
    const finalStage = stage(final, Infinity);
    const venvRun = buildStage.find((i) => i.getKeyword() === 'RUN' && i.getTextContent().includes('-m venv'))!;
    // The venv is made by the interpreter path the runtime has, and the builder gets that path if it lacks it.
    expect(venvRun.getTextContent()).toContain(`${runtime.runtime.python} -m venv --without-pip ${runtime.venv}`);
    expect(venvRun.getTextContent()).toContain(`ln -s ${runtime.builder.python} ${runtime.runtime.python}`);
    const copies = finalStage.filter((i) => i.getKeyword() === 'COPY').map(args);
    expect(copies).toContainEqual([runtime.venv, runtime.venv]);
    expect(copies).toContainEqual(['/app', '/app']);
    // pip runs in the builder only, once, into the venv, and never appears in the final stage.
    expect(buildStage.filter((i) => i.getTextContent().includes('pip')).map((i) => i.getKeyword())).toContain('RUN');
    expect(finalStage.some((i) => i.getKeyword() === 'RUN')).toBe(false);
    // ARG PIP_INDEX_URL is declared in the stage that runs pip (and has no default).
    expect(buildStage.filter((i) => i.getKeyword() === 'ARG').map(args)).toEqual([['PIP_INDEX_URL'], ['PIP_TRUSTED_HOST']]);
  });

  it('Dockerfile: dependencies are installed before the code is copied, and the code is compiled', () => {
    const text = dockerfile.getInstructions().map((i) => i.getTextContent());
    const pipAt = text.findIndex((t) => t.includes('pip --python'));
    const requirementsAt = text.findIndex((t) => t.startsWith('COPY requirements.txt'));
    const codeAt = text.findIndex((t) => /^COPY (src|main\.py) \/app\//.test(t));
    const compileAt = text.findIndex((t) => t.includes('compileall'));
    expect(requirementsAt).toBeGreaterThan(-1);
    expect(requirementsAt).toBeLessThan(pipAt);
    expect(pipAt).toBeLessThan(codeAt);
    expect(codeAt).toBeLessThan(compileAt);
  });

  it('Dockerfile: USER, exec-form ENTRYPOINT, WORKDIR and env of the final stage', () => {
    const users = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'USER');
    if (answers.nonroot) expect(users.map(args)).toEqual([[runtime.nonrootUser]]);
    else expect(users).toEqual([]);
    const [entrypoint] = dockerfile.getENTRYPOINTs();
    const command = entrypoint.getJSONStrings().map((s) => s.getJSONValue());
    expect(command[0]).toBe(`${runtime.venv}/bin/python`);
    if (answers.entrypoint.endsWith('.py')) expect(command.slice(1)).toEqual([`/app/${answers.entrypoint}`]);
    else expect(command.slice(1)).toEqual(['-m', answers.entrypoint]);
    const last = dockerfile.getInstructions().at(-1)!;
    expect(last.getKeyword()).toBe('ENTRYPOINT');
    expect(dockerfileText).toMatch(/^ENV PYTHONUNBUFFERED=1/m);
    expect(dockerfileText).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfileText).toContain('org.opencontainers.image.title="my-app"');
  });

  it('.dockerignore lets in exactly requirements.txt and the code the Dockerfile copies', () => {
    const allowed = files.get('.dockerignore')!.split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    const copied = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'COPY' && !i.getTextContent().includes('--from')).map((i) => args(i)[0]);
    expect(allowed.sort()).toEqual(copied.sort());
  });

  it('requirements.txt holds exactly the deps, one a line', () => {
    const lines = files.get('requirements.txt')!.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual(answers.deps);
  });

  it('the Python compiles', () => {
    const dir = write(files);
    const py = [...files.keys()].filter((f) => f.endsWith('.py'));
    expect(py.length).toBeGreaterThan(0);
    execFileSync('python3', ['-m', 'py_compile', ...py], { cwd: dir });
  });

  it('Makefile: every target listed by `make help` expands with `make -n`', () => {
    const dir = write(files);
    const help = execFileSync('make', ['--no-print-directory', 'help'], { cwd: dir, encoding: 'utf8' });
    const targets = [...help.matchAll(/^\s+make (\S+)/gm)].map((m) => m[1]);
    expect(targets).toEqual(['help', 'build', 'run', 'size', 'sbom', 'clean']);
    for (const target of targets) {
      const r = spawnSync('make', ['-n', target], { cwd: dir, encoding: 'utf8' });
      expect(r.status, `${target}: ${r.stderr}`).toBe(0);
    }
    const build = execFileSync('make', ['-n', 'build', 'BUILD_ARGS=--build-arg X=1', 'DOCKER=/usr/bin/docker', 'IMAGE=other:1'], { cwd: dir, encoding: 'utf8' });
    expect(build.trim()).toBe('/usr/bin/docker build --build-arg X=1 -t other:1 .');
    const run = execFileSync('make', ['-n', 'run'], { cwd: dir, encoding: 'utf8' });
    expect(run.trim()).toBe('docker run --rm --read-only --cap-drop=ALL --security-opt=no-new-privileges my-app');
  });
});
