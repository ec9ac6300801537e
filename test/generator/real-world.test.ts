/**
 * Shapes found by trying the generator on documents it was not written for (each accepted by @asyncapi/parser
 * without error): every one generates, with a warning where something cannot be carried, and its output compiles.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, writeOutput } from '../../generator/generate.js';
import type { ContractIR } from '../../generator/ir.js';
import { loadContractFromString } from '../../generator/load.js';
import { REPO } from './helpers.js';

const run = promisify(execFile);
const generated = new Map<string, ContractIR>();

/** A document with `channels`, `operations` and `components` given as YAML blocks (indented two spaces). */
function doc(channels: string, operations = '', components = ''): string {
  return `asyncapi: 3.0.0\ninfo: { title: Probe, version: 1.0.0 }\nchannels:\n${channels}${operations ? `operations:\n${operations}` : ''}${components ? `components:\n${components}` : ''}`;
}

async function load(name: string, text: string): Promise<{ ir: ContractIR; warnings: string[] }> {
  const ir = await loadContractFromString(text, `${name}.yaml`);
  generated.set(name, ir);
  return { ir, warnings: (ir.warnings ?? []).map((w) => w.message) };
}

let out: string | undefined;
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('real-world shapes', () => {
  it('operation traits give QoS and retain; message traits give the correlationId', async () => {
    const { ir } = await load(
      'traits',
      doc(
        `  req:\n    address: a/req\n    messages:\n      r: { $ref: '#/components/messages/R' }\n  rep:\n    address: a/rep\n    messages:\n      r: { $ref: '#/components/messages/R' }\n`,
        `  ask:\n    action: send\n    channel: { $ref: '#/channels/req' }\n    traits: [{ $ref: '#/components/operationTraits/atLeastOnce' }]\n    reply: { channel: { $ref: '#/channels/rep' } }\n  answer:\n    action: send\n    channel: { $ref: '#/channels/rep' }\n    traits: [{ $ref: '#/components/operationTraits/atLeastOnce' }]\n    bindings: { mqtt: { retain: true } }\n`,
        `  operationTraits:\n    atLeastOnce:\n      bindings: { mqtt: { qos: 1, retain: false } }\n  messageTraits:\n    correlated:\n      correlationId: { location: '$message.payload#/id' }\n  messages:\n    R:\n      traits: [{ $ref: '#/components/messageTraits/correlated' }]\n      payload: { type: object, properties: { id: { type: string } } }\n`,
      ),
    );
    const req = ir.channels.find((c) => c.id === 'req')!;
    const rep = ir.channels.find((c) => c.id === 'rep')!;
    expect([req.qos, req.retain]).toEqual([1, false]);
    expect([rep.qos, rep.retain]).toEqual([1, true]); // the operation's own binding wins over the trait's, key by key
    expect(req.correlation?.location).toBe('$message.payload#/id');
    expect(req.reply).toBe('rep');
  });

  it('the corpus document with operation traits gets its QoS from them', async () => {
    const { readFile } = await import('node:fs/promises');
    const file = path.join(REPO, 'test/fixtures/corpus/14-traits-and-components.asyncapi.yaml');
    const ir = await loadContractFromString(await readFile(file, 'utf8'), 'corpus-14.yaml');
    expect(ir.channels.find((c) => c.id === 'tripRequests')?.qos).toBe(1);
    expect(ir.channels.find((c) => c.id === 'tripAssignments')?.qos).toBe(1);
  });

  it('two send operations with different QoS, or different replies: a warning, the first is used', async () => {
    const { ir, warnings } = await load(
      'qos',
      doc(
        `  a:\n    address: a\n    messages:\n      m: { payload: { type: string } }\n`,
        `  one:\n    action: send\n    channel: { $ref: '#/channels/a' }\n    bindings: { mqtt: { qos: 2 } }\n  two:\n    action: send\n    channel: { $ref: '#/channels/a' }\n    bindings: { mqtt: { qos: 0 } }\n`,
      ),
    );
    expect(ir.channels[0]!.qos).toBe(2);
    expect(warnings).toContainEqual('operations "one" and "two" give channel "a" different QoS/retain (2/false vs 0/false): the first (one) is used');
  });

  it('addresses MQTT cannot carry as given: a warning per cause and no MQTT functions; touching parameters: a warning', async () => {
    const { ir, warnings } = await load(
      'addresses',
      doc(
        `  twice:\n    address: 'a/{x}/b/{x}'\n    messages:\n      m: { payload: { type: string } }\n  braces:\n    address: 'a/x{b'\n    messages:\n      m: { payload: { type: string } }\n  touching:\n    address: 'd/{a}{b}'\n    messages:\n      m: { payload: { type: string } }\n`,
      ),
    );
    const mqtt = Object.fromEntries(ir.channels.map((c) => [c.id, c.mqtt]));
    expect(mqtt).toEqual({ braces: false, touching: true, twice: false });
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^a parameter that appears twice in the address: no MQTT publish\/subscribe functions for "twice"/),
        expect.stringMatching(/^unbalanced braces in the address: no MQTT publish\/subscribe functions for "braces"/),
        expect.stringMatching(/^two parameters touch in the address "d\/\{a\}\{b\}"/),
      ]),
    );
  });

  it('names: unicode ids keep their letters, ids without letters get a hash, colliding message keys a suffix', async () => {
    const { ir, warnings } = await load(
      'names',
      doc(
        `  é:\n    address: e\n    messages:\n      m: { payload: { type: string } }\n  '--':\n    address: dash\n    messages:\n      m: { payload: { type: string } }\n  gamma:\n    address: g\n    messages:\n      Reading: { payload: { type: object, properties: { a: { type: string } } } }\n      reading: { payload: { type: object, properties: { b: { type: number } } } }\n  '*/ evil':\n    address: evil\n    messages:\n      m: { payload: { type: string } }\n`,
      ),
    );
    const names = Object.fromEntries(ir.channels.map((c) => [c.id, c.name]));
    expect(names['é']).toBe('é');
    expect(names['--']).toMatch(/^channel[0-9a-f]{8}$/);
    expect(names['*/ evil']).toBe('evil');
    expect(ir.channels.find((c) => c.id === 'gamma')!.messages.map((m) => m.ident)).toEqual(['Reading', 'Reading2']);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^channel id "--" has no letter or digit: its code is named after a hash of it \(channel[0-9a-f]{8}\)$/),
        'messages of channel "gamma" give the same name Reading: message "reading" is named Reading2',
      ]),
    );
  });

  it("keys holding '%' do not break pointers or line numbers", async () => {
    const { ir } = await load(
      'percent',
      doc(
        `  '50%':\n    address: p\n    messages:\n      m: { payload: { $ref: '#/components/schemas/a%25b' } }\n`,
        '',
        `  schemas:\n    'a%b': { type: object, properties: { 'x%y': { type: string, format: semver } } }\n`,
      ),
    );
    const w = ir.warnings?.find((x) => x.message.startsWith('format "semver"'));
    expect(w?.pointer).toBe('#/components/schemas/a%25b/properties/x%25y/format');
    expect(w?.line).toBeGreaterThan(0);
  });

  it("payload $refs below a named schema or to another message's payload are followed", async () => {
    const { ir } = await load(
      'refs',
      doc(
        `  a:\n    address: a\n    messages:\n      inner: { payload: { $ref: '#/components/schemas/Outer/properties/inner' } }\n  b:\n    address: b\n    messages:\n      shared: { payload: { $ref: '#/components/messages/Shared/payload' } }\n`,
        '',
        `  schemas:\n    Outer: { type: object, properties: { inner: { type: object, required: [n], properties: { n: { type: integer } } } } }\n  messages:\n    Shared:\n      payload: { type: object, required: [s], properties: { s: { type: string } } }\n`,
      ),
    );
    const a = ir.channels.find((c) => c.id === 'a')!;
    const b = ir.channels.find((c) => c.id === 'b')!;
    expect(ir.schemas[a.dataTypeName]).toMatchObject({ required: ['n'] });
    expect(ir.schemas[b.dataTypeName]).toMatchObject({ required: ['s'] });
  });

  it("unknown formats and keywords warn (also inside $ref'd channels and messages), and do not stop compiling", async () => {
    const { warnings } = await load(
      'annotations',
      doc(
        `  c: { $ref: '#/components/channels/c' }\n`,
        '',
        `  channels:\n    c:\n      address: c\n      messages:\n        m:\n          payload:\n            type: object\n            properties:\n              v: { type: string, format: semver }\n              t: { type: number, unit: celsius }\n              n: { type: string, nullable: true }\n`,
      ),
    );
    expect(warnings).toEqual(
      expect.arrayContaining([
        'format "semver" is not one the validators know (ajv-formats): values are not checked against it',
        'keyword "unit" is not JSON Schema draft-07: the validators and types ignore it',
        "keyword \"nullable\" is not JSON Schema draft-07 (OpenAPI 3.0's; in JSON Schema write type: [<type>, 'null']): the validators and types ignore it",
      ]),
    );
  });

  it('a message an operation sends as its reply is a message the channel sends', async () => {
    const { ir } = await load(
      'reply',
      doc(
        `  ping:\n    address: ping\n    messages:\n      ping: { payload: { type: object, properties: { id: { type: string } } } }\n      pong: { payload: { type: object, properties: { id: { type: string } } } }\n`,
        `  onPing:\n    action: receive\n    channel: { $ref: '#/channels/ping' }\n    messages: [{ $ref: '#/channels/ping/messages/ping' }]\n    reply:\n      channel: { $ref: '#/channels/ping' }\n      messages: [{ $ref: '#/channels/ping/messages/pong' }]\n`,
      ),
    );
    const c = ir.channels[0]!;
    expect(c.receives).toEqual(['ping', 'pong']);
    expect(c.sends).toEqual(['ping', 'pong']);
  });

  it('a document without channels (schemas only) generates types and validators', async () => {
    const { ir } = await load('empty', 'asyncapi: 3.0.0\ninfo: { title: Empty, version: 1.0.0 }\ncomponents:\n  schemas:\n    A: { type: string }\n');
    expect(ir.channels).toEqual([]);
    expect(Object.keys(ir.schemas)).toEqual(['A']);
  });

  it('a recursive schema', async () => {
    const { ir } = await load(
      'recursive',
      doc(`  tree:\n    address: t\n    messages:\n      t: { payload: { $ref: '#/components/schemas/Node' } }\n`, '', `  schemas:\n    Node: { type: object, properties: { v: { oneOf: [{ type: integer }, { $ref: '#/components/schemas/Node' }] } } }\n`),
    );
    expect(ir.channels[0]!.dataTypeName).toBe('Node');
  });

  it('every document above generates, and the output type-checks (strict)', async () => {
    out = await mkdtemp(path.join(REPO, 'test/.out-rw-'));
    for (const [name, ir] of generated) await writeOutput(path.join(out, name), await generate(ir));
    await writeFile(path.join(out, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, noUnusedLocals: true }, include: ['**/*.ts'], exclude: [] }));
    const tsc = path.join(REPO, 'node_modules/.bin/tsc');
    const r = await run(tsc, ['--noEmit', '-p', path.join(out, 'tsconfig.json')], { cwd: REPO }).then(
      () => ({ code: 0, out: '' }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
    expect(generated.size).toBe(10);
    // A hostile value deeper than the stack, given to a recursive schema's validator: a verdict, not a RangeError.
    await writeFile(path.join(out, 'package.json'), '{ "type": "module" }\n');
    const { validateTreeData } = (await import(path.join(out, 'recursive', 'validators.js'))) as { validateTreeData: (v: unknown) => unknown };
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) deep = { v: deep };
    expect(validateTreeData(deep)).toEqual({ ok: false, errors: [{ path: '', rule: 'maxDepth', message: 'is nested too deeply to validate' }] });
    expect(validateTreeData({ v: { v: 3 } })).toEqual({ ok: true });
  }, 120_000);
});
