/**
 * Answers in, project files out. Pure: it reads the templates and returns contents, and the
 * caller (the yeoman generator) decides how they reach the disk.
 */
import path from 'node:path';
import ejs from 'ejs';
import { TOOL_IMAGES, UV_IMAGE, catalogueTable, findTarget, slimImage, type Target } from './catalogue.js';
import { mirrorImage } from './preset.js';
import { readTemplate } from './templates.js';
import type { Install } from './detect.js';
import type { OldDockerfile } from './old-dockerfile.js';
import { joinCommand } from './command.js';
import { boundWords, type Command } from './start.js';
import type { AppKind } from './servers.js';
import { classifyEntrypoint, normaliseName, requirementName, type Answers, type Entrypoint, type ProjectAnswers } from './questions.js';


/** Everything a template may use; derived from the answers and the catalogue, nothing else. */
export interface View {
  name: string;
  answers: ProjectAnswers;
  /** The catalogue's pairing of runtime family and Python version. */
  target: Target;
  /** The runtime image with the tag for the nonroot answer, and its debug variant. */
  runtimeImage: string;
  debugImage: string;
  /** Directories the final image gets from the build (through the check stage); /app last. */
  copied: string[];
  /** The interpreter the build-time check runs with: the runtime image's own where it has one. */
  guardPython: string;
  /** The USER of the final stage, when it differs from the runtime image's default. */
  user?: string;
  entry: Entrypoint;
  /** What of the project is copied into the image (a directory or a file), relative to the project. */
  codePath: string;
  /** The COPY of the code in the build stage: source in the context, destination. */
  codeCopy: [string, string];
  /** How the dependencies get into the venv: files copied first, and what pip (or uv) reads. */
  install: {
    copies: [string, string][];
    requirements?: string;
    pyproject?: string;
    uvExport?: string;
    /** A uv workspace member's package: exported alone, without the workspace's own packages. */
    uvPackage?: string;
    /** A Poetry, PDM or Pipenv lock: the tool, the directory its files are copied to, the lock's name. */
    lock?: { tool: string; directory: string; file: string };
    /** Requirements files whose lines install the project itself (`.`, `-e .`): those lines are taken out first. */
    dropProjectLines?: string[];
    sources: string;
  };
  /** templates/lock_requirements.py as a JSON string for python -c, when a lock is read. */
  lockInline?: string;
  /** sed's pattern for the requirements lines that install the project itself (., ./, -e ., file:.). */
  projectLine: string;
  /**
   * runtime_libs.py's arguments (after the script), when the runtime family lists the libraries
   * it has: the build stage copies the others that compiled extensions load; `inline` for an
   * existing project, which gets no file.
   */
  runtimeLibs?: { args: string; inline?: string; interpreter: boolean };
  /** The runtime check's arguments after the script, as JSON strings: VERSION VENV [COMMAND]. */
  checkArgs: string;
  /** BUILD_PACKAGES' default: -dev packages for dependencies that build from source, and where they were found. */
  buildPackages?: { packages: string[]; from?: string };
  /** The writable data directory (a VOLUME owned by the app user), for an app that writes beside its code. */
  dataDir?: string;
  /** `docker run` arguments beyond the hardening ones: the port and the data volume. */
  runArgs: string;
  /** The build argument that gives a VCS-versioned project (hatch-vcs, setuptools-scm, pdm-backend) its version. */
  versionArg?: { name: string; default: string; mechanism: string };
  /** The uv image, when the build stage uses uv (standalone Python, or exporting a uv.lock). */
  uvImage?: string;
  /** A uv workspace member: the members it depends on, copied from the workspace root and installed from source. */
  siblings: string[];
  /** What `docker build` is given after its options: `.`, or a workspace member's Dockerfile and the workspace root. */
  buildContext: string;
  /** For an existing project with a build system: the command that installs it (without its dependencies). */
  installProject?: string;
  /** The build stage's install command for requirements given as arguments (packages, a directory). */
  installer: string;
  /** What is carried over from an existing project's old Dockerfile: its ENV, its extra packages, its build steps. */
  carried?: { env: string[]; packages: string[]; buildSteps: string[] };
  /** For an existing project: the runtime check as a JSON string for python -c (no file is added to it). */
  guardInline?: string;
  /** The index URL from a BuildKit secret: what starts each RUN that installs (`RUN`, or `RUN --mount=...` that reads it). */
  indexSecret: boolean;
  indexRun: string;
  /** Appended to each RUN that installs into the venv: compiles its bytecode. */
  compileVenv: string;
  indexSecretId: string;
  /** Where the check stage writes the standard library's bytecode, and its arguments (OUT APP [FILE]). */
  stdlibBytecode: string;
  stdlibArgs: string;
  stdlibInline?: string;
  /** An existing project: only Dockerfile, Makefile, .dockerignore and DISTROLESS.md are written. */
  existing?: { install: Install; codeRoot: string };
  /** The exec-form ENTRYPOINT, as a JSON array. */
  entrypointJson: string;
  /** A command's arguments, as the exec-form CMD (a JSON array), so `docker run IMAGE ...` replaces them. */
  cmdJson?: string;
  /** What the image runs, ENTRYPOINT and CMD together, as words. */
  runs: string[];
  /** The console script the build checks for in the venv (a command's executable). */
  program?: string;
  /** SIGINT for a plain Python process: as PID 1 it ignores SIGTERM, and SIGINT raises KeyboardInterrupt. */
  stopSignal?: 'SIGINT';
  /** The port the app listens on: EXPOSE, make run, the health check. */
  port?: number;
  /** A new server project's sample app: what kind, in which file, under which name. */
  sample?: { kind: 'flask' | 'fastapi' | 'wsgi' | 'asgi'; file: string; callable: string; factory: boolean; packages: string[]; server: string };
  /** The exec-form HEALTHCHECK command (a JSON array), for a sample app's health route. */
  healthcheckJson?: string;
  /** For module entrypoints: the directory put on PYTHONPATH. */
  pythonPath?: string;
  /** Distribution names of the requirements, as written. */
  distributions: string[];
  /** The name of the app's function (the callable entrypoint's, else main). */
  appFunction: string;
  /** The seed's emoji demo is used when emoji is among the dependencies. */
  emoji: boolean;
  /** Every Python version and runtime the generator offers, as a Markdown table. */
  catalogueTable: string;
  /** The Makefile's tool images (syft, grype, hadolint), and the -slim image `make compare` builds on. */
  tools: Record<keyof typeof TOOL_IMAGES, string>;
  slimImage: string;
  /** A preset's index, the default of PIP_INDEX_URL; and the labels it adds to the image. */
  pipIndexUrl?: string;
  labels: [string, string][];
}

