/**
 * The Python side of the contract, run from `npm test`: prepares what the pytest suite (test/python/test_*.py) needs
 * from TypeScript, runs `python3 -m pytest`, then checks what Python produced with the TypeScript validators.
 *
 * - the TypeScript verdict of every contract case (test/contract/cases.ts) and of every corpus case
 *   (test/fixtures/corpus/cases.yaml, through each corpus document's generated validators);
 * - the Python packages of the fixture and corpus documents (the TARS one is the checked-in generated/python);
 * - messages a TypeScript publisher sent through a private Mosquitto, captured byte for byte with mosquitto_sub;
 * - afterwards, the wire JSON of Python-built models (written by test_roundtrip.py) through validateEnvelope /
 *   validatePayload.
 *
 * Python 3.11+ and pydantic 2 are required: without them this file fails and says what is missing.
 */
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationResult } from '@tars-contracts/runtime/contract';
import { connect, resolveTopic, validateEnvelope, validatePayload } from '../../generated/index.js';
import { cases as contractCases } from '../contract/cases.js';
import { generateFromFile, writeOutput } from '../../generator/generate.js';
import { channelNames, messageValidatorNames } from '../../generator/names.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { REPO } from '../generator/helpers.js';
import { crossCases, probeCases } from './cases.js';

const run = promisify(execFile);
const OUT = path.join(REPO, 'test/.out-python');
const CORPUS = path.join(REPO, 'test/fixtures/corpus');
const FIXTURES = path.join(REPO, 'test/python/fixtures');
const DOCS = [
  ...['greenhouse', 'fleet', 'edge'].map((n) => ({ name: n, file: path.join(REPO, `test/fixtures/${n}.asyncapi.yaml`) })),
  // the Python side's own: keywords and values a reviewer found differing (hostile), recursive unions (tree),
  // ECMAScript-only patterns (patterns)
  ...['hostile', 'tree', 'patterns'].map((n) => ({ name: n, file: path.join(FIXTURES, `${n}.asyncapi.yaml`) })),
  ...readdirSync(CORPUS)
    .filter((f) => f.endsWith('.asyncapi.yaml'))
    .sort()
    .map((f) => ({ name: f.replace('.asyncapi.yaml', ''), file: path.join(CORPUS, f) })),
];
/** A Python package name per document (the folder name is the import name). */
const pkgName = (doc: string) => `pkg_${doc.replace(/[^A-Za-z0-9]+/g, '_')}`;

interface CorpusCase {
  document: string;
  channel: string;
  message: string;
  valid?: unknown[];
  invalid?: { payload: unknown; path: string; rule: string }[];
}

let pytest: { code: number; out: string } = { code: -1, out: '' };
let broker: BrokerHandle | undefined;

async function requirePython(): Promise<void> {
  const probe = await run('python3', ['-c', 'import sys, pydantic, pytest; print(sys.version_info[:2] >= (3, 11), pydantic.VERSION)']).catch((e: Error & { stderr?: string }) => {
    throw new Error(`the Python tests need python3 (3.11+) with pydantic 2 and pytest installed: ${e.stderr?.trim() || e.message}`);
  });
  const [ok, version] = probe.stdout.trim().split(' ');
  if (ok !== 'True') throw new Error('the Python tests need Python 3.11 or later (python3 is older)');
  if (!version?.startsWith('2.')) throw new Error(`the Python tests need pydantic 2 (found pydantic ${version})`);
}

/** TypeScript publishes the first valid payload of every topic case of the contract tests (all 34 channels) through a
 *  real Mosquitto; mosquitto_sub captures the exact bytes (hex) of each message. */
