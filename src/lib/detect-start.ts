/**
 * How an existing project starts today: the start command its compose file, Dockerfile, Procfile
 * or start script gives, unwrapped to the words the new image can run (no shell, no `poetry run`,
 * no init wrapper, paths of the old image mapped back to the project's files), and the port the
 * old setup publishes. Everything read here is untrusted input: nothing is run, nothing outside
 * the project is read, files over 1 MB are skipped, and malformed files become problems.
 */
import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parse as parseShell, type ParseEntry } from 'shell-quote';
import { parse as parseYaml } from 'yaml';
import { findServer } from './servers.js';

export interface StartFinding {
  /** The start command's words after unwrapping, e.g. ['gunicorn', '-b', ':5000', 'microblog:app']. */
  words: string[];
  /** Where it was found, e.g. "boot.sh (exec line), run by Dockerfile ENTRYPOINT" or "compose.yaml services.web.command". */
  from: string;
  /** What was dropped while unwrapping, each a short phrase shown to the user: "poetry run", "flask db upgrade (before &&)", "FOO=bar (an environment assignment)". */
  dropped: string[];
}

export interface DetectStartOptions {
  /**
   * Read the compose file from another directory (e.g. the repository root one level up, which
   * the default never reads): its services whose build context is `context` (as written in the
   * compose file, relative to that directory) are taken as building this project. Only the
   * compose file itself is read there.
   */
  compose?: { dir: string; context: string };
  /** The old Dockerfiles to look for, first that exists (default: Dockerfile, docker/Dockerfile). */
  dockerfiles?: string[];
}

export interface StartDetection {
  command?: StartFinding;
  /** Every other place that had a start command (lower precedence), for the user to see. */
  others: StartFinding[];
  port?: { value: number; from: string };
  /** Sentences about what was found and could not be used. */
  problems: string[];
}

const MAX_FILE = 1024 * 1024;
/** The names Docker Compose looks for, in its order. */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const COMPOSE_OVERRIDES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];
const PREFERRED_SERVICES = ['web', 'app', 'api', 'backend', 'server'];
const DOCKERFILES = ['Dockerfile', 'docker/Dockerfile'];
const START_SCRIPTS = ['boot.sh', 'entrypoint.sh', 'docker-entrypoint.sh', 'start.sh', 'scripts/start.sh'];
/** Where a bare script name run as a program is looked up in the old image. */
const PATH_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/sbin', '/sbin'];
const MAX_DEPTH = 8;

// A variable expansion inside a word: MARK name MARK (name as shell-quote gives it, e.g. "PORT:-8000").
const MARK = '\u0000';
// The implicit /bin/sh of a shell-form CMD or ENTRYPOINT (not reported as dropped).
const SH = '\u0001/bin/sh';
const MARKED = /\u0000([^\u0000]*)\u0000/g;
const ALL_ARGS = new Set([`${MARK}@${MARK}`, `${MARK}*${MARK}`]);

/** Text decoded from JSON or YAML escapes, without the characters used as markers here. */
const scrub = (text: string): string => text.replace(/[\u0000\u0001]/g, '');

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const PYTHON_ALIAS = /^python(3(\.\d+)?)?$/;
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);
const CHAIN_OPS = new Set(['&&', '||', ';', ';;', '&', '|', '|&']);
const REDIRECT_OPS = new Set(['>', '>>', '<', '>&', '<&', '<<<', '>|']);
const LEADING_KEYWORDS = new Set(['then', 'do', 'else', 'if', 'elif', 'while', 'until', '{', '!', 'time']);
const CONTROL_END = new Set(['fi', 'done', 'esac', '}', ')']);
/** Commands in a start script that are not worth reporting as dropped. */
const TRIVIAL = new Set([
  'echo', 'printf', 'sleep', 'set', 'export', 'unset', 'local', 'readonly', 'declare', '[', '[[', 'test', 'true', 'false', ':',
  'break', 'continue', 'exit', 'return', 'cd', 'shift', 'read', 'trap', 'umask', 'source', '.', 'if', 'elif', 'while', 'until',
  'for', 'case', 'esac', 'fi', 'done', 'wait', 'chmod', 'chown', 'mkdir', 'touch', 'cat', 'ls', 'eval',
]);
/** Project runners: the venv is on the image's PATH, so their commands run directly. */
const RUNNERS = new Set(['poetry', 'pipenv', 'uv', 'pdm', 'hatch', 'rye']);
/** Runner options that take the next word as their value. */
const RUNNER_VALUED = new Set([
  '--with', '--with-editable', '--with-requirements', '--python', '-p', '--extra', '--package', '--env-file', '--group', '--only-group',
  '--no-group', '--directory', '--project', '--index', '--default-index', '--index-url', '--extra-index-url', '-i', '--find-links', '-f',
  '--config-file', '--cache-dir', '-C', '-P', '--venv', '-e', '--env',
]);

/** A token of a shell text: a word (variables marked), or an operator. */
type Token = { word: string } | { op: string };
interface Segment {
  words: string[];
  /** The operator after it. */
  sep?: string;
  /** Its redirects (`> file`), taken out of the words. */
  redirects: string[];
}

/** The project's files, read-only, never outside the project, none over 1 MB. */
class Project {
  readonly root: string | undefined;
  private readonly reported = new Set<string>();
  constructor(
    dir: string,
    private readonly problems: string[],
  ) {
    let root: string | undefined;
    try {
      root = realpathSync(dir);
      if (!statSync(root).isDirectory()) root = undefined;
    } catch {
      root = undefined;
    }
    if (root === undefined) problems.push(`${dir} is not a readable directory`);
    this.root = root;
  }

  private report(rel: string, sentence: string): void {
    if (this.reported.has(rel)) return;
    this.reported.add(rel);
    this.problems.push(sentence);
  }

  /** The real path of a project-relative path, when it exists and stays inside the project. */
  private real(rel: string): string | undefined {
    const clean = cleanRelative(rel);
    if (this.root === undefined || clean === undefined) return undefined;
    const full = path.join(this.root, clean);
    let real: string;
    try {
      real = realpathSync(full);
    } catch {
      return undefined;
    }
    if (real !== this.root && !real.startsWith(this.root + path.sep)) {
      try {
        if (lstatSync(full)) this.report(clean, `${clean} leads outside the project (a symbolic link): not read`);
      } catch {
        // a link inside the path leads out; nothing to say about the entry itself
      }
      return undefined;
    }
    return real;
  }

  isFile(rel: string): boolean {
    const real = this.real(rel);
    try {
      return real !== undefined && statSync(real).isFile();
    } catch {
      return false;
    }
  }

  isDir(rel: string): boolean {
    const real = this.real(rel);
    try {
      return real !== undefined && statSync(real).isDirectory();
    } catch {
      return false;
    }
  }

