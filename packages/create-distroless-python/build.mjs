// Bundles src/cli.ts (lib/pipeline and what it needs) into dist/, with no runtime dependencies:
// dist/cli.js, and the chunk of yeoman's prompts (inquirer), which is loaded only when a question
// is asked. The templates are inlined into the bundle from the one templates/ folder at the root.
// Type-checking is tsc's job (npm run build).
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

// node build.mjs                       dist/, as published
// node build.mjs --unbundled FILE      for bench/scaffold.sh only: the same bin with its npm
//                                      dependencies left as imports from node_modules
// --outdir DIR --templates DIR --version V: the same bin from other templates, as a later version
// of the generator would ship them (the upgrade tests make one).
const { values: args } = parseArgs({ options: { unbundled: { type: 'string' }, outdir: { type: 'string' }, templates: { type: 'string' }, version: { type: 'string' } } });
const templates = path.resolve(args.templates ?? path.join(root, 'templates'));
const version = args.version ?? JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const outdir = path.resolve(args.outdir ?? path.join(here, 'dist'));

/** Every file under templates/, by its path there. */
function templateFiles(dir = templates, out = {}) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) templateFiles(full, out);
    else out[path.relative(templates, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
  }
  return out;
}

// lib/templates reads templates/ and package.json beside it; bundled, it holds them instead.
const inlineTemplates = {
  name: 'inline-templates',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]lib[\\/]templates\.ts$/ }, () => ({
      contents: `const FILES = ${JSON.stringify(templateFiles())};
export function readTemplate(name) {
  if (!Object.hasOwn(FILES, name)) throw new Error('no template ' + name);
  return FILES[name];
}
export function templatesVersion() {
  return ${JSON.stringify(version)};
}`,
      loader: 'js',
    }));
  },
};

// pip-requirements-js builds its grammar (ohm) when it is evaluated, and most runs read no
// requirement beyond a plain name (questions.ts checks those first): evaluate it at its first call.
const lazyRequirements = {
  name: 'lazy-requirements',
  setup(b) {
    b.onResolve({ filter: /^pip-requirements-js$/ }, (args) => (args.pluginData === 'real' ? undefined : { path: 'lazy', namespace: 'lazy-requirements' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-requirements' }, () => ({
      contents: `export function parsePipRequirementsLine(line) { return require('pip-requirements-js').parsePipRequirementsLine(line); }`,
      resolveDir: here,
      pluginData: 'real',
      loader: 'js',
    }));
  },
};

const shared = {
  entryPoints: [path.join(here, 'src/cli.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [inlineTemplates],
  logLevel: 'warning',
};

if (args.unbundled) {
  await build({ ...shared, outfile: path.resolve(args.unbundled), packages: 'external' });
  process.exit(0);
}

rmSync(outdir, { recursive: true, force: true });
await build({
  ...shared,
  outdir,
  // The prompts' chunk is split off, so `--yes` never parses it.
  splitting: true,
  plugins: [inlineTemplates, lazyRequirements],
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  legalComments: 'linked',
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // chardet and iconv-lite serve only inquirer's editor prompt, which this bin never shows.
  alias: {
    chardet: path.join(here, 'src/stubs/editor-encoding.ts'),
    'iconv-lite': path.join(here, 'src/stubs/editor-encoding.ts'),
  },
});
