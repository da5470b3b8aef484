/**
 * Start commands with arguments (`--entrypoint 'gunicorn app:app'`) and `--port`: how a command
 * line is split, what shell syntax is refused and how, where servers are made to bind, and how
 * the port follows from the command. Pure functions; no Docker.
 */
import { describe, expect, it } from 'vitest';
import { joinCommand, splitCommand } from '../lib/command.js';
import { ValidationError, checkCombination, commandWarning, developmentWarning, parseEntrypoint, parseGiven, parsePort, proposedPort } from '../lib/questions.js';
import { SERVERS } from '../lib/servers.js';
import { boundWords, parseCommand } from '../lib/start.js';

/** The rule of the ValidationError a call throws, with the field it names. */
function refusal(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    if (error instanceof ValidationError) return `${error.field}: ${error.rule}`;
    throw error;
  }
  throw new Error('not refused');
}

/** What the image runs for a command, with the port the generator would use. */
function runs(line: string, port?: number): string[] {
  const command = parseCommand(parseEntrypoint(line));
  return boundWords(command, port ?? proposedPort(line));
}

describe('splitting a command line like a shell, without one', () => {
  it.each([
    ['gunicorn -b 0.0.0.0:8000 app:app', ['gunicorn', '-b', '0.0.0.0:8000', 'app:app']],
    ['  uvicorn   app.main:app\t--workers 2 ', ['uvicorn', 'app.main:app', '--workers', '2']],
    [`gunicorn --access-logformat '%(h)s "%(r)s"' app:app`, ['gunicorn', '--access-logformat', '%(h)s "%(r)s"', 'app:app']],
    [`celery -A proj worker --hostname "worker one"`, ['celery', '-A', 'proj', 'worker', '--hostname', 'worker one']],
    [String.raw`gunicorn --name my\ app app:app`, ['gunicorn', '--name', 'my app', 'app:app']],
    [`python -m uvicorn 'app:app'`, ['python', '-m', 'uvicorn', 'app:app']],
    // Quoted, a $ is a character like any other: no shell would expand it either.
    [`gunicorn --name '$HOME' app:app`, ['gunicorn', '--name', '$HOME', 'app:app']],
  ])('%s', (line, words) => {
    expect(splitCommand(line)).toEqual(words);
    // and back: what the README and prompts show splits into the same words
    expect(splitCommand(joinCommand(words))).toEqual(words);
  });

  const INSTEAD = {
    chain: 'chains commands, and the image has no shell: give only the command that starts the app, and run other steps (e.g. migrations) as their own command, e.g. docker run --entrypoint /opt/venv/bin/python IMAGE manage.py migrate',
    redirect: "is a redirect, and the image has no shell: drop it; the app's output goes to the container's log",
    variable: 'is a variable, and no shell expands it: give the value (the port with --port)',
    substitution: 'is a command substitution, and the image has no shell: give the value itself',
  };
  it.each([
    ['python manage.py migrate && gunicorn app:app', `'&&' ${INSTEAD.chain}`],
    ['python manage.py migrate; gunicorn app:app', `';' ${INSTEAD.chain}`],
    ['gunicorn app:app || true', `'||' ${INSTEAD.chain}`],
    ['gunicorn app:app &', `'&' ${INSTEAD.chain}`],
    ['gunicorn app:app | tee log', "'|' is a pipe, and the image has no shell: give one command; it logs to stdout"],
    ['gunicorn app:app > /tmp/log', `'>' ${INSTEAD.redirect}`],
    ['gunicorn app:app 2>&1', `'>&' ${INSTEAD.redirect}`],
    ['gunicorn app:app < /dev/null', `'<' ${INSTEAD.redirect}`],
    ['gunicorn -b 0.0.0.0:$PORT app:app', `'$PORT' ${INSTEAD.variable}`],
    ['gunicorn -b "0.0.0.0:${PORT}" app:app', `'$PORT' ${INSTEAD.variable}`],
    ['gunicorn $(cat args) app:app', `'$(...)' ${INSTEAD.substitution}`],
    ['gunicorn `cat args` app:app', `'\`...\`' ${INSTEAD.substitution}`],
    ['gunicorn *.py', "'*.py' is shell syntax, and the image has no shell: give plain words, quoted where they hold spaces"],
    ['gunicorn app:app # the server', "'#' starts a shell comment: remove it, or quote the word that holds it"],
  ])('refuses %s, saying what to do instead', (line, rule) => {
    expect(refusal(() => parseEntrypoint(line))).toBe(`--entrypoint: ${rule}`);
  });

  it('refuses what no console script can be: paths, python -c, a python without a script or module', () => {
    expect(refusal(() => parseEntrypoint('/usr/local/bin/gunicorn app:app'))).toBe(
      "--entrypoint: '/usr/local/bin/gunicorn' is a path: give the console script's name (e.g. gunicorn); it runs from the venv",
    );
    expect(refusal(() => parseEntrypoint("python -c 'import app'"))).toBe(
      "--entrypoint: python -c runs code from the command line: put the code in a file and give 'python path/to/file.py'",
    );
    expect(refusal(() => parseEntrypoint('python --version now'))).toMatch(/^--entrypoint: python needs a script path ending in \.py or -m and a module/);
    expect(refusal(() => parseEntrypoint('python ../x.py serve'))).toBe("--entrypoint: must stay inside the project (no '..')");
    expect(refusal(() => parseEntrypoint('gunicorn json:app'))).toBe("--entrypoint: 'json' is a standard-library module name and would shadow it for every import; rename it");
    expect(refusal(() => parseEntrypoint(`gunicorn ${'a'.repeat(1000)}`))).toBe('--entrypoint: is longer than 1000 characters');
  });

  it('keeps the single-word forms as they were: script, module, module:function', () => {
    expect(parseEntrypoint('src/app.py')).toBe('src/app.py');
    expect(parseEntrypoint('svc.main')).toBe('svc.main');
    expect(parseEntrypoint('tool.cli:main')).toBe('tool.cli:main');
    expect(refusal(() => parseEntrypoint('"app".py'))).toMatch(/is not a safe script path/);
  });
});