  exists(rel: string): boolean {
    return this.isFile(rel) || this.isDir(rel);
  }

  /** A text file's content (without NUL and marker characters), or undefined. */
  read(rel: string): string | undefined {
    const real = this.real(rel);
    if (real === undefined) return undefined;
    try {
      const stat = statSync(real);
      if (!stat.isFile()) return undefined;
      if (stat.size > MAX_FILE) {
        this.report(rel, `${cleanRelative(rel)} is over 1 MB: not read`);
        return undefined;
      }
      return readFileSync(real, 'utf8').replace(/[\u0000\u0001]/g, '');
    } catch (error) {
      this.report(rel, `${cleanRelative(rel)} could not be read: ${(error as Error).message.split('\n')[0]}`);
      return undefined;
    }
  }
}

/** A normalised project-relative path ('.' for the project itself), or undefined for one that leaves it. */
function cleanRelative(rel: string): string | undefined {
  if (rel === '' || rel.includes('\0') || rel.includes('\\') || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return undefined;
  const normal = path.posix.normalize(rel).replace(/\/+$/, '') || '.';
  if (normal === '..' || normal.startsWith('../') || normal.startsWith('/')) return undefined;
  return normal;
}

// ---------------------------------------------------------------------------------------------
// Shell text

/**
 * Prepares shell text for shell-quote: joins continuation lines, drops comments, turns unquoted
 * newlines into `;` and drops the file-descriptor numbers of redirects (`2>&1` → `>&1`).
 */
function prepare(text: string, newlines: boolean): string {
  let out = '';
  let quote = '';
  let wordStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      out += c;
      if (c === "'") quote = '';
      continue;
    }
    if (c === '\\') {
      if (text[i + 1] === '\n') {
        i++;
        continue;
      }
      if (text[i + 1] === '\r' && text[i + 2] === '\n') {
        i += 2;
        continue;
      }
      out += c + (text[i + 1] ?? '');
      i++;
      wordStart = false;
      continue;
    }
    if (quote === '"') {
      out += c;
      if (c === '"') quote = '';
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      out += c;
      wordStart = false;
      continue;
    }
    if (c === '#' && wordStart) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (c === '\r') continue;
    if (c === '\n') {
      const before = out.trimEnd();
      out += !newlines || before === '' || '&|;('.includes(before.at(-1)!) ? ' ' : ' ; ';
      wordStart = true;
      continue;
    }
    if (wordStart && c >= '0' && c <= '9') {
      let j = i;
      while (j < text.length && text[j] >= '0' && text[j] <= '9') j++;
      if (text[j] === '<' || text[j] === '>') {
        i = j - 1;
        continue;
      }
    }
    wordStart = /\s/.test(c) || ';&|()<>'.includes(c);
    out += c;
  }
  return out;
}

/** Words (variables marked) and operators of a shell text (unquoted newlines separate commands unless told not to); never throws. */
function lex(text: string, newlines = true): Token[] {
  let entries: (ParseEntry | string)[];
  try {
    entries = parseShell(prepare(text, newlines), (name: string) => `${MARK}${name}${MARK}`);
  } catch {
    return [];
  }
  const tokens: Token[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') tokens.push({ word: entry });
    else if ('comment' in entry) continue;
    else if (entry.op === 'glob') tokens.push({ word: (entry as { pattern: string }).pattern });
    else tokens.push({ op: entry.op });
  }
  return tokens;
}

/** Commands of a token list, split at chaining operators; redirects and subshell markers noted. */
function segments(tokens: Token[]): { segments: Segment[]; constructs: string[] } {
  const out: Segment[] = [];
  let redirects: string[] = [];
  const constructs: string[] = [];
  let current: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if ('word' in token) {
      current.push(token.word);
      continue;
    }
    if (CHAIN_OPS.has(token.op)) {
      out.push({ words: current, sep: token.op, redirects });
      current = [];
      redirects = [];
    } else if (REDIRECT_OPS.has(token.op)) {
      const target = tokens[i + 1];
      if (target && 'word' in target) {
        redirects.push(`${token.op} ${show(target.word)}`);
        i++;
      } else redirects.push(token.op);
    } else {
      constructs.push(token.op);
    }
  }
  out.push({ words: current, redirects });
  return { segments: out.filter((s) => s.words.length > 0), constructs };
}

/** A command of a chain as shown to the user, with its redirects. */
const showSegment = (segment: Segment): string => [showWords(segment.words), ...segment.redirects].join(' ');

/** Earlier commands of a chain as one phrase: `a && b`, `a; b`. */
const showChain = (list: Segment[]): string =>
  list.map((s, i) => `${showSegment(s)}${i < list.length - 1 ? `${s.sep === ';' ? '' : ' '}${s.sep ?? ';'}` : ''}`).join(' ');