/**
 * What a team's preset changes in every file (lib/preset): its registry mirrors rewrite every
 * image reference, its index becomes the default, its labels are added to the image.
 */
export interface Site {
  mirrors: Readonly<Record<string, string>>;
  pipIndexUrl?: string;
  labels: [string, string][];
}

/**
 * The runtime image's own interpreter, by strategy, for the build-time check: a generic name, so
 * a runtime image with another Python version fails the check with a message, not a missing file.
 * Standalone runtimes have no Python but the one copied in.
 */
/** The BuildKit secret that holds the index URL with its credentials (--index-secret). */
const INDEX_SECRET = 'pip_index_url';
/** The check stage's output of stdlib_bytecode.py: a tree of __pycache__ folders, copied to / in the final image. */
const STDLIB_BYTECODE = '/tmp/stdlib-bytecode';
const GUARD_PYTHON: Partial<Record<Target['strategy'], string>> = { debian: '/usr/bin/python3', chainguard: '/usr/bin/python' };

export function projectName(directory: string): string {
  return path.basename(path.resolve(directory));
}

/** What an existing project brings: how its dependencies install, and where its packages live ('src' or '.'). */
export interface Existing {
  install: Install;
  codeRoot: string;
  /** How the project takes its version from git (hatch-vcs, setuptools-scm, pdm-backend scm), which the build context lacks. */
  vcsVersion?: string;
  /** What the new Dockerfile carries over from the old one (lib/old-dockerfile). */
  carried?: Pick<OldDockerfile, 'env' | 'packages' | 'buildSteps'>;
  /** The app writes beside its code: the image gets a writable data directory (DATA_DIR). */
  writes?: boolean;
  /** -dev packages proposed for BUILD_PACKAGES (from the old Dockerfile's apt-get lines, or its dependencies). */
  buildPackages?: { packages: string[]; from: string };
}

