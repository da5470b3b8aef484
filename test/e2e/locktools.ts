/**
 * Lock files written by the real tools: lockWith() runs Debian trixie's poetry, pipenv or pdm
 * (the standin/locktools image, standins/locktools.sh) in a container against a PEP 503 index,
 * normally the stand-ins' local one, so that e2e tests can convert projects that come with a
 * poetry.lock, Pipfile.lock or pdm.lock exactly as those tools write them.
 *
 * The container runs with --network host (the index is on 127.0.0.1), as the caller's uid and gid
 * (the lock is not root-owned), with HOME in a temporary directory (caches, virtualenvs and config
 * go there, not into the project or the caller's HOME), and with HTTP(S)_PROXY pointing at a dead
 * port on 127.0.0.1 and NO_PROXY=127.0.0.1,localhost: a tool that tried to reach anything but the
 * index (PyPI, an update check) fails at once instead of waiting for a network this machine does
 * not have.
 *
 * How each tool is kept to the index, leaving the project's own files alone:
 * - pipenv: PIPENV_PYPI_MIRROR (pipenv swaps it in for the Pipfile's pypi.org sources; Pipfile.lock
 *   still records the Pipfile's sources in _meta.sources).
 * - pdm: PDM_PYPI_URL (the pypi.url setting; pdm.lock does not record sources).
 * - poetry: Poetry 2.1 takes sources from pyproject.toml only (no setting or variable replaces
 *   PyPI), so by default ('pypi') the container sees a copy of pyproject.toml, bind-mounted over
 *   the real one, whose only source is the index as primary; after `poetry lock` the
 *   [package.source] tables naming that source are dropped and content-hash is set to the hash
 *   Poetry computes for the real pyproject.toml, which makes the lock the one PyPI would give if it
 *   held only the index's files; `poetry check --lock` on the real file then has to pass. With
 *   { poetrySource: 'project' } the real `poetry source add --priority=primary` writes the source
 *   into the project's pyproject.toml instead, and poetry.lock keeps it ([package.source] with the
 *   index URL, port included).
 * Other sources a project names (a Pipfile's non-PyPI [[source]], [[tool.pdm.source]]) are still
 * asked, and fail behind the dead proxy; the 'pypi' mode for Poetry replaces them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { docker, STANDIN_LOCKTOOLS } from './standins.js';

export type LockTool = 'poetry' | 'pipenv' | 'pdm';

/** The file each tool writes, next to its project file. */
export const LOCK_FILES: Readonly<Record<LockTool, string>> = {
  poetry: 'poetry.lock',
  pipenv: 'Pipfile.lock',
  pdm: 'pdm.lock',
};

/** On standin/locktools: the upstream versions inside, e.g. "pdm=2.20.1 pipenv=2024.0.1 poetry=2.1.2". */
export const VERSIONS_LABEL = 'standins.locktools-versions';

/** The source name the 'pypi' and 'project' Poetry modes give the index. */
export const POETRY_SOURCE_NAME = 'standins-local';

export interface LockOptions {
  /** The image with the three tools (default standin/locktools:latest). */
  image?: string;
  /**
   * Poetry only: 'pypi' (default) locks as if PyPI held the index's files and leaves
   * pyproject.toml untouched; 'project' adds the index to pyproject.toml as a primary source and
   * keeps it in poetry.lock. See the comment at the top of this file.
   */
  poetrySource?: 'pypi' | 'project';
  /** Extra arguments for the lock command, e.g. ['--no-cross-platform'] for pdm. */
  args?: string[];
  /** Default 5 minutes. */
  timeoutMs?: number;
}

