/**
 * Trimmed copies of real public repositories (test/fixtures/real, sources in its README),
 * converted with `--existing --yes --force`: the start command and port found, each with its
 * source, what the image runs (ENTRYPOINT, CMD, EXPOSE), and every file of the project's
 * byte-identical afterwards (an old Dockerfile is kept as .bak, byte for byte; an old .dockerignore
 * is merged: every byte of it first, then distroless-python's block).
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependencyNames, detect } from '../lib/detect.js';
import { BLOCK_START, theirRules } from '../lib/dockerignore.js';
import { ROOT, runBin, snapshot } from './helpers.js';

const REAL = path.join(ROOT, 'test/fixtures/real');

interface Case {
  fixture: string;
  /** The project inside the fixture (its compose file may be one level up). */
  project?: string;
  flags?: string[];
  found: string[];
  notes?: string[];
  entrypoint: string[];
  cmd?: string[];
  port?: number;
}

const CASES: Case[] = [
  {
    fixture: 'microblog',
    found: [
      'entrypoint gunicorn -b :5000 --access-logfile - --error-logfile - microblog:app: from boot.sh (exec line), run by Dockerfile ENTRYPOINT',
      'port 5000: from Dockerfile EXPOSE',
    ],
    notes: ['start command unwrapped: flask db upgrade (earlier in boot.sh)', 'also found gunicorn microblog:app (Procfile web); not used'],
    entrypoint: ['/opt/venv/bin/gunicorn'],
    cmd: ['-b', ':5000', '--access-logfile', '-', '--error-logfile', '-', 'microblog:app'],
    port: 5000,
  },
  {
    fixture: 'uv-docker-example',
    found: ['entrypoint fastapi run --host 0.0.0.0 src/uv_docker_example: from Dockerfile CMD', 'port 8000: from compose.yml services.web.ports'],
    notes: ['start command unwrapped: uv run', 'start command unwrapped: fastapi dev, run as fastapi run (dev reloads on changes and binds loopback)'],
    entrypoint: ['/opt/venv/bin/fastapi'],
    cmd: ['run', '--port', '8000', '--host', '0.0.0.0', 'src/uv_docker_example'],
    port: 8000,
  },
  {
    fixture: 'full-stack-fastapi-template',
    found: ['entrypoint fastapi run --workers 4: from Dockerfile CMD'],
    entrypoint: ['/opt/venv/bin/fastapi'],
    cmd: ['run', '--host', '0.0.0.0', '--port', '8000', '--workers', '4'],
    port: 8000,
  },
  {
    fixture: 'awesome-compose-flask',
    project: 'app',
    found: ['entrypoint python app.py: from Dockerfile ENTRYPOINT (stage builder) + CMD (stage builder)', 'port 8000: from ../compose.yaml services.web.ports'],
    entrypoint: ['/opt/venv/bin/python', '/app/app.py'],
    port: 8000,
  },
  {
    fixture: 'awesome-compose-nginx-wsgi-flask',
    project: 'flask',
    found: ['entrypoint gunicorn -w 3 -t 60 -b 0.0.0.0:8000 app:app: from ../compose.yaml services.flask-app.command', 'port 8000: from ../compose.yaml services.flask-app.ports'],
    notes: ['also found python app.py (Dockerfile CMD); not used'],
    entrypoint: ['/opt/venv/bin/gunicorn'],
    cmd: ['-w', '3', '-t', '60', '-b', '0.0.0.0:8000', 'app:app'],
    port: 8000,
  },
  {
    fixture: 'awesome-compose-nginx-flask-mysql',
    project: 'backend',
    found: ['entrypoint flask --app hello.py run: from Dockerfile CMD', 'port 8000: from ../compose.yaml services.backend.ports'],
    notes: ['start command unwrapped: FLASK_APP=hello.py (Dockerfile ENV), given as --app hello.py'],
    entrypoint: ['/opt/venv/bin/flask'],
    cmd: ['--app', 'hello.py', 'run', '--host', '0.0.0.0', '--port', '8000'],
    port: 8000,
  },
  {
    fixture: 'bakerydemo',
    found: [
      'entrypoint uwsgi etc/uwsgi.ini: from Dockerfile ENTRYPOINT + CMD, through docker-entrypoint.sh (exec "$@")',
      'port 8000: from docker-compose.yml services.app.ports',
    ],
    notes: ['start command unwrapped: /code/etc/uwsgi.ini → etc/uwsgi.ini (Dockerfile ADD . /code/)', 'also found uwsgi ./etc/uwsgi.ini (Procfile web); not used'],
    entrypoint: ['/opt/venv/bin/uwsgi'],
    cmd: ['etc/uwsgi.ini'],
    port: 8000,
  },
  {
    fixture: 'python-getting-started',
    found: ['entrypoint gunicorn --config gunicorn.conf.py gettingstarted.wsgi: from Procfile web'],
    entrypoint: ['/opt/venv/bin/gunicorn'],
    // The command line's bind wins over the one gunicorn.conf.py computes from $PORT.
    cmd: ['--bind', '0.0.0.0:8000', '--config', 'gunicorn.conf.py', 'gettingstarted.wsgi'],
    port: 8000,
  },
  {
    fixture: 'recipe-app-api',
    found: ['entrypoint python app/manage.py runserver 0.0.0.0:8000: from docker-compose.yml services.app.command', 'port 8000: from docker-compose.yml services.app.ports'],
    notes: ['start command unwrapped: python manage.py wait_for_db && python manage.py migrate (before &&)', 'start command unwrapped: manage.py → app/manage.py (Dockerfile COPY ./app /app)'],
    entrypoint: ['/opt/venv/bin/python', '/app/app/manage.py'],
    cmd: ['runserver', '0.0.0.0:8000'],
    port: 8000,
  },
  {
    fixture: 'healthchecks',
    found: ['entrypoint uwsgi docker/uwsgi.ini: from docker/Dockerfile CMD'],
    notes: ['start command unwrapped: /opt/healthchecks/docker/uwsgi.ini → docker/uwsgi.ini (docker/Dockerfile COPY . /opt/healthchecks/)'],
    entrypoint: ['/opt/venv/bin/uwsgi'],
    cmd: ['docker/uwsgi.ini'],
  },
];

