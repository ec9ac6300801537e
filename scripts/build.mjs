#!/usr/bin/env node
// Builds the packages (JavaScript, .d.ts, source maps with their sources) into each package's dist/:
//   node scripts/build.mjs                 all, in dependency order
//   node scripts/build.mjs runtime sdk     some (a package's prepack builds itself)
// Each package: tsc -p <pkg>/tsconfig.build.json, then its assets (files tsc does not emit), then dist/esm-only.cjs,
// the `require` target that says the package is ESM only and what to do instead.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** In dependency order. `assets`: [from, to] relative to the repo root and to the package's dist/. */
const PACKAGES = {
  runtime: {
    name: '@tars-contracts/runtime',
    assets: [],
    // ajv-formats' format checks are bundled (one self-contained CommonJS file, MIT, no dependency of its own at run
    // time): as a dependency it would bring Ajv itself into every service's install.
    vendor: [{ from: 'ajv-formats/dist/formats.js', license: 'ajv-formats/LICENSE', to: 'vendor/ajv-formats/formats.cjs', rewrite: 'validation.js' }],
  },
  sdk: {
    name: 'tars-contracts',
    deps: ['runtime'],
    assets: [
      ['generated/validators.js', 'generated/validators.js'],
      ['generated/validators.d.ts', 'generated/validators.d.ts'],
      ['asyncapi/tars.asyncapi.yaml', 'asyncapi/tars.asyncapi.yaml'],
    ],
  },
  testing: { name: '@tars-contracts/testing', deps: ['runtime'], assets: [] },
  generator: {
    name: '@tars-contracts/generator',
    deps: ['runtime', 'sdk', 'testing'],
    assets: [
      ['generator/templates', 'templates'],
      ['generator/parser-worker.mjs', 'parser-worker.mjs'],
    ],
  },
};

function tscBin() {
  // typescript's package.json names its compiler as the `tsc` bin.
  const pkg = require.resolve('typescript/package.json', { paths: [root] });
  const bin = require(pkg).bin.tsc;
  return path.join(path.dirname(pkg), bin);
}

const built = new Set();

function build(dir) {
  const spec = PACKAGES[dir];
  if (!spec) throw new Error(`unknown package folder '${dir}' (one of ${Object.keys(PACKAGES).join(', ')})`);
  if (built.has(dir)) return;
  // A package compiles against its workspace dependencies' declarations (node_modules links to their dist/): a
  // dependency not built yet (a fresh clone, `npm pack -w sdk` alone) is built first.
  for (const dep of spec.deps ?? []) if (!existsSync(path.join(root, dep, 'dist', 'index.d.ts')) && !existsSync(path.join(root, dep, 'dist', 'sdk', 'index.d.ts'))) build(dep);
  const pkgDir = path.join(root, dir);
  const dist = path.join(pkgDir, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const started = Date.now();
  const r = spawnSync(process.execPath, [tscBin(), '-p', path.join(pkgDir, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`build: tsc failed for ${spec.name} (${dir}/tsconfig.build.json)\n`);
    process.exit(r.status ?? 1);
  }
  for (const v of spec.vendor ?? []) {
    const target = path.join(dist, v.to);
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(require.resolve(v.from, { paths: [pkgDir, root] }), target);
    cpSync(require.resolve(v.license, { paths: [pkgDir, root] }), path.join(path.dirname(target), 'LICENSE'));
    const file = path.join(dist, v.rewrite);
    const rel = './' + path.relative(path.dirname(file), target).split(path.sep).join('/');
    const text = readFileSync(file, 'utf8');
    if (!text.includes(`'${v.from}'`)) throw new Error(`build: ${v.rewrite} does not import '${v.from}'`);
    writeFileSync(file, text.split(`'${v.from}'`).join(`'${rel}'`));
  }
  for (const [from, to] of spec.assets) {
    const target = path.join(dist, to);
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(path.join(root, from), target, { recursive: true });
  }
  writeFileSync(
    path.join(dist, 'esm-only.cjs'),
    `'use strict';\n// ${spec.name} is an ES module package: require() cannot load it.\n` +
      `throw Object.assign(new Error(${JSON.stringify(
        `${spec.name} is ESM only: use \`import ... from '${spec.name}'\` (in CommonJS: \`const m = await import('${spec.name}')\`), ` +
          `or set "type": "module" in your package.json.`,
      )}), { code: 'ERR_REQUIRE_ESM' });\n`,
  );
  built.add(dir);
  process.stdout.write(`built ${spec.name} → ${path.relative(root, dist)}/ in ${Date.now() - started} ms\n`);
}

const wanted = process.argv.slice(2);
for (const dir of wanted.length > 0 ? wanted : Object.keys(PACKAGES)) {
  if (!existsSync(path.join(root, dir, 'tsconfig.build.json'))) throw new Error(`no ${dir}/tsconfig.build.json`);
  build(dir);
}