describe('what the image runs, and where a server binds', () => {
  it.each([
    // No bind: gunicorn, uvicorn, flask run, daphne default to loopback; the bind is added.
    ['gunicorn app:app', ['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'], 8000],
    ['uvicorn app.main:app', ['uvicorn', '--host', '0.0.0.0', '--port', '8000', 'app.main:app'], 8000],
    ['flask --app app run', ['flask', '--app', 'app', 'run', '--host', '0.0.0.0', '--port', '5000'], 5000],
    ['daphne proj.asgi:application', ['daphne', '--bind', '0.0.0.0', '--port', '8000', 'proj.asgi:application'], 8000],
    ['python -m uvicorn app:app', ['python', '-m', 'uvicorn', '--host', '0.0.0.0', '--port', '8000', 'app:app'], 8000],
    // An explicit bind on every address is kept as given, and gives the port.
    ['gunicorn -b :5000 microblog:app', ['gunicorn', '-b', ':5000', 'microblog:app'], 5000],
    ['gunicorn --bind=0.0.0.0:9000 -w 4 app:app', ['gunicorn', '--bind=0.0.0.0:9000', '-w', '4', 'app:app'], 9000],
    ['uvicorn --host=0.0.0.0 app.main:app', ['uvicorn', '--port', '8000', '--host=0.0.0.0', 'app.main:app'], 8000],
    ['uvicorn app:app --host :: --port 8080', ['uvicorn', 'app:app', '--host', '::', '--port', '8080'], 8080],
    // Not serving: nothing is added, and no port is proposed.
    ['celery -A proj worker -l info', ['celery', '-A', 'proj', 'worker', '-l', 'info'], undefined],
    ['flask --app app db upgrade', ['flask', '--app', 'app', 'db', 'upgrade'], undefined],
    ['python manage.py runserver 0.0.0.0:8000', ['python', 'manage.py', 'runserver', '0.0.0.0:8000'], undefined],
  ])('%s', (line, words, port) => {
    expect(proposedPort(line)).toBe(port);
    expect(runs(line)).toEqual(words);
  });

  it('binds the port that was asked for when the command names none', () => {
    expect(runs('gunicorn app:app', 9000)).toEqual(['gunicorn', '--bind', '0.0.0.0:9000', 'app:app']);
    expect(runs('uvicorn app:app --host 0.0.0.0', 8001)).toEqual(['uvicorn', '--port', '8001', 'app:app', '--host', '0.0.0.0']);
  });

  it.each([
    ['gunicorn -b 127.0.0.1:8000 app:app', 'gunicorn binds 127.0.0.1, which nothing outside the container can reach: bind 0.0.0.0:8000'],
    ['gunicorn -b localhost app:app', 'gunicorn binds localhost, which nothing outside the container can reach: bind 0.0.0.0:8000'],
    ['uvicorn app:app --host 127.0.0.1 --port 8080', 'uvicorn binds 127.0.0.1, which nothing outside the container can reach: bind 0.0.0.0:8080'],
    ['flask run -h ::1', 'flask binds ::1, which nothing outside the container can reach: bind 0.0.0.0:5000'],
    ['uvicorn app:app --port http', "uvicorn --port: 'http' is not a port (1-65535)"],
    ['gunicorn -b 0.0.0.0:70000 app:app', "gunicorn --bind 0.0.0.0:70000: '70000' is not a port (1-65535)"],
    ['fastapi dev main.py', 'fastapi dev reloads on every change and binds loopback: use fastapi run in an image'],
  ])('refuses %s', (line, rule) => {
    expect(refusal(() => parseEntrypoint(line))).toBe(`--entrypoint: ${rule}`);
  });

  it('puts the executable in ENTRYPOINT and the arguments in CMD, so docker run IMAGE ... replaces only the arguments', () => {
    const command = parseCommand('python -u -m gunicorn -w 2 app:app');
    expect(command.words.slice(0, command.argsFrom)).toEqual(['python', '-u', '-m', 'gunicorn']);
    expect(command.words.slice(command.argsFrom)).toEqual(['-w', '2', 'app:app']);
    expect(parseCommand('gunicorn -w 2 app:app').argsFrom).toBe(1);
  });

  it('finds the app argument where each server takes it', () => {
    expect(parseCommand('gunicorn -w 4 --log-level debug proj.wsgi').app).toEqual({ module: 'proj.wsgi', callable: undefined, factory: false });
    expect(parseCommand("gunicorn 'app:create_app()'").app).toEqual({ module: 'app', callable: 'create_app', factory: true });
    expect(parseCommand('uvicorn --workers 2 app.main:app').app).toEqual({ module: 'app.main', callable: 'app', factory: false });
    expect(parseCommand('flask --app web:server run').app).toEqual({ module: 'web', callable: 'server', factory: false });
    expect(parseCommand('celery --app=proj worker').app).toEqual({ module: 'proj', callable: undefined, factory: false });
  });
});

