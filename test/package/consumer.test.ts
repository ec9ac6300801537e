/**
 * The packages as users get them: every workspace packed (`npm pack`, which builds it), the tarballs installed into
 * fresh projects from the tarballs and the npm cache (`--prefer-offline`), no dev tooling of this repo in reach.
 *  - a service: `npm install --omit=dev tars-contracts`, plain `node app.mjs` against a real Mosquitto, ESM only;
 *    its package count and size printed (and held to ≤ 50 packages, ≤ 20 MB);
 *  - TypeScript consumers of every public entry point: TypeScript 5.3 and the repo's (7), moduleResolution node16
 *    and bundler, strict + exactOptionalPropertyTypes + noUncheckedIndexedAccess, skipLibCheck true and false;
 *  - a browser page: esbuild `platform: 'browser'` bundle of the contract code, run in a `vm` context without
 *    `process` or `require`; its minified size printed;
 *  - a project that generates: the generator as a devDependency, `npx tars-contracts generate` on a document of its
 *    own, the output type-checked against the installed runtime.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { installed, sh, typecheck, typeErrors } from './support.js';

const require = createRequire(import.meta.url);
const REPO = path.resolve(import.meta.dirname, '../..');
/** The `tsc` bin of an installed TypeScript package (by its package.json, which every version exports). */
function tscOf(pkg: string): string {
  const manifest = require.resolve(`${pkg}/package.json`, { paths: [REPO] });
  return path.join(path.dirname(manifest), (require(manifest) as { bin: { tsc: string } }).bin.tsc);
}
const TSC7 = tscOf('typescript');
const TSC53 = tscOf('typescript-5.3');
const TYPES_NODE = (require('@types/node/package.json') as { version: string }).version;
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

let work: string;
let tarballs: Record<'runtime' | 'sdk' | 'testing' | 'generator', string>;
let broker: BrokerHandle;

/** A fresh ESM project in the work folder. */
function project(name: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }, null, 2));
  return dir;
}

/** What each tarball holds (from `npm pack --json`). */
let packed: { name: string; filename: string; files: { path: string }[] }[];

beforeAll(async () => {
  // Folders left by an earlier run that was killed (afterAll never ran) would fill the disk over time.
  for (const old of readdirSync(tmpdir()).filter((d) => d.startsWith('tars-consumer-'))) {
    try {
      if (Date.now() - statSync(path.join(tmpdir(), old)).mtimeMs > 3_600_000) rmSync(path.join(tmpdir(), old), { recursive: true, force: true });
    } catch {
      // another run's folder, gone meanwhile
    }
  }
  work = mkdtempSync(path.join(tmpdir(), 'tars-consumer-'));
  const packs = path.join(work, 'tarballs');
  mkdirSync(packs);
  // prepack builds each package; runtime first, the others compile against its declarations
  const { stdout } = await sh('npm', ['pack', '-w', 'runtime', '-w', 'sdk', '-w', 'testing', '-w', 'generator', '--pack-destination', packs, '--json'], REPO);
  packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as typeof packed;
  const files = packed.map((p) => [p.name, path.join(packs, p.filename)] as const);
  const by = Object.fromEntries(files);
  tarballs = { runtime: by['@tars-contracts/runtime']!, sdk: by['tars-contracts']!, testing: by['@tars-contracts/testing']!, generator: by['@tars-contracts/generator']! };
  for (const t of Object.values(tarballs)) expect(t, 'a tarball per package').toBeDefined();
  broker = await startBroker();
}, 240_000);