/** The fixture in a fresh temporary folder, with `_repo-root/` laid out as the folder above the project. */
function copy(c: Case): { dir: string; before: Record<string, string> } {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'dp-real-')), c.fixture);
  cpSync(path.join(REAL, c.fixture), root, { recursive: true, filter: (src) => !src.includes(`${path.sep}_repo-root`) });
  const dir = c.project ? path.join(root, c.project) : root;
  return { dir, before: snapshot(dir) };
}

const exec = (dockerfile: string, keyword: string): string[] | undefined => {
  const line = dockerfile.split('\n').find((l) => l.startsWith(`${keyword} [`));
  return line ? (JSON.parse(line.slice(keyword.length + 1)) as string[]) : undefined;
};

describe('real projects, converted', () => {
  it('every fixture folder is in this table or tested elsewhere', () => {
    const tested = new Set([...CASES.map((c) => c.fixture), 'awesome-compose-fastapi', 'fastapi-tdd-docker', 'fastapi-realworld-example-app']);
    expect(readdirSync(REAL, { withFileTypes: true }).filter((e) => e.isDirectory() && !tested.has(e.name)).map((e) => e.name)).toEqual([]);
  });

  it.each(CASES)('$fixture: the start command and port, from where the project keeps them', (c) => {
    const { dir, before } = copy(c);
    const r = runBin(['--existing', dir, '--yes', '--force', ...(c.flags ?? [])], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    for (const line of c.found) expect(r.stderr).toContain(`found: ${line}\n`);
    for (const line of c.notes ?? []) expect(r.stderr).toContain(`note: ${line}\n`);
    const after = snapshot(dir);
    expect(exec(after.Dockerfile, 'ENTRYPOINT')).toEqual(c.entrypoint);
    expect(exec(after.Dockerfile, 'CMD')).toEqual(c.cmd);
    expect(/^EXPOSE (\d+)$/m.exec(after.Dockerfile)?.[1]).toBe(c.port === undefined ? undefined : String(c.port));
    // Every file of the project is as it was; an old Dockerfile, replaced with --force, is kept
    // byte for byte as .bak; an old .dockerignore is merged: all of it first, as it was, then ours.
    for (const [file, content] of Object.entries(before)) {
      if (file === 'Dockerfile') expect(after['Dockerfile.bak']).toBe(content);
      else if (file === '.dockerignore') {
        expect(after[file].startsWith(`${content}${BLOCK_START}\n`), file).toBe(true);
        expect(theirRules(after[file])).toBe(content);
        expect(after['.dockerignore.bak']).toBeUndefined();
      } else expect(after[file], file).toBe(content);
    }
    if (!('.dockerignore' in before)) expect(after['.dockerignore'].startsWith(BLOCK_START)).toBe(true);
    for (const line of c.found) expect(after['DISTROLESS.md']).toContain(`- ${line}\n`);
    // Never an image without the dependencies the project declares.
    const declared = dependencyNames(detect(dir).install) ?? [];
    if (declared.length > 0) expect(after.Dockerfile).toMatch(/--require-hashes|--requirement|uv export --frozen|tomllib\.load/);
  });

  it('fastapi-tdd-docker: the compose file one level up runs uvicorn through the image entrypoint script; --reload is dropped', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'dp-real-'));
    cpSync(path.join(REAL, 'fastapi-tdd-docker/_repo-root'), base, { recursive: true });
    // Its compose file builds ./project.
    const dir = path.join(base, 'project');
    cpSync(path.join(REAL, 'fastapi-tdd-docker'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}_repo-root`) });
    const before = snapshot(dir);
    const r = runBin(['--existing', dir, '--yes', '--force'], base);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/found: entrypoint uvicorn app\.main:app --workers 1 --host 0\.0\.0\.0 --port 8000: from Dockerfile ENTRYPOINT \+ \.\.\/docker-compose\.yml services\.web\.command/);
    expect(r.stderr).toContain('note: start command unwrapped: --reload (for development: it restarts or debugs on code changes)\n');
    expect(r.stderr).toContain('found: port 8000: from ../docker-compose.yml services.web.ports\n');
    const after = snapshot(dir);
    expect(exec(after.Dockerfile, 'CMD')).toEqual(['app.main:app', '--workers', '1', '--host', '0.0.0.0', '--port', '8000']);
    expect(after['Dockerfile.bak']).toBe(before.Dockerfile);
  });

  it('a flag wins over what was detected, even over a command that could not be used', () => {
    const c = CASES.find((x) => x.fixture === 'microblog')!;
    const { dir } = copy(c);
    const r = runBin(['--existing', dir, '--yes', '--force', '--entrypoint', 'gunicorn -w 2 microblog:app', '--port', '8000'], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    const after = snapshot(dir);
    expect(exec(after.Dockerfile, 'CMD')).toEqual(['--bind', '0.0.0.0:8000', '-w', '2', 'microblog:app']);
    expect(after.Dockerfile).toMatch(/^EXPOSE 8000$/m);
  });

  it('awesome-compose-fastapi: no start command in its files (its base image had it), refused in one line naming --entrypoint, nothing written', () => {
    const root = path.join(mkdtempSync(path.join(tmpdir(), 'dp-real-')), 'awesome-compose-fastapi');
    cpSync(path.join(REAL, 'awesome-compose-fastapi'), root, { recursive: true });
    const before = snapshot(root);
    const r = runBin(['--existing', root, '--yes', '--force'], root);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: --entrypoint: no start command found (no compose command, Dockerfile CMD or ENTRYPOINT, Procfile, start script, [project.scripts], __main__.py, or main.py/app.py with a __main__ block); give one',
    );
    expect(snapshot(root)).toEqual(before);
  });

  it('fastapi-realworld-example-app (Poetry, lock-version 1.1): installed from poetry.lock, whose main group the build stage reads; Python 3.10 is refused, as tomllib is 3.11+', () => {
    const d = detect(path.join(REAL, 'fastapi-realworld-example-app'));
    expect(d.entrypoint).toMatchObject({ value: 'uvicorn --host=0.0.0.0 app.main:app', from: 'Dockerfile CMD (shell form)' });
    expect(d.start.command?.dropped).toEqual(['poetry run alembic upgrade head (before &&)', 'poetry run']);
    expect(d.install).toMatchObject({ kind: 'lock', tool: 'poetry', files: ['pyproject.toml', 'poetry.lock'], packages: 99, project: true });
    expect(d.unread).toBeUndefined();
    const root = path.join(mkdtempSync(path.join(tmpdir(), 'dp-real-')), 'fastapi-realworld-example-app');
    cpSync(path.join(REAL, 'fastapi-realworld-example-app'), root, { recursive: true });
    const before = snapshot(root);
    // The old image's 3.9 is not offered; 3.10, the nearest newer, cannot read the TOML lock.
    const refused = runBin(['--existing', root, '--yes', '--force'], root);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n').at(-1)).toBe('error: --python: poetry.lock is read in the build stage with tomllib, which Python 3.10 lacks: give --python 3.11 or later');
    expect(snapshot(root)).toEqual(before);
    const r = runBin(['--existing', root, '--yes', '--force', '--python', '3.11'], root);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("found: dependencies: poetry.lock (99 locked packages; the main group's are installed with their hashes, read from the lock at each build); the project is installed too");
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY pyproject.toml /tmp/lock/pyproject.toml\nCOPY poetry.lock /tmp/lock/poetry.lock\n');
    expect(dockerfile).toMatch(/^RUN \["\/opt\/venv\/bin\/python", "-c", ".*", "poetry", "\/tmp\/lock", "\/tmp\/requirements.txt"\]$/m);
    expect(dockerfile).toContain('--require-hashes --requirement /tmp/requirements.txt');
  });

  it('a second --force run keeps the original Dockerfile.bak, reads the project from it, and takes its own Makefile for its own', () => {
    const c = CASES.find((x) => x.fixture === 'microblog')!;
    const { dir, before } = copy(c);
    expect(runBin(['--existing', dir, '--yes', '--force'], path.dirname(dir)).status).toBe(0);
    const again = runBin(['--existing', dir, '--yes', '--force', '--python', '3.12'], path.dirname(dir));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('found: entrypoint gunicorn -b :5000 --access-logfile - --error-logfile - microblog:app: from boot.sh (exec line), run by Dockerfile.bak ENTRYPOINT');
    expect(again.stderr).not.toContain('Makefile: yours is kept');
    const after = snapshot(dir);
    expect(after['Dockerfile.bak']).toBe(before.Dockerfile);
    expect(Object.keys(after).filter((f) => f.startsWith('Dockerfile.bak.'))).toEqual([]);
    expect(after.Dockerfile).toContain('uv python install 3.12');
  });

  it("a Procfile's $PORT becomes the port given, found, or the server's default, and is said", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-real-')), 'heroku-app');
    cpSync(path.join(REAL, 'python-getting-started'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'Procfile'), 'web: gunicorn gettingstarted.wsgi --bind 0.0.0.0:$PORT --workers 2\n');
    const r = runBin(['--existing', dir, '--yes', '--dry-run'], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: start command unwrapped: $PORT replaced by 8000 (the server default)\n');
    const given = runBin(['--existing', dir, '--yes', '--force', '--port', '5006'], path.dirname(dir));
    expect(given.status, given.stderr).toBe(0);
    expect(given.stderr).toContain('note: start command unwrapped: $PORT replaced by 5006 (--port)\n');
    expect(exec(snapshot(dir).Dockerfile, 'CMD')).toEqual(['gettingstarted.wsgi', '--bind', '0.0.0.0:5006', '--workers', '2']);
  });

  it('steps the old start command ran first are warned about, with how to run them now', () => {
    const c = CASES.find((x) => x.fixture === 'recipe-app-api')!;
    const { dir } = copy(c);
    const r = runBin(['--existing', dir, '--yes', '--dry-run'], path.dirname(dir));
    expect(r.stderr).toContain(
      'warning: the old start command also ran python manage.py wait_for_db && python manage.py migrate: that no longer happens at start; run it as its own command, e.g. docker run --rm --entrypoint /opt/venv/bin/python IMAGE manage.py migrate\n',
    );
    // Its compose command is Django's development server (so was django-on-docker's): said, with what to use.
    expect(r.stderr).toContain("warning: manage.py runserver is Django's development server, which Django says not to use in production: serve the project's WSGI app with a server instead, e.g. --entrypoint 'gunicorn <project>.wsgi:application' with gunicorn among the dependencies\n");
  });

  it('an app module the project does not have is warned about', () => {
    const c = CASES.find((x) => x.fixture === 'microblog')!;
    const { dir } = copy(c);
    const r = runBin(['--existing', dir, '--yes', '--dry-run', '--entrypoint', 'gunicorn nope:app'], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: nope (the app gunicorn loads) is not in the project as nope.py or a package: it fails at start unless a dependency provides it\n');
  });
});
