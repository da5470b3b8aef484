/**
 * The create bin in a real terminal (tmux): the prompts appear without any flag, take answers,
 * re-ask after an invalid one, and Ctrl-C cancels with exit 130 and nothing on disk.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, snapshot } from './helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) process.stderr.write('SKIPPED terminal tests: no tmux (apt-get install tmux)\n');
const sessions: string[] = [];

// A tmux server of this file's own, kept alive by one idle session: killing the last test session
// would otherwise stop the server while the next test's new-session connects ("server exited unexpectedly").
const SOCKET = ['-L', `dp-interactive-${process.pid}`];

function tmux(...args: string[]): string {
  return execFileSync('tmux', [...SOCKET, ...args], { encoding: 'utf8' });
}

/** Starts the bin in a detached 120x40 terminal; the shell line prints its exit code. */
function start(cwd: string, args: string[] = []): string {
  const name = `dp-${path.basename(cwd)}-${sessions.length}`;
  sessions.push(name);
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', '-c', cwd, `${quoted}; echo "EXIT=$?"; sleep 60`);
  return name;
}

const screen = (name: string) => tmux('capture-pane', '-p', '-t', name);

async function waitFor(name: string, text: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = screen(name);
    if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${text} on:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const keys = (name: string, ...k: string[]) => tmux('send-keys', '-t', name, ...k);

beforeAll(() => {
  if (hasTmux) tmux('new-session', '-d', '-s', 'keepalive', 'sleep 3600');
});

afterAll(() => {
  if (hasTmux) spawnSync('tmux', [...SOCKET, 'kill-server']);
});

afterEach(() => {
  for (const s of sessions.splice(0)) spawnSync('tmux', [...SOCKET, 'kill-session', '-t', s]);
});

describe.skipIf(!hasTmux)('in a terminal', () => {
  it('asks every question, re-asks after an invalid answer, and writes the answers', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dp-tty-'));
    const t = start(cwd);
    await waitFor(t, '? Project directory (my-app)');
    keys(t, 'svc', 'Enter');
    await waitFor(t, '? Python version');
    keys(t, 'Enter');
    await waitFor(t, '? Dependencies');
    keys(t, 'emoji --index-url=x', 'Enter');
    await waitFor(t, "'--index-url=x' is an option; only requirements are allowed");
    for (let i = 0; i < 20; i++) keys(t, 'BSpace');
    keys(t, 'flask gunicorn', 'Enter');
    await waitFor(t, '? Run as the nonroot user');
    keys(t, 'n', 'Enter');
    await waitFor(t, '? Entrypoint');
    keys(t, 'gunicorn -b 127.0.0.1:8000 web:app', 'Enter');
    await waitFor(t, 'gunicorn binds 127.0.0.1, which nothing outside the container can reach: bind 0.0.0.0:8000');
    for (let i = 0; i < 40; i++) keys(t, 'BSpace');
    keys(t, 'gunicorn web:app', 'Enter');
    // proposed for the known server: its own default port
    await waitFor(t, '? Port the app listens on');
    await waitFor(t, '(8000)');
    keys(t, 'Enter');
    const done = await waitFor(t, /EXIT=\d+/);
    expect(done).toContain('EXIT=0');
    expect(done).toContain('make run     # serve it on http://localhost:8000/');
    const files = snapshot(path.join(cwd, 'svc'));
    expect(files['requirements.txt']).toMatch(/\nflask\ngunicorn\n$/);
    expect(files.Dockerfile).toContain('ENTRYPOINT ["/opt/venv/bin/gunicorn"]\nCMD ["--bind", "0.0.0.0:8000", "web:app"]');
    expect(files.Dockerfile).toContain('EXPOSE 8000');
    expect(files['src/web.py']).toContain('app = Flask(__name__)');
    expect(files.Dockerfile).not.toMatch(/^USER/m);
  });

  it('asks before overwriting a file it did not write, and keeps it on no; in the project it made, asks only about overlapping edits', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dp-tty-'));
    mkdirSync(path.join(cwd, 'app'));
    writeFileSync(path.join(cwd, 'app/Makefile'), 'mine\n');
    const t0 = start(cwd, ['app', '--deps', 'requests']);
    for (const p of ['Python version', 'Run as the nonroot user', 'Entrypoint', 'Port']) {
      await waitFor(t0, `? ${p}`);
      keys(t0, 'Enter');
    }
    await waitFor(t0, 'Overwrite app/Makefile?');
    keys(t0, 'n', 'Enter');
    expect(await waitFor(t0, /EXIT=\d+/)).toContain('EXIT=0');
    expect(readFileSync(path.join(cwd, 'app/Makefile'), 'utf8')).toBe('mine\n');
    expect(readFileSync(path.join(cwd, 'app/requirements.txt'), 'utf8')).toMatch(/\nrequests\n$/);

    // The re-run changes the Makefile the owner kept (overlap: asked), and the Dockerfile (merged: not asked).
    const t = start(cwd, ['app', '--no-nonroot']);
    for (const p of ['Python version', 'Dependencies', 'Entrypoint', 'Port']) {
      await waitFor(t, `? ${p}`);
      keys(t, 'Enter');
    }
    await waitFor(t, "app/Makefile: your edits and this version's overlap. Write?");
    keys(t, 'n', 'Enter');
    expect(await waitFor(t, /EXIT=\d+/)).toContain('EXIT=0');
    expect(readFileSync(path.join(cwd, 'app/Makefile'), 'utf8')).toBe('mine\n');
    expect(readFileSync(path.join(cwd, 'app/Dockerfile'), 'utf8')).not.toContain('USER 65532');
    expect(readFileSync(path.join(cwd, 'app/requirements.txt'), 'utf8')).toMatch(/\nrequests\n$/);
  });

  // A re-run of a generated project with an overlapping edit: a cancel at any of its prompts,
  // the overlap's included, leaves every file byte for byte as it was.
  it.each(['Python version', 'Dependencies', 'Entrypoint', 'Port', 'overlap', 'overlap: x'])('a re-run cancelled at "%s" leaves the project byte-identical', async (at) => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'dp-tty-'));
    expect(spawnSync(process.execPath, [BIN, 'app', '--yes'], { cwd }).status).toBe(0);
    const makefile = path.join(cwd, 'app/Makefile');
    writeFileSync(makefile, readFileSync(makefile, 'utf8').replace(/^DEBUG_IMAGE .*$/m, 'DEBUG_IMAGE ?= mine'));
    const before = snapshot(cwd);
    const t = start(path.join(cwd, 'app'), ['--no-nonroot']);
    for (const p of ['Python version', 'Dependencies', 'Entrypoint', 'Port', 'overlap']) {
      await waitFor(t, p === 'overlap' ? "Makefile: your edits and this version's overlap. Write?" : `? ${p}`);
      if (p === at) break;
      if (at === 'overlap: x' && p === 'overlap') break;
      keys(t, 'Enter');
    }
    if (at === 'overlap: x') keys(t, 'x', 'Enter');
    else keys(t, 'C-c');
    const s = await waitFor(t, /EXIT=\d+/);
    expect(s).toContain('error: cancelled');
    expect(s).toContain('EXIT=130');
    expect(snapshot(cwd)).toEqual(before);
  });

  it.each(['Project directory', 'Python version', 'Dependencies', 'Run as the nonroot user', 'Entrypoint', 'Port'])(
    'Ctrl-C at "%s" exits 130 and leaves nothing behind',
    async (prompt) => {
      const cwd = mkdtempSync(path.join(tmpdir(), 'dp-tty-'));
      const t = start(cwd);
      const order = ['Project directory', 'Python version', 'Dependencies', 'Run as the nonroot user', 'Entrypoint', 'Port'];
      for (const p of order) {
        await waitFor(t, `? ${p}`);
        if (p === prompt) break;
        keys(t, 'Enter');
      }
      keys(t, 'C-c');
      const s = await waitFor(t, /EXIT=\d+/);
      expect(s).toContain('error: cancelled');
      expect(s).toContain('EXIT=130');
      expect(snapshot(cwd)).toEqual({});
    },
  );
});