afterAll(async () => {
  await broker?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('package - the tarballs', () => {
  it('hold the compiled package, its README and LICENSE, and nothing else (no sources, tests, build info)', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(['@tars-contracts/generator', '@tars-contracts/runtime', '@tars-contracts/testing', 'tars-contracts']);
    for (const p of packed) {
      const paths = p.files.map((f) => f.path);
      expect(paths, p.name).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
      const stray = paths.filter(
        (f) => !['package.json', 'README.md', 'LICENSE'].includes(f) && !f.startsWith('dist/') && !(p.name === '@tars-contracts/generator' && f.startsWith('bin/')),
      );
      expect(stray, p.name).toEqual([]);
      expect(paths.filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.tsbuildinfo') || /(^|\/)test\//.test(f)), p.name).toEqual([]);
    }
    const runtime = packed.find((p) => p.name === '@tars-contracts/runtime')!.files.map((f) => f.path);
    // ajv-formats' checks ship inside the runtime, with their licence
    expect(runtime).toEqual(expect.arrayContaining(['dist/vendor/ajv-formats/formats.cjs', 'dist/vendor/ajv-formats/LICENSE']));
  });
});

describe('package - a service installs tars-contracts', () => {
  let svc: string;
  beforeAll(async () => {
    svc = project('service');
    await sh('npm', ['install', '--omit=dev', ...NPM_FLAGS, tarballs.sdk, tarballs.runtime], svc);
  }, 120_000);

  it('ships compiled JavaScript, declarations and maps only; stays within 50 packages and 20 MB', () => {
    const dist = readdirSync(path.join(svc, 'node_modules/tars-contracts/dist/generated'));
    expect(dist).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'index.js.map', 'contract.js', 'validators.js', 'validators.d.ts']));
    expect(dist.some((f) => f.endsWith('.d.ts.map')), 'declaration maps would point at sources the package does not ship').toBe(false);
    expect(dist.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);
    const { packages, bytes } = installed(svc);
    const mb = bytes / 1024 / 1024;
    console.info(`service install (npm install --omit=dev tars-contracts): ${packages} packages, ${mb.toFixed(1)} MB`);
    expect(packages).toBeLessThanOrEqual(50);
    expect(mb).toBeLessThanOrEqual(20);
    // none of the generator's or the test kit's dependencies came along
    for (const heavy of ['@asyncapi', 'handlebars', 'aedes', 'tsx', 'esbuild', 'ajv']) {
      expect(readdirSync(path.join(svc, 'node_modules')), heavy).not.toContain(heavy);
    }
  });

  it('plain `node app.mjs`: publishSttFinal → subscribeSttFinal round trip on Mosquitto, validatePayload verdicts', async () => {
    writeFileSync(
      path.join(svc, 'app.mjs'),
      `import { connect, publishSttFinal, subscribeSttFinal, validatePayload, sttFinalChannel } from 'tars-contracts';
const bus = await connect({ url: process.env.MQTT_URL, logger: undefined, enableHealth: true });
let resolveGot;
const got = new Promise((resolve) => (resolveGot = resolve));
await subscribeSttFinal(bus, (data, envelope) => resolveGot({ data, type: envelope.type }));
const id = await publishSttFinal(bus, { text: 'hello from a package', is_final: true });
const received = await got;
const verdicts = [validatePayload('stt/final', sttFinalChannel.examples[0]), validatePayload('stt/final', { text: 5 }), validatePayload('no/such/topic', {})];
await bus.close();
console.log(JSON.stringify({ id, received, verdicts }));
`,
    );
    const { stdout } = await sh(process.execPath, ['app.mjs'], svc, { MQTT_URL: broker.url, LOG_LEVEL: 'silent' });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      id: string; received: { data: { text: string }; type: string }; verdicts: { ok: boolean; errors?: { path: string; rule: string }[] }[];
    };
    expect(out.id).toMatch(/^[0-9a-f]{32}$/);
    expect(out.received).toEqual({ data: { text: 'hello from a package', is_final: true }, type: 'stt.final' });
    expect(out.verdicts[0]).toEqual({ ok: true });
    expect(out.verdicts[1]).toMatchObject({ ok: false, errors: [{ path: '/text', rule: 'type' }] });
    expect(out.verdicts[2]).toMatchObject({ ok: false, errors: [{ rule: 'topic' }] });
  });

  it('exports the contract document itself (tars-contracts/asyncapi.yaml)', async () => {
    const { stdout } = await sh(process.execPath, ['--input-type=module', '-e', "import { readFileSync } from 'node:fs'; console.log(readFileSync(new URL(import.meta.resolve('tars-contracts/asyncapi.yaml')), 'utf8').split('\\n').find((l) => l.startsWith('asyncapi:')))"], svc);
    expect(stdout.trim()).toBe('asyncapi: 3.0.0');
  });

  it("is ESM only: require('tars-contracts') fails saying what to do", async () => {
    const err = await sh(process.execPath, ['-e', "require('tars-contracts')"], svc).then(() => null, (e: Error) => e.message);
    expect(err).toMatch(/tars-contracts is ESM only: use `import \.\.\. from 'tars-contracts'` \(in CommonJS: `const m = await import\('tars-contracts'\)`\)/);
  });
});

