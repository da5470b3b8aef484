/**
 * What an existing Python project already says about itself: where its dependencies are, which
 * Python it wants and how it starts. Each finding names its source, to be shown to the user as
 * the proposed answer. Reads files only; never changes them.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { satisfies } from '@renovatebot/pep440';
import { DockerfileParser } from 'dockerfile-ast';
import { parsePipRequirementsLine } from 'pip-requirements-js';
import { parse as parseToml } from 'smol-toml';
import { DEFAULT_FAMILY, DEFAULT_PYTHON, OFFERED_VERSIONS, findFamily, findVersion } from './catalogue.js';
import { joinCommand } from './command.js';
import { COMPOSE_FILES, detectStart, hasMainBlock, type StartDetection } from './detect-start.js';
import { findServer } from './servers.js';
import { detectWritable, type WriteFinding } from './detect-writable.js';

/** How the build stage installs the dependencies. */
export type Install =
  /**
   * requirements.txt as the install input, with every file it includes (-r, -c) copied beside it.
   * `project`: a line installs the project itself (`.`, `-e .`), or a [build-system] is beside it:
   * installed after the code is copied, and such lines are taken out of the copies pip reads.
   */
  | { kind: 'requirements'; files: string[]; hashes: boolean; count: number; names: string[]; specs: string[]; project: boolean; projectLines: boolean }
  /** [project].dependencies from pyproject.toml; `project`: also install the project itself (it has a build system). */
  | { kind: 'pyproject'; dependencies: string[]; project: boolean; names: string[] }
  /** uv.lock, exported frozen with its hashes by uv in the build stage; `project` as above. */
  | { kind: 'uv-lock'; packages: number; project: boolean; names: string[] }
  /**
   * A member of a uv workspace whose uv.lock is in a parent folder (`root`, relative to the
   * project): built from the workspace root, the lock exported for this `package` only, the
   * `members` whose pyproject.toml uv reads, the `siblings` (members it depends on) installed
   * from their sources. Paths relative to the root.
   */
  | { kind: 'uv-workspace'; root: string; member: string; package: string; members: string[]; siblings: string[]; packages: number; project: boolean; names: string[]; locked: string[] }
  /**
   * A Poetry, PDM or Pipenv lock, turned into hashed requirements for production in the build
   * stage (templates/lock_requirements.py); `files` are copied for it, `lock` last. `names`: the
   * direct dependencies; `project` as above.
   */
  | { kind: 'lock'; tool: LockTool; files: string[]; lock: string; packages: number; project: boolean; names: string[]; locked: string[] }
  | { kind: 'none' };

export type LockTool = 'poetry' | 'pdm' | 'pipenv';

export interface Finding<T> {
  value: T;
  /** Where it was found, e.g. ".python-version" or "pyproject.toml [project.scripts] serve". */
  from: string;
}

export interface Detection {
  install: Install;
  /**
   * With the kind of source it came from (a pin, or a range), and a warning when the project asks
   * for a version not offered and another one is used.
   */
  python?: Finding<string> & { kind: 'pin' | 'range'; warning?: string };
  /** The range of Pythons the project allows (requires-python, Poetry's python), as PEP 440. */
  pythonRange?: Finding<string>;
  /** With the start command's words, when it is one. */
  entrypoint?: Finding<string> & { words?: string[] };
  /** The port the old setup listens on or publishes. */
  port?: Finding<number>;
  /** The start command's details: what was dropped unwrapping it, and the other places that had one. */
  start: StartDetection;
  /** Things found that could not be used, each a sentence. */
  problems: string[];
  /**
   * Why the project cannot be converted yet, in one line: it declares dependencies in a form that
   * is not read (Poetry, PDM, Pipenv), so the image would have none.
   */
  unread?: string;
  /** Where the app writes beside its code (or elsewhere on the read-only root). */
  writable: WriteFinding[];
  /** How the project's build takes its version from git (which the build context lacks). */
  vcsVersion?: Finding<string>;
  /** The project's own Dockerfile, when it has one. */
  dockerfile: boolean;
  /** The old Dockerfile that was read (Dockerfile, docker/Dockerfile, or a kept Dockerfile.bak), with its text. */
  oldDockerfile?: { file: string; text: string };
  /** Targets of the project's own Makefile, when it has one. */
  /** The project's own make file (Makefile, makefile or GNUmakefile: what make reads) and its targets. */
  makefile?: { name: string; targets: string[] };
}

