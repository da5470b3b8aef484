/**
 * Start-command detection in existing projects (detect-start.ts): each source (compose,
 * Dockerfile, start scripts, Procfile), their precedence, unwrapping, variables, path mapping,
 * hostile input, and the real-project fixtures in test/fixtures/real against expected.json.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { detectStart, hasMainBlock, type StartDetection } from '../lib/detect-start.js';
import { commandPort, parseCommand } from '../lib/start.js';
import { joinCommand } from '../lib/command.js';
import { ROOT } from './helpers.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temporary project with these files. */
function project(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dp-start-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const detect = (files: Record<string, string | Buffer>): StartDetection => detectStart(project(files));
const words = (files: Record<string, string | Buffer>): string[] | undefined => detect(files).command?.words;
/** What a Procfile web line unwraps to (no Dockerfile: no path mapping). */
const web = (line: string): StartDetection => detect({ Procfile: `web: ${line}\n` });

describe('compose', () => {
  it('takes command: of the service that builds this directory, as a string or a list', () => {
    const found = detect({ 'compose.yaml': 'services:\n  web:\n    build: .\n    command: gunicorn -b 0.0.0.0:8000 app:app\n' });
    expect(found.command).toEqual({ words: ['gunicorn', '-b', '0.0.0.0:8000', 'app:app'], from: 'compose.yaml services.web.command', dropped: [] });
    expect(words({ 'compose.yml': 'services:\n  web:\n    build: ./\n    command: ["uvicorn", "main:app", "--host", "0.0.0.0"]\n' })).toEqual(['uvicorn', 'main:app', '--host', '0.0.0.0']);
    expect(words({ 'docker-compose.yaml': 'services:\n  web:\n    build:\n      context: .\n    command: [flask, run]\n' })).toEqual(['flask', 'run']);
    expect(words({ 'docker-compose.yml': 'services:\n  web:\n    build: {context: ./}\n    command: flask run\n' })).toEqual(['flask', 'run']);
  });

  it('reads the first compose file that exists, in the documented order', () => {
    const found = detect({
      'docker-compose.yml': 'services:\n  web:\n    build: .\n    command: old\n',
      'compose.yaml': 'services:\n  web:\n    build: .\n    command: new\n',
    });
    expect(found.command?.words).toEqual(['new']);
  });

  it('ignores services that build elsewhere or use an image', () => {
    const found = detect({
      'compose.yaml': 'services:\n  db:\n    image: postgres\n    command: postgres -c x=1\n  web:\n    build: ./frontend\n    command: npm start\n  up:\n    build: {context: ..}\n    command: up\n',
    });
    expect(found.command).toBeUndefined();
    expect(found.others).toEqual([]);
  });

  it('prefers a service named web/app/api/backend/server, and names the others', () => {
    const found = detect({
      'compose.yaml': 'services:\n  worker:\n    build: .\n    command: celery -A proj worker\n  api:\n    build: .\n    command: uvicorn main:app\n',
    });
    expect(found.command?.words).toEqual(['uvicorn', 'main:app']);
    expect(found.others.map((o) => o.words)).toEqual([['celery', '-A', 'proj', 'worker']]);
    expect(found.others[0].from).toBe('compose.yaml services.worker.command');
    expect(found.problems.join('\n')).toContain('several services (worker, api): used api');
  });

  it('takes the first qualifying service when none has a preferred name', () => {
    const found = detect({ 'compose.yaml': 'services:\n  one:\n    build: .\n    command: a\n  two:\n    build: .\n    command: b\n' });
    expect(found.command?.words).toEqual(['a']);
    expect(found.others.map((o) => o.words)).toEqual([['b']]);
  });

  it('combines entrypoint: and command:', () => {
    const found = detect({ 'compose.yaml': 'services:\n  web:\n    build: .\n    entrypoint: ["python3"]\n    command: ["app.py"]\n', 'app.py': 'if __name__ == "__main__":\n    pass\n' });
    expect(found.command?.words).toEqual(['python', 'app.py']);
    expect(found.command?.from).toBe('compose.yaml services.web.entrypoint + command');
    expect(found.command?.dropped).toEqual(['python3 → python']);
  });

  it("runs command: through the Dockerfile's ENTRYPOINT, as Docker does", () => {
    const found = detect({
      'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/app.Dockerfile\n    command: app.py\n',
      'docker/app.Dockerfile': 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["python3"]\nCMD ["other.py"]\n',
      'app.py': 'if __name__ == "__main__":\n    pass\n',
    });
    expect(found.command?.words).toEqual(['python', 'app.py']);
    expect(found.command?.from).toBe('docker/app.Dockerfile ENTRYPOINT + compose.yaml services.web.command');
    // The Dockerfile named by compose is also the old Dockerfile when there is no Dockerfile or docker/Dockerfile.
    expect(found.others.map((o) => o.words)).toEqual([['python', 'other.py']]);
  });

  it('passes command: through an entrypoint script that ends with exec "$@"', () => {
    const found = detect({
      'compose.yaml': 'services:\n  web:\n    build: .\n    command: uvicorn main:app --port 8000\n',
      Dockerfile: 'FROM python\nWORKDIR /usr/src/app\nCOPY . .\nENTRYPOINT ["/usr/src/app/entrypoint.sh"]\n',
      'entrypoint.sh': '#!/bin/sh\nwhile ! nc -z db 5432; do sleep 0.1; done\nexec "$@"\n',
    });
    expect(found.command?.words).toEqual(['uvicorn', 'main:app', '--port', '8000']);
    expect(found.command?.from).toBe('Dockerfile ENTRYPOINT + compose.yaml services.web.command, through entrypoint.sh (exec "$@")');
    expect(found.command?.dropped).toEqual(['nc -z db 5432 (earlier in entrypoint.sh)']);
    // The Dockerfile alone gives nothing (no CMD), which is not a problem once compose gave the command.
    expect(found.problems).toEqual([]);
  });

  it('unwraps sh -c with a folded && chain (recipe-app-api style)', () => {
    const found = detect({
      'docker-compose.yml':
        'services:\n  app:\n    build:\n      context: .\n    command: >\n      sh -c "python manage.py wait_for_db &&\n             python manage.py migrate &&\n             python manage.py runserver 0.0.0.0:8000"\n',
      'manage.py': '',
    });
    expect(found.command?.words).toEqual(['python', 'manage.py', 'runserver', '0.0.0.0:8000']);
    expect(found.command?.dropped).toEqual(['sh -c', 'python manage.py wait_for_db && python manage.py migrate (before &&)']);
  });

  it('reads the container side of ports:, then expose:', () => {
    const port = (ports: string): number | undefined => detect({ 'compose.yaml': `services:\n  web:\n    build: .\n${ports}` }).port?.value;
    expect(port('    ports:\n      - "8000:8000"\n')).toBe(8000);
    expect(port('    ports:\n      - "8004:8001"\n')).toBe(8001);
    expect(port('    ports:\n      - "127.0.0.1:9000:8002"\n')).toBe(8002);
    expect(port('    ports:\n      - "8003"\n')).toBe(8003);
    expect(port('    ports:\n      - 8013\n')).toBe(8013);
    expect(port('    ports:\n      - "8004/tcp"\n')).toBe(8004);
    expect(port('    ports:\n      - 8005:8005/udp\n')).toBe(8005);
    expect(port('    ports:\n      - target: 8006\n        published: 80\n')).toBe(8006);
    expect(port('    ports:\n      - "[::1]:9000:8007"\n')).toBe(8007);
    expect(port('    expose:\n      - "8008"\n')).toBe(8008);
    expect(port('    ports:\n      - "8009:8009"\n      - "9000:9000"\n')).toBe(8009);
    const found = detect({ 'compose.yaml': 'services:\n  web:\n    build: .\n    ports:\n      - "${HOST_PORT}:${APP_PORT}"\n      - 8010:8010\n' });
    expect(found.port).toEqual({ value: 8010, from: 'compose.yaml services.web.ports' });
    expect(found.problems.join('\n')).toContain('gives no container port');
  });

  it('prefers the compose port over EXPOSE', () => {
    const found = detect({ 'compose.yaml': 'services:\n  web:\n    build: .\n    ports: ["8000:8000"]\n', Dockerfile: 'FROM python\nEXPOSE 5000\nCMD ["flask", "run"]\n' });
    expect(found.port).toEqual({ value: 8000, from: 'compose.yaml services.web.ports' });
  });

  it("handles compose's $$ escape and interpolation", () => {
    const found = detect({
      'compose.yaml': "services:\n  web:\n    build: .\n    ports: ['8000:8000']\n    command: sh -c 'gunicorn -b :$$PORT -w ${WORKERS:-2} app:app'\n",
    });
    expect(found.command?.words).toEqual(['gunicorn', '-b', ':8000', '-w', '2', 'app:app']);
    expect(found.command?.dropped).toContain('$PORT replaced by 8000 (from compose.yaml services.web.ports)');
    expect(found.command?.dropped).toContain('${WORKERS:-2} replaced by its default 2');
  });

  it("resolves variables from the service's environment", () => {
    const found = detect({ 'compose.yaml': 'services:\n  web:\n    build: .\n    environment:\n      PORT: 8080\n    command: ["sh", "-c", "waitress-serve --port=$$PORT app:app"]\n' });
    expect(found.command?.words).toEqual(['waitress-serve', '--port=8080', 'app:app']);
    expect(found.command?.dropped).toContain('$PORT replaced by 8080 (from compose.yaml services.web.environment)');
    const list = detect({ 'compose.yaml': 'services:\n  web:\n    build: .\n    environment:\n      - APP=main:app\n    command: uvicorn $${APP}\n' });
    expect(list.command?.words).toEqual(['uvicorn', 'main:app']);
  });

  it('warns when a string command chains commands without a shell', () => {
    const found = detect({ 'compose.yaml': 'services:\n  web:\n    build: .\n    command: python manage.py migrate && gunicorn app:app\n' });
    expect(found.command?.words).toEqual(['gunicorn', 'app:app']);
    expect(found.command?.dropped).toEqual(['python manage.py migrate (before &&)']);
    expect(found.problems.join('\n')).toContain('compose runs the command without a shell');
  });

  it('reports malformed compose files instead of throwing', () => {
    expect(detect({ 'compose.yaml': 'services: [\n  - : :\n' }).problems.join('\n')).toContain('compose.yaml does not parse');
    expect(detect({ 'compose.yaml': 'just a string\n' }).problems).toEqual(['compose.yaml has no services']);
    expect(detect({ 'compose.yaml': 'services:\n  web:\n    build: .\n    command: {a: 1}\n' }).problems.join('\n')).toContain('neither a string nor a list');
    expect(detect({ 'compose.yaml': 'a: &a [*a, *a]\n' }).command).toBeUndefined();
    expect(detect({ 'compose.yaml': `services:\n  web:\n    build: .\n    command: ${'x'.repeat(10)}\nk: v\nk: w\n` }).problems.join('\n')).toContain('does not parse');
  });

  it('mentions an override file it does not read', () => {
    const found = detect({ 'compose.yaml': 'services:\n  web:\n    build: .\n    command: a\n', 'compose.override.yml': 'services:\n  web:\n    command: b\n' });
    expect(found.command?.words).toEqual(['a']);
    expect(found.problems).toEqual(['compose.override.yml may change what compose.yaml says; it is not read']);
  });

  it('reads a compose file one level up only when told to (options.compose)', () => {
    const root = project({
      'compose.yaml': 'services:\n  app:\n    build: ./backend\n    ports: ["8001:8000"]\n    command: gunicorn -b 0.0.0.0:8000 app:app\n',
      'backend/Dockerfile': 'FROM python\nCMD ["python", "app.py"]\n',
      'backend/app.py': 'app = None\n',
    });
    const alone = detectStart(path.join(root, 'backend'));
    expect(alone.command?.words).toEqual(['python', 'app.py']);
    expect(alone.port).toBeUndefined();
    const told = detectStart(path.join(root, 'backend'), { compose: { dir: root, context: 'backend' } });
    expect(told.command).toEqual({ words: ['gunicorn', '-b', '0.0.0.0:8000', 'app:app'], from: '../compose.yaml services.app.command', dropped: [] });
    expect(told.port).toEqual({ value: 8000, from: '../compose.yaml services.app.ports' });
    expect(told.others.map((o) => o.words)).toEqual([['python', 'app.py']]);
  });
});

describe('Dockerfile', () => {
  it('reads exec-form and shell-form CMD', () => {
    expect(detect({ Dockerfile: 'FROM python\nCMD [ "gunicorn", "app:app"]\n' }).command).toEqual({ words: ['gunicorn', 'app:app'], from: 'Dockerfile CMD', dropped: [] });
    const shell = detect({ Dockerfile: 'FROM python\nCMD gunicorn --bind "0.0.0.0:8000" \\\n    app:app\n' });
    expect(shell.command).toEqual({ words: ['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'], from: 'Dockerfile CMD (shell form)', dropped: [] });
    // Not a JSON array: Docker runs it as shell form.
    expect(words({ Dockerfile: "FROM python\nCMD ['gunicorn', 'app:app']\n" })).toEqual(['[gunicorn,', 'app:app]']);
  });

  it('combines ENTRYPOINT and CMD; a shell-form ENTRYPOINT ignores CMD', () => {
    const both = detect({ Dockerfile: 'FROM python\nENTRYPOINT ["gunicorn"]\nCMD ["-b", ":8000", "app:app"]\n' });
    expect(both.command).toEqual({ words: ['gunicorn', '-b', ':8000', 'app:app'], from: 'Dockerfile ENTRYPOINT + CMD', dropped: [] });
    const shell = detect({ Dockerfile: 'FROM python\nENTRYPOINT exec uvicorn main:app\nCMD ["--reload"]\n' });
    expect(shell.command).toEqual({ words: ['uvicorn', 'main:app'], from: 'Dockerfile ENTRYPOINT (shell form)', dropped: ['CMD --reload (a shell-form ENTRYPOINT ignores it)', 'exec'] });
    const shellCmd = detect({ Dockerfile: 'FROM python\nENTRYPOINT ["tini", "--"]\nCMD gunicorn app:app\n' });
    expect(shellCmd.command?.words).toEqual(['gunicorn', 'app:app']);
    expect(shellCmd.command?.from).toBe('Dockerfile ENTRYPOINT + CMD (shell form)');
    expect(shellCmd.command?.dropped).toEqual(['tini -- (the image does not include tini)']);
  });

  it('treats ENTRYPOINT [] as cleared', () => {
    expect(detect({ Dockerfile: 'FROM python\nENTRYPOINT []\nCMD ["uv", "run", "fastapi", "run"]\n' }).command).toEqual({ words: ['fastapi', 'run'], from: 'Dockerfile CMD', dropped: ['uv run'] });
  });

  it('uses the last CMD of the final stage, and what it inherits from the stage it is FROM', () => {
    expect(words({ Dockerfile: 'FROM python AS build\nCMD ["a"]\nFROM python\nCMD ["b"]\nCMD ["c"]\n' })).toEqual(['c']);
    const inherited = detect({ Dockerfile: 'FROM python AS base\nENTRYPOINT ["python3"]\nCMD ["app.py"]\nFROM base AS dev\nRUN true\n', 'app.py': 'if __name__ == "__main__": pass\n' });
    expect(inherited.command?.words).toEqual(['python', 'app.py']);
    expect(inherited.command?.from).toBe('Dockerfile ENTRYPOINT (stage base) + CMD (stage base)');
    // A final stage FROM an outside image inherits nothing from the earlier stage.
    const fresh = detect({ Dockerfile: 'FROM python AS base\nCMD ["a"]\nFROM python:3.12-slim\nRUN true\n' });
    expect(fresh.command).toBeUndefined();
    expect(fresh.problems).toEqual(['Dockerfile has no CMD or ENTRYPOINT: its start command comes from the base image python:3.12-slim, which is not read']);
    // ENTRYPOINT in the later stage resets the inherited CMD, as Docker does.
    expect(words({ Dockerfile: 'FROM python AS base\nCMD ["x"]\nFROM base\nENTRYPOINT ["gunicorn", "app:app"]\n' })).toEqual(['gunicorn', 'app:app']);
    expect(words({ Dockerfile: 'FROM python AS base\nENTRYPOINT ["gunicorn"]\nFROM base\nCMD ["app:app"]\n' })).toEqual(['gunicorn', 'app:app']);
  });

  it('uses the compose build target for the compose service', () => {
    const found = detect({
      'compose.yaml': 'services:\n  web:\n    build: {context: ., target: prod}\n    entrypoint: ["gunicorn"]\n',
      Dockerfile: 'FROM python AS prod\nCMD ["app:app"]\nFROM prod AS dev\nCMD ["--reload", "app:app"]\n',
    });
    expect(found.command?.words).toEqual(['gunicorn']);
    expect(found.others[0].words).toEqual(['--reload', 'app:app']);
  });

  it('falls back to docker/Dockerfile', () => {
    expect(detect({ 'docker/Dockerfile': 'FROM python\nCMD ["flask", "run"]\n' }).command).toEqual({ words: ['flask', 'run'], from: 'docker/Dockerfile CMD', dropped: [] });
  });

  it('reads the port from EXPOSE', () => {
    expect(detect({ Dockerfile: 'FROM python\nEXPOSE 8000/tcp 9000\nCMD ["a"]\n' }).port).toEqual({ value: 8000, from: 'Dockerfile EXPOSE' });
    expect(detect({ Dockerfile: 'FROM python\nENV PORT=8001\nEXPOSE $PORT\n' }).port?.value).toBe(8001);
    const unknown = detect({ Dockerfile: 'FROM python\nEXPOSE $PORT\nCMD ["a"]\n' });
    expect(unknown.port).toBeUndefined();
    expect(unknown.problems).toEqual(['Dockerfile EXPOSE $PORT gives no port number']);
  });

  it('never throws on malformed Dockerfiles', () => {
    for (const text of ['', 'CMD ["a"]\n', 'FROM\n', 'FROM python\nCMD\n', 'FROM python\nCMD ["unterminated\n', 'FROM python\nCOPY\nWORKDIR\nENV\nEXPOSE\n', '\u0000\u0001\uffff', 'FROM a AS b\nFROM b AS a\nCMD ["x"]\n']) {
      expect(() => detect({ Dockerfile: text })).not.toThrow();
    }
    expect(detect({ Dockerfile: 'RUN true\n' }).problems).toEqual(['Dockerfile has no FROM instruction: not used']);
  });
});

describe('start scripts run by the Dockerfile', () => {
  const boot = '#!/bin/bash\nwhile true; do\n    flask db upgrade\n    if [[ "$?" == "0" ]]; then\n        break\n    fi\n    sleep 5\ndone\nexec gunicorn -b :5000 --access-logfile - microblog:app\n';

  it("reads the script's last exec line (microblog style)", () => {
    const found = detect({ Dockerfile: 'FROM python:slim\nCOPY microblog.py boot.sh ./\nEXPOSE 5000\nENTRYPOINT ["./boot.sh"]\n', 'boot.sh': boot, 'microblog.py': '' });
    expect(found.command).toEqual({
      words: ['gunicorn', '-b', ':5000', '--access-logfile', '-', 'microblog:app'],
      from: 'boot.sh (exec line), run by Dockerfile ENTRYPOINT',
      dropped: ['flask db upgrade (earlier in boot.sh)'],
    });
    expect(found.port).toEqual({ value: 5000, from: 'Dockerfile EXPOSE' });
    expect(found.others).toEqual([]);
  });

  it('runs scripts given as sh/bash arguments or found on PATH', () => {
    const script = { 'scripts/run.sh': 'exec uvicorn main:app\n' };
    expect(words({ ...script, Dockerfile: 'FROM python\nWORKDIR /app\nCOPY . .\nCMD ["sh", "scripts/run.sh"]\n' })).toEqual(['uvicorn', 'main:app']);
    expect(words({ ...script, Dockerfile: 'FROM python\nCOPY scripts/run.sh /run.sh\nCMD ["/bin/bash", "-e", "/run.sh"]\n' })).toEqual(['uvicorn', 'main:app']);
    expect(words({ ...script, Dockerfile: 'FROM python\nCOPY scripts/run.sh /usr/local/bin/\nENTRYPOINT ["run.sh"]\n' })).toEqual(['uvicorn', 'main:app']);
    const found = detect({ 'docker-entrypoint': '#!/bin/sh\nexec gunicorn app:app\n', Dockerfile: 'FROM python\nCOPY docker-entrypoint /\nENTRYPOINT ["/docker-entrypoint"]\n' });
    expect(found.command?.words).toEqual(['gunicorn', 'app:app']);
  });

  it('follows exec "$@" to the CMD, and splices "$@" into an exec line', () => {
    const found = detect({
      Dockerfile: 'FROM python\nADD . /code/\nWORKDIR /code/\nENTRYPOINT ["/code/docker-entrypoint.sh"]\nCMD ["uwsgi", "/code/etc/uwsgi.ini"]\n',
      'docker-entrypoint.sh': '#!/bin/sh\nset -e\nuntil psql $DATABASE_URL -c \'\\q\'; do\n  >&2 echo "waiting"\n  sleep 1\ndone\nexec "$@"\n',
      'etc/uwsgi.ini': '[uwsgi]\n',
    });
    expect(found.command).toEqual({
      words: ['uwsgi', 'etc/uwsgi.ini'],
      from: 'Dockerfile ENTRYPOINT + CMD, through docker-entrypoint.sh (exec "$@")',
      dropped: ["psql $DATABASE_URL -c '\\q' (earlier in docker-entrypoint.sh)", '/code/etc/uwsgi.ini → etc/uwsgi.ini (Dockerfile ADD . /code/)'],
    });
    const spliced = detect({ Dockerfile: 'FROM python\nCOPY start.sh /\nENTRYPOINT ["/start.sh"]\nCMD ["--workers", "2"]\n', 'start.sh': 'exec gunicorn app:app "$@"\n' });
    expect(spliced.command?.words).toEqual(['gunicorn', 'app:app', '--workers', '2']);
    expect(spliced.command?.from).toBe('start.sh (exec line), run by Dockerfile ENTRYPOINT + CMD');
    const gosu = detect({ Dockerfile: 'FROM python\nCOPY e.sh /\nENTRYPOINT ["/e.sh"]\nCMD ["celery", "-A", "proj", "worker"]\n', 'e.sh': '#!/bin/sh\nexec gosu app "$@"\n' });
    expect(gosu.command?.words).toEqual(['celery', '-A', 'proj', 'worker']);
    expect(gosu.command?.dropped).toEqual(['gosu app (the image does not include gosu)']);
  });

  it('says when exec "$@" has nothing to run', () => {
    const found = detect({ Dockerfile: 'FROM python\nWORKDIR /usr/src/app\nCOPY . .\nENTRYPOINT ["/usr/src/app/entrypoint.sh"]\n', 'entrypoint.sh': '#!/bin/sh\nexec "$@"\n' });
    expect(found.command).toBeUndefined();
    expect(found.problems).toEqual(['entrypoint.sh ends with exec "$@", and nothing gives it a command (no CMD)']);
  });

  it("uses a script's last server line when it has no exec line", () => {
    const found = detect({ Dockerfile: 'FROM python\nCOPY . /app\nCMD ["/app/start.sh"]\n', 'start.sh': '#!/bin/sh\npython manage.py migrate\ngunicorn app.wsgi\necho done\n' });
    expect(found.command?.words).toEqual(['gunicorn', 'app.wsgi']);
    expect(found.command?.from).toBe('start.sh (last gunicorn line), run by Dockerfile CMD');
    expect(found.command?.dropped).toEqual(['python manage.py migrate (earlier in start.sh)']);
    expect(found.problems).toEqual(['start.sh has no exec line: used its last command that runs gunicorn']);
    const none = detect({ Dockerfile: 'FROM python\nCOPY . /app\nCMD ["/app/start.sh"]\n', 'start.sh': 'echo hi\n' });
    expect(none.command).toBeUndefined();
    expect(none.problems).toEqual(['start.sh has no exec line and runs no known server or python: no start command found in it']);
  });

  it('leaves a script it cannot find as is, with a problem', () => {
    const found = detect({ Dockerfile: 'FROM tiangolo/uvicorn-gunicorn\nCMD ["/start.sh"]\n' });
    expect(found.command?.words).toEqual(['/start.sh']);
    expect(found.problems).toEqual(['the command runs /start.sh, which is not a file of the project that Dockerfile copies there: left as is']);
  });

  it('stops on scripts that run themselves', () => {
    const found = detect({ Dockerfile: 'FROM python\nCOPY . /\nCMD ["/a.sh"]\n', 'a.sh': 'exec /b.sh\n', 'b.sh': 'exec /a.sh\n' });
    expect(found.command).toBeUndefined();
    expect(found.problems).toEqual(['a.sh runs itself: not used']);
  });
});

describe('Procfile', () => {
  it('takes the web process, drops release', () => {
    const found = detect({ Procfile: 'release: python manage.py migrate\nweb: gunicorn app.wsgi --log-file -\nworker: celery -A app worker\n' });
    expect(found.command).toEqual({ words: ['gunicorn', 'app.wsgi', '--log-file', '-'], from: 'Procfile web', dropped: ['release: python manage.py migrate (a Procfile release process)'] });
  });

  it('takes the first process when there is no web, with a problem', () => {
    const found = detect({ Procfile: '# comment\nrelease: ./manage.py migrate\nworker: rq worker\n' });
    expect(found.command?.words).toEqual(['rq', 'worker']);
    expect(found.problems).toEqual(['Procfile has no web process: used worker']);
    expect(detect({ Procfile: '\n# nothing\n' }).problems).toEqual(['Procfile names no process']);
  });

  it('keeps the last command of a chain (microblog style)', () => {
    expect(web('flask db upgrade; flask translate compile; gunicorn microblog:app').command?.dropped).toEqual(['flask db upgrade; flask translate compile (before ;)']);
  });
});

describe('start scripts nothing runs', () => {
  it('uses the first of boot.sh, entrypoint.sh, docker-entrypoint.sh, start.sh, scripts/start.sh', () => {
    const found = detect({ 'start.sh': '#!/bin/sh\nexec hypercorn main:app\n', 'scripts/start.sh': 'exec other\n' });
    expect(found.command).toEqual({ words: ['hypercorn', 'main:app'], from: 'start.sh (exec line)', dropped: [] });
    expect(found.problems).toEqual(['start.sh is not run by a Dockerfile, compose file or Procfile: its command was used as found']);
    expect(words({ 'scripts/start.sh': 'exec daphne app.asgi:application\n' })).toEqual(['daphne', 'app.asgi:application']);
    expect(words({ 'entrypoint.sh': 'exec "$@"\n', 'start.sh': 'exec waitress-serve app:app\n' })).toEqual(['waitress-serve', 'app:app']);
  });

  it('does not list a script a Dockerfile already ran', () => {
    const found = detect({ Dockerfile: 'FROM python\nCOPY boot.sh /\nENTRYPOINT ["/boot.sh"]\n', 'boot.sh': 'exec gunicorn app:app\n' });
    expect(found.others).toEqual([]);
  });
});

describe('precedence', () => {
  const all = {
    'compose.yaml': 'services:\n  web:\n    build: .\n    command: from-compose\n',
    Dockerfile: 'FROM python\nCMD ["from-dockerfile"]\n',
    Procfile: 'web: from-procfile\n',
    'boot.sh': 'exec from-script\n',
  };

  it('compose, then Dockerfile, then Procfile, then start scripts; the rest in others', () => {
    const found = detect(all);
    expect(found.command?.words).toEqual(['from-compose']);
    expect(found.others.map((o) => o.words[0])).toEqual(['from-dockerfile', 'from-procfile', 'from-script']);
    const { 'compose.yaml': _c, ...noCompose } = all;
    expect(detect(noCompose).command?.words).toEqual(['from-dockerfile']);
    const { Dockerfile: _d, ...procfileAndScript } = noCompose;
    expect(detect(procfileAndScript).command?.words).toEqual(['from-procfile']);
    expect(detect({ 'boot.sh': all['boot.sh'] }).command?.words).toEqual(['from-script']);
  });

  it('falls through a compose service without a command', () => {
    const found = detect({ ...all, 'compose.yaml': 'services:\n  web:\n    build: .\n    ports: ["8000:8000"]\n' });
    expect(found.command?.words).toEqual(['from-dockerfile']);
    expect(found.port?.value).toBe(8000);
  });

  it('finds nothing in an empty project', () => {
    expect(detect({})).toEqual({ others: [], problems: [] });
  });
});

describe('unwrapping', () => {
  const cases: [string, string[], string[]][] = [
    ['sh -c "python manage.py migrate && gunicorn app:app"', ['gunicorn', 'app:app'], ['sh -c', 'python manage.py migrate (before &&)']],
    ["bash -c 'alembic upgrade head; uvicorn main:app'", ['uvicorn', 'main:app'], ['bash -c', 'alembic upgrade head (before ;)']],
    ['/bin/sh -ec "a || gunicorn app:app"', ['gunicorn', 'app:app'], ['/bin/sh -ec', 'a (before ||)']],
    ['sh -o pipefail -c "exec gunicorn app:app"', ['gunicorn', 'app:app'], ['sh -o pipefail -c', 'exec']],
    ['exec gunicorn app:app', ['gunicorn', 'app:app'], ['exec']],
    ['FOO=bar DEBUG=0 gunicorn app:app', ['gunicorn', 'app:app'], ['FOO=bar (an environment assignment)', 'DEBUG=0 (an environment assignment)']],
    ['env FOO=bar gunicorn app:app', ['gunicorn', 'app:app'], ['env', 'FOO=bar (an environment assignment)']],
    ['poetry run uvicorn main:app', ['uvicorn', 'main:app'], ['poetry run']],
    ['pipenv run gunicorn app:app', ['gunicorn', 'app:app'], ['pipenv run']],
    ['uv run --no-dev --frozen --no-sync uvicorn main:app', ['uvicorn', 'main:app'], ['uv run --no-dev --frozen --no-sync']],
    ['uv run --with gunicorn --python 3.12 -- gunicorn app:app', ['gunicorn', 'app:app'], ['uv run --with gunicorn --python 3.12 --']],
    ['uv run -m uvicorn main:app', ['python', '-m', 'uvicorn', 'main:app'], ['uv run']],
    ['pdm run flask run', ['flask', 'run'], ['pdm run']],
    ['hatch run gunicorn app:app', ['gunicorn', 'app:app'], ['hatch run']],
    ['rye run uvicorn main:app', ['uvicorn', 'main:app'], ['rye run']],
    ['python -m poetry run gunicorn app:app', ['gunicorn', 'app:app'], ['python -m poetry run']],
    ['dumb-init -- gunicorn app:app', ['gunicorn', 'app:app'], ['dumb-init -- (the image does not include dumb-init)']],
    ['/usr/bin/dumb-init gunicorn app:app', ['gunicorn', 'app:app'], ['/usr/bin/dumb-init (the image does not include dumb-init)']],
    ['tini -s -- gunicorn app:app', ['gunicorn', 'app:app'], ['tini -s -- (the image does not include tini)']],
    ['gosu app gunicorn app:app', ['gunicorn', 'app:app'], ['gosu app (the image does not include gosu)']],
    ['su-exec app:app gunicorn app:app', ['gunicorn', 'app:app'], ['su-exec app:app (the image does not include su-exec)']],
    ['./wait-for-it.sh db:5432 -t 30 -- gunicorn app:app', ['gunicorn', 'app:app'], ['./wait-for-it.sh db:5432 -t 30 -- (the image does not include wait-for-it.sh)']],
    ['newrelic-admin run-program gunicorn app:app', ['gunicorn', 'app:app'], ['newrelic-admin run-program (the image does not include newrelic-admin)']],
    ['ddtrace-run gunicorn app:app', ['gunicorn', 'app:app'], ['ddtrace-run (the image does not include ddtrace-run)']],
    ['opentelemetry-instrument --traces_exporter console --service_name=x uvicorn main:app', ['uvicorn', 'main:app'], ['opentelemetry-instrument --traces_exporter console --service_name=x (the image does not include opentelemetry-instrument)']],
    ['exec tini -- poetry run gunicorn app:app', ['gunicorn', 'app:app'], ['exec', 'tini -- (the image does not include tini)', 'poetry run']],
    ['/usr/local/bin/gunicorn app:app', ['gunicorn', 'app:app'], ['/usr/local/bin/gunicorn → gunicorn']],
    ['/venv/bin/uvicorn main:app', ['uvicorn', 'main:app'], ['/venv/bin/uvicorn → uvicorn']],
    ['.venv/bin/hypercorn main:app', ['hypercorn', 'main:app'], ['.venv/bin/hypercorn → hypercorn']],
    ['python3 app.py', ['python', 'app.py'], ['python3 → python']],
    ['python3.11 -m gunicorn app:app', ['python', '-m', 'gunicorn', 'app:app'], ['python3.11 → python']],
    ['/usr/bin/python3 -u app.py', ['python', '-u', 'app.py'], ['/usr/bin/python3 → python']],
    ['./manage.py runserver 0.0.0.0:8000', ['python', './manage.py', 'runserver', '0.0.0.0:8000'], ['./manage.py run by python (its #! line)']],
    ['gunicorn app:app >> /var/log/app.log 2>&1', ['gunicorn', 'app:app'], ['>> /var/log/app.log (a redirect)', '>& 1 (a redirect)']],
    ['sh -c "sh -c \'exec gunicorn app:app\'"', ['gunicorn', 'app:app'], ['sh -c', 'sh -c', 'exec']],
  ];
  it.each(cases)('%s', (line, expected, dropped) => {
    const found = web(line);
    expect(found.command?.words).toEqual(expected);
    expect(found.command?.dropped).toEqual(dropped);
  });

  it('reports a trailing & and pipes', () => {
    const background = web('gunicorn app:app &');
    expect(background.command?.words).toEqual(['gunicorn', 'app:app']);
    expect(background.problems.join('\n')).toContain("in the background ('&')");
    const pipe = web('gunicorn app:app | tee log');
    expect(pipe.command?.words).toEqual(['tee', 'log']);
    expect(pipe.problems.join('\n')).toContain('pipes into');
    const substitution = web('gunicorn -w $(nproc) app:app');
    expect(substitution.problems.join('\n')).toContain('subshell or command substitution');
  });

  it('refuses what only waits, loops, or opens a shell', () => {
    expect(web('wait-for-it db:5432').problems.join('\n')).toContain('only waits');
    expect(web('while true; do sleep 1; done').problems.join('\n')).toContain("control structure ('done')");
    expect(web('bash').problems.join('\n')).toContain('interactive shell');
    expect(web('sh -c').problems.join('\n')).toContain('gives the shell no command');
  });
});

describe('variables', () => {
  it('uses the default of ${PORT:-8000}', () => {
    const found = web('gunicorn -b 0.0.0.0:${PORT:-8000} app:app');
    expect(found.command?.words).toEqual(['gunicorn', '-b', '0.0.0.0:8000', 'app:app']);
    expect(found.command?.dropped).toEqual(['${PORT:-8000} replaced by its default 8000']);
    expect(found.problems).toEqual([]);
  });

  it('replaces $PORT and ${PORT} with the detected port', () => {
    const found = detect({ Dockerfile: 'FROM python\nEXPOSE 8080\nCMD gunicorn -b 0.0.0.0:$PORT app:app --name ${PORT}\n' });
    expect(found.command?.words).toEqual(['gunicorn', '-b', '0.0.0.0:8080', 'app:app', '--name', '8080']);
    expect(found.command?.dropped).toEqual(['$PORT replaced by 8080 (from Dockerfile EXPOSE)', '$PORT replaced by 8080 (from Dockerfile EXPOSE)']);
    const procfile = detect({ Procfile: 'web: uvicorn main:app --port $PORT\n', 'compose.yaml': 'services:\n  web:\n    build: .\n    ports: ["9000:9000"]\n' });
    expect(procfile.command?.words).toEqual(['uvicorn', 'main:app', '--port', '9000']);
    expect(procfile.command?.dropped).toEqual(['$PORT replaced by 9000 (from compose.yaml services.web.ports)']);
  });

  it('uses ENV values of the Dockerfile', () => {
    const found = detect({ Dockerfile: 'FROM python\nENV APP_MODULE=app.main:app PORT=8000\nCMD uvicorn $APP_MODULE --port $PORT\n' });
    expect(found.command?.words).toEqual(['uvicorn', 'app.main:app', '--port', '8000']);
    expect(found.command?.dropped).toEqual(['$APP_MODULE replaced by app.main:app (from Dockerfile ENV)', '$PORT replaced by 8000 (from Dockerfile ENV)']);
  });

  it('keeps other variables, with a problem naming them', () => {
    const found = web('gunicorn --bind 0.0.0.0:$PORT -w $WORKERS app:app');
    expect(found.command?.words).toEqual(['gunicorn', '--bind', '0.0.0.0:$PORT', '-w', '$WORKERS', 'app:app']);
    expect(found.problems).toEqual([
      'the command uses $PORT, which is only set when the container runs: give its value (the port with --port)',
      'the command uses $WORKERS, which is only set when the container runs: give its value',
    ]);
    expect(web('gunicorn "$@"').problems).toEqual(['the command passes on "$@" (the container\'s arguments), which nothing here gives']);
  });

  it('says that exec form does not expand variables', () => {
    const found = detect({ Dockerfile: 'FROM python\nCMD ["gunicorn", "-b", "0.0.0.0:$PORT", "app:app"]\n' });
    expect(found.command?.words).toEqual(['gunicorn', '-b', '0.0.0.0:$PORT', 'app:app']);
    expect(found.problems).toEqual(["'0.0.0.0:$PORT' holds a variable that nothing expands (no shell runs it): give its value"]);
  });
});

describe('path mapping', () => {
  const main = 'if __name__ == "__main__":\n    main()\n';

  it('maps paths under COPY destinations back to project files', () => {
    expect(words({ Dockerfile: 'FROM python\nCOPY . /app\nCMD ["python", "/app/app.py"]\n', 'app.py': main })).toEqual(['python', 'app.py']);
    expect(words({ Dockerfile: 'FROM python\nCOPY app.py /home/nonroot/\nCMD ["python", "/home/nonroot/app.py"]\n', 'app.py': main })).toEqual(['python', 'app.py']);
    expect(words({ Dockerfile: 'FROM python\nCOPY src/ /code/src/\nCMD ["python", "/code/src/main.py"]\n', 'src/main.py': main })).toEqual(['python', 'src/main.py']);
    expect(words({ Dockerfile: 'FROM python\nCOPY ["run.py", "/srv/run.py"]\nCMD ["python", "/srv/run.py"]\n', 'run.py': main })).toEqual(['python', 'run.py']);
    expect(words({ Dockerfile: 'FROM python\nCOPY *.py /srv/\nCMD ["python", "/srv/run.py"]\n', 'run.py': main })).toEqual(['python', 'run.py']);
  });

  it("resolves relative paths against the stage's WORKDIR", () => {
    const found = detect({ Dockerfile: 'FROM python\nWORKDIR /app\nCOPY ./app /app\nCMD ["python", "manage.py", "runserver"]\n', 'app/manage.py': main });
    expect(found.command?.words).toEqual(['python', 'app/manage.py', 'runserver']);
    expect(found.command?.dropped).toEqual(['manage.py → app/manage.py (Dockerfile COPY ./app /app)']);
    expect(words({ Dockerfile: 'FROM python\nENV HOME=/home/app\nWORKDIR $HOME/web\nCOPY . .\nCMD ["gunicorn", "-c", "conf/gunicorn.py", "app:app"]\n', 'conf/gunicorn.py': '' })).toEqual(['gunicorn', '-c', 'conf/gunicorn.py', 'app:app']);
  });

  it('follows COPY --from through earlier stages, and option=value words', () => {
    const found = detect({
      Dockerfile: 'FROM python AS build\nCOPY . /src/\nFROM python\nCOPY --from=build /src/ /opt/app/\nCMD ["gunicorn", "--config=/opt/app/etc/gunicorn.py", "app:app"]\n',
      'etc/gunicorn.py': '',
    });
    expect(found.command?.words).toEqual(['gunicorn', '--config=etc/gunicorn.py', 'app:app']);
  });

  it('leaves paths it cannot map, with a problem for those under the old image', () => {
    const found = detect({ Dockerfile: 'FROM python\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "--worker-tmp-dir", "/dev/shm", "-c", "/app/missing.py", "app:app"]\n' });
    expect(found.command?.words).toEqual(['gunicorn', '--worker-tmp-dir', '/dev/shm', '-c', '/app/missing.py', 'app:app']);
    expect(found.problems).toEqual(['/app/missing.py is a path of the old image that no COPY in Dockerfile fills from the project: left as is']);
    // A COPY --from an outside image maps nothing.
    expect(words({ Dockerfile: 'FROM python\nCOPY --from=ghcr.io/x/y /conf/ /etc/app/\nCMD ["app", "/etc/app/a.ini"]\n', 'a.ini': '' })).toEqual(['app', '/etc/app/a.ini']);
  });

  it('says when python would run a file without a main block', () => {
    const found = detect({ Dockerfile: 'FROM python\nWORKDIR /home/app\nCOPY . .\nCMD ["python", "app.py"]\n', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' });
    expect(found.problems).toEqual(['app.py has no if __name__ == "__main__": block, so \'python app.py\' would define the app and exit']);
  });
});

describe('hostile input', () => {
  it('ignores files over 1 MB', () => {
    const found = detect({ Dockerfile: `FROM python\nCMD ["a"]\n${'# x\n'.repeat(300_000)}` });
    expect(found.command).toBeUndefined();
    expect(found.problems).toEqual(['Dockerfile is over 1 MB: not read']);
  });

  it('never reads outside the project', () => {
    const outside = project({ 'secret.sh': 'exec leaked\n', Dockerfile: 'FROM python\nCMD ["leaked"]\n' });
    const dir = project({ Dockerfile: 'FROM python\nCOPY . /app\nCMD ["sh", "/app/../../secret.sh"]\n' });
    expect(detectStart(dir).command?.words).toEqual(['/app/../../secret.sh']);
    const relative = project({ Dockerfile: `FROM python\nWORKDIR /\nCOPY ${path.relative('/', outside)}/ /x/\nCMD ["sh", "/x/secret.sh"]\n` });
    expect(detectStart(relative).command?.words).toEqual(['/x/secret.sh']);
    const linked = project({});
    symlinkSync(path.join(outside, 'Dockerfile'), path.join(linked, 'Dockerfile'));
    symlinkSync(path.join(outside, 'secret.sh'), path.join(linked, 'boot.sh'));
    const found = detectStart(linked);
    expect(found.command).toBeUndefined();
    expect(found.problems).toEqual(['Dockerfile leads outside the project (a symbolic link): not read', 'boot.sh leads outside the project (a symbolic link): not read']);
    const compose = project({ 'compose.yaml': 'services:\n  web:\n    build: {context: ., dockerfile: ../x/Dockerfile}\n' });
    expect(detectStart(compose).command).toBeUndefined();
  });

  it('drops NUL characters decoded from JSON and YAML escapes', () => {
    expect(words({ Dockerfile: 'FROM python\nCMD ["gun\\u0000icorn", "a\\u0001pp"]\n' })).toEqual(['gunicorn', 'app']);
    expect(words({ 'compose.yaml': 'services:\n  web:\n    build: .\n    command: ["gun\\0icorn", "x"]\n' })).toEqual(['gunicorn', 'x']);
    expect(words({ 'compose.yaml': 'services:\n  web:\n    build: .\n    command: "sh -c \'exec gun\\0icorn\'"\n' })).toEqual(['gunicorn']);
  });

  it('reports a directory that does not exist', () => {
    expect(detectStart('/nonexistent/dp-start').problems).toEqual(['/nonexistent/dp-start is not a readable directory']);
  });

  it('never throws on arbitrary file contents', () => {
    const dir = project({});
    const names = ['compose.yaml', 'Dockerfile', 'Procfile', 'boot.sh'];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('$', '"', "'", '\\\n', '&&', ';', '|', '$(', '${PORT:-', '`', '[', ']', '\n', 'exec "$@"', 'sh -c ', 'CMD ', 'FROM a\n', 'ENTRYPOINT ["./boot.sh"]\n', 'services:\n web:\n  build: .\n  command: ', 'web: ')), { maxLength: 12 }), fc.integer({ min: 0, max: 3 }), (parts, which) => {
        for (const name of names) writeFileSync(path.join(dir, name), '');
        writeFileSync(path.join(dir, names[which]), parts.join(''));
        writeFileSync(path.join(dir, 'boot.sh'), which === 3 ? parts.join('') : 'exec gunicorn app:app\n');
        const found = detectStart(dir);
        expect(Array.isArray(found.problems)).toBe(true);
        for (const word of found.command?.words ?? []) expect(word).not.toMatch(/[\u0000\u0001]/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hasMainBlock', () => {
  it('finds a top-level main guard', () => {
    expect(hasMainBlock('app = 1\nif __name__ == "__main__":\n    app.run()\n')).toBe(true);
    expect(hasMainBlock("if __name__ == '__main__':\n\tapp.run()\n")).toBe(true);
    expect(hasMainBlock("if (__name__ == '__main__'):\n    pass\n")).toBe(true);
    expect(hasMainBlock('if "__main__" == __name__ :\n    pass\n')).toBe(true);
  });

  it('ignores guards that are not top-level code', () => {
    expect(hasMainBlock('app = Flask(__name__)\n')).toBe(false);
    expect(hasMainBlock('def f():\n    if __name__ == "__main__":\n        pass\n')).toBe(false);
    expect(hasMainBlock('# if __name__ == "__main__":\n')).toBe(false);
    expect(hasMainBlock('"""\nif __name__ == "__main__":\n"""\n')).toBe(false);
    expect(hasMainBlock('if __name__ == "__mainx__":\n')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Real projects

const REAL = path.join(ROOT, 'test/fixtures/real');

interface Expected {
  command: string[] | null;
  port: number;
}

/**
 * Where each fixture's project is and where its compose file is, when the compose file is not
 * in the project (README.md: awesome-compose builds a subfolder; `_repo-root/` is one level up).
 * full-stack-fastapi-template's compose builds the repository root, not backend/, so its
 * compose file does not describe this project's image.
 */
const LAYOUT: Record<string, { dir?: string; compose?: { dir: string; context: string } }> = {
  'awesome-compose-flask': { dir: 'app', compose: { dir: '.', context: 'app' } },
  'awesome-compose-nginx-flask-mysql': { dir: 'backend', compose: { dir: '.', context: 'backend' } },
  'awesome-compose-nginx-wsgi-flask': { dir: 'flask', compose: { dir: '.', context: 'flask' } },
  'fastapi-tdd-docker': { compose: { dir: '_repo-root', context: './project' } },
  healthchecks: { compose: { dir: 'docker', context: '..' } },
};

/**
 * Where detection differs from expected.json on purpose. Paths of the old image are mapped back
 * to the project's files (the new image puts the project elsewhere), and the port is only what
 * compose or EXPOSE say (a server's default comes from start.ts; config files are not read).
 */
const DEVIATIONS: Record<string, { command?: string[]; port?: number | null; why: string }> = {
  bakerydemo: { command: ['uwsgi', 'etc/uwsgi.ini'], why: '/code/etc/uwsgi.ini mapped back through ADD . /code/' },
  healthchecks: { command: ['uwsgi', 'docker/uwsgi.ini'], why: '/opt/healthchecks/docker/uwsgi.ini mapped back through COPY --from=builder and COPY . /opt/healthchecks/' },
  'recipe-app-api': { command: ['python', 'app/manage.py', 'runserver', '0.0.0.0:8000'], why: 'manage.py is relative to WORKDIR /app, which COPY ./app /app fills from app/' },
  'python-getting-started': { port: null, why: 'the port (5006) is in gunicorn.conf.py, which is not read; gunicorn defaults to 8000' },
};

/** A SHA-256 of every file under a directory (byte-exact). */
function bytes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (sub: string): void => {
    for (const name of readdirSync(path.join(dir, sub))) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else out.set(rel, createHash('sha256').update(readFileSync(path.join(dir, rel))).digest('hex'));
    }
  };
  walk('');
  return out;
}

/** The port the command serves on by its own bind or its server's default (start.ts), if it parses. */
function serverPort(words: string[]): number | undefined {
  try {
    return commandPort(parseCommand(joinCommand(words)));
  } catch {
    return undefined;
  }
}

describe('real projects (test/fixtures/real)', () => {
  const expected = JSON.parse(readFileSync(path.join(REAL, 'expected.json'), 'utf8')) as Record<string, Expected>;
  const fixtures = readdirSync(REAL).filter((name) => statSync(path.join(REAL, name)).isDirectory());

  it('has an expected.json entry for every fixture folder', () => {
    expect(fixtures.filter((f) => !(f in expected))).toEqual([]);
  });

  it.each(fixtures)('%s', (name) => {
    const root = path.join(REAL, name);
    const before = bytes(root);
    const layout = LAYOUT[name] ?? {};
    const dir = path.join(root, layout.dir ?? '.');
    const options = layout.compose ? { compose: { dir: path.join(root, layout.compose.dir), context: layout.compose.context } } : {};
    const found = detectStart(dir, options);
    const truth = expected[name];
    const deviation = DEVIATIONS[name];

    // expected.json keeps `python3`; detection names the interpreter `python` (the image's venv has both).
    const wanted = truth.command === null ? undefined : deviation?.command ?? truth.command.map((w, i) => (i === 0 && /^python3(\.\d+)?$/.test(w) ? 'python' : w));
    expect(found.command?.words).toEqual(wanted);

    const port = found.port?.value ?? (found.command ? serverPort(found.command.words) : undefined);
    if (deviation?.port === null) expect(port).not.toBe(truth.port);
    else expect(port).toBe(deviation?.port ?? truth.port);

    expect(bytes(root)).toEqual(before);
  });
});