async function captureFromTypeScript(): Promise<{ topic: string; hex: string }[]> {
  broker = await startBroker();
  const expected = contractCases.length;
  // stdbuf: mosquitto_sub's stdout is block-buffered on a pipe, and its SUBACK line is how we know it listens.
  const sub = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-h', broker.host, '-p', String(broker.port), '-t', '#', '-q', '1', '-d', '-F', 'MSG %t %x', '-C', String(expected)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const subscribed = new Promise<void>((resolve, reject) => {
    sub.stdout.on('data', (b: Buffer) => {
      text += b.toString('utf8');
      if (text.includes('SUBACK')) resolve();
    });
    sub.on('exit', (code) => reject(new Error(`mosquitto_sub exited (${code}) before subscribing: ${text}`)));
  });
  const done = new Promise<void>((resolve) => sub.on('exit', () => resolve()));
  await subscribed;
  const bus = await connect({ url: broker.url, clientId: 'py-roundtrip-ts', logger: silent });
  try {
    for (const c of contractCases) {
      const r = resolveTopic(c.topic);
      if (r === null) throw new Error(`no channel for ${c.topic}`);
      await bus.publish(r.channel as never, c.valid[0] as never, { params: r.params } as never);
    }
    await done;
  } finally {
    await bus.close();
  }
  return text
    .split('\n')
    .filter((l) => l.startsWith('MSG '))
    .map((l) => {
      const [, topic, hex] = l.split(' ');
      return { topic: topic!, hex: hex ?? '' };
    });
}

const noop = () => undefined;
const silent = { level: 'silent', trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => silent } as unknown as NonNullable<Parameters<typeof connect>[0]>['logger'];