describe('package - TypeScript consumers', () => {
  let ts: string;
  beforeAll(async () => {
    ts = project('typescript');
    await sh('npm', ['install', ...NPM_FLAGS, tarballs.sdk, tarballs.runtime, tarballs.testing], ts);
    writeFileSync(
      path.join(ts, 'consumer.ts'),
      `import { connect, configFromEnv, publishSttFinal, subscribeSttFinal, validatePayload, requestLlm, openLlmStream, isTarsError,
  type FinalTranscript, type BusClient, type LLMRequest } from 'tars-contracts';
import { validateEnvelope, resolveTopic, sttFinalChannel, channels, type HealthPing, type ChannelId } from 'tars-contracts/contract';
import { connect as connectRuntime, request, type ChannelDescriptor, type ConnectOptions, type StatusEvent } from '@tars-contracts/runtime';
import { createTopicCatalog, type ValidationResult } from '@tars-contracts/runtime/contract';
import { startTestBroker, nextMessage, exampleOf, connectTestClient } from '@tars-contracts/testing';

export async function main(): Promise<void> {
  const broker = await startTestBroker();
  const options: ConnectOptions = { url: broker.url, maxPending: 10, overflow: 'drop-oldest' };
  const bus: BusClient = await connect(options);
  bus.on('status', (s: StatusEvent) => { if (s.type === 'slowConsumer') void s.queued; });
  const sub = await subscribeSttFinal(bus, (data: FinalTranscript) => { void data.text.length; }, { group: 'g', ack: 'handled' });
  void sub.stats().waiting;
  await publishSttFinal(bus, exampleOf(sttFinalChannel));
  const v: ValidationResult = validatePayload('stt/final', {});
  if (!v.ok) void v.errors[0]?.path;
  const req: LLMRequest = { id: 'r', text: 'hi' };
  void requestLlm; void openLlmStream; void req; void request; void connectRuntime; void configFromEnv; void isTarsError;
  void validateEnvelope; void resolveTopic('stt/final')?.channel.id; void createTopicCatalog; void nextMessage; void connectTestClient;
  const id: ChannelId = 'sttFinal';
  void channels[id];
  const h: HealthPing | undefined = undefined; void h;
  const c: ChannelDescriptor | undefined = undefined; void c;
  // @ts-expect-error text must be a string: the generated types are not any
  await publishSttFinal(bus, { text: 5, is_final: true });
  // @ts-expect-error QoS and retain come from the contract: no such option
  await publishSttFinal(bus, { text: 'x' }, { qos: 0 });
  await bus.close();
  await broker.close();
}
`,
    );
  }, 120_000);

  const configs = (['node16', 'bundler'] as const).flatMap((resolution) => ([true, false] as const).map((skipLibCheck) => ({ resolution, skipLibCheck })));

  /** Type-checks consumer.ts; returns the error lines (file(line,col): error TS...); a failure without one throws. */
  async function tsc(bin: string, resolution: 'node16' | 'bundler', skipLibCheck: boolean): Promise<string[]> {
    const name = `tsconfig.${resolution}.${skipLibCheck}.json`;
    writeFileSync(
      path.join(ts, name),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: resolution === 'bundler' ? 'ESNext' : 'Node16', moduleResolution: resolution, strict: true,
          exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck, noEmit: true, types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    return typeErrors(await typecheck(bin, name, ts));
  }

  it.each(configs)('TypeScript 7 (the repo\'s), $resolution, skipLibCheck $skipLibCheck: no error', async ({ resolution, skipLibCheck }) => {
    expect(await tsc(TSC7, resolution, skipLibCheck)).toEqual([]);
  });

  it.each(configs)('TypeScript 5.3, $resolution, skipLibCheck $skipLibCheck, @types/node as MQTT.js brings it: errors only in @types/node', async ({ resolution, skipLibCheck }) => {
    const errors = await tsc(TSC53, resolution, skipLibCheck);
    // MQTT.js depends on @types/readable-stream, which takes @types/node "*" (the newest), whose declarations use
    // TypeScript >= 5.6 names; the packages' own declarations load neither MQTT.js's nor readable-stream's.
    expect(errors.filter((l) => !l.startsWith('node_modules/@types/node/'))).toEqual([]);
    if (skipLibCheck) expect(errors).toEqual([]);
    else console.info(`TypeScript 5.3, ${resolution}, skipLibCheck false: ${errors.length} errors, all in node_modules/@types/node (${errors[0] ?? ''})`);
  });

  it.each((['node16', 'bundler'] as const))('TypeScript 5.3, %s, skipLibCheck false, with @types/node 20 (what a TS 5.3 project pins): no error', async (resolution) => {
    await sh('npm', ['install', '-D', ...NPM_FLAGS, `@types/node@${TYPES_NODE}`], ts);
    expect(await tsc(TSC53, resolution, false)).toEqual([]);
  });
});

describe('package - the test kit at run time', () => {
  it('a test with the installed kit: embedded broker, test client, nextMessage of a typed publish', async () => {
    const dir = project('kit');
    await sh('npm', ['install', ...NPM_FLAGS, tarballs.sdk, tarballs.runtime, tarballs.testing], dir);
    writeFileSync(
      path.join(dir, 'kit.mjs'),
      `import { startTestBroker, connectTestClient, closeTestClients, nextMessage, exampleOf } from '@tars-contracts/testing';
import { publishSttFinal, sttFinalChannel } from 'tars-contracts';
const broker = await startTestBroker();
const a = await connectTestClient(broker.url);
const b = await connectTestClient(broker.url);
const next = nextMessage(b, sttFinalChannel, { timeoutMs: 5000 });
await next.ready;
const sent = exampleOf(sttFinalChannel);
await publishSttFinal(a, sent);
const got = await next;
await closeTestClients();
await broker.close();
console.log(JSON.stringify({ same: JSON.stringify(got.data) === JSON.stringify(sent), topic: got.meta.topic, type: got.envelope?.type }));
`,
    );
    const { stdout } = await sh(process.execPath, ['kit.mjs'], dir, { LOG_LEVEL: 'silent' });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ same: true, topic: 'stt/final', type: 'stt.final' });
  }, 120_000);
});