/** Where the build stage collects the libraries the runtime image gets (runtime_libs.py). */
const RUNTIME_LIBS = '/runtime-libs';

/** The writable data directory of an image whose app writes beside its code: a volume owned by the app user. */
export const DATA_DIR = '/data';

/** The build argument for a VCS-versioned project's version, and how each backend is told it. */
export const VERSION_ARG = 'PROJECT_VERSION';
export const VERSION_DEFAULT = '0.0.0';
const VCS_VERSION_ENV = `SETUPTOOLS_SCM_PRETEND_VERSION="\$${VERSION_ARG}" PDM_BUILD_SCM_VERSION="\$${VERSION_ARG}"`;

const PIP = { debian: 'python3 -m pip', chainguard: '/usr/bin/python -m pip' } as const;

export function view(answers: Answers, existing?: Existing, site?: Site): View {
  const found = findTarget(answers.runtime, answers.python);
  if (!found) throw new Error(`no ${answers.runtime} runtime for Python ${answers.python}`);
  const mirror = (ref: string): string => (site ? mirrorImage(ref, site.mirrors) : ref);
  // Every image as the team's registry mirror names it; the catalogue itself stays as published.
  const target: Target = {
    ...found,
    builder: { ...found.builder, image: mirror(found.builder.image) },
    runtime: { ...found.runtime, image: mirror(found.runtime.image) },
    ...(found.uv ? { uv: { ...found.uv, image: mirror(found.uv.image) } } : {}),
  };
  const entry = classifyEntrypoint(answers.entrypoint);
  const appRoot = '/app';
  const venvPython = `${target.venv}/bin/python`;
  let codePath: string;
  let command: string[];
  let args: string[] | undefined;
  let pythonPath: string | undefined;
  let program: string | undefined;
  if (entry.kind === 'command') {
    const c = entry.command;
    const words = boundWords(c, answers.port);
    const local = c.script ?? c.app?.path;
    codePath = local ? local.split('/')[0] : 'src';
    pythonPath = c.script ? undefined : `${appRoot}/src`;
    if (c.program === 'python') {
      command = [venvPython, ...words.slice(1, c.argsFrom).map((w) => (w === c.script ? `${appRoot}/${w}` : w))];
    } else {
      program = `${target.venv}/bin/${c.program}`;
      command = [program];
    }
    args = words.slice(c.argsFrom);
  } else if (entry.kind === 'script') {
    codePath = entry.path.split('/')[0];
    command = [venvPython, `${appRoot}/${entry.path}`];
  } else if (entry.kind === 'module') {
    codePath = 'src';
    pythonPath = `${appRoot}/src`;
    command = [venvPython, '-m', entry.module];
  } else {
    codePath = 'src';
    pythonPath = `${appRoot}/src`;
    // What a console script's wrapper does, without depending on one being installed.
    command = [venvPython, '-c', `import sys; from ${entry.module} import ${entry.function}; sys.exit(${entry.function}())`];
  }
  const installed = existing !== undefined && existing.install.kind !== 'none' && existing.install.project;
  if (existing) {
    // An existing project is copied whole; its packages are found where they are, or installed.
    codePath = '.';
    const scriptOnly = entry.kind === 'script' || (entry.kind === 'command' && entry.command.script !== undefined);
    pythonPath = scriptOnly || installed ? undefined : path.posix.join(appRoot, existing.codeRoot);
  }
  const workspace = existing?.install.kind === 'uv-workspace' ? existing.install : undefined;
  const distributions = answers.deps.map(requirementName);
  const installer =
    target.strategy === 'standalone'
      ? `UV_DEFAULT_INDEX="\${PIP_INDEX_URL:-https://pypi.org/simple}" uv pip install \${PIP_TRUSTED_HOST:+--allow-insecure-host "$PIP_TRUSTED_HOST"} --python ${venvPython}`
      : `${PIP[target.strategy]} --python ${venvPython} install --no-cache-dir --no-compile`;
  const { tags, defaultUser } = target.runtime;
  const user = answers.nonroot ? target.nonrootUser : '0';
  const { directory: _directory, ...projectAnswers } = answers;
  return {
    name: projectName(answers.directory),
    answers: projectAnswers,
    target,
    runtimeImage: `${target.runtime.image}:${answers.nonroot ? tags.nonroot : tags.root}`,
    debugImage: `${target.runtime.image}:${answers.nonroot ? tags.debugNonroot : tags.debug}`,
    copied: [...(target.uv ? [target.uv.installDir] : []), target.venv, appRoot],
    guardPython: GUARD_PYTHON[target.strategy] ?? venvPython,
    // Written when the image's default differs, and always for nonroot: explicit, and numeric.
    user: answers.nonroot || (defaultUser.root !== '' && defaultUser.root !== '0') ? user : undefined,
    entry,
    codePath,
    codeCopy: existing ? [workspace ? workspace.member : '.', appRoot] : [codePath, `${appRoot}/${codePath}`],
    siblings: workspace?.siblings ?? [],
    buildContext: buildContextOf(existing?.install),
    install: installOf(existing?.install),
    uvImage: target.uv?.image ?? (existing?.install.kind === 'uv-lock' || workspace ? mirror(UV_IMAGE) : undefined),
    installer,
    installProject: installed ? `${existing.vcsVersion ? `${VCS_VERSION_ENV} ` : ''}${installer} --no-deps` : undefined,
    carried: carriedOf(existing?.carried, venvPython),
    dataDir: existing?.writes ? DATA_DIR : undefined,
    checkArgs: execJson([target.version, target.venv, ...(program ? [program] : [])]).slice(1, -1),
    runtimeLibs: target.runtime.libraries
      ? {
          args: execJson([
            target.venv,
            RUNTIME_LIBS,
            ...(target.strategy === 'standalone' ? ['--interpreter'] : []),
            '--has',
            target.runtime.libraries.join(','),
          ]).slice(1, -1),
          inline: existing ? JSON.stringify(compact(readTemplate('runtime_libs.py'))) : undefined,
          interpreter: target.strategy === 'standalone',
        }
      : undefined,
    buildPackages: target.runtime.libraries ? { packages: existing?.buildPackages?.packages ?? [], from: existing?.buildPackages?.from } : undefined,
    runArgs: runArgsOf(answers, existing?.writes ?? false),
    lockInline: existing?.install.kind === 'lock' ? JSON.stringify(compact(readTemplate('lock_requirements.py'))) : undefined,
    versionArg: installed && existing.vcsVersion ? { name: VERSION_ARG, default: VERSION_DEFAULT, mechanism: existing.vcsVersion } : undefined,
    guardInline: existing ? JSON.stringify(compact(readTemplate('runtime_check.py'))) : undefined,
    // Hash-checked bytecode for what was just installed (pip and uv are told to write none): a
    // nonroot process cannot write it, and unlike timestamped bytecode it survives a rewrite of the
    // files' times (SOURCE_DATE_EPOCH, flatteners). In the install's own RUN (hadolint DL3059).
    compileVenv: ` \\\n && ${venvPython} -m compileall -q -j 0 --invalidation-mode checked-hash ${target.venv}`,
    indexSecret: answers['index-secret'],
    indexRun: answers['index-secret'] ? `RUN --mount=type=secret,id=${INDEX_SECRET} PIP_INDEX_URL="$(cat /run/secrets/${INDEX_SECRET})" && export PIP_INDEX_URL \\\n &&` : 'RUN',
    indexSecretId: INDEX_SECRET,
    stdlibBytecode: STDLIB_BYTECODE,
    stdlibArgs: execJson([STDLIB_BYTECODE, appRoot, ...(program ? [program] : [])]).slice(1, -1),
    stdlibInline: existing ? JSON.stringify(compact(readTemplate('stdlib_bytecode.py'))) : undefined,
    existing,
    entrypointJson: execJson(command),
    cmdJson: args?.length ? execJson(args) : undefined,
    runs: [...command, ...(args ?? [])],
    program,
    // Servers (gunicorn, uvicorn, ...) handle SIGTERM with their own graceful shutdown.
    stopSignal: entry.kind !== 'command' || (entry.command.program === 'python' && !entry.command.server) || entry.command.server?.stopSignal ? 'SIGINT' : undefined,
    port: answers.port,
    ...sampleOf(entry, distributions, answers.port, existing !== undefined, venvPython),
    pythonPath,
    distributions,
    appFunction: entry.kind === 'callable' ? entry.function : entry.kind === 'command' && entry.command.app?.module ? (entry.command.app.callable ?? 'main') : 'main',
    emoji: distributions.some((d) => normaliseName(d) === 'emoji'),
    catalogueTable: catalogueTable(mirror),
    tools: { syft: mirror(TOOL_IMAGES.syft), grype: mirror(TOOL_IMAGES.grype), hadolint: mirror(TOOL_IMAGES.hadolint) },
    slimImage: mirror(slimImage(target.version)),
    pipIndexUrl: site?.pipIndexUrl,
    labels: site?.labels ?? [],
    projectLine: String.raw`/^[[:space:]]*((-e|--editable)[[:space:]=]+)?(file:)?\.\/?[[:space:]]*(#.*)?$/d`,
  };
}

