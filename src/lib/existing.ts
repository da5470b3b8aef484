/**
 * An existing project: what lib/detect found in it, the answers resolved from the flags, a
 * preset's fixed answers, what was detected, a preset's defaults and the schema's; then the
 * Dockerfile, Makefile, .dockerignore and DISTROLESS.md planned for it. Never changes the
 * project's own files without --force: an existing Dockerfile is then replaced after a copy to
 * Dockerfile.bak; an existing .dockerignore is merged, every rule of it kept (lib/dockerignore);
 * an existing Makefile is never replaced.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { byVersion, rangeAllows, dependencyNames, dependencySource, dependencySpecs, detect, isGenerated, type Detection } from './detect.js';
import { mergeDockerignore, theirRules } from './dockerignore.js';
import { joinCommand, splitCommand } from './command.js';
import { findServer } from './servers.js';
import { readOldDockerfile, type OldDockerfile } from './old-dockerfile.js';
import { DEBIAN_PACKAGE, foundAtRunTime, isBuildPackage, systemPackagesFor } from './system-packages.js';
import { questionsFor } from './commands.js';
import { presetOf, type Io, type Plan, type PlannedFile, type RunInput } from './pipeline.js';
import type { Preset } from './preset.js';
import { askFor, fixedBy, presetFiles, siteOf, type Ask } from './resolve.js';
import { ValidationError, checkCombination, classifyEntrypoint, commandWarning, developmentWarning, parseGiven, proposedPort, pythonWarning, type Answers, type Question } from './questions.js';
import { DATA_DIR, VERSION_ARG, VERSION_DEFAULT, buildContextOf, projectName, renderDistrolessMd, renderExisting, runArgsOf, view, type Site } from './render.js';

/** The questions that apply to an existing project (its dependencies are its own). */
const ASKED = questionsFor('existing');

/** Files kept aside (as .bak) before --force replaces them. */
const BACKED_UP = new Set(['Dockerfile']);
/** Files that --force merges ours into, keeping every line of the project's: no copy is needed. */
const MERGED = new Set(['.dockerignore']);

export async function planExisting(input: RunInput, io: Io): Promise<Plan> {
  const project = new ExistingProject(input, io);
  await project.resolve();
  return project.plan();
}

class ExistingProject {
  #given: Partial<Answers>;
  #detection: Detection;
  #preset?: Preset;
  #site?: Site;
  #ask: Ask;
  answers!: Answers;

  constructor(
    readonly input: RunInput,
    readonly io: Io,
  ) {
    const given = parseGiven({ ...input.given, directory: input.given.directory ?? '.' });
    this.#given = given;
    const target = this.#target();
    if (!existsSync(target) || !statSync(target).isDirectory()) {
      throw new ValidationError('directory', `'${given.directory}' is not an existing project directory`);
    }
    this.#detection = detect(target);
    // Exit 0 only for a project that will run: an image without its declared dependencies would not.
    if (this.#detection.unread) throw new ValidationError('directory', this.#detection.unread);
    this.#preset = presetOf(input.preset, input.cwd);
    this.#site = siteOf(this.#preset);
    this.#ask = askFor(io);
  }

  get #interactive(): boolean {
    return this.io.interactive;
  }