/** The tools' upstream versions, from the image's label: { poetry: '2.1.2', pipenv: '2024.0.1', pdm: '2.20.1' }. */
export async function locktoolsVersions(image = STANDIN_LOCKTOOLS): Promise<Record<LockTool, string>> {
  const r = await docker(['image', 'inspect', '--format', `{{ index .Config.Labels "${VERSIONS_LABEL}" }}`, image], {
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`docker image inspect ${image}: ${r.stderr.trim()}`);
  const versions = Object.fromEntries(r.stdout.trim().split(/\s+/).map((kv) => kv.split('=') as [string, string]));
  for (const tool of Object.keys(LOCK_FILES)) {
    if (!versions[tool]) throw new Error(`${image} has no ${tool} version in its ${VERSIONS_LABEL} label ('${r.stdout.trim()}')`);
  }
  return versions as Record<LockTool, string>;
}

/** Run inside the container after `poetry lock` in the 'pypi' mode: argv = source name, real pyproject.toml. */
const POETRY_FIX_PY = `
import sys, tomllib
from pathlib import Path
import tomlkit
from poetry.packages.locker import Locker

name, original = sys.argv[1], Path(sys.argv[2])
lock = Path("poetry.lock")
doc = tomlkit.parse(lock.read_text())
for package in doc.get("package", []):
    source = package.get("source")
    if source is not None and source.get("reference") == name:
        del package["source"]
# What Factory.create_poetry hands the Locker: the pyproject.toml data as tomllib reads it.
with original.open("rb") as f:
    doc["metadata"]["content-hash"] = Locker(lock, tomllib.load(f))._get_content_hash()
text = tomlkit.dumps(doc)
while "\\n\\n\\n" in text:
    text = text.replace("\\n\\n\\n", "\\n\\n")
lock.write_text(text)
`;

/**
 * Runs the real `poetry lock`, `pipenv lock` or `pdm lock` on projectDir (pyproject.toml or
 * Pipfile there) against indexUrl (a PEP 503 /simple/ URL, e.g. Standins.indexUrl) and leaves
 * poetry.lock, Pipfile.lock or pdm.lock (with sha256 hashes) in projectDir, owned by the caller.
 * An existing lock is updated as the tool updates it. Throws with the tool's output when it fails.
 */
export async function lockWith(tool: LockTool, projectDir: string, indexUrl: string, opts: LockOptions = {}): Promise<void> {
  if (!indexUrl) throw new Error('lockWith: no index URL (the stand-ins serve one; PyPI is not reachable here)');
  const dir = resolve(projectDir);
  const image = opts.image ?? STANDIN_LOCKTOOLS;
  const args = opts.args ?? [];
  const scratch = mkdtempSync(join(tmpdir(), `dp-lock-${tool}-`));
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const run: string[] = [
    'run', '--rm', '--network', 'host', '--user', `${uid}:${gid}`,
    '-e', 'HOME=/lockhome', '-e', `USER=u${uid}`, '-e', `LOGNAME=u${uid}`,
    '-e', 'HTTP_PROXY=http://127.0.0.1:9', '-e', 'HTTPS_PROXY=http://127.0.0.1:9',
    '-e', 'http_proxy=http://127.0.0.1:9', '-e', 'https_proxy=http://127.0.0.1:9',
    '-e', 'NO_PROXY=127.0.0.1,localhost', '-e', 'no_proxy=127.0.0.1,localhost',
    '-v', `${join(scratch, 'home')}:/lockhome`,
    '-v', `${dir}:/project`, '-w', '/project',
    '-e', `LOCK_INDEX_URL=${indexUrl}`,
  ];
  let script: string;
  try {
    // The temporary HOME, created here so that it is ours (docker would create it as root).
    mkdirSync(join(scratch, 'home'), { mode: 0o700 });
    switch (tool) {
      case 'pipenv':
        run.push('-e', `PIPENV_PYPI_MIRROR=${indexUrl}`, '-e', 'PIPENV_IGNORE_VIRTUALENVS=1');
        script = 'exec pipenv lock "$@"';
        break;
      case 'pdm':
        // The system python3, so that no .venv or .pdm-python lands in the project.
        run.push('-e', `PDM_PYPI_URL=${indexUrl}`, '-e', 'PDM_USE_VENV=false', '-e', 'PDM_PYTHON=/usr/bin/python3');
        script = 'exec pdm lock "$@"';
        break;
      case 'poetry':
        if ((opts.poetrySource ?? 'pypi') === 'project') {
          script = `poetry source add --priority=primary ${POETRY_SOURCE_NAME} "$LOCK_INDEX_URL" && exec poetry lock --no-interaction "$@"`;
        } else {
          const pyproject = join(dir, 'pyproject.toml');
          const data = parse(readFileSync(pyproject, 'utf8')) as Record<string, unknown>;
          const toolTable = (data['tool'] ??= {}) as Record<string, unknown>;
          const poetry = (toolTable['poetry'] ??= {}) as Record<string, unknown>;
          poetry['source'] = [{ name: POETRY_SOURCE_NAME, url: indexUrl, priority: 'primary' }];
          writeFileSync(join(scratch, 'pyproject.toml'), stringify(data));
          writeFileSync(join(scratch, 'fix.py'), POETRY_FIX_PY);
          // The project twice: /project with the copy over its pyproject.toml, /original as it is.
          run.push(
            '-v', `${join(scratch, 'pyproject.toml')}:/project/pyproject.toml:ro`,
            '-v', `${dir}:/original`,
            '-v', `${join(scratch, 'fix.py')}:/lockfix/fix.py:ro`,
          );
          script = [
            'poetry lock --no-interaction "$@"',
            `python3 -I /lockfix/fix.py ${POETRY_SOURCE_NAME} /original/pyproject.toml`,
            'cd /original',
            'poetry check --lock --no-interaction',
          ].join(' && ');
        }
        break;
    }
    const r = await docker([...run, image, 'bash', '-euo', 'pipefail', '-c', script, tool, ...args], {
      timeoutMs: opts.timeoutMs ?? 300_000,
    });
    if (r.code !== 0) {
      throw new Error(`${tool} lock in ${dir} (index ${indexUrl}) failed with exit ${r.code}:\n${r.stdout}\n${r.stderr}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