/** What `docker build` is given after its options: `.`, or a uv workspace member's Dockerfile and the workspace root. */
export function buildContextOf(install: Install | undefined): string {
  return install?.kind === 'uv-workspace' ? `-f Dockerfile ${install.root}` : '.';
}

/** `docker run` arguments beyond the hardening ones: the published port, and the data volume of an app that writes. */
export function runArgsOf(answers: Pick<Answers, 'port' | 'directory'>, writes: boolean): string {
  return `${answers.port === undefined ? '' : ` --publish ${answers.port}:${answers.port}`}${writes ? ` --volume ${projectName(answers.directory)}-data:${DATA_DIR}` : ''}`;
}

/** The old Dockerfile's carried-over values as Dockerfile text: ENV pairs, requirements, manage.py steps. */
function carriedOf(carried: Existing['carried'], python: string): View['carried'] {
  if (!carried || (carried.env.length === 0 && carried.packages.length === 0 && carried.buildSteps.length === 0)) return undefined;
  return {
    // Values were checked (lib/old-dockerfile): no quotes, backslashes, $ or control characters.
    env: carried.env.map(([name, value]) => `${name}="${value}"`),
    packages: carried.packages.map((p) => joinCommand([p])),
    buildSteps: carried.buildSteps.map((step) => [...step.env.map(([n, v]) => `${n}=${v}`), python, 'manage.py', ...step.args].join(' ')),
  };
}

