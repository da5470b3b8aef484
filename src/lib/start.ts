/**
 * A start command with arguments (`gunicorn -b 0.0.0.0:8000 app:app`, `python -m uvicorn
 * app.main:app`, `python manage.py runserver`): what it runs, where its app is, where it binds,
 * and the words the image runs, with a bind added where the server would otherwise listen on
 * loopback only. Reads the server table (servers.ts); throws ValidationError for what cannot run.
 */
import { splitCommand } from './command.js';
import { ValidationError } from './errors.js';
import { findServer, type Server } from './servers.js';

const FIELD = '--entrypoint';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SCRIPT_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const PYTHON = /^python(3(\.\d+)?)?$/;
/** Interpreter options that take the next word as their value. */
const PYTHON_VALUED = new Set(['-X', '-W', '--check-hash-based-pycs']);
export const MAX_COMMAND = 1000;

/** The app a server loads: a module (with its callable, when named), or a file path (fastapi run). */
export type AppRef = { module: string; callable?: string; factory: boolean; path?: undefined } | { path: string; module?: undefined };

export interface Command {
  kind: 'command';
  words: string[];
  /** `python`, or the console script. */
  program: string;
  /** `python path/to/script.py ...` */
  script?: string;
  /** `python -m module ...` */
  module?: string;
  /** words[0..argsFrom) are the executable part (ENTRYPOINT); the rest are its arguments (CMD). */
  argsFrom: number;
  /** The known server or tool it runs (by console script, or by `python -m`). */
  server?: Server;
  /** Whether it serves: a known server, on its serving subcommand when it has subcommands. */
  serving: boolean;
  app?: AppRef;
  /** The bind the command gives: its port, and whether a host was given. */
  bind: { port?: number; host?: string; socket?: boolean };
}

/** Option value in `--opt value`, `--opt=value` or (one-letter options) `-ovalue`; index of the value word. */
function optionValues(words: string[], from: number, names: string[]): { value: string; index: number }[] {
  const out: { value: string; index: number }[] = [];
  for (let i = from; i < words.length; i++) {
    const word = words[i];
    for (const name of names) {
      if (word === name && i + 1 < words.length) out.push({ value: words[i + 1], index: i + 1 });
      else if (word.startsWith(`${name}=`)) out.push({ value: word.slice(name.length + 1), index: i });
      else if (/^-[A-Za-z]$/.test(name) && word.startsWith(name) && word.length > 2 && !word.startsWith('--')) out.push({ value: word.slice(2), index: i });
    }
  }
  return out;
}

/** Indexes of the plain (positional) words from `from` on, given which options take a value. */
function positionals(words: string[], from: number, valued: readonly string[] = []): number[] {
  const out: number[] = [];
  for (let i = from; i < words.length; i++) {
    const word = words[i];
    if (word === '--') return [...out, ...words.slice(i + 1).map((_, k) => i + 1 + k)];
    if (word.startsWith('-') && word !== '-') {
      if (valued.includes(word)) i++;
      continue;
    }
    out.push(i);
  }
  return out;
}

function parseAppRef(value: string): AppRef | undefined {
  if (value.endsWith('.py') || value.includes('/')) return { path: value };
  const match = /^([A-Za-z_][\w.]*)(?::([A-Za-z_]\w*)(\(\))?)?$/.exec(value);
  if (!match || !match[1].split('.').every((p) => IDENTIFIER.test(p))) return undefined;
  return { module: match[1], callable: match[2], factory: Boolean(match[3]) };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i;

function checkPort(text: string, what: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new ValidationError(FIELD, `${what}: '${text}' is not a port (1-65535)`);
  }
  return Number(text);
}

function refuseLoopback(host: string, server: string, port: number): void {
  if (LOOPBACK.test(host)) {
    throw new ValidationError(FIELD, `${server} binds ${host}, which nothing outside the container can reach: bind 0.0.0.0:${port}`);
  }
}

/** Where the command binds, from its own options; refuses loopback and ports that are not numbers. */
function findBind(words: string[], from: number, server: Server): Command['bind'] {
  const serves = server.serves!;
  const bind = serves.bind;
  if (bind.style === 'hostport') {
    const values = optionValues(words, from, bind.options);
    if (values.length === 0) return {};
    const result: Command['bind'] = {};
    for (const { value } of values) {
      if (/^(unix:|fd:\/\/)/.test(value)) {
        result.socket = true;
        continue;
      }
      const match = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(value)!;
      const host = match[1];
      const port = match[2] === undefined ? serves.port : checkPort(match[2], `${server.script} --bind ${value}`);
      refuseLoopback(host, server.script, port);
      result.port ??= port;
      result.host ??= host === '' ? '0.0.0.0' : host;
    }
    return result;
  }
  const hosts = optionValues(words, from, bind.host);
  const ports = optionValues(words, from, bind.port);
  const port = ports.length ? checkPort(ports[0].value, `${server.script} ${bind.port.at(-1)}`) : undefined;
  if (hosts.length) refuseLoopback(hosts[0].value, server.script, port ?? serves.port);
  return { port, host: hosts[0]?.value };
}