const read = (dir: string, file: string): string | undefined => {
  const full = path.join(dir, file);
  return existsSync(full) && statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
};

/** Logical lines of a requirements file: continuations joined, comments dropped. */
function logicalLines(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

/** requirements.txt and everything it includes, relative to the project; refuses paths outside it. */
function requirementsInstall(dir: string, project: Pyproject | undefined, problems: string[], refusals: string[]): Install | undefined {
  if (read(dir, 'requirements.txt') === undefined) return undefined;
  const files: string[] = [];
  let hashes = false;
  let projectLines = false;
  const specs: string[] = [];
  let count = 0;
  const names: string[] = [];
  const visit = (file: string): void => {
    if (files.includes(file)) return;
    const text = read(dir, file);
    if (text === undefined) return void problems.push(`${file}, included by a requirements file, does not exist`);
    files.push(file);
    for (const line of logicalLines(text)) {
      const include = /^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)$/.exec(line);
      if (include) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), include[1]));
        if (target.startsWith('..') || path.isAbsolute(target)) problems.push(`${file} includes ${include[1]}, outside the project: not copied`);
        else visit(target);
        continue;
      }
      const editable = /^(?:-e|--editable)(?:\s+|=)(\S+)$/.exec(line)?.[1];
      const target = editable ?? line;
      if (/^(?:\.|\.\/|file:\.\/?)$/.test(target)) {
        projectLines = true;
        continue;
      }
      // git+https://..., name @ git+https://..., https://.../x.whl: no index, no hash, no git in the build stage.
      if (/^(?:git|hg|svn|bzr)\+|^[a-z][a-z+]*:\/\/|@\s*(?:git\+|https?:|file:)/i.test(target.replace(/\s--hash[=\s]\S+/g, ''))) {
        refusals.push(`${file}: '${target}' installs from ${/git\+/i.test(target) ? 'git' : 'a URL'}, not from an index, and the build stage has no git or network of its own: publish it to your index, pin it there, and run again`);
        continue;
      }
      if (editable !== undefined) {
        problems.push(`${file}: '${line}' installs a local path other than the project; pip will decide`);
        continue;
      }
      if (line.startsWith('-')) continue; // pip options (index URLs, ...): pip reads them from the file itself
      if (/--hash[=\s]/.test(line)) hashes = true;
      const requirement = line.replace(/\s--hash[=\s]\S+/g, '').trim();
      try {
        const parsed = parsePipRequirementsLine(requirement);
        if (parsed) count++;
        if (parsed && 'name' in parsed) {
          names.push(parsed.name);
          specs.push('extras' in parsed && parsed.extras?.length ? `${parsed.name}[${parsed.extras.join(',')}]` : parsed.name);
        }
      } catch {
        problems.push(`${file}: '${requirement}' is not a requirement pip-requirements-js can read; pip will decide`);
      }
    }
  };
  visit('requirements.txt');
  return { kind: 'requirements', files, hashes, count, names, specs, project: projectLines || project?.['build-system'] !== undefined, projectLines };
}

