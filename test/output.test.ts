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
import { TARGETS } from '../lib/catalogue.js';
import type { Answers } from '../lib/questions.js';
import { renderProject } from '../lib/render.js';

const DEPS = { none: [], emoji: ['emoji'], several: ['emoji', 'requests>=2,<3', "tomli ; python_version < '3.11'", 'MarkupSafe[extra]==3.0.2'] };
const ENTRYPOINTS = { script: 'src/app.py', top: 'main.py', module: 'app', dotted: 'shop.worker', callable: 'shop.cli:run' };

// Every catalogue target (Python version x runtime family) x nonroot, each with a few
// dependency/entrypoint shapes; the default target gets every shape.
const SHAPES: [keyof typeof DEPS, keyof typeof ENTRYPOINTS][] = [
  ['emoji', 'script'],
  ['several', 'module'],
  ['none', 'top'],
  ['emoji', 'callable'],
];
const ALL_SHAPES = Object.keys(DEPS).flatMap((d) => Object.keys(ENTRYPOINTS).map((e) => [d, e] as [keyof typeof DEPS, keyof typeof ENTRYPOINTS]));

const matrix: { label: string; answers: Answers }[] = [];
for (const target of TARGETS) {
  const isDefault = target.family === 'distroless' && target.version === '3.13';
  for (const nonroot of [true, false]) {
    for (const [depsLabel, entryLabel] of isDefault ? ALL_SHAPES : SHAPES) {
      matrix.push({
        label: `${target.family} ${target.version} (${target.strategy}), ${nonroot ? 'nonroot' : 'root'}, deps ${depsLabel}, entrypoint ${entryLabel}`,
        answers: { directory: 'my-app', runtime: target.family, python: target.version, deps: DEPS[depsLabel], nonroot, entrypoint: ENTRYPOINTS[entryLabel] },
      });
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

// Every distinct Python file rendered below, compiled in one python3 run at the end (a python3
// per case spent most of this file's time starting interpreters).
const pythonFiles = new Map<string, string>();
function collectPython(label: string, files: Map<string, string>): string[] {
  const py = [...files.keys()].filter((f) => f.endsWith('.py'));
  for (const f of py) if (![...pythonFiles.values()].includes(files.get(f)!)) pythonFiles.set(`${label}: ${f}`, files.get(f)!);
  return py;
}

const argsOf = (i: Instruction) => i.getArguments().map((a) => a.getValue());

/** The instructions of each stage, by stage name ('' for the unnamed final stage). */
function stages(dockerfile: ReturnType<typeof DockerfileParser.parse>): { name: string; image: string; instructions: Instruction[] }[] {
  const froms = dockerfile.getFROMs();
  return froms.map((from, i) => {
    const start = from.getRange().start.line;
    const end = i + 1 < froms.length ? froms[i + 1].getRange().start.line : Infinity;
    return {
      name: from.getBuildStage() ?? '',
      image: from.getImageName() ?? '',
      instructions: dockerfile.getInstructions().filter((x) => x.getRange().start.line > start && x.getRange().start.line < end),
    };
  });
}

describe.each(matrix)('$label', ({ label, answers }) => {
  const files = renderProject(answers);
  const target = TARGETS.find((t) => t.family === answers.runtime && t.version === answers.python)!;
  const dockerfileText = files.get('Dockerfile')!;
  const dockerfile = DockerfileParser.parse(dockerfileText);
  const byName = Object.fromEntries(stages(dockerfile).map((s) => [s.name, s]));
  const copiedDirs = [...(target.uv ? [target.uv.installDir] : []), target.venv];

  it('Dockerfile: parses cleanly, no # syntax line, no removed image, no BuildKit-only flags', () => {
    expect(validate(dockerfileText)).toEqual([]);
    expect(dockerfile.getDirectives()).toEqual([]);
    expect(dockerfileText).not.toMatch(/^#\s*syntax\s*=/im);
    for (const [, content] of files) expect(content).not.toContain('python3-debian12');
    const flags = dockerfile.getInstructions().flatMap((i) => ('getFlags' in i ? (i as unknown as { getFlags(): { getName(): string }[] }).getFlags().map((f) => f.getName()) : []));
    expect(flags.filter((f) => f !== 'from')).toEqual([]);
  });

  it('Dockerfile: stages build, check and final, whose FROM images are build args defaulting to the catalogue images', () => {
    const args = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'ARG' && i.getRange().start.line < dockerfile.getFROMs()[0].getRange().start.line);
    const tag = answers.nonroot ? target.runtime.tags.nonroot : target.runtime.tags.root;
    expect(args.map(argsOf)).toEqual([
      ...(target.uv ? [[`UV_IMAGE=${target.uv.image}`]] : []),
      [`BUILDER_IMAGE=${target.builder.image}`],
      [`RUNTIME_IMAGE=${target.runtime.image}:${tag}`],
    ]);
    expect(stages(dockerfile).map((s) => [s.name, s.image])).toEqual([
      ...(target.uv ? [['uv', '${UV_IMAGE}']] : []),
      ['build', '${BUILDER_IMAGE}'],
      ['check', '${RUNTIME_IMAGE}'],
      ['', '${RUNTIME_IMAGE}'],
    ]);
  });

  it('Dockerfile: builder and runtime agree on the Python version, the interpreter path and the venv path', () => {
    const build = byName.build.instructions.map((i) => i.getTextContent()).join('\n');
    if (target.strategy === 'debian') {
      // The slim builder of the same minor version makes the venv with the runtime's interpreter path.
      expect(target.builder.image).toBe(`python:${target.version}-slim-trixie`);
      expect(target.runtime.python).toBe(`/usr/bin/python${target.version}`);
      expect(build).toContain(`ln -s ${target.builder.python} ${target.runtime.python}`);
      expect(build).toContain(`${target.runtime.python} -m venv --without-pip ${target.venv}`);
    } else if (target.strategy === 'standalone') {
      // uv installs exactly this version where the runtime will find it, and the venv links to it.
      expect(target.builder.python).toBe(target.runtime.python);
      expect(target.runtime.python.startsWith(`${target.uv!.installDir}/cpython-${target.version}-`)).toBe(true);
      expect(build).toContain(`ENV UV_PYTHON_INSTALL_DIR=${target.uv!.installDir} UV_PYTHON_PREFERENCE=only-managed`);
      expect(build).toContain(`uv python install ${target.version}`);
      // Its standard library gets hash-checked bytecode, after what the image never runs is removed.
      expect(build).toMatch(new RegExp(`rm -rf "\\$lib"/site-packages/\\* "\\$lib"/ensurepip [^\\n]*\\n[\\s\\S]*-m compileall -q -j 0 --invalidation-mode checked-hash "\\$lib"`));
      expect(build).toContain(`uv venv --python ${target.version} ${target.venv}`);
      expect(build).toContain(`--python ${target.venv}/bin/python --requirement /tmp/requirements.txt`);
    } else {
      expect(target.builder.python).toBe(target.runtime.python);
      expect(build).toContain(`${target.builder.python} -m venv --without-pip ${target.venv}`);
    }
    // What was built is copied to the same paths into the check stage, and from there into the final image.
    const copies = (stage: string, from: string) =>
      byName[stage].instructions.filter((i) => i.getKeyword() === 'COPY' && i.getTextContent().includes(`--from=${from}`)).map(argsOf);
    // The shared libraries the runtime lacks (runtime_libs.py) go in first, where the catalogue lists what it has.
    const libs = target.runtime.libraries ? [['/runtime-libs/', '/']] : [];
    expect(copies('check', 'build')).toEqual([...libs, ...copiedDirs.map((d) => [d, d]), ['/app', '/app']]);
    // And the standard library's bytecode the check stage compiled (stdlib_bytecode.py), to its own paths.
    expect(copies('', 'check')).toEqual([...copiedDirs.map((d) => [d, d]), ['/app', '/app'], ['/tmp/stdlib-bytecode/', '/']]);
    expect(copies('', 'build')).toEqual(libs);
    // The check runs with the runtime's interpreter, for this version and venv, before the app is added.
    // -B: it writes no bytecode into the check stage, whose standard library must stay as the image has it.
    const [run, stdlib] = byName.check.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => JSON.parse(i.getArgumentsContent()!) as string[]);
    expect(run.slice(1)).toEqual(['-B', '/tmp/runtime_check.py', target.version, target.venv]);
    expect(run[0]).toBe({ debian: '/usr/bin/python3', chainguard: '/usr/bin/python', standalone: `${target.venv}/bin/python` }[target.strategy]);
    // Then, with the app in, the standard library's modules it loads at start are compiled.
    expect(stdlib).toEqual([`${target.venv}/bin/python`, '-B', '/tmp/stdlib_bytecode.py', '/tmp/stdlib-bytecode', '/app']);
    // pip (or uv) runs in the build stage only.
    expect(byName[''].instructions.some((i) => i.getKeyword() === 'RUN')).toBe(false);
    expect(byName.build.instructions.filter((i) => i.getKeyword() === 'ARG').map(argsOf)).toEqual([
      ...(target.uv ? [['UV_PYTHON_INSTALL_MIRROR']] : []),
      ['PIP_INDEX_URL'],
      ['PIP_TRUSTED_HOST'],
      ...(target.runtime.libraries ? [['BUILD_PACKAGES=""']] : []),
    ]);
  });

  it('Dockerfile: dependencies are installed before the code is copied, and the code is compiled', () => {
    const text = byName.build.instructions.map((i) => i.getTextContent());
    const requirementsAt = text.findIndex((t) => t.startsWith('COPY requirements.txt'));
    const installAt = text.findIndex((t) => t.includes('--requirement /tmp/requirements.txt'));
    const codeAt = text.findIndex((t) => /^COPY (src|main\.py) \/app\//.test(t));
    const compiles = text.filter((t) => t.includes('compileall'));
    // The dependencies' bytecode is compiled in the install's own RUN (hadolint DL3059: no two RUNs in a row).
    const venvCompileAt = text.findIndex((t) => t.includes('compileall') && t.endsWith(` ${target.venv}`));
    expect(venvCompileAt).toBe(installAt);
    const compileAt = text.findIndex((t) => t.includes('compileall') && / \/app( |$)/.test(t));
    expect(requirementsAt).toBeGreaterThan(-1);
    expect(requirementsAt).toBeLessThan(installAt);
    // The dependencies' bytecode in their own layer, before the code; then the code's. Both hash-checked.
    expect(venvCompileAt).toBeLessThan(codeAt);
    expect(codeAt).toBeLessThan(compileAt);
    for (const c of compiles) expect(c).toContain('--invalidation-mode checked-hash');
    // pip compiles timestamped bytecode unless told not to (uv compiles none unless told to).
    for (const t of text.filter((x) => /-m pip .*install/.test(x))) expect(t).toContain('--no-compile');
  });

  it('Dockerfile: USER, exec-form ENTRYPOINT, WORKDIR and env of the final stage', () => {
    const users = byName[''].instructions.filter((i) => i.getKeyword() === 'USER').map(argsOf);
    if (answers.nonroot) expect(users).toEqual([[target.nonrootUser]]);
    else expect(users).toEqual(target.runtime.defaultUser.root === '' ? [] : [['0']]);
    // JSON.parse, as Docker reads exec form (dockerfile-ast's getJSONValue drops spaces inside strings).
    const command = JSON.parse(dockerfile.getENTRYPOINTs()[0].getArgumentsContent()!) as string[];
    expect(command[0]).toBe(`${target.venv}/bin/python`);
    if (answers.entrypoint.endsWith('.py')) expect(command.slice(1)).toEqual([`/app/${answers.entrypoint}`]);
    else if (answers.entrypoint.includes(':')) expect(command.slice(1)).toEqual(['-c', 'import sys; from shop.cli import run; sys.exit(run())']);
    else expect(command.slice(1)).toEqual(['-m', answers.entrypoint]);
    expect(dockerfile.getInstructions().at(-1)!.getKeyword()).toBe('ENTRYPOINT');
    expect(dockerfileText).toMatch(/^ENV PYTHONUNBUFFERED=1/m);
    expect(dockerfileText).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfileText).toContain('org.opencontainers.image.title="my-app"');
  });

  it('.dockerignore lets in exactly what the Dockerfile copies from the context', () => {
    const allowed = files.get('.dockerignore')!.split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    const copied = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'COPY' && !i.getTextContent().includes('--from')).map((i) => argsOf(i)[0]);
    expect(allowed.sort()).toEqual(copied.sort());
  });

  it('docker/slim.Dockerfile: the same app in one stage on the official -slim image of the same version', () => {
    const text = files.get('docker/slim.Dockerfile')!;
    expect(validate(text)).toEqual([]);
    const slim = DockerfileParser.parse(text);
    expect(slim.getFROMs().map((f) => f.getImageName())).toEqual(['${SLIM_IMAGE}']);
    expect(text).toContain(`ARG SLIM_IMAGE=python:${target.version}-slim-trixie\n`);
    const command = JSON.parse(slim.getENTRYPOINTs()[0].getArgumentsContent()!);
    const main = JSON.parse(dockerfile.getENTRYPOINTs()[0].getArgumentsContent()!);
    expect(command).toEqual(['python3', ...main.slice(1)]);
  });

  it('.hadolint.yaml names every ignored rule with its reason', () => {
    const config = files.get('.hadolint.yaml')!;
    // hadolint's DL3002 looks at the last USER of every stage.
    const isRoot = (user: string) => /^(0|root)(:|$)/.test(user);
    const endsAsRoot = stages(dockerfile).filter((st) => isRoot(st.instructions.filter((i) => i.getKeyword() === 'USER').map(argsOf).at(-1)?.[0] ?? 'image'));
    const root = endsAsRoot.length > 0;
    // Only the final stage of a --no-nonroot project may end as root.
    expect(endsAsRoot.map((st) => st.name).filter((n) => n !== '')).toEqual([]);
    if (root) expect(config).toMatch(/# DL3002 \(last USER should not be root\): this project was generated with --no-nonroot\.\n {2}- DL3002\n/);
    else expect(config).toMatch(/^ignored: \[\]$/m);
  });

  it('requirements.txt holds exactly the deps, one a line', () => {
    const lines = files.get('requirements.txt')!.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual(answers.deps);
  });

  const py = collectPython(label, files);
  it('the Python includes the runtime check (all of it compiled below)', () => {
    expect(py).toContain('docker/runtime_check.py');
    expect(py.every((f) => [...pythonFiles.values()].includes(files.get(f)!))).toBe(true);
  });

  it('the README names the images and has the catalogue table', () => {
    const readme = files.get('README.md')!;
    expect(readme).toContain(target.runtime.image);
    expect(readme).toContain(target.builder.image);
    for (const t of TARGETS) expect(readme).toContain(`| ${t.version} | ${t.family} | ${t.strategy} |`);
    // The signal docker stop sends, as the Dockerfile sets it.
    const stop = /^STOPSIGNAL (\S+)$/m.exec(files.get('Dockerfile')!)?.[1] ?? 'SIGTERM';
    expect(readme).toMatch(new RegExp(`^\\| Stops on \\| ${stop}, which \`docker stop\` sends`, 'm'));
  });

  it('Makefile: every target listed by `make help` expands with `make -n`', () => {
    const dir = write(files);
    const help = execFileSync('make', ['--no-print-directory', 'help'], { cwd: dir, encoding: 'utf8' });
    const targets = [...help.matchAll(/^\s+make (\S+)/gm)].map((m) => m[1]);
    expect(targets).toEqual(['help', 'build', 'run', 'size', 'sbom', 'packages', 'compare', 'debug', 'shell', 'scan', 'lint', 'clean']);
    for (const t of targets) {
      const r = spawnSync('make', ['-n', t], { cwd: dir, encoding: 'utf8' });
      expect(r.status, `${t}: ${r.stderr}`).toBe(0);
    }
    const build = execFileSync('make', ['-n', 'build', 'BUILD_ARGS=--build-arg X=1', 'DOCKER=/usr/bin/docker', 'IMAGE=other:1'], { cwd: dir, encoding: 'utf8' });
    expect(build.trim()).toBe('/usr/bin/docker build --build-arg X=1 -t other:1 .');
    const run = execFileSync('make', ['-n', 'run'], { cwd: dir, encoding: 'utf8' });
    expect(run.trim()).toBe('docker run --rm --read-only --cap-drop=ALL --security-opt=no-new-privileges my-app');
    // Another platform, loaded and measured; several, with buildx, into an OCI archive or a registry.
    const n = (...args: string[]) => execFileSync('make', ['-n', ...args], { cwd: dir, encoding: 'utf8' });
    expect(n('build', 'PLATFORM=linux/arm64').trim()).toBe('docker build --platform linux/arm64  -t my-app .');
    expect(n('build', 'PLATFORMS=linux/amd64,linux/arm64').trim()).toBe('docker buildx build --platform linux/amd64,linux/arm64 --output type=oci,dest=my-app.oci.tar  -t my-app .');
    expect(n('build', 'PLATFORMS=linux/amd64,linux/arm64', 'OUTPUT=type=registry').trim()).toBe('docker buildx build --platform linux/amd64,linux/arm64 --output type=registry  -t my-app .');
    expect(n('debug', 'PLATFORM=linux/arm64')).toContain('docker build --platform linux/arm64  --build-arg RUNTIME_IMAGE=');
    expect(n('compare', 'PLATFORM=linux/arm64')).toContain('docker build --platform linux/arm64  --file docker/slim.Dockerfile -t my-app-slim .');
    expect(n('clean')).toContain('my-app.oci.tar');
    // The Dockerfile names no architecture: one file for every platform.
    expect(files.get('Dockerfile')).not.toMatch(/x86_64|amd64|aarch64|arm64|--platform/);
  });
});

// Start commands with arguments on every target: the sample app by framework, the bind, the port.
const SERVER_SHAPES: { label: string; deps: string[]; entrypoint: string; port: number; sample: string; callable: RegExp; runs: string[] }[] = [
  { label: 'Flask on gunicorn', deps: ['flask', 'gunicorn'], entrypoint: 'gunicorn -w 2 app:app', port: 8000, sample: 'src/app.py', callable: /^app = Flask\(__name__\)$/m, runs: ['gunicorn', '--bind', '0.0.0.0:8000', '-w', '2', 'app:app'] },
  { label: 'FastAPI on uvicorn, in a package', deps: ['fastapi', 'uvicorn'], entrypoint: 'uvicorn api.main:app', port: 9000, sample: 'src/api/main.py', callable: /^app = FastAPI\(title="my-app"\)$/m, runs: ['uvicorn', '--host', '0.0.0.0', '--port', '9000', 'api.main:app'] },
  { label: 'a bare WSGI app factory on gunicorn', deps: ['gunicorn'], entrypoint: "gunicorn 'web:create()'", port: 8000, sample: 'src/web.py', callable: /^def create\(\):$/m, runs: ['gunicorn', '--bind', '0.0.0.0:8000', 'web:create()'] },
  { label: 'a bare ASGI app on python -m uvicorn', deps: ['uvicorn'], entrypoint: 'python -m uvicorn svc:application', port: 8000, sample: 'src/svc.py', callable: /^async def application\(scope, receive, send\):$/m, runs: ['python', '-m', 'uvicorn', '--host', '0.0.0.0', '--port', '8000', 'svc:application'] },
  { label: 'flask run', deps: ['flask'], entrypoint: 'flask --app web run', port: 5000, sample: 'src/web.py', callable: /^app = Flask\(__name__\)$/m, runs: ['flask', '--app', 'web', 'run', '--host', '0.0.0.0', '--port', '5000'] },
];

describe.each(TARGETS.flatMap((target) => SERVER_SHAPES.map((shape) => ({ target, shape, label: `${target.family} ${target.version}: ${shape.label}` }))))('$label', ({ target, shape, label }) => {
  const { port } = shape;
  const answers: Answers = { directory: 'my-app', runtime: target.family, python: target.version, deps: shape.deps, nonroot: true, entrypoint: shape.entrypoint, port };
  const files = renderProject(answers);
  const py = collectPython(label, files);
  const text = files.get('Dockerfile')!;
  const dockerfile = DockerfileParser.parse(text);
  const final = stages(dockerfile).at(-1)!.instructions;
  const keyword = (k: string) => final.filter((i) => i.getKeyword() === k);

  it('Dockerfile: the executable from the venv as ENTRYPOINT, the arguments as CMD, bound to 0.0.0.0 on the port', () => {
    expect(validate(text)).toEqual([]);
    const entrypoint = JSON.parse(keyword('ENTRYPOINT')[0].getArgumentsContent()!) as string[];
    const cmd = JSON.parse(keyword('CMD')[0].getArgumentsContent()!) as string[];
    const executable = shape.runs[0] === 'python' ? [`${target.venv}/bin/python`, '-m', 'uvicorn'] : [`${target.venv}/bin/${shape.runs[0]}`];
    expect(entrypoint).toEqual(executable);
    expect(cmd).toEqual(shape.runs.slice(shape.runs[0] === 'python' ? 3 : 1));
    expect(keyword('EXPOSE').map(argsOf)).toEqual([[String(port)]]);
    expect(dockerfile.getInstructions().at(-1)!.getKeyword()).toBe('CMD');
    // Servers keep SIGTERM for their graceful shutdown, but Flask's development server has no
    // handler for it as PID 1; temporary files go to the runtime's tmpfs.
    expect(keyword('STOPSIGNAL').map(argsOf)).toEqual(shape.runs[0] === 'flask' ? [['SIGINT']] : []);
    expect(text).toMatch(/^ {4}TMPDIR=\/dev\/shm \\$/m);
    expect(text).toMatch(/^ {4}PYTHONPATH=\/app\/src$/m);
  });

  it('Dockerfile: the check stage proves the console script is in the venv; the health check needs no shell', () => {
    const check = stages(dockerfile).find((s) => s.name === 'check')!;
    const [run, stdlib] = check.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => JSON.parse(i.getArgumentsContent()!) as string[]);
    expect(run.slice(3)).toEqual(shape.runs[0] === 'python' ? [target.version, target.venv] : [target.version, target.venv, `${target.venv}/bin/${shape.runs[0]}`]);
    // The console script's own imports count among what the app loads at start.
    expect(stdlib.slice(3)).toEqual(['/tmp/stdlib-bytecode', '/app', ...(shape.runs[0] === 'python' ? [] : [`${target.venv}/bin/${shape.runs[0]}`])]);
    const health = keyword('HEALTHCHECK')[0].getTextContent();
    expect(health).toContain(`CMD ["${target.venv}/bin/python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}/health', timeout=2)"]`);
  });

  it('the sample app is where the command points, of the framework among the dependencies, and compiles', () => {
    expect(files.get(shape.sample)).toMatch(shape.callable);
    expect(files.get(shape.sample)).toContain('"/health"');
    expect([...files.keys()].filter((f) => f.startsWith('src/'))).toEqual([...(shape.sample.split('/').length > 2 ? ['src/api/__init__.py'] : []), shape.sample]);
    expect(py).toContain(shape.sample);
  });

  it('Makefile: make run publishes the port, and PORT picks the host side', () => {
    const dir = write(files);
    expect(execFileSync('make', ['-n', 'run'], { cwd: dir, encoding: 'utf8' }).trim()).toBe(
      `docker run --rm --read-only --cap-drop=ALL --security-opt=no-new-privileges --publish ${port}:${port} my-app`,
    );
    expect(execFileSync('make', ['-n', 'run', 'PORT=9999'], { cwd: dir, encoding: 'utf8' })).toContain(`--publish 9999:${port} my-app`);
    // make help says the port it serves on, not the variable's name.
    expect(execFileSync('make', ['--no-print-directory', 'help'], { cwd: dir, encoding: 'utf8' })).toContain(`make run       Run the image, serving on http://localhost:${port}\n`);
    expect(execFileSync('make', ['--no-print-directory', 'help', 'PORT=9999'], { cwd: dir, encoding: 'utf8' })).toContain('serving on http://localhost:9999\n');
  });

  it('docker/slim.Dockerfile runs the same command on the -slim image', () => {
    const slim = DockerfileParser.parse(files.get('docker/slim.Dockerfile')!);
    const entrypoint = JSON.parse(slim.getENTRYPOINTs()[0].getArgumentsContent()!) as string[];
    expect(entrypoint).toEqual(shape.runs[0] === 'python' ? ['python3', '-m', 'uvicorn'] : [shape.runs[0]]);
    expect(JSON.parse(slim.getInstructions().at(-1)!.getArgumentsContent()!)).toEqual(shape.runs.slice(shape.runs[0] === 'python' ? 3 : 1));
  });
});

describe('every distinct Python file rendered above', () => {
  it('compiles (python3 -m py_compile, one run)', () => {
    expect(pythonFiles.size).toBeGreaterThan(TARGETS.length);
    const dir = mkdtempSync(path.join(tmpdir(), 'dp-output-py-'));
    const names = [...pythonFiles].map(([label, content], i) => {
      const file = path.join(dir, `f${i}.py`);
      writeFileSync(file, content);
      return [file, label];
    });
    const r = spawnSync('python3', ['-m', 'py_compile', ...names.map(([f]) => f)], { encoding: 'utf8' });
    const failed = names.filter(([f]) => r.stderr.includes(f)).map(([, label]) => label);
    expect({ status: r.status, failed }).toEqual({ status: 0, failed: [] });
  });
});

// --index-secret: the index URL, credentials and all, only ever as a BuildKit secret.
describe.each(TARGETS.map((target) => ({ target, label: `${target.family} ${target.version}` })))('$label with --index-secret', ({ target }) => {
  const answers: Answers = { directory: 'my-app', runtime: target.family, python: target.version, deps: ['emoji'], nonroot: true, entrypoint: 'src/app.py', 'index-secret': true };
  const files = renderProject(answers);
  const text = files.get('Dockerfile')!;
  const dockerfile = DockerfileParser.parse(text);

  it('no build argument carries the index URL; every step that installs reads the secret, and only those', () => {
    expect(validate(text)).toEqual([]);
    expect(text).not.toMatch(/^ARG PIP_INDEX_URL/m);
    expect(text).not.toMatch(/^#\s*syntax\s*=/im);
    const runs = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'RUN').map((i) => i.getTextContent());
    const installs = runs.filter((r) => /-m pip .*install|uv pip install/.test(r));
    expect(installs.length).toBeGreaterThan(0);
    for (const r of installs) expect(r).toMatch(/^RUN --mount=type=secret,id=pip_index_url PIP_INDEX_URL="\$\(cat \/run\/secrets\/pip_index_url\)" && export PIP_INDEX_URL \\\n &&/);
    expect(runs.filter((r) => r.includes('--mount=')).length).toBe(installs.length);
  });

  it('make build passes the secret from INDEX_URL_FILE, with BuildKit', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dp-output-secret-'));
    writeFileSync(path.join(dir, 'Makefile'), files.get('Makefile')!);
    expect(execFileSync('make', ['-n', 'build'], { cwd: dir, encoding: 'utf8' }).trim()).toBe('docker build --secret id=pip_index_url,src=.pip-index-url  -t my-app .');
    expect(execFileSync('make', ['-n', 'build', 'INDEX_URL_FILE=/run/user/index'], { cwd: dir, encoding: 'utf8' })).toContain('--secret id=pip_index_url,src=/run/user/index ');
    expect(execFileSync('make', ['-n', 'debug'], { cwd: dir, encoding: 'utf8' })).toContain('--secret id=pip_index_url,src=.pip-index-url');
    expect(files.get('Makefile')).toMatch(/^export DOCKER_BUILDKIT := 1$/m);
    // The file stays out of the build context.
    expect(files.get('.dockerignore')!.split('\n')[1]).toBe('*');
    expect(files.get('.dockerignore')).not.toMatch(/^!\.pip-index-url/m);
    expect(files.get('README.md')).toContain('needs BuildKit');
  });
});

