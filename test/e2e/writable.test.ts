/**
 * An existing app that writes beside its code (issue 12, item 5), converted, built and run
 * nonroot on a read-only root: its code stays read-only, and /data, the volume the image gets,
 * is the app user's, so data written there survives into the next container.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { runBin } from '../helpers.js';
import { dockerBuildkit as docker } from './standins.js';

vi.setConfig({ testTimeout: 600_000 });

const e2e = inject('e2e');
const s = e2e.ok ? e2e.standins : undefined;
const tag = `dp-e2e-writable/uploads-${Math.random().toString(36).slice(2, 8)}`;
const volume = `dp-e2e-writable-${Math.random().toString(36).slice(2, 8)}`;

afterAll(async () => {
  await docker(['image', 'rm', '-f', tag]);
  await docker(['volume', 'rm', '-f', volume]);
});

const APP = `import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", os.path.join(BASE_DIR, "uploads"))

if __name__ == "__main__":
    os.makedirs(UPLOAD_FOLDER, exist_ok=True)
    with open(os.path.join(UPLOAD_FOLDER, "log.txt"), "a") as log:
        log.write("upload\\n")
    with open(os.path.join(UPLOAD_FOLDER, "log.txt")) as log:
        print(len(log.readlines()), "uploads as", os.getuid())
`;

describe.skipIf(!e2e.ok)('an app that writes beside its code', () => {
  it('gets /data, a volume the nonroot user can write, while /app stays read-only', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'dp-e2e-writable-')), 'uploads');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'main.py'), APP);
    writeFileSync(path.join(dir, 'requirements.txt'), '');
    writeFileSync(path.join(dir, '.python-version'), '3.13\n');
    const r = runBin(['--existing', dir, '--yes'], path.dirname(dir));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('found: writes beside its code: an upload folder (main.py:5); ');
    expect(r.stderr).toContain(`--volume uploads-data:/data uploads`);
    const index = s!.indexUrl ? ['--build-arg', `PIP_INDEX_URL=${s!.indexUrl}`] : [];
    const build = await docker(['build', '--network', 'host', '--build-arg', `BUILDER_IMAGE=${s!.builder}`, '--build-arg', `RUNTIME_IMAGE=${s!.runtime.nonroot}`, ...index, '-t', tag, dir]);
    expect(build.code, `${build.stdout}\n${build.stderr}`).toBe(0);
    const hardened = ['run', '--rm', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];
    // Beside the code, as the app does by default: /app is read-only.
    const beside = await docker([...hardened, tag]);
    expect(beside.code).not.toBe(0);
    expect(beside.stderr).toMatch(/Read-only file system|Permission denied/);
    // Pointed into /data: written as 65532, and kept in the volume for the next container.
    const first = await docker([...hardened, '--volume', `${volume}:/data`, '--env', 'UPLOAD_FOLDER=/data/uploads', tag]);
    expect(first.stdout, first.stderr).toBe('1 uploads as 65532\n');
    const second = await docker([...hardened, '--volume', `${volume}:/data`, '--env', 'UPLOAD_FOLDER=/data/uploads', tag]);
    expect(second.stdout, second.stderr).toBe('2 uploads as 65532\n');
    const declared = await docker(['image', 'inspect', '--format', '{{json .Config.Volumes}}', tag]);
    expect(declared.stdout.trim()).toBe('{"/data":{}}');
  });
});