describe('package - a browser project type-checks the contract code without Node types', () => {
  it.each(['node16', 'bundler'] as const)('TypeScript 5.3 and 7, %s, lib DOM, types [], skipLibCheck false: no error', async (resolution) => {
    const dir = project(`browser-types-${resolution}`);
    await sh('npm', ['install', ...NPM_FLAGS, tarballs.sdk, tarballs.runtime], dir);
    writeFileSync(
      path.join(dir, 'page.ts'),
      `import { validateEnvelope, resolveTopic, sttFinalChannel, type FinalTranscript, type ChannelId } from 'tars-contracts/contract';
import { createTopicCatalog, type ValidationResult, type ChannelDescriptor } from '@tars-contracts/runtime/contract';
export function onMessage(topic: string, payload: string): FinalTranscript | null {
  const r: ValidationResult = validateEnvelope(topic, JSON.parse(payload));
  if (!r.ok) { document.title = r.errors[0]?.path ?? ''; return null; }
  return resolveTopic(topic)?.channel.id === 'sttFinal' ? (JSON.parse(payload) as { data: FinalTranscript }).data : null;
}
const id: ChannelId = 'sttFinal';
const d: ChannelDescriptor<FinalTranscript> = sttFinalChannel;
void id; void d; void createTopicCatalog;
// @ts-expect-error text is a string: the contract types are not any
export const bad: FinalTranscript = { text: 5 };
`,
    );
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: resolution === 'bundler' ? 'ESNext' : 'Node16', moduleResolution: resolution, lib: ['ES2022', 'DOM'], types: [],
          strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true,
        },
        files: ['page.ts'],
      }),
    );
    for (const bin of [TSC7, TSC53]) expect(typeErrors(await typecheck(bin, 'tsconfig.json', dir)), bin).toEqual([]);
  }, 120_000);
});