const execJson = (words: string[]): string => `[${words.map((part) => JSON.stringify(part)).join(', ')}]`;

/**
 * The sample app of a new project whose command serves: a minimal app of the framework among the
 * dependencies (Flask, FastAPI), else a bare WSGI or ASGI callable, where the command's
 * module:callable points, with `/` and a `/health` route that the HEALTHCHECK asks.
 */
function sampleOf(entry: Entrypoint, distributions: string[], port: number | undefined, existing: boolean, python: string): Pick<View, 'sample' | 'healthcheckJson'> {
  const probe = `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}/health', timeout=2)`;
  if (existing || port === undefined) return { sample: undefined, healthcheckJson: undefined };
  // A script given a port serves the standard library's http.server sample (app.py.ejs).
  const plain = entry.kind !== 'command' || (entry.command.program === 'python' && !entry.command.server);
  if (plain) return { sample: undefined, healthcheckJson: execJson([python, '-c', probe]) };
  if (!entry.command.serving) return { sample: undefined, healthcheckJson: undefined };
  const c: Command = entry.command;
  const has = (name: string): boolean => distributions.some((d) => normaliseName(d) === name);
  // gunicorn with an ASGI worker class (uvicorn.workers.UvicornWorker) serves an ASGI app.
  const worker = c.words.findIndex((w) => w === '-k' || w === '--worker-class' || w.startsWith('--worker-class='));
  const workerClass = worker < 0 ? '' : c.words[worker].includes('=') ? c.words[worker].split('=')[1] : (c.words[worker + 1] ?? '');
  const served: AppKind = /uvicorn|asgi/i.test(workerClass) ? 'asgi' : c.server!.serves!.app;
  const kind = served === 'wsgi' ? (has('flask') ? 'flask' : 'wsgi') : served === 'asgi' ? (has('fastapi') ? 'fastapi' : 'asgi') : served;
  let file: string;
  let packages: string[] = [];
  let callable = 'app';
  let factory = false;
  if (c.app?.path !== undefined) {
    file = c.app.path.endsWith('.py') ? c.app.path : `${c.app.path.replace(/\/$/, '')}/main.py`;
  } else {
    const module = c.app?.module ?? 'app';
    const parts = module.split('.');
    file = `src/${parts.join('/')}.py`;
    packages = parts.slice(0, -1).map((_, i) => `src/${parts.slice(0, i + 1).join('/')}/__init__.py`);
    // gunicorn's default callable is `application`; the others name theirs.
    callable = c.app?.callable ?? (c.server!.script === 'gunicorn' && c.app ? 'application' : 'app');
    factory = c.app?.factory ?? false;
  }
  return { sample: { kind, file, callable, factory, packages, server: c.server!.script }, healthcheckJson: execJson([python, '-c', probe]) };
}

