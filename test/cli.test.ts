/**
 * The create bin as users run it: a child process with stdin closed (not a terminal).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUESTIONS } from '../lib/questions.js';
import { renderProject } from '../lib/render.js';
import { ROOT, generatedFiles, runBin, snapshot } from './helpers.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const fresh = () => mkdtempSync(path.join(tmpdir(), 'dp-cli-'));

describe('create-distroless-python', () => {
  it('--help lists the argument and every question as a flag, plus the command flags', () => {
    const r = runBin(['--help'], fresh());
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: create-distroless-python \[directory\] \[options\]/);
    for (const q of QUESTIONS) {
      if (q.kind === 'argument') expect(r.stdout).toMatch(new RegExp(`^  ${q.name}\\s+${q.description}`, 'm'));
      else expect(r.stdout).toMatch(new RegExp(`^  --(\\[no-\\])?${q.name}\\b.*${q.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    }
    for (const flag of ['-y, --yes', '--force', '-h, --help', '-v, --version', '--[no-]interactive']) expect(r.stdout).toContain(`  ${flag}`);
    expect(r.stdout).toContain('npm create distroless-python@latest my-app -- --yes');
  });

  it("this repository's README shows --help as it is", () => {
    const help = runBin(['--help'], fresh()).stdout;
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(`\`\`\`\n${help}\`\`\`\n`);
  });

  it('--version prints the package version, the one projects record (both packages are released together)', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'packages/create-distroless-python/package.json'), 'utf8'));
    const generator = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.version).toBe(generator.version);
    const r = runBin(['--version'], fresh());
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('without a terminal it asks nothing and writes the defaults, identical to the generator core', () => {
    const cwd = fresh();
    const r = runBin([], cwd);
    expect(r.status, r.stderr).toBe(0);
    // yeoman's convention: messages on stderr, stdout left for output.
    expect(r.stderr).toContain('Next steps:\n  cd my-app\n  make build');
    const written = generatedFiles(snapshot(path.join(cwd, 'my-app')));
    const expected = Object.fromEntries(renderProject({ directory: 'my-app', runtime: 'distroless', python: '3.13', deps: ['emoji'], nonroot: true, entrypoint: 'src/app.py' }));
    const { '.yo-rc.json': recorded, ...rest } = written;
    expect(rest).toEqual(expected);
    expect(JSON.parse(recorded)['generator-distroless-python']).toEqual({ runtime: 'distroless', python: '3.13', deps: ['emoji'], nonroot: true, entrypoint: 'src/app.py', 'index-secret': false, version: VERSION });
  });

  it('takes every answer as a flag', () => {
    const cwd = fresh();
    const r = runBin(['svc', '--yes', '--python', '3.13', '--deps', 'requests>=2 markupsafe', '--deps', "tomli ; python_version < '3.11'", '--no-nonroot', '--entrypoint', 'svc.main'], cwd);
    expect(r.status, r.stderr).toBe(0);
    const files = generatedFiles(snapshot(path.join(cwd, 'svc')));
    expect(files).toEqual({
      ...Object.fromEntries(
        renderProject({ directory: 'svc', runtime: 'distroless', python: '3.13', deps: ['requests>=2', 'markupsafe', "tomli ; python_version < '3.11'"], nonroot: false, entrypoint: 'svc.main' }),
      ),
      '.yo-rc.json': files['.yo-rc.json'],
    });
  });

  // Each refusal: exit 1, exactly one line on stderr naming the field, nothing written.
  it.each([
    [['--python', '3.9'], /^error: --python: '3\.9' is not offered \(offered: 3\.10, 3\.11, 3\.12, 3\.13, 3\.14\)\n$/],
    [['--python', '3.13.1'], /^error: --python: give major\.minor \(3\.13\), not a patch release: the patch level comes from the image.+\n$/],
    [['--python', '2.7'], /^error: --python: '2\.7' is not offered \(offered: 3\.10, 3\.11, 3\.12, 3\.13, 3\.14\)\n$/],
    [['--runtime', 'alpine'], /^error: --runtime: 'alpine' is not a runtime family \(offered: distroless, chainguard\)\n$/],
    [['--runtime', 'chainguard', '--python', '3.13'], /^error: --python: 3\.13 is not offered with --runtime chainguard: Chainguard's free tier publishes only 'latest', which ran Python 3\.14 when last checked \(offered: 3\.14\)\n$/],
    [['--python', '3.15'], /^error: --python: 3\.15 is not offered with --runtime distroless: distroless has no 3\.15, and the pinned uv 0\.12\.5 \(2026-08-14\) has only 3\.15\.0rc1, a pre-release: 3\.15 is offered once the pin moves to a uv with a 3\.15 release \(offered: 3\.10, 3\.11, 3\.12, 3\.13, 3\.14\)\n$/],
    [['--deps=--index-url=http://evil.example/simple'], /^error: --deps: '--index-url=http:\/\/evil.example\/simple' is an option; only requirements are allowed/],
    // A value that looks like a flag is the value, and the question's own rule refuses it (not Node's "ambiguous").
    [['--deps', '--index-url=http://evil.example/simple'], /^error: --deps: '--index-url=http:\/\/evil.example\/simple' is an option; only requirements are allowed/],
    [['--deps', '-r x'], /^error: --deps: '-r x' is an option; only requirements are allowed/],
    [['--deps'], /^error: --deps: needs a value\n$/],
    [['--deps', 'emoji\n-r /etc/passwd'], /^error: --deps: must not contain control characters\n$/],
    [['--deps', 'pkg @ https://example.com/pkg.whl'], /^error: --deps: 'pkg @ https:\/\/example.com\/pkg.whl' is a direct reference/],
    [['--deps', 'emoji Emoji'], /^error: --deps: 'Emoji' is listed more than once\n$/],
    [['--entrypoint', '../etc/app.py'], /^error: --entrypoint: must stay inside the project \(no '\.\.'\)\n$/],
    [['--entrypoint', '/app.py'], /^error: --entrypoint: must be a path relative to the project, not absolute\n$/],
    [['--entrypoint', '$(id).py'], /^error: --entrypoint: '\$\(id\)\.py' is not a safe script path/],
    [['--entrypoint', 'my-app'], /^error: --entrypoint: 'my-app' is neither a script path ending in \.py, a dotted module name/],
    [['My_App'], /^error: directory: 'My_App' cannot name a Docker image/],
    [['a', 'b'], /^error: directory: expected one directory, got 'a' 'b' \(with npm create, put flags after --\)\n$/],
    // Never Node's advice to put it after --, which npm create uses for itself.
    [['--bogus'], /^error: --bogus: unknown option; see --help\n$/],
    [['--pythn', '3.12'], /^error: --pythn: unknown option \(did you mean --python\?\); see --help\n$/],
    [['My App'], /^error: directory: 'My App' cannot name a Docker image: .* \(e\.g\. 'my-app'\)\n$/],
  ])('refuses %j', (args, message) => {
    const cwd = fresh();
    const r = runBin(['--yes', ...args], cwd);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(snapshot(cwd)).toEqual({});
  });

  it('warns about a Python past its end of life, and still generates', () => {
    const cwd = fresh();
    const r = runBin(['old', '--yes', '--python', '3.10'], cwd);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: Python 3.10 reached its end of life in 2026-10: it gets no more security fixes\n');
    expect(snapshot(path.join(cwd, 'old')).Dockerfile).toContain('uv python install 3.10');
  });

  it('--dry-run lists what would be written and writes nothing', () => {
    const cwd = fresh();
    const r = runBin(['app', '--dry-run'], cwd);
    expect(r.status, r.stderr).toBe(0);
    // The listing is the command's output (stdout); messages stay on stderr.
    expect(r.stdout).toContain('would create    app/Dockerfile\n');
    expect(r.stdout).toContain('would create    app/.yo-rc.json\n');
    expect(r.stderr).toBe('Dry run: nothing was written.\n');
    expect(snapshot(cwd)).toEqual({});
    expect(runBin(['app'], cwd).status).toBe(0);
    writeFileSync(path.join(cwd, 'app/Makefile'), 'mine\n');
    const before = snapshot(cwd);
    const again = runBin(['app', '--dry-run', '--deps', 'requests'], cwd);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('unchanged       app/Dockerfile\n');
    // A re-run merges: the Makefile is the owner's, and this run changes nothing in it.
    expect(again.stdout).toContain('unchanged       app/Makefile\n');
    expect(again.stdout).toContain('would update    app/requirements.txt\n');
    expect(snapshot(cwd)).toEqual(before);
  });

  it('announces a non-empty target directory before anything else, unless it is the generated project', () => {
    const cwd = fresh();
    mkdirSync(path.join(cwd, 'app'));
    writeFileSync(path.join(cwd, 'app/notes.txt'), 'mine\n');
    const r = runBin(['app'], cwd);
    expect(r.stderr.split('\n')[0]).toBe('note: app exists and is not empty: files in it are only replaced with --force or your yes for each');
    expect(runBin(['app'], cwd).stderr).not.toContain('is not empty');
  });

  it('a prompt whose stdin is closed cancels with exit 130 and leaves nothing behind', () => {
    const cwd = fresh();
    const r = runBin(['app', '--interactive'], cwd);
    expect(r.status).toBe(130);
    expect(r.stderr).toMatch(/error: cancelled\n$/);
    expect(snapshot(cwd)).toEqual({});
  });

  it('refuses a directory that is a file', () => {
    const cwd = fresh();
    writeFileSync(path.join(cwd, 'my-app'), 'mine');
    const r = runBin(['my-app'], cwd);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: directory: 'my-app' exists and is not a directory\n");
    expect(snapshot(cwd)).toEqual({ 'my-app': 'mine' });
  });

  it('never overwrites a file of a folder it did not generate without --force, and --force does', () => {
    const cwd = fresh();
    mkdirSync(path.join(cwd, 'app'));
    const makefile = path.join(cwd, 'app/Makefile');
    writeFileSync(makefile, 'mine\n');
    const before = snapshot(cwd);
    const again = runBin(['app', '--deps', 'requests'], cwd);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(
      'note: app exists and is not empty: files in it are only replaced with --force or your yes for each\n' +
        'error: directory: app already has Makefile with other content; nothing was written (--force overwrites)\n',
    );
    expect(snapshot(cwd)).toEqual(before);
    const forced = runBin(['app', '--force', '--deps', 'requests'], cwd);
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(makefile, 'utf8')).not.toBe('mine\n');
    expect(readFileSync(path.join(cwd, 'app/requirements.txt'), 'utf8')).toMatch(/\nrequests\n$/);
  });

  it('says "Nothing changed" for a re-run that changes nothing, and "Updated" for one that does; never yeoman\'s "force"', () => {
    const cwd = fresh();
    const first = runBin(['app'], cwd);
    expect(first.stderr).toContain('\nCreated app: Python 3.13');
    expect(first.stderr).not.toMatch(/\bforce\b/);
    const same = runBin(['app'], cwd);
    expect(same.status, same.stderr).toBe(0);
    expect(same.stderr).toContain('\nNothing changed: app already has every file as it would be written.\n');
    expect(same.stderr).not.toMatch(/^(create|overwrite) /m);
    const other = runBin(['app', '--force', '--deps', 'requests'], cwd);
    expect(other.stderr).toMatch(/^update +app\/requirements\.txt$/m);
    expect(other.stderr).toContain('\nUpdated app: Python 3.13');
    expect(other.stderr).not.toContain('Created');
  });

  it('a folder that already holds a Python project points at --existing, and writes nothing', () => {
    const cwd = fresh();
    mkdirSync(path.join(cwd, 'svc'));
    writeFileSync(path.join(cwd, 'svc/requirements.txt'), 'flask\n');
    const r = runBin(['svc', '--yes'], cwd);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: directory: svc already holds a Python project (requirements.txt): to add the distroless build to it, give --existing svc (--force writes a new project over it)\n');
    expect(snapshot(cwd)).toEqual({ 'svc/requirements.txt': 'flask\n' });
  });

  it('a write that fails half-way leaves every file as it was', () => {
    const cwd = fresh();
    mkdirSync(path.join(cwd, 'app'));
    writeFileSync(path.join(cwd, 'app/Makefile'), 'mine\n');
    // docker/ made unwritable: the Dockerfile, .dockerignore and Makefile are written before it fails.
    writeFileSync(path.join(cwd, 'app/docker'), 'a file where a folder must be');
    const before = snapshot(cwd);
    const r = runBin(['app', '--force', '--python', '3.12'], cwd);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^error: /);
    expect(snapshot(cwd)).toEqual(before);
  });
});
