/**
 * Where an existing app writes beside its code (issue 12, item 5): a Django MEDIA_ROOT or SQLite
 * NAME under the project, a Flask SQLite URI or upload folder next to the module, a database
 * file in the tree. The image's code is read-only, so such an app needs a writable data
 * directory; what is found is said, with where. Reads files only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface WriteFinding {
  /** What is written, e.g. "MEDIA_ROOT" or "an SQLite database". */
  what: string;
  /** file:line, or the file itself. */
  from: string;
}

/** Names of the project's own directory, for paths "beside the code". */
const HERE = String.raw`(?:BASE_DIR|PROJECT_ROOT|PROJECT_DIR|basedir|BASEDIR|ROOT_DIR|APP_ROOT|__file__)`;

const RULES: { what: string; pattern: RegExp }[] = [
  { what: 'MEDIA_ROOT (uploaded files)', pattern: new RegExp(String.raw`^\s*MEDIA_ROOT\s*(?::\s*\w+)?\s*=.*\b${HERE}`) },
  // Beside the code (BASE_DIR / "db.sqlite3", sqlite:///relative, sqlite:///{here}) or anywhere on the read-only root.
  { what: 'an SQLite database', pattern: new RegExp(String.raw`(?:["']NAME["']\s*:|NAME\s*=).*${HERE}.*sqlite|${HERE}.*["'][^"']*\.sqlite3?["']|sqlite:///(?:\{|["']\s*\+|[A-Za-z0-9_./-])|["']/[^"'\s]+\.sqlite3?["']`) },
  { what: 'an upload folder', pattern: new RegExp(String.raw`^\s*UPLOAD_FOLDER\s*(?::\s*\w+)?\s*=.*\b${HERE}`) },
];

const SKIP = new Set(['.git', '.venv', 'venv', 'env', 'node_modules', 'tests', 'test', '__pycache__', '_repo-root', 'docs', 'migrations', 'site-packages', 'build', 'dist']);
const DATABASE_FILE = /\.(?:db|sqlite3?)$/;

/** The places the app writes beside its code, in file order; at most a few per rule. */
export function detectWritable(dir: string): WriteFinding[] {
  const found: WriteFinding[] = [];
  const visit = (relative: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(path.join(dir, relative)).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      const file = path.posix.join(relative, name);
      const full = path.join(dir, file);
      let stat;
      try {
        stat = statSync(full);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (depth < 4 && !SKIP.has(name) && !name.startsWith('.')) visit(file, depth + 1);
      } else if (DATABASE_FILE.test(name) && depth <= 2) {
        found.push({ what: 'a database file', from: file });
      } else if (name.endsWith('.py') && stat.size < 512_000) {
        const lines = readFileSync(full, 'utf8').split('\n');
        lines.forEach((first, i) => {
          if (first.trimStart().startsWith('#') || (i > 0 && lines[i - 1].endsWith('\\'))) return;
          // A statement continued with backslashes is read whole, and found at its first line.
          let line = first;
          for (let j = i; lines[j]?.endsWith('\\') && j + 1 < lines.length; j++) line = `${line.slice(0, -1)} ${lines[j + 1]}`;
          const rule = RULES.find((r) => r.pattern.test(line));
          if (rule && found.filter((f) => f.what === rule.what).length < 3) found.push({ what: rule.what, from: `${file}:${i + 1}` });
        });
      }
    }
  };
  visit('', 0);
  return found;
}
