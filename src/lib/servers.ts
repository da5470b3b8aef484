/**
 * Commands that start Python apps, as data: which distribution installs each console script,
 * whether it serves on a port, where it binds when told nothing, how it is told otherwise, and
 * where its app argument is. Validation, the bind rewrite, the generation-time warning, the
 * proposed port and the sample app all read this table. Defaults were read from each server's
 * own source (versions packaged by Debian 13, checked 2026-12-01): gunicorn/config.py `Bind`
 * (127.0.0.1:8000), uvicorn/config.py (host 127.0.0.1, port 8000), hypercorn/config.py
 * (127.0.0.1:8000), flask/cli.py `run` (127.0.0.1, 5000), fastapi_cli/cli.py (`run` 0.0.0.0,
 * `dev` 127.0.0.1, port 8000), daphne/cli.py (127.0.0.1:8000), waitress/adjustments.py
 * (0.0.0.0:8080).
 */

/** How a server is told where to listen. */
export type Bind =
  /** One option taking HOST:PORT (gunicorn's --bind). */
  | { style: 'hostport'; options: string[] }
  /** Separate host and port options (uvicorn's --host and --port). */
  | { style: 'host+port'; host: string[]; port: string[] };

/** What kind of app the command serves, for the sample app of a new project. */
export type AppKind = 'wsgi' | 'asgi' | 'flask' | 'fastapi';

export interface Server {
  /** The console script (or `python -m` module) name. */
  script: string;
  /** The distribution that installs it, as a requirement a user would add. */
  distribution: string;
  /** For a command with subcommands (flask run, fastapi run): the one that serves. */
  subcommand?: string;
  /** Subcommands that must not run in an image, with the reason and what to use instead. */
  refused?: Record<string, string>;
  /** Serving: its own default port and host, how to bind it, and the kind of app it loads. */
  serves?: { port: number; host: string; bind: Bind; app: AppKind };
  /** Where the app reference is: positional (the last plain word), or an option's value. */
  appArgument?: { option?: string[] };
  /** Options that take a value (the word after them is not positional). */
  valued?: string[];
  /** SIGINT for a server without a SIGTERM handler of its own (Flask's development server, as PID 1). */
  stopSignal?: 'SIGINT';
  /** A worker: it listens on no port (celery, rq). */
  worker?: boolean;
  /** Options for development only, refused in an image (and dropped, with a note, from a detected command). */
  development?: string[];
}

export const SERVERS: readonly Server[] = [
  {
    script: 'gunicorn',
    distribution: 'gunicorn',
    serves: { port: 8000, host: '127.0.0.1', bind: { style: 'hostport', options: ['-b', '--bind'] }, app: 'wsgi' },
    appArgument: {},
    valued: ['-c', '--config', '-w', '--workers', '-k', '--worker-class', '--threads', '-t', '--timeout', '--log-level', '--access-logfile', '--error-logfile', '--chdir', '--worker-tmp-dir', '-e', '--env', '--graceful-timeout', '--keep-alive', '--max-requests', '--name', '-n', '--pythonpath', '--forwarded-allow-ips', '--log-config', '--access-logformat', '--user', '-u', '--group', '-g', '--umask', '-m', '--statsd-host', '--max-requests-jitter', '--limit-request-line'],
    development: ['--reload'],
  },
  {
    script: 'uvicorn',
    distribution: 'uvicorn',
    serves: { port: 8000, host: '127.0.0.1', bind: { style: 'host+port', host: ['--host'], port: ['--port'] }, app: 'asgi' },
    appArgument: {},
    development: ['--reload'],
    valued: ['--host', '--port', '--uds', '--fd', '--workers', '--log-level', '--log-config', '--loop', '--http', '--ws', '--lifespan', '--interface', '--env-file', '--root-path', '--app-dir', '--forwarded-allow-ips', '--timeout-keep-alive', '--limit-concurrency', '--backlog', '--ssl-keyfile', '--ssl-certfile', '--header', '--timeout-graceful-shutdown'],
  },
  {
    script: 'hypercorn',
    distribution: 'hypercorn',
    serves: { port: 8000, host: '127.0.0.1', bind: { style: 'hostport', options: ['-b', '--bind'] }, app: 'asgi' },
    appArgument: {},
    valued: ['-c', '--config', '-w', '--workers', '-k', '--worker-class', '--log-level', '--access-logfile', '--error-logfile', '--root-path', '--graceful-timeout', '--insecure-bind', '--quic-bind', '--keep-alive', '--backlog', '-u', '-g'],
  },
  {
    script: 'daphne',
    distribution: 'daphne',
    serves: { port: 8000, host: '127.0.0.1', bind: { style: 'host+port', host: ['-b', '--bind'], port: ['-p', '--port'] }, app: 'asgi' },
    appArgument: {},
    valued: ['-b', '--bind', '-p', '--port', '-u', '--unix-socket', '--fd', '-e', '--endpoint', '-v', '--verbosity', '--access-log', '--log-fmt', '--root-path', '--http-timeout', '--websocket_timeout', '--application-close-timeout', '--ping-interval', '--ping-timeout', '--proxy-headers-host', '--proxy-headers-port'],
  },
  {
    script: 'flask',
    distribution: 'Flask',
    subcommand: 'run',
    serves: { port: 5000, host: '127.0.0.1', bind: { style: 'host+port', host: ['-h', '--host'], port: ['-p', '--port'] }, app: 'flask' },
    appArgument: { option: ['-A', '--app'] },
    valued: ['-A', '--app', '-e', '--env-file', '-h', '--host', '-p', '--port', '--cert', '--key', '--extra-files', '--exclude-patterns'],
    development: ['--reload', '--debug', '--debugger'],
    stopSignal: 'SIGINT',
  },
  {
    script: 'fastapi',
    distribution: 'fastapi[standard]',
    subcommand: 'run',
    refused: { dev: 'fastapi dev reloads on every change and binds loopback: use fastapi run in an image' },
    serves: { port: 8000, host: '0.0.0.0', bind: { style: 'host+port', host: ['--host'], port: ['--port'] }, app: 'fastapi' },
    appArgument: {},
    valued: ['--host', '--port', '--workers', '--root-path', '--app', '--entrypoint', '-e'],
  },
  {
    script: 'waitress-serve',
    distribution: 'waitress',
    serves: { port: 8080, host: '0.0.0.0', bind: { style: 'host+port', host: ['--host'], port: ['--port'] }, app: 'wsgi' },
    appArgument: {},
    valued: ['--host', '--port', '--listen', '--unix-socket', '--threads', '--url-scheme', '--ident', '--backlog', '--channel-timeout'],
  },
  { script: 'uwsgi', distribution: 'uWSGI', valued: ['--ini', '--http', '--http-socket', '--socket', '--module', '--wsgi-file', '--processes', '--threads'] },
  { script: 'celery', distribution: 'celery', worker: true, appArgument: { option: ['-A', '--app'] }, valued: ['-A', '--app', '-l', '--loglevel', '-c', '--concurrency', '-Q', '--queues', '-b', '--broker'] },
  { script: 'rq', distribution: 'rq', worker: true },
  { script: 'dramatiq', distribution: 'dramatiq', worker: true },
  { script: 'streamlit', distribution: 'streamlit' },
  { script: 'django-admin', distribution: 'Django' },
];

export function findServer(script: string): Server | undefined {
  return SERVERS.find((s) => s.script === script);
}
