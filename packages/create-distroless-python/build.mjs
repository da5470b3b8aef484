// Bundles src/cli.ts, the generator and yeoman into dist/cli.js, a file with no runtime
// dependencies, and copies the templates beside it. Type-checking is tsc's job (npm run build).
import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

// yeoman-environment and yeoman-generator read their own package.json at import time; bundled,
// that path would be ours. Inline {name, version} where each reads it (exactly once each).
const ownPackageReads = [
  ['yeoman-environment/dist/environment-base.js', "require('../package.json')"],
  ['yeoman-environment/dist/module-lookup.js', "JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json')).toString())"],
  ['yeoman-generator/dist/generator.js', "JSON.parse(readFileSync(pathJoin(_dirname, '../package.json'), 'utf8'))"],
];
const inlinePackageJson = {
  name: 'inline-package-json',
  setup(b) {
    for (const [file, expression] of ownPackageReads) {
      const [pkgName] = file.split('/');
      const target = path.join(root, 'node_modules', file);
      const pkgJson = JSON.parse(readFileSync(path.join(root, 'node_modules', pkgName, 'package.json'), 'utf8'));
      b.onLoad({ filter: new RegExp(`${file.replaceAll('/', '[\\\\/]').replaceAll('.', '\\.')}$`) }, (args) => {
        if (args.path !== target) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (source.split(expression).length !== 2) throw new Error(`${file}: expected one "${expression}"`);
        return { contents: source.replace(expression, `(${JSON.stringify({ name: pkgJson.name, version: pkgJson.version })})`), loader: 'js' };
      });
    }
  },
};

// `node build.mjs --unbundled FILE` writes, for bench/scaffold.sh only, the same bin with its
// npm dependencies left as imports from node_modules: the unbundled install, measured.
const unbundled = process.argv[2] === '--unbundled' ? path.resolve(process.argv[3]) : undefined;
if (unbundled) {
  await build({
    entryPoints: [path.join(here, 'src/cli.ts')],
    outfile: unbundled,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  process.exit(0);
}

rmSync(path.join(here, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [path.join(here, 'src/cli.ts')],
  outfile: path.join(here, 'dist/cli.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // fly-import installs generators from npm at run time, which this bin never does; it would
  // pull npm's installer into the bundle.
  // chardet and iconv-lite serve only inquirer's editor prompt, which this bin never shows.
  alias: {
    'fly-import': path.join(here, 'src/stubs/fly-import.ts'),
    chardet: path.join(here, 'src/stubs/editor-encoding.ts'),
    'iconv-lite': path.join(here, 'src/stubs/editor-encoding.ts'),
  },
  plugins: [inlinePackageJson],
  logLevel: 'warning',
});
cpSync(path.join(root, 'templates'), path.join(here, 'templates'), { recursive: true });
