/**
 * The templates, by their path under templates/, and the version of the package they ship in (a
 * project records it). Read from the package's templates/ folder and package.json; the create
 * bin's bundle (packages/create-distroless-python/build.mjs) replaces this module with one that
 * holds the same files and version inlined, so there is one copy of them, here, to edit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled, this module is lib/templates.js, beside the package's templates/ and package.json.
const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));

export function readTemplate(name: string): string {
  return readFileSync(path.join(TEMPLATES_DIR, name), 'utf8');
}

let version: string | undefined;
/** The generator's version, which wrote these templates. */
export function templatesVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