/** A Python file without its module docstring, comments and blank lines, for python -c. */
function compact(source: string): string {
  return source
    .replace(/^"{3}[\s\S]*?"{3}\n/, '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
    .join('\n');
}

function installOf(install: Install | undefined): View['install'] {
  if (!install) return { copies: [['requirements.txt', '/tmp/requirements.txt']], requirements: '/tmp/requirements.txt', sources: 'requirements.txt changes' };
  if (install.kind === 'requirements') {
    return {
      copies: install.files.map((f) => [f, `/tmp/requirements/${f}`]),
      requirements: '/tmp/requirements/requirements.txt',
      dropProjectLines: install.projectLines ? install.files.map((f) => `/tmp/requirements/${f}`) : undefined,
      sources: install.files.length > 1 ? `${install.files.join(', ')} change` : 'requirements.txt changes',
    };
  }
  if (install.kind === 'uv-workspace') {
    return {
      copies: [
        ['pyproject.toml', '/tmp/workspace/pyproject.toml'],
        ['uv.lock', '/tmp/workspace/uv.lock'],
        // uv finds the workspace's members by their pyproject.toml, even exporting frozen.
        ...install.members.map((m): [string, string] => [`${m}/pyproject.toml`, `/tmp/workspace/${m}/pyproject.toml`]),
      ],
      uvExport: '/tmp/workspace',
      uvPackage: install.package,
      requirements: '/tmp/requirements.txt',
      sources: `the workspace's uv.lock or a member's pyproject.toml change`,
    };
  }
  if (install.kind === 'lock') {
    return {
      copies: install.files.map((f) => [f, `/tmp/lock/${f}`]),
      lock: { tool: install.tool, directory: '/tmp/lock', file: install.lock },
      requirements: '/tmp/requirements.txt',
      sources: `${install.files.join(' or ')} change${install.files.length === 1 ? 's' : ''}`,
    };
  }
  if (install.kind === 'uv-lock') {
    return {
      copies: [
        ['pyproject.toml', '/tmp/pyproject/pyproject.toml'],
        ['uv.lock', '/tmp/pyproject/uv.lock'],
      ],
      uvExport: '/tmp/pyproject',
      requirements: '/tmp/requirements.txt',
      sources: 'pyproject.toml or uv.lock change',
    };
  }
  if (install.kind === 'pyproject') {
    return { copies: [['pyproject.toml', '/tmp/pyproject/pyproject.toml']], pyproject: '/tmp/pyproject/pyproject.toml', sources: 'pyproject.toml changes' };
  }
  return { copies: [], sources: '' };
}

type Notes = { detected: string[]; kept: string[]; old?: OldDockerfile };

function render(template: string, data: View & { notes?: Notes }): string {
  // Includes are named from the templates' root (`/dockerfile/...`), and read like the rest (lib/templates).
  const includer = (name: string) => ({ template: readTemplate(name.replace(/^\//, '')) });
  // cache: each template (and its includes) is compiled once per process, keyed by its path.
  return ejs.render(readTemplate(template), data, { filename: `/${template}`, async: false, cache: true, includer }) as string;
}

/** The project's files: relative path → content. */
export function renderProject(answers: Answers, site?: Site): Map<string, string> {
  const v = view(answers, undefined, site);
  const files = new Map<string, string>();
  files.set('Dockerfile', render('Dockerfile.ejs', v));
  files.set('Makefile', render('Makefile.ejs', v));
  files.set('.dockerignore', render('dockerignore.ejs', v));
  files.set('README.md', render('README.md.ejs', v));
  files.set('requirements.txt', render('requirements.txt.ejs', v));
  files.set('.hadolint.yaml', render('hadolint.yaml.ejs', v));
  files.set('docker/runtime_check.py', readTemplate('runtime_check.py'));
  files.set('docker/stdlib_bytecode.py', readTemplate('stdlib_bytecode.py'));
  if (v.runtimeLibs) files.set('docker/runtime_libs.py', readTemplate('runtime_libs.py'));
  files.set('docker/count_packages.py', readTemplate('count_packages.py'));
  files.set('docker/slim.Dockerfile', render('slim.Dockerfile.ejs', v));
  if (v.sample) {
    for (const init of v.sample.packages) files.set(init, `"""${init.slice('src/'.length, -'/__init__.py'.length).replaceAll('/', '.')}: part of ${v.name}."""\n`);
    files.set(v.sample.file, render(`app/${v.sample.kind}.py.ejs`, v));
    return files;
  }
  const app = render('app.py.ejs', v);
  const entry = v.entry.kind === 'command' ? commandCode(v.entry.command) : v.entry;
  if (entry.kind === 'script') {
    files.set(entry.path, app);
  } else {
    // src/a/b/__main__.py (src/a/b.py for module:function), with an __init__.py in every package on the way.
    const parts = entry.module.split('.');
    const packages = entry.kind === 'module' ? parts.length : parts.length - 1;
    for (let i = 1; i <= packages; i++) {
      const pkg = parts.slice(0, i).join('.');
      files.set(`src/${parts.slice(0, i).join('/')}/__init__.py`, `"""${pkg}: part of ${v.name}."""\n`);
    }
    files.set(entry.kind === 'module' ? `src/${parts.join('/')}/__main__.py` : `src/${parts.join('/')}.py`, app);
  }
  return files;
}

/**
 * The code a new project's command runs, when it is no server with a sample app: its script, its
 * `python -m` module, its app module (e.g. celery -A proj), else the default script.
 */
function commandCode(c: Command): Exclude<Entrypoint, { kind: 'command' }> {
  if (c.script) return { kind: 'script', path: c.script };
  if (c.module && !c.server) return { kind: 'module', module: c.module };
  if (c.app?.module) return { kind: 'callable', module: c.app.module, function: c.app.callable ?? 'main' };
  return { kind: 'script', path: 'src/app.py' };
}

/**
 * The files added to an existing project: Dockerfile, Makefile and .dockerignore (the runtime
 * check is inlined in the Dockerfile); DISTROLESS.md comes from renderDistrolessMd once the
 * caller knows what it kept. The .dockerignore is our rules alone: the caller merges them with
 * the project's own (lib/dockerignore).
 */
export function renderExisting(answers: Answers, existing: Existing, site?: Site): Map<string, string> {
  const v = view(answers, existing, site);
  const files = new Map<string, string>();
  files.set('Dockerfile', render('Dockerfile.ejs', v));
  files.set('Makefile', render('Makefile.ejs', v));
  files.set('.dockerignore', render('dockerignore-existing.ejs', v));
  return files;
}

/** DISTROLESS.md: what was found in the existing project, and what of it was left alone. */
export function renderDistrolessMd(answers: Answers, existing: Existing, notes: Notes, site?: Site): string {
  return render('DISTROLESS.md.ejs', { ...view(answers, existing, site), notes });
}
