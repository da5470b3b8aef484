/**
 * The project's own Dockerfile, instruction by instruction: what the new one carries over (ENV,
 * EXPOSE, packages a `RUN pip install x y` added, known build steps such as collectstatic, moved
 * to the build stage), what it replaces, and what it does not carry over, each with the reason.
 * Nothing is dropped without a word. What is carried over is a value checked here (a variable,
 * a requirement, a known step's options), never a line of the old file copied as it is.
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parsePipRequirementsLine } from 'pip-requirements-js';
import { tokenize } from './command.js';

export type Verdict = 'carried' | 'replaced' | 'not carried';

export interface OldInstruction {
  /** The instruction as written, on one line (shortened). */
  text: string;
  verdict: Verdict;
  reason: string;
}

/** A build step the new build stage runs after the code is copied: Django's manage.py commands. */
export interface BuildStep {
  /** The manage.py command and its options, e.g. ['collectstatic', '--noinput']. */
  args: string[];
  /** Variables set for the step only (`DEBUG=False SECRET_KEY=build-key ./manage.py ...`). */
  env: [string, string][];
}

export interface OldDockerfile {
  file: string;
  instructions: OldInstruction[];
  /** ENV variables carried over to the new image. */
  env: [string, string][];
  /** Requirements the old file installed with `RUN pip install x y` (or `pip wheel`), beyond its dependency files. */
  packages: string[];
  buildSteps: BuildStep[];
  /** Packages apt-get installed, in a stage that builds (compilers, -dev) and in the final one. */
  apt: { build: string[]; runtime: string[] };
  /** The ports it EXPOSEs. */
  exposed: number[];
}

/** What the old file's dependency steps are replaced by, and what the new image sets itself. */
export interface Context {
  /** e.g. "requirements.txt": what the new build installs from. */
  dependencies: string;
  /** The port the new image listens on, if any. */
  port?: number;
  /** Whether extra packages can be added (false when the install is hash-checked). */
  unpinnedAllowed: boolean;
  /** manage.py is at the project root. */
  managePy: boolean;
  /** The writable data directory the new image has, if any. */
  dataDir?: string;
}

/** Variables the new image sets itself, or that only configured the old build's tools. */
const ENV_RULES: [RegExp, Verdict, string][] = [
  [/^PYTHONUNBUFFERED$/, 'replaced', 'the new image sets PYTHONUNBUFFERED=1 itself'],
  [/^PYTHONDONTWRITEBYTECODE$/, 'replaced', 'the bytecode is compiled in the build stage, and the app cannot write any'],
  [/^(PATH|VIRTUAL_ENV)$/, 'replaced', 'the venv is at /opt/venv and the start command names it by its full path'],
  [/^PYTHONPATH$/, 'replaced', 'the new image sets the path to the project (/app) itself'],
  [/^(PIP|POETRY|PIPENV|PDM|UV|PYSETUP|PYTHON_PIP|PYTHON_SETUPTOOLS|PYTHON_GET_PIP)_/, 'not carried', 'it configured an installer of the old build; the new one installs in its own build stage'],
  [/^(PYTHON_VERSION|PYTHON_SHA256|GPG_KEY|LANG|LC_ALL)$/, 'replaced', 'set by the old base image; the new runtime image sets its own'],
  [/^(DEBIAN_FRONTEND|TZ)$/, 'not carried', 'it configured the old image\'s package manager or system, which the new runtime has not'],
];