/** A word as shown to the user: variables as `$NAME`, quoted where it holds spaces. */
function show(word: string): string {
  if (ALL_ARGS.has(word)) return '"$@"';
  const text = plain(word);
  if (text === '') return "''";
  return /^[\w@%+=:,./${}!*?~^\[\]-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A word's text with variables written back as `$NAME` / `${NAME:-x}`. */
function plain(word: string): string {
  return word.replaceAll(SH, '/bin/sh').replace(MARKED, (_, name: string) => (name === '' ? '$' : /^([A-Za-z_]\w*|[0-9@*#?$!-])$/.test(name) ? `$${name}` : `\${${name}}`));
}

const showWords = (words: readonly string[]): string => words.map(show).join(' ');

/** Strips leading shell keywords (`then`, `do`, ...) off a command. */
function stripKeywords(words: string[]): string[] {
  let i = 0;
  while (i < words.length && LEADING_KEYWORDS.has(words[i])) i++;
  return words.slice(i);
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

interface StartInstruction {
  words: string[];
  shell: boolean;
  keyword: string;
  /** The stage the instruction is in. */
  stage: Stage;
}

interface CopyRule {
  sources: string[];
  /** Absolute, normalised, no trailing slash (except '/'). */
  dest: string;
  destIsDir: boolean;
  fromStage?: Stage;
  fromImage?: string;
  text: string;
}

interface Stage {
  index: number;
  name?: string;
  /** The FROM image text. */
  base: string;
  parent?: Stage;
  copies: CopyRule[];
  workdir: string;
  env: Map<string, string>;
  entrypoint?: StartInstruction;
  cmd?: StartInstruction;
  expose: string[];
}

interface ParsedDockerfile {
  file: string;
  stages: Stage[];
}

function instructionText(instruction: Instruction): string {
  return `${instruction.getKeyword()} ${(instruction.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim()}`;
}

function startInstruction(instruction: Instruction, stage: Stage): StartInstruction {
  const content = instruction.getArgumentsContent() ?? '';
  const keyword = instruction.getKeyword().toUpperCase();
  try {
    const parsed: unknown = JSON.parse(content);
    if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) return { words: (parsed as string[]).map(scrub), shell: false, keyword, stage };
  } catch {
    // not JSON: shell form, as Docker reads it
  }
  return { words: content.trim() === '' ? [] : [SH, '-c', content], shell: true, keyword, stage };
}

function parseDockerfile(project: Project, file: string, problems: string[]): ParsedDockerfile | undefined {
  const text = project.read(file);
  if (text === undefined) return undefined;
  let instructions: Instruction[];
  try {
    instructions = DockerfileParser.parse(text).getInstructions();
  } catch (error) {
    problems.push(`${file} does not parse: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  let cmdSet = false;
  for (const instruction of instructions) {
    try {
      const keyword = instruction.getKeyword().toUpperCase();
      const args = instruction.getExpandedArguments().map((a) => a.getValue());
      if (keyword === 'FROM') {
        const words = args.filter((a) => !a.startsWith('--'));
        const base = words[0] ?? '';
        const name = words.length >= 3 && words[1].toLowerCase() === 'as' ? words[2].toLowerCase() : undefined;
        const parent = stages.find((s) => s.name !== undefined && s.name === base.toLowerCase()) ?? (/^\d+$/.test(base) ? stages[Number(base)] : undefined);
        stage = {
          index: stages.length,
          name,
          base,
          parent,
          copies: [...(parent?.copies ?? [])],
          workdir: parent?.workdir ?? '/',
          env: new Map(parent?.env ?? []),
          entrypoint: parent?.entrypoint,
          cmd: parent?.cmd,
          expose: [...(parent?.expose ?? [])],
        };
        stages.push(stage);
        cmdSet = false;
        continue;
      }
      if (!stage) continue; // ARG before the first FROM
      if (keyword === 'WORKDIR' && args[0]) stage.workdir = path.posix.resolve(stage.workdir, args[0]);
      else if (keyword === 'ENV') {
        for (const property of (instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) {
          stage.env.set(property.getName(), property.getValue() ?? '');
        }
      } else if (keyword === 'COPY' || keyword === 'ADD') {
        const rule = copyRule(instruction, args, stage, stages);
        if (rule) stage.copies.push(rule);
      } else if (keyword === 'ENTRYPOINT') {
        stage.entrypoint = startInstruction(instruction, stage);
        if (!cmdSet) stage.cmd = undefined;
      } else if (keyword === 'CMD') {
        stage.cmd = startInstruction(instruction, stage);
        cmdSet = true;
      } else if (keyword === 'EXPOSE') stage.expose.push(...args);
    } catch {
      // one instruction the parser could not take apart: skip it
    }
  }
  if (stages.length === 0) {
    problems.push(`${file} has no FROM instruction: not used`);
    return undefined;
  }
  return { file, stages };
}

function copyRule(instruction: Instruction, args: string[], stage: Stage, stages: Stage[]): CopyRule | undefined {
  const content = (instruction.getArgumentsContent() ?? '').trim();
  let words = args;
  if (content.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(content.replace(/^(--\S+\s+)*/, ''));
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) words = (parsed as string[]).map(scrub);
    } catch {
      // shell-style arguments after all
    }
  }
  words = words.filter((w) => !w.startsWith('--'));
  if (words.length < 2 || words.some((w) => w.startsWith('<<'))) return undefined;
  const sources = words.slice(0, -1).filter((s) => !s.includes('://'));
  if (sources.length === 0) return undefined;
  const rawDest = words.at(-1)!;
  const dest = path.posix.resolve(stage.workdir, rawDest);
  const destIsDir = rawDest.endsWith('/') || rawDest === '.' || rawDest.endsWith('/.') || sources.length > 1;
  const from = (instruction as unknown as { getFromFlag?(): { getValue(): string | null } | null }).getFromFlag?.()?.getValue() ?? undefined;
  const rule: CopyRule = { sources, dest, destIsDir, text: instructionText(instruction) };
  if (from !== undefined) {
    const fromStage = stages.find((s) => s.name === from.toLowerCase()) ?? (/^\d+$/.test(from) ? stages[Number(from)] : undefined);
    if (fromStage) rule.fromStage = fromStage;
    else rule.fromImage = from;
  }
  return rule;
}

const under = (abs: string, dir: string): string | undefined =>
  abs === dir ? '' : dir === '/' ? abs.slice(1) : abs.startsWith(`${dir}/`) ? abs.slice(dir.length + 1) : undefined;

function globRegex(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]')}$`);
}

/** The project file at an absolute path of the old image, from the COPY/ADD instructions of a stage. */
function mapInStage(project: Project, stage: Stage, abs: string, depth = 0): { rel: string; via: string } | undefined {
  if (depth > MAX_DEPTH) return undefined;
  for (const rule of [...stage.copies].reverse()) {
    if (rule.fromImage !== undefined) continue;
    for (const source of [...rule.sources].reverse()) {
      if (rule.fromStage) {
        const candidates: string[] = [];
        const rest = under(abs, rule.dest);
        if (rest !== undefined) candidates.push(path.posix.join(source, rest));
        const target = rule.destIsDir ? path.posix.join(rule.dest, path.posix.basename(source)) : rule.dest;
        if (abs === target) candidates.push(source);
        for (const candidate of candidates) {
          const found = mapInStage(project, rule.fromStage, path.posix.resolve('/', candidate), depth + 1);
          if (found) return found;
        }
        continue;
      }
      const src = cleanRelative(source.replace(/^\/+/, '') || '.');
      if (src === undefined) continue;
      let candidate: string | undefined;
      if (/[*?[]/.test(src)) {
        if (path.posix.dirname(abs) === rule.dest && globRegex(path.posix.basename(src)).test(path.posix.basename(abs))) {
          candidate = path.posix.join(path.posix.dirname(src), path.posix.basename(abs));
        }
      } else if (project.isDir(src)) {
        const rest = under(abs, rule.dest);
        if (rest !== undefined) candidate = path.posix.join(src, rest);
      } else if (project.isFile(src)) {
        const targets = [path.posix.join(rule.dest, path.posix.basename(src))];
        if (!rule.destIsDir) targets.unshift(rule.dest);
        if (targets.includes(abs)) candidate = src;
      }
      const clean = candidate === undefined ? undefined : cleanRelative(candidate);
      if (clean !== undefined && project.exists(clean)) return { rel: clean, via: rule.text };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Unwrapping

interface Image {
  file: string;
  stage: Stage;
}

interface Context {
  project: Project;
  image?: Image;
  /** Variables set when the container runs, with where each is set. */
  env: Map<string, { value: string; from: string }>;
  port?: { value: number; from: string };
  /** The script's arguments, inside a start script. */
  args?: string[];
  dropped: string[];
  problems: string[];
  from: string;
  /** Scripts being run (for loops). */
  scripts: string[];
  /** Scripts any source ran. */
  used: Set<string>;
  depth: number;
}

const fork = (ctx: Context): Context => ({ ...ctx, dropped: [...ctx.dropped], problems: [...ctx.problems], scripts: [...ctx.scripts], used: new Set(ctx.used) });

function merge(into: Context, from: Context): void {
  into.dropped = from.dropped;
  into.problems = from.problems;
  into.from = from.from;
  for (const script of from.used) into.used.add(script);
}

/** The last command of a shell text, unwrapped; earlier commands of a chain are dropped and reported. */
function fromShellText(text: string, ctx: Context, what: string): string[] | undefined {
  if (++ctx.depth > MAX_DEPTH) {
    ctx.problems.push(`${what} nests shells too deep: not used`);
    return undefined;
  }
  const { segments: commands, constructs } = segments(lex(text));
  if (commands.length === 0) {
    ctx.problems.push(`${what} runs no command`);
    return undefined;
  }
  const last = commands.at(-1)!;
  if (last.sep === '&') ctx.problems.push(`${what} runs '${showWords(last.words)}' in the background ('&'), which an image cannot do: the command is used as if it ran in the foreground`);
  const earlier = commands.slice(0, -1);
  if (earlier.length > 0) {
    const sep = earlier.at(-1)!.sep ?? ';';
    ctx.dropped.push(`${showChain(earlier)} (before ${sep})`);
    if (sep === '|' || sep === '|&') ctx.problems.push(`${what} pipes into '${showWords(last.words)}', and the image has no shell: only the command after the pipe is used`);
    if (sep === '||') ctx.problems.push(`${what} runs '${showWords(last.words)}' only if the command before '||' fails: it is used as the start command`);
  }
  for (const redirect of last.redirects) ctx.dropped.push(`${redirect} (a redirect)`);
  if (constructs.length > 0) ctx.problems.push(`${what} uses a subshell or command substitution ('${constructs[0]}'), which cannot run without a shell`);
  const words = stripKeywords(last.words);
  if (words.length === 0 || CONTROL_END.has(words[0])) {
    ctx.problems.push(`${what} ends in a shell control structure ('${last.words.at(-1)}'): no start command found in it`);
    return undefined;
  }
  return unwrap(words, ctx);
}

/** Words dropped by a wrapper at the start of a command: how many, and the phrase to report. */
function wrapperLength(words: string[]): { count: number; phrase: string; python?: boolean } | undefined | 'incomplete' {
  const base = path.posix.basename(words[0]);
  let i = 1;
  if (base === 'python' || PYTHON_ALIAS.test(base)) {
    if (words[1] === '-m' && RUNNERS.has(words[2]) && words[3] === 'run') {
      const inner = wrapperLength(words.slice(2));
      if (inner && inner !== 'incomplete') return { count: inner.count + 2, phrase: `${words[0]} -m ${inner.phrase}` };
    }
    return undefined;
  }
  if (RUNNERS.has(base) && words[1] === 'run') {
    i = 2;
    let python = false;
    while (i < words.length && words[i].startsWith('-')) {
      if (words[i] === '--') {
        i++;
        break;
      }
      if (words[i] === '-m' || words[i] === '--module') {
        python = true;
        i++;
        break;
      }
      i += RUNNER_VALUED.has(words[i]) ? 2 : 1;
    }
    return { count: i, phrase: showWords(words.slice(0, python ? i - 1 : i)), python };
  }
  const note = (count: number): { count: number; phrase: string } => ({ count, phrase: `${showWords(words.slice(0, count))} (the image does not include ${base})` });
  switch (base) {
    case 'dumb-init':
      while (i < words.length && words[i].startsWith('-') && words[i] !== '--') i += words[i] === '-r' || words[i] === '--rewrite' ? 2 : 1;
      if (words[i] === '--') i++;
      return note(i);
    case 'tini':
    case 'tini-static':
      while (i < words.length && words[i].startsWith('-') && words[i] !== '--') i += words[i] === '-p' || words[i] === '-e' ? 2 : 1;
      if (words[i] === '--') i++;
      return note(i);
    case 'gosu':
    case 'su-exec':
      return note(2);
    case 'wait-for-it':
    case 'wait-for-it.sh':
    case 'wait-for':
    case 'wait-for.sh': {
      const end = words.indexOf('--');
      return end < 0 ? 'incomplete' : note(end + 1);
    }
    case 'newrelic-admin':
      return words[1] === 'run-program' ? note(2) : undefined;
    case 'ddtrace-run':
      return note(1);
    case 'opentelemetry-instrument':
      while (i < words.length && words[i].startsWith('--')) i += words[i].includes('=') ? 1 : 2;
      return note(i);
    default:
      return undefined;
  }
}

/** Whether a program path is a shell script of the project (by its #! line). */
function isShellScript(word: string, ctx: Context): boolean {
  if (!word.includes('/') || word.endsWith('.py')) return false;
  const found = resolveScript(word, ctx, false);
  if (!found) return false;
  const first = (ctx.project.read(found.rel) ?? '').split('\n', 1)[0];
  return /^#!.*\b(sh|bash|dash|ash|zsh|ksh)\b/.test(first);
}

/** Unwraps wrappers off a command: exec, env assignments, shells, runners, init wrappers, program paths. */
function unwrap(input: string[], ctx: Context): string[] | undefined {
  let words = [...input];
  for (let guard = 0; guard < 64; guard++) {
    if (words.length === 0) return undefined;
    const w0 = words[0];
    if (w0.includes(MARK)) return words;
    const base = w0 === SH ? 'sh' : path.posix.basename(w0);
    if (ASSIGNMENT.test(w0)) {
      ctx.dropped.push(`${show(w0)} (an environment assignment)`);
      words = words.slice(1);
      continue;
    }
    if (w0 === 'exec' || w0 === 'env' || w0 === 'command') {
      ctx.dropped.push(w0);
      words = words.slice(1);
      continue;
    }
    if (SHELLS.has(base)) return runShell(words, ctx);
    const wrapper = wrapperLength(words);
    if (wrapper === 'incomplete') {
      ctx.problems.push(`'${showWords(words)}' only waits for another service and starts nothing`);
      return undefined;
    }
    if (wrapper) {
      ctx.dropped.push(wrapper.phrase);
      words = wrapper.python ? ['python', '-m', ...words.slice(wrapper.count)] : words.slice(wrapper.count);
      continue;
    }
    if (w0.endsWith('.sh') || isShellScript(w0, ctx)) return runScript(w0, words.slice(1), ctx, !w0.includes('/'));
    if (w0.endsWith('.py')) {
      ctx.dropped.push(`${show(w0)} run by python (its #! line)`);
      words = ['python', ...words];
      continue;
    }
    if (PYTHON_ALIAS.test(base) && w0 !== 'python') {
      ctx.dropped.push(`${show(w0)} → python`);
      words = ['python', ...words.slice(1)];
      continue;
    }
    if (w0.includes('/')) {
      ctx.dropped.push(`${show(w0)} → ${base}`);
      words = [base, ...words.slice(1)];
      continue;
    }
    return words;
  }
  ctx.problems.push(`'${showWords(input)}' has too many wrappers to unwrap`);
  return undefined;
}

/** `sh -c "text"`, `bash -ec "text"`, `sh script.sh args`. */
function runShell(words: string[], ctx: Context): string[] | undefined {
  let i = 1;
  let command = false;
  while (i < words.length && /^[-+]/.test(words[i])) {
    const option = words[i];
    if (option === '--') {
      i++;
      break;
    }
    if (option === '-o' || option === '+o') {
      i += 2;
      continue;
    }
    if (/^-[A-Za-z]+$/.test(option) && option.includes('c')) command = true;
    i++;
  }
  if (words[0] !== SH) ctx.dropped.push(showWords(words.slice(0, i)));
  if (command) {
    const text = words[i];
    if (text === undefined) {
      ctx.problems.push(`'${showWords(words)}' gives the shell no command`);
      return undefined;
    }
    return fromShellText(text, ctx, words[0] === SH ? ctx.from : `'${show(words[0])} -c'`);
  }
  if (words[i] === undefined) {
    ctx.problems.push(`'${showWords(words)}' starts an interactive shell, which the image does not have`);
    return undefined;
  }
  return runScript(words[i], words.slice(i + 1), ctx, false);
}

/** A script path of the old image (or the project) as a project file. */
function resolveScript(word: string, ctx: Context, lookup: boolean): { rel: string; via?: string } | undefined {
  if (word.includes(MARK)) return undefined;
  if (ctx.image) {
    const candidates = lookup ? PATH_DIRS.map((d) => `${d}/${word}`) : [path.posix.resolve(ctx.image.stage.workdir, word)];
    for (const abs of candidates) {
      const found = mapInStage(ctx.project, ctx.image.stage, abs);
      if (found && ctx.project.isFile(found.rel)) return found;
    }
    return undefined;
  }
  if (lookup && !ctx.project.isFile(word)) return undefined;
  const rel = cleanRelative(word);
  return rel !== undefined && ctx.project.isFile(rel) ? { rel } : undefined;
}

/** Replaces "$@", "$*" and "$1".. in a script's words with the script's arguments. */
function splice(words: string[], args: string[]): string[] {
  const out: string[] = [];
  for (const word of words) {
    if (ALL_ARGS.has(word)) {
      out.push(...args);
      continue;
    }
    out.push(
      word.replace(MARKED, (whole, name: string) => {
        if (name === '@' || name === '*') return args.map(plain).join(' ');
        if (/^[1-9]$/.test(name) && args[Number(name) - 1] !== undefined) return args[Number(name) - 1];
        return whole;
      }),
    );
  }
  return out;
}

/** What a start script runs: its last exec line ("$@" passes on its arguments), else its last server line. */
function runScript(word: string, args: string[], ctx: Context, lookup: boolean): string[] | undefined {
  if (++ctx.depth > MAX_DEPTH) {
    ctx.problems.push(`${show(word)} runs scripts too deep: not used`);
    return undefined;
  }
  const found = resolveScript(word, ctx, lookup);
  if (!found) {
    ctx.problems.push(`the command runs ${show(word)}, which is not a file of the project${ctx.image ? ` that ${ctx.image.file} copies there` : ''}: left as is`);
    return [word, ...args];
  }
  const rel = found.rel;
  if (ctx.scripts.includes(rel)) {
    ctx.problems.push(`${rel} runs itself: not used`);
    return undefined;
  }
  const text = ctx.project.read(rel);
  if (text === undefined) {
    ctx.problems.push(`the command runs ${rel}, which could not be read`);
    return undefined;
  }
  ctx.used.add(rel);
  ctx.scripts.push(rel);
  const commands = segments(lex(text)).segments.map((s) => stripKeywords(s.words)).filter((w) => w.length > 0);
  let index = -1;
  for (let i = commands.length - 1; i >= 0; i--) {
    if (commands[i][0] === 'exec' && commands[i].length > 1) {
      index = i;
      break;
    }
  }
  const reportEarlier = (until: number): void => {
    const seen = new Set<string>();
    for (const command of commands.slice(0, until)) {
      const program = command.find((w) => !ASSIGNMENT.test(w)) ?? '';
      if (TRIVIAL.has(path.posix.basename(program)) || program.includes(MARK) || seen.size >= 5) continue;
      const at = command.indexOf(program);
      const phrase = `${showWords(command.slice(at, at + 4))}${command.length > at + 4 ? ' ...' : ''}`;
      if (seen.has(phrase)) continue;
      seen.add(phrase);
      ctx.dropped.push(`${phrase} (earlier in ${rel})`);
    }
  };
  if (index >= 0) {
    const exec = commands[index].slice(1);
    reportEarlier(index);
    if (exec.length === 1 && ALL_ARGS.has(exec[0])) {
      if (args.length === 0) {
        ctx.problems.push(`${rel} ends with exec "$@", and nothing gives it a command (no CMD)`);
        return undefined;
      }
      ctx.from = `${ctx.from}, through ${rel} (exec "$@")`;
      return unwrap(args, ctx);
    }
    ctx.from = ctx.from === '' ? `${rel} (exec line)` : `${rel} (exec line), run by ${ctx.from}`;
    return unwrap(splice(exec, args), ctx);
  }
  for (let i = commands.length - 1; i >= 0; i--) {
    const trial = fork(ctx);
    const words = unwrap(splice(commands[i], args), trial);
    const program = words?.[0];
    if (words && program && (program === 'python' || findServer(program) !== undefined)) {
      merge(ctx, trial);
      reportEarlier(i);
      ctx.problems.push(`${rel} has no exec line: used its last command that runs ${program}`);
      ctx.from = ctx.from === '' ? `${rel} (last ${program} line)` : `${rel} (last ${program} line), run by ${ctx.from}`;
      return words;
    }
  }
  ctx.problems.push(`${rel} has no exec line and runs no known server or python: no start command found in it`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Finishing a command: variables, paths

function resolveVariables(words: string[], ctx: Context): string[] {
  const out: string[] = [];
  for (const word of words) {
    if (ALL_ARGS.has(word)) {
      ctx.problems.push(`the command passes on "$@" (the container's arguments), which nothing here gives`);
      out.push('$@');
      continue;
    }
    out.push(
      word.replace(MARKED, (_, name: string) => {
        const shown = plain(`${MARK}${name}${MARK}`);
        if (name === '') return '$';
        const match = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?:(:?[-=?+])([\s\S]*))?$/.exec(name);
        if (!match) {
          ctx.problems.push(`the command uses ${shown}, which no shell expands in the image: give its value`);
          return shown;
        }
        const [, variable, op, fallback] = match;
        const set = ctx.env.get(variable);
        if (set !== undefined && op !== '+' && op !== ':+') {
          ctx.dropped.push(`${shown} replaced by ${set.value} (from ${set.from})`);
          return set.value;
        }
        if ((op === ':-' || op === '-' || op === ':=' || op === '=') && !fallback.includes(MARK) && !fallback.includes('$')) {
          ctx.dropped.push(`${shown} replaced by its default ${fallback === '' ? "''" : fallback}`);
          return fallback;
        }
        if (variable === 'PORT' && ctx.port) {
          ctx.dropped.push(`${shown} replaced by ${ctx.port.value} (from ${ctx.port.from})`);
          return String(ctx.port.value);
        }
        ctx.problems.push(`the command uses ${shown}, which is only set when the container runs: give its value${variable === 'PORT' ? ' (the port with --port)' : ''}`);
        return shown;
      }),
    );
  }
  return out;
}

const looksLikePath = (value: string): boolean =>
  value !== '' && !value.includes('://') && !value.includes('$') && !/^[A-Za-z][\w+.-]*:/.test(value) && (value.includes('/') || /\.(py|sh|ini|cfg|conf|toml|ya?ml|json|txt)$/.test(value));

/** Paths of the old image in the command's arguments, as the project's files. */
function mapPaths(words: string[], ctx: Context): string[] {
  const image = ctx.image;
  if (!image) return words;
  const prefixes = [image.stage.workdir, ...image.stage.copies.map((c) => c.dest)].filter((p) => p !== '/');
  return words.map((word, index) => {
    if (index === 0) return word;
    const option = /^(--?[A-Za-z][\w-]*=)([\s\S]*)$/.exec(word);
    const prefix = option ? option[1] : '';
    const value = option ? option[2] : word;
    if (value.startsWith('-') || !looksLikePath(value)) return word;
    const abs = path.posix.resolve(image.stage.workdir, value);
    const found = mapInStage(ctx.project, image.stage, abs);
    if (found) {
      const same = cleanRelative(value) === found.rel;
      if (!same) ctx.dropped.push(`${value} → ${found.rel} (${image.file} ${found.via})`);
      return same ? word : `${prefix}${found.rel}`;
    }
    if (value.startsWith('/') && prefixes.some((p) => under(abs, p) !== undefined)) {
      ctx.problems.push(`${value} is a path of the old image that no COPY in ${image.file} fills from the project: left as is`);
    }
    return word;
  });
}

/** The finding for a command's unwrapped words, or undefined when nothing runs. */
function finish(words: string[] | undefined, ctx: Context): StartFinding | undefined {
  if (!words || words.length === 0) return undefined;
  for (const word of words) {
    if (!word.includes(MARK) && /\$(\{|[A-Za-z_])/.test(word)) {
      ctx.problems.push(`'${word.replaceAll(SH, '/bin/sh')}' holds a variable that nothing expands (no shell runs it): give its value`);
    }
  }
  let out = resolveVariables(words, ctx);
  out = mapPaths(out, ctx).map((w) => w.replaceAll(SH, '/bin/sh'));
  if (out[0] === 'python' && out[1]?.endsWith('.py')) {
    const source = ctx.project.read(out[1]);
    if (source !== undefined && !hasMainBlock(source)) {
      ctx.problems.push(`${out[1]} has no if __name__ == "__main__": block, so 'python ${out[1]}' would define the app and exit`);
    }
  }
  return { words: out, from: ctx.from, dropped: ctx.dropped };
}

// ---------------------------------------------------------------------------------------------
// Sources

interface Candidate {
  finding: StartFinding;
  problems: string[];
}

interface ComposeService {
  name: string;
  service: Record<string, unknown>;
  dockerfile?: string;
  target?: string;
}

interface Compose {
  file: string;
  chosen?: ComposeService;
  others: ComposeService[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const normalContext = (context: string): string => path.posix.normalize(context.trim() || '.').replace(/\/+$/, '') || '/';

/** Whether a compose build context is this project. */
function isHere(context: unknown, here: string): boolean {
  return typeof context === 'string' && normalContext(context) === here;
}

/** The compose file (in the project, or where the options say) and its services that build the project. */
function readCompose(project: Project, problems: string[], dir: string, options: DetectStartOptions): Compose | undefined {
  const other = options.compose;
  const where = other ? new Project(other.dir, problems) : project;
  const here = other ? normalContext(other.context) : '.';
  const prefix = other ? `${path.relative(dir, other.dir).split(path.sep).join('/') || '.'}/`.replace(/^\.\//, '') : '';
  const name = COMPOSE_FILES.find((f) => where.isFile(f));
  if (!name) return undefined;
  const file = `${prefix}${name}`;
  const text = where.read(name);
  if (text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(text, { logLevel: 'error' });
  } catch (error) {
    problems.push(`${file} does not parse: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
  const override = COMPOSE_OVERRIDES.find((f) => where.isFile(f));
  if (override) problems.push(`${prefix}${override} may change what ${file} says; it is not read`);
  const services = isRecord(doc) ? doc.services : undefined;
  if (!isRecord(services)) {
    problems.push(`${file} has no services`);
    return { file, others: [] };
  }
  const found: ComposeService[] = [];
  for (const [name, service] of Object.entries(services)) {
    if (!isRecord(service)) continue;
    const build = service.build;
    if (typeof build === 'string' && isHere(build, here)) found.push({ name, service });
    else if (isRecord(build) && isHere(build.context ?? '.', here)) {
      const dockerfile = typeof build.dockerfile === 'string' ? cleanRelative(build.dockerfile) : undefined;
      found.push({ name, service, dockerfile, target: typeof build.target === 'string' ? build.target.toLowerCase() : undefined });
    }
  }
  if (found.length === 0) return { file, others: [] };
  const chosen = PREFERRED_SERVICES.map((n) => found.find((s) => s.name === n)).find(Boolean) ?? found[0];
  const others = found.filter((s) => s !== chosen);
  if (others.length > 0) problems.push(`${file} builds this directory for several services (${found.map((s) => s.name).join(', ')}): used ${chosen.name}`);
  return { file, chosen, others };
}

/** `$$` is compose's escape for `$`; `${X}` and `$X` are interpolated by compose (marked here). */
function markCompose(word: string): string {
  return word.replace(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) =>
    whole === '$$' ? '$' : `${MARK}${braced ?? bare}${MARK}`,
  );
}

/** A compose command/entrypoint value as words: list as is, string split (compose runs no shell). */
function composeWords(value: unknown, what: string, ctx: Context): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (!value.every((w) => typeof w === 'string' || typeof w === 'number' || typeof w === 'boolean')) {
      ctx.problems.push(`${what} is a list of something other than words: not used`);
      return undefined;
    }
    return value.map((w) => markCompose(scrub(String(w))));
  }
  if (typeof value === 'string') {
    const { segments: commands } = segments(lex(scrub(value).replaceAll('$$', '$'), false));
    const last = commands.at(-1);
    if (commands.length > 1 || (last && last.redirects.length > 0) || last?.sep) {
      ctx.problems.push(`${what} uses shell operators, but compose runs the command without a shell: only its last command is used`);
      const earlier = commands.slice(0, -1);
      if (earlier.length) ctx.dropped.push(`${showChain(earlier)} (before ${earlier.at(-1)!.sep ?? ';'})`);
      for (const redirect of last?.redirects ?? []) ctx.dropped.push(`${redirect} (a redirect)`);
    }
    return commands.at(-1)?.words ?? [];
  }
  ctx.problems.push(`${what} is neither a string nor a list: not used`);
  return undefined;
}

function composeEnvironment(service: Record<string, unknown>, from: string): Map<string, { value: string; from: string }> {
  const env = new Map<string, { value: string; from: string }>();
  const value = service.environment;
  if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      if ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && !String(v).includes('$')) env.set(key, { value: scrub(String(v)), from });
    }
  } else if (Array.isArray(value)) {
    for (const item of value) {
      const match = typeof item === 'string' ? /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(item) : null;
      if (match && !match[2].includes('$')) env.set(match[1], { value: scrub(match[2]), from });
    }
  }
  return env;
}

function stageEnvironment(image: Image | undefined): Map<string, { value: string; from: string }> {
  const env = new Map<string, { value: string; from: string }>();
  for (const [key, value] of image?.stage.env ?? []) if (!value.includes('$')) env.set(key, { value, from: `${image!.file} ENV` });
  return env;
}

function parsePort(value: string): number | undefined {
  return /^\d{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 65535 ? Number(value) : undefined;
}

/** The container side of a compose `ports:` entry. */
function containerPort(entry: unknown): string | undefined {
  if (typeof entry === 'number') return String(entry);
  if (isRecord(entry)) return entry.target === undefined ? undefined : String(entry.target);
  if (typeof entry !== 'string') return undefined;
  const side = entry.replace(/\/(tcp|udp|sctp)$/i, '').split(':').at(-1) ?? '';
  return side.split('-')[0];
}

function composePort(compose: Compose | undefined, problems: string[]): { value: number; from: string } | undefined {
  const chosen = compose?.chosen;
  if (!chosen) return undefined;
  for (const key of ['ports', 'expose']) {
    const list = chosen.service[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const text = key === 'ports' ? containerPort(entry) : typeof entry === 'string' || typeof entry === 'number' ? String(entry).replace(/\/(tcp|udp|sctp)$/i, '').split('-')[0] : undefined;
      const port = text === undefined ? undefined : parsePort(text);
      if (port !== undefined) return { value: port, from: `${compose.file} services.${chosen.name}.${key}` };
      problems.push(`${compose.file} services.${chosen.name}.${key} has '${typeof entry === 'string' ? entry : JSON.stringify(entry)}', which gives no container port`);
    }
  }
  return undefined;
}

function exposePort(image: Image | undefined, problems: string[]): { value: number; from: string } | undefined {
  const first = image?.stage.expose[0];
  if (first === undefined) return undefined;
  const port = parsePort(first.replace(/\/(tcp|udp|sctp)$/i, ''));
  if (port !== undefined) return { value: port, from: `${image!.file} EXPOSE` };
  problems.push(`${image!.file} EXPOSE ${first} gives no port number`);
  return undefined;
}

function finalStage(dockerfile: ParsedDockerfile, target?: string, problems?: string[]): Stage {
  if (target !== undefined) {
    const stage = dockerfile.stages.find((s) => s.name === target);
    if (stage) return stage;
    problems?.push(`${dockerfile.file} has no stage named ${target} (the compose build target): used its last stage`);
  }
  return dockerfile.stages.at(-1)!;
}

/** An instruction as named in `from`: `CMD`, `CMD (shell form)`, `ENTRYPOINT (stage builder)`. */
const describe = (instruction: StartInstruction, stage: Stage): string =>
  `${instruction.keyword}${instruction.shell ? ' (shell form)' : ''}${instruction.stage !== stage ? ` (stage ${instruction.stage.name ?? instruction.stage.index})` : ''}`;

/** The ENTRYPOINT + CMD words of a stage as Docker combines them, with where they are from. */
function stageStart(image: Image): { words: string[]; from: string; ignoredCmd?: StartInstruction } | undefined {
  const { entrypoint, cmd } = image.stage;
  const ep = entrypoint && entrypoint.words.length > 0 ? entrypoint : undefined;
  if (ep?.shell) return { words: ep.words, from: `${image.file} ${describe(ep, image.stage)}`, ignoredCmd: cmd };
  const parts = [ep, cmd].filter((i): i is StartInstruction => i !== undefined && i.words.length > 0);
  if (parts.length === 0) return undefined;
  return { words: parts.flatMap((p) => p.words), from: `${image.file} ${parts.map((p) => describe(p, image.stage)).join(' + ')}` };
}

function newContext(project: Project, used: Set<string>, from: string, image: Image | undefined, port: Context['port']): Context {
  return { project, image, env: stageEnvironment(image), port, dropped: [], problems: [], from, scripts: [], used, depth: 0 };
}

function candidate(finding: StartFinding | undefined, ctx: Context, problems: string[]): Candidate | undefined {
  if (!finding) {
    problems.push(...ctx.problems);
    return undefined;
  }
  return { finding, problems: ctx.problems };
}

function composeCandidate(project: Project, compose: Compose, service: ComposeService, image: Image | undefined, used: Set<string>, port: Context['port'], problems: string[]): Candidate | undefined {
  const { service: svc, name } = service;
  const hasCommand = svc.command !== undefined && svc.command !== null;
  const hasEntrypoint = svc.entrypoint !== undefined && svc.entrypoint !== null;
  if (!hasCommand && !hasEntrypoint) return undefined;
  const key = `${compose.file} services.${name}`;
  const ctx = newContext(project, used, '', image, port);
  for (const [k, v] of composeEnvironment(svc, `${key}.environment`)) ctx.env.set(k, v);
  const command = hasCommand ? composeWords(svc.command, `${key}.command`, ctx) : undefined;
  const entry = hasEntrypoint ? composeWords(svc.entrypoint, `${key}.entrypoint`, ctx) : undefined;
  let words: string[];
  if (hasEntrypoint) {
    words = [...(entry ?? []), ...(command ?? [])];
    ctx.from = `${key}.entrypoint${hasCommand ? ' + command' : ''}`;
  } else {
    const ep = image?.stage.entrypoint;
    if (ep && ep.words.length > 0 && !ep.shell) {
      words = [...ep.words, ...(command ?? [])];
      ctx.from = `${image!.file} ${describe(ep, image!.stage)} + ${key}.command`;
    } else {
      if (ep?.shell) ctx.problems.push(`${image!.file} has a shell-form ENTRYPOINT, which ignores ${key}.command`);
      words = command ?? [];
      ctx.from = `${key}.command`;
    }
  }
  if (words.length === 0) {
    problems.push(...ctx.problems);
    if (ctx.problems.length === 0) problems.push(`${key} gives an empty command`);
    return undefined;
  }
  return candidate(finish(unwrap(words, ctx), ctx), ctx, problems);
}

function dockerfileCandidate(project: Project, image: Image, used: Set<string>, port: Context['port'], problems: string[]): Candidate | undefined {
  const start = stageStart(image);
  if (!start) {
    let root = image.stage;
    while (root.parent) root = root.parent;
    problems.push(`${image.file} has no CMD or ENTRYPOINT: its start command comes from the base image ${root.base}, which is not read`);
    return undefined;
  }
  const ctx = newContext(project, used, start.from, image, port);
  if (start.ignoredCmd) ctx.dropped.push(`CMD ${showWords(start.ignoredCmd.words)} (a shell-form ENTRYPOINT ignores it)`);
  return candidate(finish(unwrap(start.words, ctx), ctx), ctx, problems);
}

function procfileCandidate(project: Project, used: Set<string>, port: Context['port'], problems: string[]): Candidate | undefined {
  const text = project.read('Procfile');
  if (text === undefined) return undefined;
  const processes: { name: string; command: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const match = /^([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(line);
    if (match && match[2].trim()) processes.push({ name: match[1], command: match[2].trim() });
  }
  const chosen = processes.find((p) => p.name === 'web') ?? processes.find((p) => p.name !== 'release');
  if (!chosen) {
    if (processes.length === 0) problems.push('Procfile names no process');
    return undefined;
  }
  const ctx = newContext(project, used, `Procfile ${chosen.name}`, undefined, port);
  if (chosen.name !== 'web') ctx.problems.push(`Procfile has no web process: used ${chosen.name}`);
  for (const release of processes.filter((p) => p.name === 'release')) ctx.dropped.push(`release: ${release.command} (a Procfile release process)`);
  return candidate(finish(fromShellText(chosen.command, ctx, `Procfile ${chosen.name}`), ctx), ctx, problems);
}

/** The first unreferenced start script that gives a command; one that gives none (exec "$@") is passed over silently. */
function scriptCandidate(project: Project, used: Set<string>, port: Context['port']): Candidate | undefined {
  for (const script of START_SCRIPTS) {
    if (used.has(script) || !project.isFile(script)) continue;
    const ctx = newContext(project, used, '', undefined, port);
    const words = runScript(script, [], ctx, false);
    const found = candidate(finish(words, ctx), ctx, []);
    if (found) {
      found.problems.push(`${script} is not run by a Dockerfile, compose file or Procfile: its command was used as found`);
      return found;
    }
  }
  return undefined;
}

/**
 * The start command an existing project gives, and its port. Sources in precedence order: the
 * compose file's service that builds this directory (command/entrypoint), the old Dockerfile
 * (ENTRYPOINT + CMD of its final stage, through start scripts), the Procfile's web process, and
 * start scripts that nothing runs.
 */
export function detectStart(dir: string, options: DetectStartOptions = {}): StartDetection {
  const problems: string[] = [];
  const project = new Project(dir, problems);
  if (project.root === undefined) return { others: [], problems };
  const used = new Set<string>();
  const compose = readCompose(project, problems, dir, options);
  const chosen = compose?.chosen;
  const parsed = new Map<string, ParsedDockerfile | undefined>();
  const dockerfile = (file: string | undefined): ParsedDockerfile | undefined => {
    if (file === undefined || !project.isFile(file)) return undefined;
    if (!parsed.has(file)) parsed.set(file, parseDockerfile(project, file, problems));
    return parsed.get(file);
  };
  const oldFile = (options.dockerfiles ?? DOCKERFILES).find((f) => project.isFile(f)) ?? (chosen?.dockerfile && project.isFile(chosen.dockerfile) ? chosen.dockerfile : undefined);
  const old = dockerfile(oldFile);
  const oldImage: Image | undefined = old ? { file: old.file, stage: finalStage(old) } : undefined;
  let composeImage: Image | undefined;
  if (chosen) {
    const file = chosen.dockerfile && project.isFile(chosen.dockerfile) ? chosen.dockerfile : project.isFile('Dockerfile') ? 'Dockerfile' : undefined;
    if (chosen.dockerfile && !project.isFile(chosen.dockerfile)) problems.push(`${compose!.file} services.${chosen.name} builds ${chosen.dockerfile}, which is not in the project`);
    const df = dockerfile(file);
    if (df) composeImage = { file: df.file, stage: finalStage(df, chosen.target, problems) };
  }
  const port = composePort(compose, problems) ?? exposePort(composeImage ?? oldImage, problems);

  // Each source in precedence order; why a source gave nothing is told only when no source before it gave a command.
  const sources: ((failures: string[]) => Candidate | undefined)[] = [
    (failures) => (compose && chosen ? composeCandidate(project, compose, chosen, composeImage, used, port, failures) : undefined),
    (failures) => (oldImage ? dockerfileCandidate(project, oldImage, used, port, failures) : undefined),
    (failures) => procfileCandidate(project, used, port, failures),
    () => scriptCandidate(project, used, port),
  ];
  const candidates: Candidate[] = [];
  for (const source of sources) {
    const failures: string[] = [];
    const found = source(failures);
    if (found) candidates.push(found);
    else if (candidates.length === 0) problems.push(...failures);
  }
  const otherServices: Candidate[] = [];
  for (const service of compose?.others ?? []) {
    const image = dockerfile(service.dockerfile ?? (project.isFile('Dockerfile') ? 'Dockerfile' : undefined));
    const found = composeCandidate(project, compose!, service, image ? { file: image.file, stage: finalStage(image, service.target) } : undefined, used, port, []);
    if (found) otherServices.push(found);
  }
  const [winner, ...rest] = [...candidates, ...otherServices];
  return {
    command: winner?.finding,
    others: rest.map((c) => c.finding),
    port,
    problems: [...problems, ...(winner?.problems ?? [])],
  };
}

/** Whether a Python file has an `if __name__ == "__main__":` block (for main.py/app.py being a script). */
export function hasMainBlock(source: string): boolean {
  const code = source.replace(/("""|''')[\s\S]*?\1/g, '""');
  return /^if\s+\(?\s*(?:__name__\s*==\s*(['"])__main__\1|(['"])__main__\2\s*==\s*__name__)\s*\)?\s*:/m.test(code);
}