/** uv.lock's registry packages (what an export pins), or undefined when it does not parse. */
function uvLockInstall(text: string, project: Pyproject, problems: string[]): Install | undefined {
  try {
    const lock = parseToml(text) as { package?: { name?: string; source?: Record<string, unknown> }[] };
    const registry = (lock.package ?? []).filter((p) => p.source && 'registry' in p.source);
    return { kind: 'uv-lock', packages: registry.length, project: project['build-system'] !== undefined, names: registry.map((p) => String(p.name)) };
  } catch (error) {
    problems.push(`uv.lock does not parse: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

interface Pyproject {
  project?: { name?: string; dependencies?: string[]; scripts?: Record<string, string>; 'requires-python'?: string };
  tool?: {
    poetry?: { dependencies?: Record<string, unknown>; 'package-mode'?: boolean; group?: Record<string, unknown> };
    pdm?: { distribution?: boolean; version?: { source?: string } };
    hatch?: { version?: { source?: string } };
    setuptools_scm?: unknown;
    uv?: { workspace?: { members?: string[]; exclude?: string[] } };
  };
  'build-system'?: { requires?: string[] };
}

/** How the project's build takes its version from git, with where that is said; undefined for a static version. */
function vcsVersion(project: Pyproject | undefined): Finding<string> | undefined {
  const requires = (project?.['build-system']?.requires ?? []).map((r) => r.toLowerCase().replace(/_/g, '-'));
  const backend = ['hatch-vcs', 'setuptools-scm'].find((name) => requires.some((r) => r.startsWith(name)));
  if (project?.tool?.hatch?.version?.source === 'vcs' || backend === 'hatch-vcs') return { value: 'hatch-vcs', from: 'pyproject.toml [tool.hatch.version] source = "vcs"' };
  if (project?.tool?.pdm?.version?.source === 'scm') return { value: 'pdm-backend', from: 'pyproject.toml [tool.pdm.version] source = "scm"' };
  if (backend === 'setuptools-scm' || project?.tool?.setuptools_scm !== undefined) return { value: 'setuptools-scm', from: 'pyproject.toml [build-system] requires setuptools-scm' };
  return undefined;
}

/** A locked package that does not come from an index, in the lock's words, or undefined. */
type LockedPackage = {
  name?: string;
  version?: string;
  source?: { type?: string; url?: string };
  git?: string;
  url?: string;
  path?: string;
  file?: string;
  /** Poetry 2.1 and PDM: the groups a package is locked for; Poetry 1.x: its category. */
  groups?: string[];
  category?: string;
};

/** Whether a locked package is for production, where the lock says (Poetry's main, PDM's default); true where it does not. */
const production = (p: LockedPackage): boolean => (p.groups ? p.groups.includes('main') || p.groups.includes('default') : p.category === undefined || p.category === 'main');

/**
 * Poetry's, PDM's or Pipenv's lock, when the project has one: what the build stage copies and
 * reads. Packages that come from git, a URL or a path other than the project itself cannot be
 * checked by hash: that is a refusal, in `problems`' place, through `refused`.
 */
function lockInstall(dir: string, project: Pyproject | undefined, problems: string[]): { install?: Install; refused?: string } {
  const poetry = project?.tool?.poetry;
  const candidates: { tool: LockTool; lock: string; wanted: boolean }[] = [
    { tool: 'poetry', lock: 'poetry.lock', wanted: poetry !== undefined },
    { tool: 'pdm', lock: 'pdm.lock', wanted: project !== undefined },
    { tool: 'pipenv', lock: 'Pipfile.lock', wanted: true },
  ];
  for (const { tool, lock, wanted } of candidates) {
    const text = wanted ? read(dir, lock) : undefined;
    if (text === undefined) continue;
    let packages: LockedPackage[];
    let names: string[];
    try {
      if (tool === 'pipenv') {
        const parsed = JSON.parse(text) as { default?: Record<string, Omit<LockedPackage, 'name'>> };
        packages = Object.entries(parsed.default ?? {}).map(([name, p]) => ({ ...p, name }));
        names = packages.filter((p) => p.path === undefined).map((p) => p.name!);
      } else {
        packages = ((parseToml(text) as { package?: LockedPackage[] }).package ?? []);
        names = [
          ...Object.keys(poetry?.dependencies ?? {}).filter((n) => n.toLowerCase() !== 'python'),
          ...pyprojectNames(project?.project?.dependencies ?? []),
        ];
      }
    } catch (error) {
      problems.push(`${lock} does not parse: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    const own = (where: string | undefined): boolean => where === '.' || where === './';
    const foreign = packages.filter(production).find((p) => p.git !== undefined || p.url !== undefined || p.file !== undefined || (p.path !== undefined && !own(p.path)) || (p.source?.type !== undefined && ['git', 'url', 'file', 'directory'].includes(p.source.type) && !own(p.source.url)));
    if (foreign) {
      const from = foreign.git ?? foreign.url ?? foreign.file ?? foreign.path ?? `${foreign.source?.type} ${foreign.source?.url}`;
      return {
        refused: `${lock}: ${foreign.name} comes from ${from}, not from an index, so the build cannot check it by hash (and has no git): publish it to your index, lock it from there, and run again`,
      };
    }
    const project_ =
      tool === 'poetry'
        ? project?.['build-system'] !== undefined && poetry?.['package-mode'] !== false
        : tool === 'pdm'
          ? project?.['build-system'] !== undefined && project.tool?.pdm?.distribution !== false
          : packages.some((p) => own(p.path));
    const files = tool === 'pipenv' ? [lock] : ['pyproject.toml', lock];
    const locked = packages.filter((p) => !own(p.path) && production(p)).map((p) => String(p.name));
    return { install: { kind: 'lock', tool, files, lock, packages: packages.filter((p) => !own(p.path)).length, project: project_, names, locked } };
  }
  return {};
}

function pyproject(dir: string, problems: string[]): Pyproject | undefined {
  const text = read(dir, 'pyproject.toml');
  if (text === undefined) return undefined;
  try {
    return parseToml(text) as Pyproject;
  } catch (error) {
    problems.push(`pyproject.toml does not parse: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** A workspace member path as it may appear in a COPY line: plain segments, no '..'. */
const MEMBER_PATH = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

/** The directories a uv workspace's member globs name (`*` within a segment), relative to its root, that hold a pyproject.toml. */
function workspaceMembers(root: string, globs: string[], exclude: string[]): string[] {
  const matcher = (glob: string): RegExp => new RegExp(`^${glob.replace(/\/+$/, '').split('/').map((seg) => seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('/')}$`);
  const found: string[] = [];
  const visit = (relative: string, depth: number): void => {
    if (depth > 3) return;
    let entries: string[];
    try {
      entries = readdirSync(path.join(root, relative)).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const rel = relative ? `${relative}/${name}` : name;
      if (!statSync(path.join(root, rel)).isDirectory()) continue;
      if (globs.some((g) => matcher(g).test(rel)) && !exclude.some((g) => matcher(g).test(rel)) && read(path.join(root, rel), 'pyproject.toml') !== undefined) found.push(rel);
      visit(rel, depth + 1);
    }
  };
  visit('', 0);
  return found;
}

/**
 * This project as a member of a uv workspace whose uv.lock is up to three folders above it, or
 * undefined. A workspace that does not list it, or paths that cannot be copied, are noted.
 */
function workspaceInstall(dir: string, project: Pyproject, problems: string[]): Install | undefined {
  const name = project.project?.name;
  if (!name) return undefined;
  const here = path.resolve(dir);
  let root = here;
  for (let up = 1; up <= 3 && path.dirname(root) !== root; up++) {
    root = path.dirname(root);
    const lock = read(root, 'uv.lock');
    const rootText = read(root, 'pyproject.toml');
    if (lock === undefined || rootText === undefined) continue;
    let workspace: { members?: string[]; exclude?: string[] } | undefined;
    let packages: { name?: string; source?: Record<string, string>; dependencies?: { name?: string }[] }[];
    try {
      workspace = (parseToml(rootText) as Pyproject).tool?.uv?.workspace;
      packages = (parseToml(lock) as { package?: typeof packages }).package ?? [];
    } catch (error) {
      problems.push(`${path.relative(here, root)}/uv.lock or its pyproject.toml does not parse: ${(error as Error).message.split('\n')[0]}`);
      return undefined;
    }
    if (!workspace) return undefined;
    const member = path.relative(root, here).split(path.sep).join('/');
    const members = workspaceMembers(root, workspace.members ?? [], workspace.exclude ?? []);
    const from = `${path.relative(here, root).split(path.sep).join('/')}/uv.lock`;
    if (!members.includes(member)) {
      problems.push(`${from} is a uv workspace's lock, but its members (${(workspace.members ?? []).join(', ')}) do not include ${member}: not used`);
      return undefined;
    }
    const bad = members.find((m) => !MEMBER_PATH.test(m));
    if (bad) {
      problems.push(`${from}: the workspace member ${bad} has a path a Dockerfile COPY cannot take: not used`);
      return undefined;
    }
    const norm = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, '-');
    const byName = new Map(packages.map((p) => [norm(p.name ?? ''), p]));
    // The workspace members this one depends on, through the lock; their sources are copied and installed.
    const siblings: string[] = [];
    const queue = [norm(name)];
    const seen = new Set(queue);
    while (queue.length) {
      for (const dep of byName.get(queue.pop()!)?.dependencies ?? []) {
        const key = norm(dep.name ?? '');
        const p = byName.get(key);
        if (!p || seen.has(key)) continue;
        seen.add(key);
        const source = p.source?.editable ?? p.source?.virtual ?? p.source?.directory;
        if (source !== undefined && MEMBER_PATH.test(source) && source !== member) siblings.push(source);
        queue.push(key);
      }
    }
    return {
      kind: 'uv-workspace',
      root: path.relative(here, root).split(path.sep).join('/'),
      member,
      package: name,
      members,
      siblings: siblings.sort(),
      packages: packages.filter((p) => p.source && 'registry' in p.source).length,
      project: project['build-system'] !== undefined,
      names: pyprojectNames(project.project?.dependencies ?? []),
      locked: packages.filter((p) => p.source && 'registry' in p.source).map((p) => String(p.name)),
    };
  }
  return undefined;
}

/** A Python version the project names, and where. */
interface PythonSource {
  /** The version as written (3.11, 3.11.4, python-3.10.2), or a range (>=3.11, ^3.9). */
  text: string;
  from: string;
  kind: 'pin' | 'range';
}

const minorOf = (text: string): string | undefined => {
  const match = /(\d+)\.(\d+)/.exec(text);
  return match ? `${Number(match[1])}.${Number(match[2])}` : undefined;
};
export const byVersion = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** Poetry's ^ and ~ constraints as PEP 440 (^3.9 is >=3.9,<4.0; ~3.9 is >=3.9,<3.10); others pass as they are. */
function poetryToPep440(constraint: string): string {
  return constraint
    .split(',')
    .map((part) => {
      const p = part.trim();
      const caret = /^\^(\d+)(?:\.(\d+))?/.exec(p);
      if (caret) return `>=${caret[1]}.${caret[2] ?? 0},<${Number(caret[1]) + 1}.0`;
      const tilde = /^~(?!=)(\d+)\.(\d+)/.exec(p);
      if (tilde) return `>=${tilde[1]}.${tilde[2]},<${tilde[1]}.${Number(tilde[2]) + 1}`;
      return /^\d/.test(p) ? `==${p}` : p;
    })
    .join(',');
}

/** Every place a project names its Python: pins first, then the old image, then ranges. */
function pythonSources(dir: string, project: Pyproject | undefined, problems: string[]): PythonSource[] {
  const sources: PythonSource[] = [];
  // The first line that is not a comment (pyenv and uv allow them).
  const pinned = read(dir, '.python-version')?.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  const shown = (file: string, text: string): string => (text === minorOf(text) ? file : `${file} (${text})`);
  if (pinned) sources.push({ text: pinned, from: shown('.python-version', pinned), kind: 'pin' });
  const runtime = read(dir, 'runtime.txt')?.trim();
  if (runtime) sources.push({ text: runtime, from: `runtime.txt (${runtime})`, kind: 'pin' });
  const tool = read(dir, '.tool-versions')?.split(/\r?\n/).map((l) => l.trim().split(/\s+/)).find(([name]) => name === 'python');
  if (tool?.[1]) sources.push({ text: tool[1], from: `.tool-versions (python ${tool[1]})`, kind: 'pin' });
  const pipfile = read(dir, 'Pipfile');
  if (pipfile !== undefined) {
    try {
      const requires = (parseToml(pipfile) as { requires?: { python_version?: unknown; python_full_version?: unknown } }).requires;
      const version = requires?.python_full_version ?? requires?.python_version;
      if (typeof version === 'string') {
        sources.push({ text: version, from: `Pipfile [requires] ${requires?.python_full_version ? 'python_full_version' : 'python_version'} ${JSON.stringify(version)}`, kind: 'pin' });
      }
    } catch (error) {
      problems.push(`Pipfile does not parse: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  for (const file of oldDockerfiles(dir)) {
    const dockerfile = read(dir, file);
    if (dockerfile === undefined) continue;
    // python:3.12-slim, ghcr.io/astral-sh/uv:python3.12-bookworm-slim, tiangolo/uvicorn-gunicorn:python3.9
    for (const from of DockerfileParser.parse(dockerfile).getFROMs().reverse()) {
      const name = from.getImageName() ?? '';
      const tag = from.getImageTag() ?? '';
      const version = /(^|\/)python$/.test(name) ? /^(\d+\.\d+)/.exec(tag)?.[1] : /(?:^|[^a-z])python-?(\d+\.\d+)/i.exec(tag)?.[1];
      if (version) {
        sources.push({ text: version, from: `${file} FROM ${from.getImage() ?? `${name}:${tag}`}`, kind: 'pin' });
        break;
      }
    }
    break;
  }
  const requires = project?.project?.['requires-python'];
  if (requires) sources.push({ text: requires, from: `pyproject.toml requires-python ${requires}`, kind: 'range' });
  const poetry = project?.tool?.poetry?.dependencies?.python;
  if (typeof poetry === 'string') sources.push({ text: poetryToPep440(poetry), from: `pyproject.toml [tool.poetry.dependencies] python ${poetry}`, kind: 'range' });
  return sources;
}

/** Why a known version is not offered yet, for a message; '' for a version the catalogue does not know. */
const notOffered = (minor: string): string => (findVersion(minor) ? ` (${findFamily(DEFAULT_FAMILY)!.refusal(minor)})` : '');

/**
 * The offered version a source asks for; when it had to be another one, a warning and how the
 * finding names its source (with what it asked for). Undefined when no Python fits at all.
 */
function resolvePython(source: PythonSource): { value: string; warning?: string; from?: string } | undefined {
  const offered = [...OFFERED_VERSIONS].sort(byVersion);
  if (source.kind === 'range') {
    // Any patch release of it: Poetry's `python = "3.11.7"` is ==3.11.7, a 3.11.
    const allows = (v: string): boolean => {
      try {
        return Array.from({ length: 100 }, (_, patch) => `${v}.${patch}`).some((full) => satisfies(full, source.text));
      } catch {
        return false;
      }
    };
    // The default if it satisfies the range, else the newest offered version that does.
    const version = [DEFAULT_PYTHON, ...[...offered].reverse()].find(allows);
    if (version) return { value: version };
    // None does: the nearest end of what is offered, said plainly, as for a pin.
    const [major, newestMinor] = offered.at(-1)!.split('.').map(Number);
    const above = Array.from({ length: 10 }, (_, i) => `${major}.${newestMinor + 1 + i}`).filter(allows);
    const below = Array.from({ length: Number(offered[0].split('.')[1]) }, (_, i) => `${major}.${i}`).filter(allows);
    if (!above.length && !below.length) return undefined;
    const chosen = above.length ? offered.at(-1)! : offered[0];
    const wanted = above.length ? above[0] : below.at(-1)!;
    return {
      value: chosen,
      from: `${source.from}, which allows no offered Python`,
      warning: `${source.from} allows no offered Python: ${wanted}${above.length ? ' and later' : ' and earlier'} are not offered${notOffered(wanted)}. Using ${chosen}, the ${above.length ? 'newest' : 'oldest'} one offered, which it does not allow: check that the project runs on ${chosen}, or give --python`,
    };
  }
  const minor = minorOf(source.text);
  if (!minor) return undefined;
  if (OFFERED_VERSIONS.includes(minor)) return { value: minor };
  const newer = offered.filter((v) => byVersion(v, minor) > 0)[0];
  const chosen = newer ?? offered.at(-1)!;
  return {
    value: chosen,
    from: source.from.includes(source.text) ? source.from : `${source.from}, which asks for ${minor}`,
    warning: `${source.from} asks for Python ${minor}, which is not offered${notOffered(minor)}: using ${chosen}, the ${newer ? 'nearest newer' : 'newest'} one offered. Check that your pinned dependencies install and run on ${chosen}, or give --python`,
  };
}

/**
 * The Python to build for: the first source that resolves (and its kind); the others that disagree
 * are noted. And the range the project allows, whichever source won.
 */
function detectPython(dir: string, project: Pyproject | undefined, problems: string[]): Pick<Detection, 'python' | 'pythonRange'> {
  const sources = pythonSources(dir, project, problems);
  let chosen: Detection['python'];
  for (const source of sources) {
    const resolved = resolvePython(source);
    if (!resolved) {
      problems.push(`${source.from} names no offered Python (offered: ${OFFERED_VERSIONS.join(', ')})`);
      continue;
    }
    if (!chosen) {
      chosen = { value: resolved.value, from: resolved.from ?? source.from, kind: source.kind, warning: resolved.warning };
    } else if (resolved.value !== chosen.value && !(source.kind === 'range' && rangeAllows(source.text, chosen.value))) {
      problems.push(`${source.from} asks for another Python than ${chosen.value}; ${chosen.from} wins`);
    }
  }
  const range = sources.find((source) => source.kind === 'range');
  return { python: chosen, pythonRange: range && { value: range.text, from: range.from } };
}

export function rangeAllows(range: string, version: string): boolean {
  try {
    return satisfies(`${version}.0`, range) || satisfies(`${version}.99`, range);
  } catch {
    return false;
  }
}

/** Package directories with a __main__.py, under src/ or at the top. */
function mainPackage(dir: string): Finding<string> | undefined {
  for (const base of ['src', '.']) {
    const root = path.join(dir, base);
    if (!existsSync(root) || !statSync(root).isDirectory()) continue;
    // Sorted, for a stable choice when there are several.
    for (const name of readdirSync(root).sort()) {
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && existsSync(path.join(root, name, '__main__.py'))) {
        return { value: name, from: `${path.posix.join(base === '.' ? '' : base, name, '__main__.py')}` };
      }
    }
  }
  return undefined;
}

/**
 * How the project starts: the start command of its compose file, old Dockerfile, Procfile or start
 * script (detect-start), else a [project.scripts] entry, a package's __main__.py, or a main.py or
 * app.py that has a __main__ block.
 */
function detectEntrypoint(dir: string, project: Pyproject | undefined, start: StartDetection): (Finding<string> & { words?: string[] }) | undefined {
  if (start.command) {
    const words = [...start.command.words];
    // The dev server reloads and binds loopback; an image runs the production one.
    if (words[0] === 'fastapi' && words[1] === 'dev') {
      words[1] = 'run';
      start.command.dropped.push('fastapi dev, run as fastapi run (dev reloads on changes and binds loopback)');
    }
    const server = findServer(words[0]);
    for (const option of server?.development ?? []) {
      const at = words.findIndex((w) => w === option || w.startsWith(`${option}=`));
      if (at > 0) {
        start.command.dropped.push(`${words[at]} (for development: it restarts or debugs on code changes)`);
        words.splice(at, 1);
      }
    }
    // flask finds its app through FLASK_APP, which the old image set and the new one does not.
    const flaskApp = server?.script === 'flask' && !words.some((w) => /^(-A|--app)(=|$)/.test(w)) ? dockerfileEnv(dir, 'FLASK_APP') : undefined;
    if (flaskApp) {
      words.splice(1, 0, '--app', flaskApp.value);
      start.command.dropped.push(`FLASK_APP=${flaskApp.value} (${flaskApp.from}), given as --app ${flaskApp.value}`);
    }
    return { value: joinCommand(words), from: start.command.from, words };
  }
  const scripts = Object.entries(project?.project?.scripts ?? {});
  if (scripts.length > 0) {
    const [name, target] = scripts[0];
    return { value: target.replace(/\s+/g, '').replace(/\[.*\]$/, ''), from: `pyproject.toml [project.scripts] ${name}` };
  }
  const main = mainPackage(dir);
  if (main) return main;
  for (const file of ['main.py', 'app.py', 'src/main.py', 'src/app.py']) {
    const source = read(dir, file);
    if (source !== undefined && hasMainBlock(source)) return { value: file, from: `${file} (its __main__ block)` };
  }
  return undefined;
}

/** A variable the old Dockerfile sets with ENV, in any stage (the last one wins). */
function dockerfileEnv(dir: string, name: string): Finding<string> | undefined {
  for (const file of oldDockerfiles(dir)) {
    const text = read(dir, file);
    if (text === undefined) continue;
    let found: Finding<string> | undefined;
    for (const env of DockerfileParser.parse(text).getENVs()) {
      for (const property of env.getProperties()) {
        if (property.getName() === name && property.getValue()) found = { value: property.getValue()!, from: `${file} ENV` };
      }
    }
    return found;
  }
  return undefined;
}

/** Lines only files distroless-python wrote have: a re-run must not take them for the project's own. */
const GENERATED = {
  Dockerfile: '#   check  fails the build if the runtime image cannot run what was built;',
  Makefile: 'build, run and measure the distroless image. `make` lists the targets.',
};

/** Whether a file of the project was written by distroless-python (an earlier run). */
export function isGenerated(dir: string, file: keyof typeof GENERATED): boolean {
  return read(dir, file)?.includes(GENERATED[file]) ?? false;
}

/**
 * Where the project's own Dockerfile is: Dockerfile, else docker/Dockerfile; after an earlier
 * run replaced it, the copy that run kept (Dockerfile.bak).
 */
function oldDockerfiles(dir: string): string[] {
  if (!isGenerated(dir, 'Dockerfile')) return ['Dockerfile', 'docker/Dockerfile'];
  return [...(read(dir, 'Dockerfile.bak')?.includes(GENERATED.Dockerfile) === false ? ['Dockerfile.bak'] : []), 'docker/Dockerfile'];
}

/** A compose file one level up that builds this directory (a monorepo's root). */
function parentCompose(dir: string): { dir: string; context: string } | undefined {
  const hasCompose = (folder: string): boolean => COMPOSE_FILES.some((f) => read(folder, f) !== undefined);
  const parent = path.dirname(path.resolve(dir));
  return !hasCompose(dir) && hasCompose(parent) ? { dir: parent, context: path.basename(path.resolve(dir)) } : undefined;
}

function pyprojectNames(dependencies: string[]): string[] {
  return dependencies.flatMap((d) => {
    try {
      const parsed = parsePipRequirementsLine(d);
      return parsed && 'name' in parsed ? [parsed.name] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Dependencies declared in a form that gives no lock to install from, with the command that
 * makes one; undefined when there are none.
 */
function unreadDependencies(dir: string, project: Pyproject | undefined): string | undefined {
  const poetry = project?.tool?.poetry?.dependencies;
  if (poetry && Object.keys(poetry).some((name) => name !== 'python')) {
    return `pyproject.toml has no [project] table; [tool.poetry] found, with dependencies but no poetry.lock to install them from (the image would have none): run 'poetry lock' and run again`;
  }
  if (read(dir, 'Pipfile') !== undefined) {
    return "Pipfile found, but no Pipfile.lock to install its packages from (the image would have none): run 'pipenv lock' and run again";
  }
  return undefined;
}

/** The file the image installs the dependencies from, relative to the project; undefined when none. */
export function dependencySource(install: Install): string | undefined {
  if (install.kind === 'requirements') return 'requirements.txt';
  if (install.kind === 'uv-lock') return 'uv.lock';
  if (install.kind === 'lock') return install.lock;
  if (install.kind === 'uv-workspace') return `${install.root}/uv.lock`;
  return install.kind === 'pyproject' ? 'pyproject.toml' : undefined;
}

/** What the project installs as requirement names with their extras ("psycopg[binary]"), as far as its dependency source says. */
export function dependencySpecs(install: Install): string[] {
  if (install.kind === 'requirements') return install.specs;
  if (install.kind === 'pyproject') return install.dependencies;
  if (install.kind === 'lock' || install.kind === 'uv-workspace') return [...install.names, ...install.locked];
  return install.kind === 'none' ? [] : install.names;
}

/** The names of the distributions the project installs, where its dependency source lists them. */
export function dependencyNames(install: Install): string[] | undefined {
  return install.kind === 'none' ? undefined : install.names;
}

export function detect(dir: string): Detection {
  const problems: string[] = [];
  const project = pyproject(dir, problems);
  const lock = project?.project ? read(dir, 'uv.lock') : undefined;
  const refusals: string[] = [];
  const requirements = requirementsInstall(dir, project, problems, refusals);
  const uv = requirements ? undefined : lock !== undefined ? uvLockInstall(lock, project!, problems) : project?.project ? workspaceInstall(dir, project, problems) : undefined;
  const other = requirements ?? uv ? {} : lockInstall(dir, project, problems);
  const install: Install =
    requirements ??
    uv ??
    other.install ??
    (project?.project
      ? { kind: 'pyproject', dependencies: project.project.dependencies ?? [], project: project['build-system'] !== undefined, names: pyprojectNames(project.project.dependencies ?? []) }
      : { kind: 'none' });
  // GNU make reads the first of these it finds: a project's makefile hides a Makefile beside it.
  const makefileName = ['GNUmakefile', 'makefile', 'Makefile'].find((f) => read(dir, f) !== undefined && !(f === 'Makefile' && isGenerated(dir, f)));
  const makefile = makefileName === undefined ? undefined : read(dir, makefileName);
  const compose = parentCompose(dir);
  const unread = other.refused ?? refusals[0] ?? (install.kind === 'none' ? unreadDependencies(dir, project) : undefined);
  const used = dependencySource(install);
  for (const file of ['requirements.txt', 'uv.lock', 'poetry.lock', 'pdm.lock', 'Pipfile.lock']) {
    if (used !== undefined && file !== used && read(dir, file) !== undefined) problems.push(`${file} found too; ${used} is what the image installs`);
  }
  const start = detectStart(dir, { ...(compose ? { compose } : {}), dockerfiles: oldDockerfiles(dir) });
  return {
    install,
    ...detectPython(dir, project, problems),
    entrypoint: detectEntrypoint(dir, project, start),
    port: start.port,
    start,
    problems: [...problems, ...start.problems],
    unread,
    vcsVersion: install.kind !== 'none' && install.project ? vcsVersion(project) : undefined,
    writable: detectWritable(dir),
    dockerfile: read(dir, 'Dockerfile') !== undefined && !isGenerated(dir, 'Dockerfile'),
    oldDockerfile: oldDockerfiles(dir).flatMap((file) => (read(dir, file) === undefined ? [] : [{ file, text: read(dir, file)! }]))[0],
    makefile: makefile === undefined ? undefined : { name: makefileName!, targets: [...makefile.matchAll(/^([A-Za-z0-9_.-]+)\s*:(?!=)/gm)].map((m) => m[1]) },
  };
}