beforeAll(async () => {
  await requirePython();
  await rm(OUT, { recursive: true, force: true });
  await mkdir(path.join(OUT, 'pkgs'), { recursive: true });

  // Packages and TypeScript verdicts of the fixture and corpus documents.
  const corpusCases = parse(readFileSync(path.join(CORPUS, 'cases.yaml'), 'utf8')) as CorpusCase[];
  const corpusOut: unknown[] = [];
  const packages: { document: string; package: string }[] = [];
  for (const d of DOCS) {
    const { ir, files } = await generateFromFile(d.file, { languages: ['ts', 'python'], pythonDir: `python/${pkgName(d.name)}` });
    const dir = path.join(OUT, 'docs', d.name);
    await writeOutput(dir, files);
    await writeOutput(path.join(OUT, 'pkgs', pkgName(d.name)), files.filter((f) => f.name.startsWith('python/')).map((f) => ({ name: f.name.split('/').slice(2).join('/'), content: f.content })));
    packages.push({ document: `${d.name}.asyncapi.yaml`, package: pkgName(d.name) });
    if (d.name === 'hostile') {
      // The TypeScript verdicts of the hostile document's cases, through its generated contract
      const contract = (await import(path.join(dir, 'contract.ts'))) as { validatePayload: (t: string, v: unknown) => ValidationResult };
      const hostile = JSON.parse(readFileSync(path.join(FIXTURES, 'hostile-cases.json'), 'utf8')) as { topic: string; raw: string }[];
      const out = hostile.map((h) => {
        const r = contract.validatePayload(h.topic, JSON.parse(h.raw));
        return { ...h, ts: r.ok, tsErrors: r.ok ? [] : (r.errors ?? []).map((x) => [x.path, x.rule]) };
      });
      await writeFile(path.join(OUT, 'hostile_cases.json'), JSON.stringify(out, null, 1));
    }
    const mine = corpusCases.filter((c) => c.document === `${d.name}.asyncapi.yaml`);
    if (mine.length === 0) continue;
    const validators = (await import(path.join(dir, 'validators.js'))) as Record<string, (v: unknown) => ValidationResult>;
    for (const c of mine) {
      const channel = ir.channels.find((x) => x.id === c.channel)!;
      const message = channel.messages.find((m) => m.name === c.message)!;
      const fn = channel.messages.length > 1 ? messageValidatorNames(channel.name, message.ident).data : channelNames(channel.name).dataValidator;
      const entries = [...(c.valid ?? []).map((p) => ({ payload: p, path: null })), ...(c.invalid ?? []).map((i) => ({ payload: i.payload, path: i.path }))];
      for (const [i, e] of entries.entries()) {
        const validate = validators[fn];
        if (typeof validate !== 'function') throw new Error(`${d.name}: no validator ${fn} (${Object.keys(validators).join(', ')})`);
        const r = validate(e.payload);
        corpusOut.push({ id: `${c.document} ${c.channel}/${c.message} #${i}`, package: pkgName(d.name), channel: c.channel, message: c.message, raw: JSON.stringify(e.payload), ts: r.ok, expectPath: e.path, tsErrors: r.ok ? [] : (r.errors ?? []).map((x) => [x.path, x.rule]) });
      }
    }
  }
  await writeFile(path.join(OUT, 'docs.json'), JSON.stringify(DOCS.map((d) => d.name)));
  await writeFile(path.join(OUT, 'packages.json'), JSON.stringify(packages, null, 1));
  await writeFile(path.join(OUT, 'corpus_cases.json'), JSON.stringify(corpusOut, null, 1));
  await writeFile(path.join(OUT, 'tars_cases.json'), JSON.stringify({ cases: crossCases(), probes: probeCases() }, null, 1));
  await writeFile(path.join(OUT, 'captured.json'), JSON.stringify(await captureFromTypeScript(), null, 1));

  pytest = await new Promise((resolve) => {
    const child = spawn('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', path.join(REPO, 'test/python')], {
      cwd: REPO,
      env: { ...process.env, TC_PY_DATA: OUT, PYTHONPATH: [path.join(REPO, 'generated/python'), path.join(OUT, 'pkgs')].join(path.delimiter), PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}, 120_000);

afterAll(async () => {
  await broker?.dispose();
  // TC_PY_KEEP=1 keeps the prepared data, to rerun `python3 -m pytest test/python` by hand (see docs/python.md).
  if (!process.env.TC_PY_KEEP) await rm(OUT, { recursive: true, force: true });
});

describe('python - the generated package (pytest)', () => {
  it('every pytest test passes', () => {
    const summary = pytest.out.trim().split('\n').slice(-1)[0] ?? '';
    expect(pytest.code, pytest.out).toBe(0);
    expect(summary).toMatch(/\d+ passed/);
    expect(summary).not.toMatch(/skipped|xfail|error/);
    console.info(`pytest: ${summary}`);
  });

  it('what publish_* sends (the whole wire message, Envelope or bare) is accepted by the TypeScript validators, every topic', async () => {
    const sent = JSON.parse(await readFile(path.join(OUT, 'py_published.json'), 'utf8')) as { topic: string; kind: 'envelope' | 'bare'; hex: string }[];
    expect(new Set(sent.map((s) => resolveTopic(s.topic)?.channel.id)).size).toBe(34);
    for (const s of sent) {
      const wire = JSON.parse(Buffer.from(s.hex, 'hex').toString('utf8')) as unknown;
      const r = s.kind === 'envelope' ? validateEnvelope(s.topic, wire) : validatePayload(s.topic, wire);
      expect(r, `${s.kind} ${s.topic}: ${JSON.stringify(wire)}`).toEqual({ ok: true });
    }
  });

  it('what Python builds and dumps is accepted by the TypeScript validators', async () => {
    const dumps = JSON.parse(await readFile(path.join(OUT, 'py_dumps.json'), 'utf8')) as { topic: string; kind: 'payload' | 'envelope'; wire: unknown }[];
    expect(dumps.length).toBeGreaterThanOrEqual(30);
    for (const d of dumps) {
      const r = (d.kind === 'payload' ? validatePayload(d.topic, d.wire) : validateEnvelope(d.topic, d.wire)) as ValidationResult;
      expect(r, `${d.kind} ${d.topic}: ${JSON.stringify(d.wire)}`).toEqual({ ok: true });
    }
  });
});