// What hadolint runs on every shell-form RUN: shellcheck (sh), honouring its inline ignores.
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
if (!hasShellcheck) process.stderr.write('SKIPPED shellcheck of the RUN commands: no shellcheck (apt-get install shellcheck)\n');
describe.skipIf(!hasShellcheck && !process.env.CI)('every shell-form RUN of every Dockerfile rendered above', () => {
  it('passes shellcheck as hadolint runs it, its inline ignores applied', () => {
    const answerSets = [
      ...matrix.map((m) => m.answers),
      ...TARGETS.flatMap((t) => SERVER_SHAPES.map((shape) => ({ directory: 'my-app', runtime: t.family, python: t.version, deps: shape.deps, nonroot: true, entrypoint: shape.entrypoint, port: shape.port }) as Answers)),
      ...TARGETS.map((t) => ({ directory: 'my-app', runtime: t.family, python: t.version, deps: ['emoji'], nonroot: true, entrypoint: 'src/app.py', 'index-secret': true }) as Answers),
    ];
    const scripts = new Set<string>();
    for (const answers of answerSets) {
      const parsed = DockerfileParser.parse(renderProject(answers).get('Dockerfile')!);
      const lines = ['#!/bin/sh'];
      let ignore: string[] = [];
      for (const node of [...parsed.getComments(), ...parsed.getInstructions()].sort((a, b) => a.getRange().start.line - b.getRange().start.line)) {
        if (!('getKeyword' in node)) {
          ignore = /^hadolint ignore=(\S+)$/.exec(node.getContent())?.[1].split(',').filter((r) => r.startsWith('SC')) ?? [];
          continue;
        }
        if (node.getKeyword() === 'RUN' && !node.getArgumentsContent()!.trimStart().startsWith('[')) {
          if (ignore.length) lines.push(`# shellcheck disable=${ignore.join(',')}`);
          lines.push(node.getArgumentsContent()!.replace(/^(--mount=\S+\s+)+/, ''));
        }
        ignore = [];
      }
      scripts.add(`${lines.join('\n')}\n`);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'dp-output-sh-'));
    const files = [...scripts].map((text, i) => {
      const file = path.join(dir, `run${i}.sh`);
      writeFileSync(file, text);
      return file;
    });
    expect(files.length).toBeGreaterThan(TARGETS.length);
    const r = spawnSync('shellcheck', ['--shell=sh', '--format=gcc', ...files], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
