/**
 * The templates, by their path under templates/. Read from the package's templates/ folder; the
 * create bin's bundle (packages/create-distroless-python/build.mjs) replaces this module with one
 * that holds the same files inlined, so there is one copy of them, here, to edit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled, this module is lib/templates.js, beside the package's templates/.
const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));

export function readTemplate(name: string): string {
  return readFileSync(path.join(TEMPLATES_DIR, name), 'utf8');
}