describe('--port', () => {
  it('takes 1 to 65535, or - for none', () => {
    expect(parsePort('8000')).toBe(8000);
    expect(parsePort(' 1 ')).toBe(1);
    expect(parsePort('65535')).toBe(65535);
    expect(parsePort('-')).toBeUndefined();
    expect(parsePort('')).toBeUndefined();
    for (const bad of ['0', '65536', '80.5', '-1', 'http', '8000/tcp', '0x50', '１２３'])
      expect(refusal(() => parsePort(bad))).toBe(`--port: '${bad}' is not a port: give a whole number from 1 to 65535 ('-' for none)`);
  });

  it('must agree with the port the command binds, and a server must have one', () => {
    expect(refusal(() => parseGiven({ entrypoint: 'gunicorn -b :5000 app:app', port: '8000' }))).toBe(
      '--port: 8000 is not the port the command binds (5000): give --port 5000, or change the bind',
    );
    expect(refusal(() => parseGiven({ entrypoint: 'gunicorn app:app', port: '-' }))).toBe('--port: gunicorn serves on a port: give one (its own default is 8000, on 127.0.0.1 only)');
    expect(parseGiven({ entrypoint: 'gunicorn -b :5000 app:app', port: '5000' })).toMatchObject({ port: 5000 });
    // a script may listen on whatever port it says; nothing is proposed
    expect(parseGiven({ entrypoint: 'src/app.py', port: '8080' })).toMatchObject({ port: 8080 });
    expect(proposedPort('src/app.py')).toBeUndefined();
    expect(() => checkCombination({ entrypoint: 'celery -A proj worker', port: undefined })).not.toThrow();
  });
});