  async resolve(): Promise<void> {
    const d = this.#detection;
    for (const line of this.#found()) this.io.log(`found: ${line}`);
    for (const line of this.#startNotes()) this.io.log(`note: ${line}`);
    // Steps the old start ran first (migrations, ...) do not run in an exec-form image.
    const steps = (d.start.command?.dropped ?? []).filter((x) => /\((before (&&|;|\|\|)|earlier in .*)\)$/.test(x));
    if (steps.length) {
      this.io.log(
        `warning: the old start command also ran ${steps.map((x) => x.replace(/ \((before|earlier in)[^)]*\)$/, '')).join('; ')}: that no longer happens at start; run it as its own command, e.g. docker run --rm --entrypoint /opt/venv/bin/python IMAGE manage.py migrate`,
      );
    }
    for (const problem of d.problems) this.io.log(`note: ${problem}`);
    const detected: Partial<Answers> = { python: d.python?.value, entrypoint: d.entrypoint?.value };
    const fixed = fixedBy(this.#preset, this.#given) as Partial<Answers>;
    const preferred = (this.#preset?.defaults ?? {}) as Partial<Answers>;
    const answers: Partial<Answers> = { directory: this.#given.directory, deps: [] };
    for (const q of ASKED.filter((x) => x.kind === 'option')) {
      const given = this.#given[q.name];
      let fallback = detected[q.name] ?? preferred[q.name] ?? q.defaultFor?.(answers) ?? q.default;
      if (q.name === 'entrypoint' && given === undefined && fixed.entrypoint === undefined && detected.entrypoint === undefined && preferred.entrypoint === undefined && !this.#interactive) {
        throw new ValidationError(
          '--entrypoint',
          'no start command found (no compose command, Dockerfile CMD or ENTRYPOINT, Procfile, start script, [project.scripts], __main__.py, or main.py/app.py with a __main__ block); give one',
        );
      }
      // Heroku-style $PORT, which no shell will expand: the port given, found, or the server's default.
      const words = d.entrypoint?.words;
      if (q.name === 'entrypoint' && given === undefined && words?.some((w) => /\$\{?PORT\b/.test(w))) {
        const port = this.#given.port ?? d.port?.value ?? findServer(words[0])?.serves?.port ?? 8000;
        const replaced = joinCommand(words.map((w) => w.replace(/\$\{PORT\}|\$PORT\b/g, String(port))));
        this.io.log(`note: start command unwrapped: $PORT replaced by ${port} (${this.#given.port !== undefined ? '--port' : d.port ? d.port.from : 'the server default'})`);
        fallback = replaced;
      }
      // A flag wins over what was detected, even when the detected value is unusable.
      if (q.name === 'entrypoint' && given === undefined && typeof fallback === 'string') {
        try {
          // A start script's variables ($WORKERS) were expanded by its shell; the image has none.
          const variables = [...new Set(splitCommand(fallback).flatMap((w) => w.match(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g) ?? []))];
          if (variables.length) throw new ValidationError('--entrypoint', `${variables.join(', ')} ${variables.length === 1 ? 'is a shell variable' : 'are shell variables'}, which nothing expands in the image`);
          q.parse(fallback);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          if (!this.#interactive) {
            throw new ValidationError('--entrypoint', `found '${fallback}' (${d.entrypoint?.from}), which is not usable: ${error.rule}; give the command with --entrypoint`);
          }
          this.io.log(`note: found '${fallback}' (${d.entrypoint?.from}), which is not usable: ${error.rule}`);
          fallback = q.default;
        }
      }
      // The port the chosen command binds, else the one the old setup published, else the server's default.
      // Read from the project's files, so checked like a flag.
      if (q.name === 'port') fallback = q.parse(this.#port(answers.entrypoint!) ?? preferred.port ?? '-');
      (answers as Record<string, unknown>)[q.name] =
        given !== undefined
          ? given
          : fixed[q.name] !== undefined
            ? fixed[q.name]
            : this.#interactive && q.ask !== false
              ? await this.#ask(q as Question<typeof q.name>, fallback as never, answers, q.name === 'entrypoint' ? (value) => this.#checkExists(value as string) : undefined)
              : fallback;
      if (q.name === 'entrypoint') this.#checkExists(answers.entrypoint!);
    }
    // A version read from the project that the family lacks is the project's, not a flag's: say where it came from.
    const pythonFrom = d.python && answers.python === d.python.value && this.#given.python === undefined ? d.python.from : undefined;
    checkCombination(answers, pythonFrom);
    // lock_requirements.py reads TOML locks with tomllib, which is 3.11+.
    if (d.install.kind === 'lock' && d.install.tool !== 'pipenv' && byVersion(answers.python!, '3.11') < 0) {
      throw new ValidationError('--python', `${d.install.lock} is read in the build stage with tomllib, which Python ${answers.python} lacks: give --python 3.11 or later`);
    }
    // Said only when the Python it warns about is the one chosen (no flag, no other answer at the prompt).
    if (d.python?.warning && answers.python === d.python.value) this.io.log(`warning: ${d.python.warning}`);
    if (!d.python && this.#given.python === undefined) {
      this.io.log(
        `warning: no Python version found (.python-version, runtime.txt, .tool-versions, Pipfile, the Dockerfile's image, requires-python, Poetry's python): using ${answers.python}; give --python to choose`,
      );
    }
    // (Unless the range itself chose it, and said so.)
    const fromRange = d.python?.kind === 'range' && answers.python === d.python.value;
    if (d.pythonRange && !fromRange && !rangeAllows(d.pythonRange.value, answers.python!)) {
      this.io.log(`warning: ${d.pythonRange.from} does not allow Python ${answers.python}: check that the project runs on it`);
    }
    const warning = pythonWarning(answers.python!);
    if (warning) this.io.log(`warning: ${warning}`);
    const missing = commandWarning(answers.entrypoint!, dependencyNames(d.install));
    if (missing) this.io.log(`warning: ${missing}`);
    const app = this.#appWarning(answers.entrypoint!);
    if (app) this.io.log(`warning: ${app}`);
    const development = developmentWarning(answers.entrypoint!);
    if (development) this.io.log(`warning: ${development}`);
    this.answers = answers as Answers;
    const old = this.#old();
    const cannot = foundAtRunTime([...dependencySpecs(d.install), ...(old?.packages ?? [])]);
    if (cannot) throw new ValidationError('directory', cannot);
    const build = this.#buildPackages();
    if (build) this.io.log(`found: BUILD_PACKAGES ${build.packages.join(' ')}: from ${build.from} (the build stage installs them; give --build-arg BUILD_PACKAGES=... to change)`);
    if (old) {
      const count = (verdict: string): number => old.instructions.filter((i) => i.verdict === verdict).length;
      this.io.log(`found: ${old.file}: ${old.instructions.length} instructions; ${count('carried')} carried over, ${count('replaced')} replaced, ${count('not carried')} not carried over (all listed in DISTROLESS.md)`);
      for (const i of old.instructions.filter((x) => x.verdict === 'carried')) this.io.log(`carried over: ${i.text}: ${i.reason}`);
      for (const i of old.instructions.filter((x) => x.verdict === 'not carried')) this.io.log(`not carried over: ${i.text}: ${i.reason}`);
    }
  }

  plan(): Plan {
    const target = this.#target();
    const { files, kept } = this.#render();
    const directory = this.answers.directory;
    const planned: PlannedFile[] = [...files].map(([file, content]) => ({ file, content, ...(MERGED.has(file) ? { kind: 'merge' as const } : BACKED_UP.has(file) ? { kind: 'replace' as const } : {}) }));
    // The project's own file is kept aside, never over an earlier copy; one an earlier run wrote needs no copy.
    const backups: [string, string][] = [];
    for (const file of [...BACKED_UP].filter((f) => files.has(f) && existsSync(path.join(target, f)) && !isGenerated(target, f as 'Dockerfile'))) {
      let copy = `${file}.bak`;
      for (let n = 1; existsSync(path.join(target, copy)); n++) copy = `${file}.bak.${n}`;
      backups.push([copy, readFileSync(path.join(target, file), 'utf8')]);
    }
    const name = projectName(directory);
    const relative = path.relative(this.input.cwd, target);
    const port = this.answers.port;
    const added = `Added a distroless build to ${name}; see DISTROLESS.md.`;
    return {
      mode: 'existing',
      directory,
      target,
      files: planned,
      backups,
      kept,
      askPerFile: false,
      refusal: (differing) => {
        const names = differing.map((f) => f.file);
        const replaced = names.filter((f) => !MERGED.has(f));
        const copies = replaced.filter((f) => BACKED_UP.has(f)).map((f) => `${f}.bak`);
        const would = [
          ...(replaced.length ? [`--force replaces ${replaced.join(', ')}, keeping ${copies.join(', ') || 'no copy'}`] : []),
          ...names.filter((f) => MERGED.has(f)).map((f) => `${replaced.length ? '' : '--force '}merges ${f} with distroless-python's rules, keeping every rule of yours`),
        ];
        return `${directory} already has ${names.join(', ')}; nothing was written (${would.join('; ')})`;
      },
      done: {
        created: added,
        updated: added,
        steps: [
          ...(relative ? [`cd ${relative}`] : []),
          `docker build -t ${name} ${buildContextOf(this.#detection.install)}`,
          `docker run --rm --read-only --cap-drop=ALL --security-opt=no-new-privileges${runArgsOf(this.answers, this.#detection.writable.length > 0)} ${name}`,
          ...(port !== undefined ? [`# then http://localhost:${port}/`] : []),
        ],
      },
    };
  }

  /**
   * The gunicorn config file a command reads (-c, else ./gunicorn.conf.py, which gunicorn reads by
   * default) when the command line gives no bind, and the port of a literal `bind =` in it.
   */
  #gunicornConfig(entrypoint: string): { file: string; port?: number } | undefined {
    const entry = classifyEntrypoint(entrypoint);
    if (entry.kind !== 'command' || entry.command.server?.script !== 'gunicorn' || entry.command.bind.port !== undefined) return undefined;
    const words = entry.command.words;
    const at = words.findIndex((w) => w === '-c' || w === '--config' || w.startsWith('--config='));
    const file = at < 0 ? 'gunicorn.conf.py' : words[at].includes('=') ? words[at].split('=')[1] : words[at + 1];
    const full = path.join(this.#target(), file ?? '');
    if (!file || file.startsWith('python:') || !existsSync(full) || !statSync(full).isFile()) return undefined;
    const literal = /^bind\s*=\s*\[?\s*["']([^"']*)["']/m.exec(readFileSync(full, 'utf8'));
    const port = literal ? /:(\d{1,5})$/.exec(literal[1])?.[1] : undefined;
    return { file, port: port ? Number(port) : undefined };
  }

  #port(entrypoint: string): number | undefined {
    const entry = classifyEntrypoint(entrypoint);
    const config = this.#gunicornConfig(entrypoint);
    if (config) {
      this.io.log(
        `note: ${config.file} may set gunicorn's bind; the image's command line binds 0.0.0.0 on the port${config.port ? ` (${config.port}, from its bind =)` : ''}, which wins over the file`,
      );
      if (config.port) return config.port;
    }
    const bound = entry.kind === 'command' ? entry.command.bind.port : undefined;
    // A worker (celery, rq) listens on nothing, whatever the old setup exposed.
    const worker = entry.kind === 'command' && entry.command.server?.worker;
    return bound ?? (worker ? undefined : this.#detection.port?.value) ?? proposedPort(entrypoint);
  }

  /** Exit 0 only for a project that will start: the script an entrypoint runs must be in the project. */
  #checkExists(entrypoint: string): void {
    const entry = classifyEntrypoint(entrypoint);
    const script = entry.kind === 'script' ? entry.path : entry.kind === 'command' ? entry.command.script : undefined;
    if (script !== undefined && !existsSync(path.join(this.#target(), script))) {
      throw new ValidationError('--entrypoint', `${script} is not in the project: give the script or command that starts it`);
    }
  }

  /** A command's app module that is not in the project: it may come from a dependency, so only a warning. */
  #appWarning(entrypoint: string): string | undefined {
    const entry = classifyEntrypoint(entrypoint);
    const module = entry.kind === 'command' ? entry.command.app?.module : undefined;
    if (module === undefined) return undefined;
    const parts = module.split('.');
    const found = ['.', 'src'].some((root) => {
      const base = path.join(this.#target(), root, ...parts);
      return existsSync(`${base}.py`) || existsSync(path.join(base, '__init__.py')) || existsSync(base);
    });
    return found ? undefined : `${module} (the app ${entry.kind === 'command' ? entry.command.program : ''} loads) is not in the project as ${parts.join('/')}.py or a package: it fails at start unless a dependency provides it`;
  }

  /**
   * BUILD_PACKAGES' proposal: the old Dockerfile's apt-get packages of its build stages (and the
   * build-only ones of its final stage), else what the dependencies that build from source need.
   */
  #buildPackages(): { packages: string[]; from: string } | undefined {
    const old = this.#old();
    const listed = [...new Set([...(old?.apt.build ?? []), ...(old?.apt.runtime ?? []).filter(isBuildPackage)])].filter((p) => DEBIAN_PACKAGE.test(p));
    if (old && listed.length) return { packages: listed, from: `${old.file}'s apt-get install` };
    const { packages, needed } = systemPackagesFor([...(dependencyNames(this.#detection.install) ?? []), ...(old?.packages ?? [])]);
    return packages.length ? { packages, from: `${needed.join(', ')}, which build${needed.length === 1 ? 's' : ''} from source` } : undefined;
  }

  #oldDockerfile?: OldDockerfile;

  /** The old Dockerfile read against the answers: what is carried over, replaced, or not carried over. */
  #old(): OldDockerfile | undefined {
    const found = this.#detection.oldDockerfile;
    if (!found || this.#oldDockerfile) return this.#oldDockerfile;
    const install = this.#detection.install;
    this.#oldDockerfile = readOldDockerfile(found.file, found.text, {
      dependencies: dependencySource(install) ?? 'pyproject.toml',
      port: this.answers.port,
      unpinnedAllowed: install.kind === 'requirements' ? !install.hashes : install.kind === 'pyproject' || install.kind === 'none',
      managePy: existsSync(path.join(this.#target(), 'manage.py')),
      dataDir: this.#detection.writable.length ? DATA_DIR : undefined,
    });
    return this.#oldDockerfile;
  }

  #target(): string {
    return path.resolve(this.input.cwd, this.#given.directory ?? '.');
  }

  /** What was detected, as shown to the user and recorded in DISTROLESS.md. */
  #found(chosenAnswers?: Answers): string[] {
    const d = this.#detection;
    const lines: string[] = [];
    const install = d.install;
    if (install.kind === 'requirements') {
      const includes = install.files.slice(1);
      lines.push(
        `dependencies: requirements.txt (${install.count} requirement${install.count === 1 ? '' : 's'}${install.hashes ? ', hash-checked' : ''}${includes.length ? `; includes ${includes.join(', ')}` : ''})${
          install.projectLines ? '; the project itself (its . line) is installed after its code' : install.project ? '; the project is installed too (pyproject.toml [build-system])' : ''
        }`,
      );
    } else if (install.kind === 'uv-lock') {
      lines.push(`dependencies: uv.lock (${install.packages} locked packages, exported frozen with their hashes)${install.project ? '; the project is installed too' : ''}`);
    } else if (install.kind === 'uv-workspace') {
      lines.push(
        `dependencies: ${install.root}/uv.lock, a uv workspace (${install.packages} locked packages; ${install.package}'s are exported frozen with their hashes${install.siblings.length ? `; the members it depends on, ${install.siblings.join(', ')}, are installed from their sources` : ''}); the image builds from the workspace root${install.project ? '; the project is installed too' : ''}`,
      );
    } else if (install.kind === 'lock') {
      const group = install.tool === 'poetry' ? 'main group' : 'default group';
      lines.push(`dependencies: ${install.lock} (${install.packages} locked packages; the ${group}'s are installed with their hashes, read from the lock at each build)${install.project ? '; the project is installed too' : ''}`);
    } else if (install.kind === 'pyproject') {
      lines.push(`dependencies: pyproject.toml [project].dependencies (${install.dependencies.length})${install.project ? '; the project is installed too' : ''}`);
    } else {
      lines.push('dependencies: none found (no requirements.txt or pyproject.toml)');
    }
    if (d.vcsVersion) lines.push(`version: from git (${d.vcsVersion.value}, ${d.vcsVersion.from}), which the build context lacks: give it with --build-arg ${VERSION_ARG}=... (default ${VERSION_DEFAULT})`);
    if (d.writable.length) {
      lines.push(
        `writes beside its code: ${d.writable.map((w) => `${w.what} (${w.from})`).join(', ')}; the image's code is read-only, so it gets ${DATA_DIR}, a volume the app user owns: point those paths there`,
      );
    }
    // Once answered (DISTROLESS.md), a finding that was not taken says what was.
    const chosen = (value: unknown, found: unknown) => (chosenAnswers && value !== undefined && value !== found ? `; not used: ${String(value)} was chosen` : '');
    if (d.python) lines.push(`Python ${d.python.value}: from ${d.python.from}${chosen(chosenAnswers?.python, d.python.value)}`);
    if (d.entrypoint) lines.push(`entrypoint ${d.entrypoint.value}: from ${d.entrypoint.from}${chosen(chosenAnswers?.entrypoint, d.entrypoint.value)}`);
    if (d.port) lines.push(`port ${d.port.value}: from ${d.port.from}${chosen(chosenAnswers?.port, d.port.value)}`);
    return lines;
  }

  /** How the start command was unwrapped, and the other start commands found and not used. */
  #startNotes(): string[] {
    const { start } = this.#detection;
    return [
      ...(start.command?.dropped ?? []).map((dropped) => `start command unwrapped: ${dropped}`),
      ...start.others.map((other) => `also found ${joinCommand(other.words)} (${other.from}); not used`),
    ];
  }

  #render(): { files: Map<string, string>; kept: string[] } {
    const target = this.#target();
    const entry = classifyEntrypoint(this.answers.entrypoint);
    const module = entry.kind === 'script' ? undefined : entry.kind === 'command' ? (entry.command.app?.module ?? entry.command.module) : entry.module;
    const top = module?.split('.')[0];
    const codeRoot = top !== undefined && (existsSync(path.join(target, 'src', top)) || existsSync(path.join(target, 'src', `${top}.py`))) ? 'src' : '.';
    const old = this.#old();
    const existing = {
      install: this.#detection.install,
      codeRoot,
      vcsVersion: this.#detection.vcsVersion?.value,
      carried: old,
      writes: this.#detection.writable.length > 0,
      buildPackages: this.#buildPackages(),
    };
    const files = renderExisting(this.answers, existing, this.#site);
    const install = this.#detection.install;
    const kept: string[] = [];
    // A workspace member builds from the workspace root: BuildKit reads the ignore file beside the Dockerfile.
    const ignoreFile = install.kind === 'uv-workspace' ? path.join(target, install.root, '.dockerignore') : path.join(target, '.dockerignore');
    const theirs = existsSync(ignoreFile) && statSync(ignoreFile).isFile() ? readFileSync(ignoreFile, 'utf8') : undefined;
    const merged = mergeDockerignore(theirs, files.get('.dockerignore')!);
    if (install.kind === 'uv-workspace') {
      files.delete('.dockerignore');
      files.set('Dockerfile.dockerignore', merged);
      kept.push(
        `.dockerignore: the image builds from the workspace root (${install.root}), so ${install.root}/.dockerignore applies, not this folder's; Dockerfile.dockerignore holds its rules${theirs === undefined ? ' (it has none)' : ''} and distroless-python's, and BuildKit reads it instead for this Dockerfile (the legacy builder reads only the root's).`,
      );
    } else {
      files.set('.dockerignore', merged);
    }
    const makefile = this.#detection.makefile;
    if (makefile) {
      const clash = [...files.get('Makefile')!.matchAll(/^([a-z]+):.*## /gm)].map((m) => m[1]).filter((t) => makefile.targets.includes(t));
      kept.push(`${makefile.name}: yours is kept${clash.length ? `; its targets ${clash.join(', ')} clash with distroless-python's` : ''}. The docker commands in DISTROLESS.md do what make build and make run would.`);
      files.delete('Makefile');
    }
    if (this.#detection.dockerfile) {
      kept.push(this.input.flags.force ? 'Dockerfile: yours was saved as Dockerfile.bak.' : 'Dockerfile: yours is replaced only with --force, after a copy to Dockerfile.bak.');
    }
    if (theirs !== undefined && theirRules(theirs).trim() !== '' && install.kind !== 'uv-workspace') {
      kept.push(
        ".dockerignore: every rule of yours is kept, in its order; distroless-python's follow, between `# >>> distroless-python` and `# <<< distroless-python` (a re-run replaces only that block), so they win: secrets (`.env`, `.env.*`, `*.pem`) and local environments (`.git`, `.venv`) never reach the build context, whatever a `!` rule above lets in.",
      );
    }
    for (const [file, content] of presetFiles(this.#preset, view(this.answers, existing, this.#site))) if (!existsSync(path.join(target, file))) files.set(file, content);
    files.set('DISTROLESS.md', renderDistrolessMd(this.answers, existing, { detected: [...this.#found(this.answers), ...this.#startNotes()], kept, old }, this.#site));
    for (const line of kept.filter((l) => /^(GNUm|m|M)akefile:/.test(l))) this.io.log(`note: ${line}`);
    return { files, kept };
  }
}