/** A variable name and a value that is written as it is, between double quotes. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_VALUE = /^[^\u0000-\u001f\u007f"\\$`]*$/;

/** The one line an instruction is shown as. */
function shown(instruction: Instruction): string {
  const text = instruction.getTextContent().replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** The shell steps of a RUN (split at && ; ||), or undefined when it uses other shell logic. */
function shellSteps(command: string): string[][] | undefined {
  const steps: string[][] = [[]];
  for (const token of tokenize(command)) {
    if ('word' in token) steps.at(-1)!.push(token.word);
    else if (['&&', ';', '||'].includes(token.shell)) steps.push([]);
    else return undefined;
  }
  return steps.filter((s) => s.length > 0);
}

const PIP = /^(?:(?:\S*\/)?python[0-9.]*\s+-m\s+)?(?:\S*\/)?pip[0-9.]*$/;

/** The words after `pip install`/`pip wheel`, `uv pip install`, or undefined for another command. */
function pipArgs(words: string[]): { verb: string; args: string[] } | undefined {
  let i = 0;
  if (/^(?:\S*\/)?python[0-9.]*$/.test(words[0]) && words[1] === '-m' && words[2] === 'pip') i = 3;
  else if (PIP.test(words[0])) i = 1;
  else if (/^(?:\S*\/)?uv$/.test(words[0]) && words[1] === 'pip') i = 2;
  else return undefined;
  return { verb: words[i] ?? '', args: words.slice(i + 1) };
}

/** pip options that take a value. */
const PIP_VALUED = new Set(['-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-w', '--wheel-dir', '--target', '-t', '--prefix', '--root', '--python', '--trusted-host', '--platform', '--only-binary', '--no-binary']);

interface StepVerdict {
  verdict: Verdict;
  reason: string;
  packages?: string[];
  step?: BuildStep;
  apt?: string[];
}

/** Django's manage.py commands the new build stage can run: they write into the project (static files, translations). */
const MANAGE_STEPS = new Set(['collectstatic', 'compilemessages', 'compress']);
const MANAGE_OPTION = /^--?[A-Za-z][A-Za-z0-9-]*(=[A-Za-z0-9_.,/:-]*)?$/;

function runStep(words: string[], context: Context): StepVerdict {
  const env: [string, string][] = [];
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
    const [name, ...rest] = words.shift()!.split('=');
    env.push([name, rest.join('=')]);
  }
  const [command = '', ...rest] = words;
  const pip = pipArgs(words);
  if (pip && (pip.verb === 'install' || pip.verb === 'wheel')) {
    const packages: string[] = [];
    let files = false;
    for (let i = 0; i < pip.args.length; i++) {
      const arg = pip.args[i];
      if (PIP_VALUED.has(arg)) {
        if (['-r', '--requirement', '-c', '--constraint'].includes(arg)) files = true;
        i++;
      } else if (arg.startsWith('-')) {
        if (/^--(requirement|constraint)=/.test(arg)) files = true;
      } else packages.push(arg);
    }
    if (packages.some((p) => ['pip', 'setuptools', 'wheel'].includes(p.toLowerCase().split(/[<>=!~[]/)[0]))) {
      const others = packages.filter((p) => !['pip', 'setuptools', 'wheel'].includes(p.toLowerCase().split(/[<>=!~[]/)[0]));
      if (others.length === 0) return { verdict: 'replaced', reason: 'the new build stage uses the builder\'s own pip; the runtime has none' };
    }
    const named = packages.filter((p) => !['pip', 'setuptools', 'wheel'].includes(p.toLowerCase().split(/[<>=!~[]/)[0]));
    const local = named.filter((p) => /^(\.|\/|\.\/)|\*|\.whl$/.test(p));
    const requirements = named.filter((p) => !local.includes(p));
    if (requirements.length === 0) {
      return { verdict: 'replaced', reason: local.length ? `it installed ${local.join(' ')}, which the new build stage installs from ${context.dependencies}` : `the dependencies are installed from ${context.dependencies}` };
    }
    const invalid = requirements.find((r) => {
      try {
        const parsed = parsePipRequirementsLine(r);
        return !parsed || !('name' in parsed) || parsed.type !== 'ProjectName';
      } catch {
        return true;
      }
    });
    if (invalid) return { verdict: 'not carried', reason: `'${invalid}' is not a requirement from an index; add it to ${context.dependencies} if the app needs it` };
    if (!context.unpinnedAllowed) return { verdict: 'not carried', reason: `${requirements.join(', ')}: the install is hash-checked; add ${requirements.length === 1 ? 'it' : 'them'} to ${context.dependencies}` };
    return { verdict: 'carried', reason: `${requirements.join(', ')} added to what the build stage installs${files ? `, beside ${context.dependencies}` : ''}`, packages: requirements };
  }
  if (pip || /^(poetry|pipenv|pdm)$/.test(command) && ['install', 'sync'].includes(rest[0] ?? '') || (command.endsWith('uv') && ['sync', 'venv'].includes(rest[0] ?? '')) || (/python[0-9.]*$/.test(command) && rest[0] === '-m' && rest[1] === 'venv')) {
    return { verdict: 'replaced', reason: `the dependencies are installed into /opt/venv from ${context.dependencies}` };
  }
  if (['apt-get', 'apt', 'apk', 'yum', 'dnf', 'microdnf'].includes(command)) {
    const install = ['install', 'add'].includes(rest.find((w) => !w.startsWith('-')) ?? '');
    const packages = install ? rest.filter((w) => !w.startsWith('-') && !['install', 'add'].includes(w)) : [];
    return { verdict: 'not carried', reason: 'the runtime image has no package manager (system libraries: see BUILD_PACKAGES)', apt: command.startsWith('apt') ? packages : undefined };
  }
  const manage = /^(?:\.\/|\S*\/)?manage\.py$/.test(command) ? rest : /python[0-9.]*$/.test(command) && /^(?:\.\/)?manage\.py$/.test(rest[0] ?? '') ? rest.slice(1) : undefined;
  if (manage && MANAGE_STEPS.has(manage[0] ?? '')) {
    if (!context.managePy) return { verdict: 'not carried', reason: 'manage.py is not at the project root, where the new build stage runs it' };
    const badOption = manage.slice(1).find((w) => !MANAGE_OPTION.test(w));
    const badEnv = env.find(([name, value]) => !ENV_NAME.test(name) || !/^[A-Za-z0-9_.,/:@%+=-]*$/.test(value));
    if (badOption || badEnv) return { verdict: 'not carried', reason: `${badOption ? `'${badOption}'` : `${badEnv![0]}=${badEnv![1]}`} is not a plain option or value; run the step in the build stage yourself` };
    return { verdict: 'carried', reason: 'moved to the build stage, after the code is copied', step: { args: manage, env } };
  }
  if (['set', 'true', 'echo'].includes(command)) return { verdict: 'replaced', reason: 'shell housekeeping' };
  if (['useradd', 'adduser', 'groupadd', 'addgroup'].includes(command)) return { verdict: 'replaced', reason: 'the image runs as the nonroot user 65532:65532 (or root, as answered)' };
  if (['mkdir', 'chown', 'chmod', 'chgrp'].includes(command)) {
    return { verdict: 'not carried', reason: `the code is read-only and owned by root; the app can write only to /dev/shm${context.dataDir ? ` and the ${context.dataDir} volume` : ''}` };
  }
  if (command === 'rm') return { verdict: 'replaced', reason: 'only the project (without what .dockerignore excludes) and the venv reach the image' };
  if (['npm', 'yarn', 'pnpm', 'npx', 'bun', 'node'].includes(command)) return { verdict: 'not carried', reason: 'a frontend build needs Node.js, which the build stage has not: build it in a stage of its own and copy its output into /app' };
  return { verdict: 'not carried', reason: 'not a step distroless-python knows: if the app needs it, run it in the build stage after COPY . /app' };
}

/** Reads the old Dockerfile (all its stages) against what the new one does. */
export function readOldDockerfile(file: string, text: string, context: Context): OldDockerfile {
  const result: OldDockerfile = { file, instructions: [], env: [], packages: [], buildSteps: [], apt: { build: [], runtime: [] }, exposed: [] };
  const dockerfile = DockerfileParser.parse(text);
  const froms = dockerfile.getFROMs();
  const last = froms.at(-1);
  let stage = -1;
  let frontend = false;
  const frontends: string[] = [];
  const add = (instruction: Instruction, verdict: Verdict, reason: string): void => void result.instructions.push({ text: shown(instruction), verdict, reason });
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArgumentsContent() ?? '';
    if (keyword === 'FROM') {
      stage++;
      const image = froms[stage]?.getImageName() ?? '';
      frontend = /(^|\/)(node|oven\/bun)$/.test(image);
      if (frontend) frontends.push(froms[stage]?.getBuildStage() ?? String(stage));
      add(instruction, frontend ? 'not carried' : 'replaced', frontend ? 'a frontend stage: build it in a stage of its own and copy its output into /app' : 'the new build stage and runtime image are distroless-python\'s');
      continue;
    }
    if (frontend) {
      add(instruction, 'not carried', 'part of the frontend stage');
      continue;
    }
    const final = froms[stage] === last;
    switch (keyword) {
      case 'ENV': {
        for (const property of (instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) {
          const name = property.getName();
          const value = property.getValue() ?? '';
          const rule = ENV_RULES.find(([pattern]) => pattern.test(name));
          const item = { text: `ENV ${name}=${value}`.slice(0, 100), verdict: 'carried' as Verdict, reason: 'set in the new image' };
          if (rule) [item.verdict, item.reason] = [rule[1], rule[2]];
          else if (name === 'PORT' && context.port !== undefined && value !== String(context.port)) [item.verdict, item.reason] = ['not carried', `the app listens on ${context.port}`];
          else if (!ENV_NAME.test(name) || !ENV_VALUE.test(value)) [item.verdict, item.reason] = ['not carried', 'its value refers to other variables or holds quotes or control characters: set it with docker run --env'];
          else if (!result.env.some(([n]) => n === name)) result.env.push([name, value]);
          else result.env = result.env.map(([n, v]) => [n, n === name ? value : v]);
          result.instructions.push(item);
        }
        break;
      }
      case 'EXPOSE': {
        const ports = args.split(/\s+/).map((p) => Number(p.split('/')[0])).filter((p) => Number.isInteger(p));
        result.exposed.push(...ports);
        const same = context.port !== undefined && ports.length === 1 && ports[0] === context.port;
        add(instruction, same ? 'carried' : 'not carried', same ? 'the new image EXPOSEs the same port' : context.port === undefined ? 'the new image listens on no port' : `the app listens on ${context.port}, which the new image EXPOSEs`);
        break;
      }
      case 'RUN': {
        // RUN --mount=... is BuildKit's; the command follows the flags.
        const command = args.replace(/^(\s*--\S+\s+)+/, '');
        const steps = /^\s*\[/.test(command) ? undefined : shellSteps(command.replace(/\\\r?\n/g, ' '));
        if (!steps) {
          add(instruction, 'not carried', 'shell logic (variables, conditions, pipes) that distroless-python does not read: if the app needs it, run it in the build stage after COPY . /app');
          break;
        }
        const verdicts = steps.map((s) => runStep([...s], context));
        for (const v of verdicts) {
          if (v.packages) result.packages.push(...v.packages.filter((p) => !result.packages.includes(p)));
          if (v.step) result.buildSteps.push(v.step);
          if (v.apt) (final ? result.apt.runtime : result.apt.build).push(...v.apt.filter((p) => !(final ? result.apt.runtime : result.apt.build).includes(p)));
        }
        const open = verdicts.filter((v) => v.verdict !== 'replaced');
        const verdict: Verdict = open.length === 0 ? 'replaced' : open.every((v) => v.verdict === 'carried') ? 'carried' : open.some((v) => v.verdict === 'carried') ? 'carried' : 'not carried';
        const reasons = [...new Set((open.length ? open : verdicts).map((v) => (v.verdict === 'not carried' && verdict === 'carried' ? `not carried: ${v.reason}` : v.reason)))];
        add(instruction, verdict, reasons.join('; '));
        break;
      }
      case 'COPY':
      case 'ADD':
        if (frontends.some((name) => new RegExp(`(^|\\s)--from=${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`).test(shown(instruction)))) {
          add(instruction, 'not carried', "the frontend stage's output: build it in a stage of its own and copy it into /app");
          break;
        }
        add(instruction, 'replaced', 'the new build stage copies the whole project to /app (less what .dockerignore excludes)');
        break;
      case 'WORKDIR':
        add(instruction, 'replaced', 'the project is at /app, the working directory');
        break;
      case 'USER':
        add(instruction, 'replaced', 'the new image runs as 65532:65532 (nonroot) or root, as answered');
        break;
      case 'CMD':
      case 'ENTRYPOINT':
        add(instruction, final ? 'replaced' : 'not carried', final ? 'the new image runs the start command shown above, in exec form' : 'not in the final stage');
        break;
      case 'ARG':
        add(instruction, 'not carried', 'a build argument of the old file; the new one has its own');
        break;
      case 'VOLUME':
        add(instruction, 'not carried', context.dataDir ? `the paths are the old image's; the app may write to the new image's ${context.dataDir} volume` : "the paths are the old image's, and the new image's code is read-only: see DISTROLESS.md for a writable data directory");
        break;
      case 'HEALTHCHECK':
        add(instruction, 'not carried', 'the runtime image has no shell, curl or wget: probe with the venv\'s python -c, as DISTROLESS.md shows');
        break;
      case 'SHELL':
        add(instruction, 'not carried', 'the runtime image has no shell');
        break;
      case 'LABEL':
      case 'MAINTAINER':
        add(instruction, 'not carried', 'the new image has its own OCI labels: add yours to its LABEL');
        break;
      case 'STOPSIGNAL':
        add(instruction, 'not carried', 'the new image sets the signal its start command stops on');
        break;
      default:
        add(instruction, 'not carried', `${keyword} is not carried over`);
    }
  }
  return result;
}