describe('a command no dependency provides', () => {
  it('names the distribution for known servers, and says the build will check the rest', () => {
    expect(commandWarning('gunicorn app:app', ['flask'])).toBe(
      "gunicorn comes from gunicorn, which is not a dependency: add it (e.g. --deps 'gunicorn'), or the build fails at the check stage",
    );
    expect(commandWarning('flask --app app run', ['gunicorn'])).toMatch(/^flask comes from Flask, which is not a dependency/);
    expect(commandWarning('python -m uvicorn app:app', [])).toMatch(/^python -m uvicorn comes from uvicorn, which is not a dependency/);
    expect(commandWarning('mytool serve', ['requests'])).toBe(
      "no listed dependency is named like 'mytool': the build fails at the check stage unless one of them installs that console script",
    );
    expect(commandWarning('gunicorn app:app', ['Flask', 'Gunicorn'])).toBeUndefined();
    expect(commandWarning('flask --app app run', ['flask'])).toBeUndefined();
    expect(commandWarning('python src/app.py --verbose', [])).toBeUndefined();
    expect(commandWarning('src/app.py', [])).toBeUndefined();
  });

  it('every known server names a distribution that is a valid requirement', () => {
    for (const server of SERVERS) expect(() => parseGiven({ deps: [server.distribution] }), server.script).not.toThrow();
  });
});

describe('what a new user tried', () => {
  it('an unclosed quote is refused, as a shell would refuse it', () => {
    expect(refusal(() => parseEntrypoint("gunicorn 'app:app"))).toBe("--entrypoint: a ' quote is not closed: close it, or quote the word differently");
    expect(refusal(() => parseEntrypoint('gunicorn "app:app'))).toBe('--entrypoint: a " quote is not closed: close it, or quote the word differently');
    expect(splitCommand(String.raw`gunicorn --name it\'s app:app`)).toEqual(['gunicorn', '--name', "it's", 'app:app']);
  });

  it('a misspelt server gets a hint', () => {
    expect(commandWarning('gunicron app:app', ['flask', 'gunicorn'])).toBe(
      "no listed dependency is named like 'gunicron' (did you mean gunicorn?): the build fails at the check stage unless one of them installs that console script",
    );
  });

  it('a worker is given no port', () => {
    expect(refusal(() => parseGiven({ entrypoint: 'celery -A proj worker', port: '8000' }))).toBe("--port: celery is a worker and listens on no port: give '-' (or no --port)");
  });
});

describe('a development server as the command', () => {
  it.each([
    ['python manage.py runserver 0.0.0.0:8000', true],
    ['python app/manage.py runserver', true],
    ['django-admin runserver 0.0.0.0:8000', true],
    ['python manage.py migrate', false],
    ['gunicorn mysite.wsgi:application', false],
    ['python runserver.py', false],
  ])('%s: warned %s', (command, warned) => {
    expect(developmentWarning(command) !== undefined).toBe(warned);
  });
});