describe('package - the contract code in a browser', () => {
  it("bundles for platform 'browser' with no Node built-in and validates in a vm without process or require", async () => {
    const dir = project('browser');
    await sh('npm', ['install', ...NPM_FLAGS, tarballs.sdk, tarballs.runtime], dir);
    writeFileSync(
      path.join(dir, 'page.js'),
      `import { validateEnvelope, validatePayload, resolveTopic } from 'tars-contracts/contract';
const wire = { id: 'a1', type: 'stt.final', ts: 1, source: 'stt', data: { text: 'hi', is_final: true } };
globalThis.result = { envelope: validateEnvelope('stt/final', wire), bad: validatePayload('stt/final', { text: 5 }), health: resolveTopic('system/health/tars-stt')?.channel.id };
`,
    );
    const esbuild = (await import('esbuild')) as typeof import('esbuild');
    const r = await esbuild.build({
      absWorkingDir: dir, entryPoints: ['page.js'], bundle: true, platform: 'browser', format: 'iife', minify: true,
      outfile: 'out.js', metafile: true, logLevel: 'silent',
    });
    expect(r.errors).toEqual([]);
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs.filter((i) => /node_modules\/(mqtt|ws|readable-stream)\//.test(i) || i.startsWith('node:'))).toEqual([]);
    const code = readFileSync(path.join(dir, 'out.js'), 'utf8');
    const sandbox: { result?: unknown } = {};
    vm.runInNewContext(code, sandbox);
    expect(sandbox.result).toEqual({
      envelope: { ok: true },
      bad: { ok: false, errors: [{ path: '/text', message: 'must be string', rule: 'type' }] },
      health: 'systemHealth',
    });
    console.info(`browser bundle of tars-contracts/contract: ${(code.length / 1024).toFixed(0)} KiB minified, ${inputs.length} input files`);
  }, 120_000);
});

describe('package - a project that generates', () => {
  it('installs the generator as a devDependency, generates from its own document, and the output type-checks against the installed runtime', async () => {
    const dir = project('generates');
    await sh('npm', ['install', ...NPM_FLAGS, tarballs.runtime], dir);
    await sh('npm', ['install', '-D', ...NPM_FLAGS, tarballs.generator, tarballs.sdk, tarballs.testing, `@types/node@${TYPES_NODE}`], dir);
    cpSync(path.join(REPO, 'test/fixtures/greenhouse.asyncapi.yaml'), path.join(dir, 'greenhouse.asyncapi.yaml'));
    const { stdout } = await sh('npx', ['--no-install', 'tars-contracts', 'generate', '--input', 'greenhouse.asyncapi.yaml', '--out', 'src/gen'], dir);
    expect(stdout).toMatch(/generated 8 files in src\/gen\//);
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'Node16', moduleResolution: 'node16', strict: true, exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true, types: ['node'],
        },
        include: ['src'],
      }),
    );
    // The generator is a library too: its entry point type-checks in the same project.
    writeFileSync(
      path.join(dir, 'src/gen-script.ts'),
      `import { generateFromFile, writeOutput, type GeneratedFile } from '@tars-contracts/generator';
export async function regenerate(): Promise<readonly GeneratedFile[]> {
  const { files } = await generateFromFile('greenhouse.asyncapi.yaml');
  await writeOutput('src/gen', files);
  return files;
}
`,
    );
    for (const bin of [TSC7, TSC53]) expect(typeErrors(await typecheck(bin, 'tsconfig.json', dir)), bin).toEqual([]);
    const help = await sh('npx', ['--no-install', 'tars-contracts', 'help'], dir);
    expect(help.stdout).toMatch(/generate/);
    // The installed command checks drift and diffs two versions of the project's own document.
    expect((await sh('npx', ['--no-install', 'tars-contracts', 'generate', '--input', 'greenhouse.asyncapi.yaml', '--out', 'src/gen', '--check'], dir)).stdout).toMatch(/up to date/);
    const doc = readFileSync(path.join(dir, 'greenhouse.asyncapi.yaml'), 'utf8');
    writeFileSync(path.join(dir, 'previous.asyncapi.yaml'), doc);
    const same = await sh('npx', ['--no-install', 'tars-contracts', 'diff', '--against', 'previous.asyncapi.yaml', '--input', 'greenhouse.asyncapi.yaml'], dir);
    expect(same.stdout).toMatch(/No changes/);
    // ... and runs the TARS demo on its embedded broker (MQTT_URL unset)
    const demo = await sh('npx', ['--no-install', 'tars-contracts', 'demo'], dir, { MQTT_URL: '' });
    expect(demo.stdout).toMatch(/PASS: (\d+)\/\1 checks/);
  }, 180_000);
});