/** Splits and analyses a command line; throws ValidationError naming --entrypoint. */
export function parseCommand(line: string): Command {
  if (line.length > MAX_COMMAND) throw new ValidationError(FIELD, `is longer than ${MAX_COMMAND} characters`);
  let words: string[];
  try {
    words = splitCommand(line);
  } catch (error) {
    throw new ValidationError(FIELD, (error as Error).message);
  }
  if (words.length === 0) throw new ValidationError(FIELD, 'must not be empty');
  const program = words[0];
  if (program.includes('/')) {
    throw new ValidationError(FIELD, `'${program}' is a path: give the console script's name (e.g. ${program.split('/').pop()}); it runs from the venv`);
  }
  if (!SCRIPT_NAME.test(program)) throw new ValidationError(FIELD, `'${program}' is not a console script name (letters, digits, . _ + -)`);
  const command: Command = { kind: 'command', words, program, argsFrom: 1, serving: false, bind: {} };
  if (PYTHON.test(program)) {
    command.program = 'python';
    let i = 1;
    while (i < words.length && words[i].startsWith('-') && words[i] !== '-m' && words[i] !== '-c') i += PYTHON_VALUED.has(words[i]) ? 2 : 1;
    if (words[i] === '-c') throw new ValidationError(FIELD, "python -c runs code from the command line: put the code in a file and give 'python path/to/file.py'");
    if (words[i] === '-m') {
      const module = words[i + 1];
      if (!module || !module.split('.').every((p) => IDENTIFIER.test(p))) throw new ValidationError(FIELD, `python -m needs a dotted module name, not '${module ?? ''}'`);
      command.module = module;
      command.argsFrom = i + 2;
      command.server = findServer(module);
    } else if (words[i]?.endsWith('.py')) {
      command.script = words[i];
      command.argsFrom = i + 1;
    } else {
      throw new ValidationError(FIELD, "python needs a script path ending in .py or -m and a module (e.g. 'python -m uvicorn app:app')");
    }
  } else {
    command.server = findServer(program);
  }
  const server = command.server;
  if (!server) return command;
  const plain = positionals(words, command.argsFrom, server.valued);
  const first = plain.length ? words[plain[0]] : undefined;
  if (first !== undefined && server.refused?.[first]) throw new ValidationError(FIELD, server.refused[first]);
  const development = words.slice(command.argsFrom).find((w) => server.development?.includes(w.split('=')[0]));
  if (development) {
    throw new ValidationError(FIELD, `${server.script} ${development} is for development (it restarts or debugs on code changes): drop it in an image`);
  }
  command.serving = Boolean(server.serves) && (server.subcommand === undefined || first === server.subcommand);
  if (server.appArgument) {
    const rest = server.subcommand === undefined ? plain : plain.slice(1);
    const value = server.appArgument.option
      ? optionValues(words, command.argsFrom, server.appArgument.option)[0]?.value
      : rest.length
        ? words[rest.at(-1)!]
        : undefined;
    if (value !== undefined) command.app = parseAppRef(value);
  }
  if (command.serving) command.bind = findBind(words, command.argsFrom, server);
  return command;
}

/** The port the command serves on: its own bind, else its server's default; none for a command that does not serve. */
export function commandPort(command: Command): number | undefined {
  if (!command.serving || command.bind.socket) return command.bind.port;
  return command.bind.port ?? command.server!.serves!.port;
}

/**
 * The words the image runs: the command as given, plus an explicit bind on 0.0.0.0 and the port
 * where the command gives none (after the serving subcommand, or the executable part).
 */
export function boundWords(command: Command, port: number | undefined): string[] {
  const server = command.server;
  if (!command.serving || !server?.serves || command.bind.socket || port === undefined) return command.words;
  const bind = server.serves.bind;
  const added: string[] = [];
  if (bind.style === 'hostport') {
    if (command.bind.port === undefined) added.push(bind.options.at(-1)!, `0.0.0.0:${port}`);
  } else {
    if (command.bind.host === undefined) added.push(bind.host.at(-1)!, '0.0.0.0');
    if (command.bind.port === undefined) added.push(bind.port.at(-1)!, String(port));
  }
  const sub = server.subcommand === undefined ? -1 : command.words.indexOf(server.subcommand, command.argsFrom);
  const at = sub >= 0 ? sub + 1 : command.argsFrom;
  return [...command.words.slice(0, at), ...added, ...command.words.slice(at)];
}
