/**
 * generated/types.ts (generator/emit/types.ts) on small documents: nested titles and nested names that would collide,
 * enum/const values that are not plain strings, property keys that need escaping, nullable types, optional vs
 * required, maps. Each case is generated in memory, its types.ts text checked where that is the clearest proof, and
 * all cases are type-checked by one tsc run with a file per case: values the generated validators accept must be
 * assignable to the generated type, values they refuse (and the type can express) must not be (`@ts-expect-error`).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationResult } from '@tars-contracts/runtime/contract';
import { loadContractFromString } from '../../generator/load.js';
import { generate } from '../../generator/generate.js';
import { emitTypes } from '../../generator/emit/types.js';
import type { ContractIR, JsonSchema } from '../../generator/ir.js';
import { channelNames } from '../../generator/names.js';
import { REPO } from './helpers.js';

const run = promisify(execFile);
const OUT = path.join(REPO, `test/.out-types-${randomBytes(4).toString('hex')}`);

interface Case {
  name: string;
  /** components/schemas (YAML, indented as under `schemas:`). The channel `c` carries `Root`. */
  schemas: string;
  /** More channels (YAML, indented as under `channels:`). */
  channels?: string;
  /** Changes the loaded IR (a key the YAML loader cannot keep, such as `__proto__`). */
  patch?: (ir: ContractIR) => ContractIR;
  /** Text types.ts must contain / must not contain. */
  has?: string[];
  hasNot?: (string | RegExp)[];
  /** Payloads of channel `c`: `ok` pass its validator and are assignable to Root; `bad` fail both. */
  ok: unknown[];
  bad?: unknown[];
  /** More TypeScript (types imported as T): assignments that must compile, `// @ts-expect-error` lines that must not. */
  ts?: string;
}

const doc = (c: Case) => `asyncapi: 3.0.0
info: { title: ${JSON.stringify(c.name)}, version: '1' }
channels:
  c:
    address: c
    messages:
      M:
        payload: { $ref: '#/components/schemas/Root' }
${c.channels ?? ''}
components:
  schemas:
${c.schemas}
`;

/** Rename a property key in the IR's schemas (JSON text), e.g. to `__proto__` (kept as an own key by JSON.parse). */
const renameKey = (from: string, to: string) => (ir: ContractIR): ContractIR => ({
  ...ir,
  schemas: JSON.parse(JSON.stringify(ir.schemas).split(JSON.stringify(from)).join(JSON.stringify(to))) as Record<string, JsonSchema>,
});

const CASES: Case[] = [
  {
    name: 'nested titles name nothing',
    schemas: `
    Customer:
      type: object
      required: [id]
      additionalProperties: false
      properties: { id: { type: string } }
    Root:
      type: object
      required: [customer]
      additionalProperties: false
      properties:
        customer:
          title: Customer
          type: object
          required: [nick]
          additionalProperties: false
          properties: { nick: { type: string } }
        billing:
          title: Address
          type: object
          required: [street]
          additionalProperties: false
          properties: { street: { type: string } }
        geo:
          title: Address
          description: Where it is.
          type: object
          required: [lat]
          additionalProperties: false
          properties: { lat: { type: number } }
        owner: { $ref: '#/components/schemas/Customer' }`,
    has: [
      "export interface Customer {\n  'id': string;\n}",
      "  /**\n   * Customer\n   */\n  'customer': RootCustomer;",
      "'billing'?: RootBilling;",
      "  /**\n   * Where it is.\n   */\n  'geo'?: RootGeo;",
      "export interface RootBilling {\n  'street': string;\n}",
      "export interface RootGeo {\n  'lat': number;\n}",
      "'owner'?: Customer;",
    ],
    hasNot: [/export \w+ Address\b/, /: Address\b/, /export \w+ Customer2\b/],
    ok: [{ customer: { nick: 'n' } }, { customer: { nick: 'n' }, billing: { street: 's' }, geo: { lat: 1 }, owner: { id: 'i' } }],
    bad: [{ customer: { id: 'x' } }, { customer: { nick: 'n' }, billing: { lat: 1 } }, { customer: { nick: 'n' }, geo: { street: 's' } }, { customer: { nick: 'n' }, owner: { nick: 'n' } }],
    ts: `
const c: T.Customer = { id: 'x' };
// @ts-expect-error the component Customer is not the nested one
const c2: T.Customer = { nick: 'n' };
const b: T.RootBilling = { street: 's' };
// @ts-expect-error two nested "Address" titles are two types
const b2: T.RootBilling = { lat: 1 };`,
  },
  {
    name: 'nested names that a schema key or a value has',
    schemas: `
    RootCustomer: { type: string }
    RootCustomer2: { type: integer }
    2fa-code:
      type: object
      properties:
        channel: { type: object, required: [via], properties: { via: { type: string, enum: [sms, app] } } }
    Root:
      type: object
      required: [customer]
      properties:
        customer: { type: object, required: [n], properties: { n: { type: number } } }
        key: { $ref: '#/components/schemas/RootCustomer' }
        code: { $ref: '#/components/schemas/2fa-code' }
        items: { type: array, items: { type: object, required: [q], properties: { q: { type: integer } } } }
        a-b: { type: object, required: [one], properties: { one: { type: integer } } }
        aB: { type: object, required: [two], properties: { two: { type: integer } } }
        shape:
          oneOf:
            - { type: object, title: Circle, required: [r], properties: { r: { type: number } }, additionalProperties: false }
            - { type: object, required: [w], properties: { w: { type: number } }, additionalProperties: false }`,
    channels: `
  2fa-code:
    address: tfa
    messages:
      Code:
        payload: { $ref: '#/components/schemas/2fa-code' }`,
    has: [
      'export type RootCustomer = string;',
      'export type RootCustomer2 = number;',
      "'customer': RootCustomer3;",
      'export interface RootCustomer3 {',
      "'key'?: string;",
      "'channel'?: _2faCodeChannelType;",
      'export interface _2faCodeChannelType {',
      "'via': _2faCodeChannelTypeVia;",
      'export type _2faCodeChannelTypeVia = "sms" | "app";',
      "'items'?: RootItemsItem[];",
      "'a-b'?: RootAB;",
      "'aB'?: RootAB2;",
      "'shape'?: RootShapeOption1 | RootShapeOption2;",
      "/**\n * Circle\n */\nexport interface RootShapeOption1 {\n  'r': number;\n}",
    ],
    hasNot: [/export \w+ Circle/, /: Circle\b/],
    ok: [{ customer: { n: 1 }, key: 'k', code: { channel: { via: 'sms' } }, items: [{ q: 1 }], shape: { r: 1 }, 'a-b': { one: 1 }, aB: { two: 2 } }, { customer: { n: 1 }, shape: { w: 2 } }],
    bad: [{ customer: 'c' }, { customer: { n: 1 }, key: 1 }, { customer: { n: 1 }, 'a-b': { two: 2 } }, { customer: { n: 1 }, code: { channel: { via: 'mail' } } }, { customer: { n: 1 }, shape: { r: 'x' } }],
    ts: `
const k: T.RootCustomer = 'x';
// @ts-expect-error the schema RootCustomer keeps its type
const k2: T.RootCustomer = { n: 1 };
const v: T._2faCodeChannelTypeVia = 'app';`,
  },
  {
    name: 'enum and const values',
    schemas: `
    Kind: { const: kind }
    Five: { const: 5 }
    Quoted: { type: string, enum: ["a\\"b", "c\\\\d", "e\\nf", "it's", "\${x}\`"] }
    Root:
      type: object
      required: [status]
      additionalProperties: false
      properties:
        status: { type: [string, 'null'], enum: [open, closed, null] }
        flag: { enum: [true] }
        level: { type: integer, enum: [1, 2, 3] }
        obj: { const: { a: 1, b: [x, null] } }
        five: { const: 5 }
        x: { const: x }
        kind: { $ref: '#/components/schemas/Kind' }
        quoted: { $ref: '#/components/schemas/Quoted' }
        list: { type: array, items: { const: only } }
        mixed: { enum: [1, one, false, null, [1], { k: v }] }`,
    has: [
      'export type RootStatus = "open" | "closed" | null;',
      'export type RootFlag = true;',
      'export type RootLevel = 1 | 2 | 3;',
      "'obj'?: { \"a\": 1; \"b\": [\"x\", null] };",
      "'five'?: 5;",
      "'x'?: \"x\";",
      'export type Kind = "kind";',
      'export type Five = 5;',
      'export type Quoted = "a\\"b" | "c\\\\d" | "e\\nf" | "it\'s" | "${x}`";',
      "'list'?: RootListItem[];",
      'export type RootListItem = "only";',
      'export type RootMixed = 1 | "one" | false | null | [1] | { "k": "v" };',
    ],
    hasNot: ["'null'", '"true"', 'RootObj', 'RootFive', 'RootX'],
    ok: [
      { status: null },
      { status: 'open', flag: true, level: 2, obj: { a: 1, b: ['x', null] }, five: 5, x: 'x', kind: 'kind', quoted: 'e\nf', list: ['only'], mixed: { k: 'v' } },
      { status: 'closed', quoted: 'a"b', mixed: [1] },
      { status: 'closed', quoted: 'c\\d', mixed: null },
      { status: 'closed', quoted: "it's", mixed: false },
      { status: 'closed', quoted: '${x}`', mixed: 'one' },
    ],
    bad: [
      { status: 'null' },
      { status: 'open', flag: 'true' },
      { status: 'open', flag: false },
      { status: 'open', level: 4 },
      { status: 'open', obj: { a: 2, b: ['x', null] } },
      { status: 'open', five: 6 },
      { status: 'open', x: 'y' },
      { status: 'open', kind: 'x' },
      { status: 'open', quoted: 'a\\"b' },
      { status: 'open', list: ['other'] },
      { status: 'open', mixed: 2 },
    ],
    ts: `
const s: T.RootStatus = null;
// @ts-expect-error the string 'null' is not null
const s2: T.RootStatus = 'null';
// @ts-expect-error the const object is {a: 1, ...}
const o: NonNullable<T.Root['obj']> = { a: 2, b: ['x', null] };
const f: T.Five = 5;
// @ts-expect-error const 5
const f2: T.Five = 6;
// @ts-expect-error enum [true]
const fl: T.RootFlag = 'true';`,
  },
  {
    name: 'property keys',
    schemas: `
    Root:
      type: object
      required: [a'b, "", "1", constructor, placeholder_proto, "é", additionalProperties, display name]
      properties:
        a'b: { type: string }
        a\\b: { type: string }
        a"b: { type: string }
        "é": { type: string }
        e: { type: number }
        constructor: { type: number }
        placeholder_proto: { type: boolean }
        "": { type: string }
        "1": { type: string }
        "0x": { type: string }
        a b.c: { type: string }
        x.y: { type: string }
        "😀": { type: string }
        display name: { type: string }
        display-name: { type: integer }
        display_name: { type: boolean }
        additionalProperties: { type: string }
        toString: { type: string }
        "line\\nbreak": { type: string }
        valueOf: { type: integer }`,
    patch: renameKey('placeholder_proto', '__proto__'),
    has: [
      "'a\\'b': string;",
      "'a\\\\b'?: string;",
      "'a\"b'?: string;",
      "'é': string;",
      "'e'?: number;",
      "'constructor': number;",
      "'__proto__': boolean;",
      "'': string;",
      "'1': string;",
      "'a b.c'?: string;",
      "'😀'?: string;",
      "'display name': string;",
      "'display-name'?: number;",
      "'display_name'?: boolean;",
      "'additionalProperties': string;",
      "'line\\nbreak'?: string;",
      "'toString'?: string | Object['toString'];",
      "'valueOf'?: number | Object['valueOf'];",
    ],
    ok: [
      { "a'b": 'q', '': 'e', '1': 'one', constructor: 1, ['__proto__']: true, é: 'é', additionalProperties: 'a', 'display name': 'd' },
      {
        "a'b": 'q', 'a\\b': 'bs', 'a"b': 'dq', é: 'é', e: 1, constructor: 1, ['__proto__']: false, '': '', '1': '', '0x': '', 'a b.c': '', 'x.y': '', '😀': '',
        'display name': '', 'display-name': 1, display_name: true, additionalProperties: '', toString: 's', 'line\nbreak': 'l',
      },
    ],
    bad: [
      { '': 'e', '1': 'one', constructor: 1, ['__proto__']: true, é: 'é', additionalProperties: 'a', 'display name': 'd' },
      { "a'b": 'q', '': 'e', '1': 'one', constructor: 1, ['__proto__']: true, additionalProperties: 'a', 'display name': 'd' },
      { "a'b": 'q', '': 'e', '1': 'one', constructor: 1, ['__proto__']: true, é: 'é', additionalProperties: 'a', 'display name': 'd', 'display-name': 'x' },
      { "a'b": 'q', '': 'e', '1': 'one', constructor: 1, ['__proto__']: true, é: 'é', additionalProperties: 'a', 'display name': 'd', toString: 1 },
    ],
    // (The generated validator does not check an own `__proto__` property: validators.ts, not this emitter.)
    ts: `
// @ts-expect-error __proto__ is a boolean property
const p: T.Root = { "a'b": 'q', '': 'e', '1': 'one', constructor: 1, ['__proto__']: 'yes', é: 'é', additionalProperties: 'a', 'display name': 'd' };`,
  },
  {
    name: 'nullable, optional, maps',
    schemas: `
    Maybe: { type: [object, 'null'], required: [x], additionalProperties: false, properties: { x: { type: string } } }
    Root:
      type: object
      required: [n, m, nested]
      additionalProperties: false
      properties:
        n: { type: [string, 'null'] }
        o: { type: [integer, 'null'] }
        m: { type: object, additionalProperties: { type: integer } }
        om: { type: object, additionalProperties: { type: object, required: [v], properties: { v: { type: string } }, additionalProperties: false } }
        nm: { type: object, additionalProperties: { type: [string, 'null'] } }
        nested: { type: [object, 'null'], required: [x], additionalProperties: false, properties: { x: { type: boolean } } }
        arr: { type: array, items: { type: [number, 'null'] } }
        maybe: { $ref: '#/components/schemas/Maybe' }`,
    has: [
      "'n': string | null;",
      "'o'?: number | null;",
      "'m': { [name: string]: number };",
      "'om'?: { [name: string]: RootOmValue };",
      "export interface RootOmValue {\n  'v': string;\n}",
      "'nm'?: { [name: string]: string | null };",
      "'nested': RootNested | null;",
      "'arr'?: (number | null)[];",
      'export type Maybe = MaybeObject | null;',
      "export interface MaybeObject {\n  'x': string;\n}",
    ],
    ok: [
      { n: null, m: {}, nested: null },
      { n: 's', o: null, m: { a: 1 }, om: { k: { v: 'v' } }, nm: { a: null, b: 'b' }, nested: { x: true }, arr: [1, null], maybe: null },
      { n: 's', m: {}, nested: null, maybe: { x: 'x' } },
    ],
    bad: [{ m: {}, nested: null }, { n: 1, m: {}, nested: null }, { n: null, m: { a: 'x' }, nested: null }, { n: null, m: {}, nested: null, om: { k: { w: 1 } } }, { n: null, m: {}, nested: { x: 'y' } }, { n: null, m: {}, nested: null, arr: [[1]] }, { n: null, m: {}, nested: null, maybe: { y: 1 } }],
    ts: `
const m: T.Maybe = null;
const m2: T.Maybe = { x: 'x' };
// @ts-expect-error an array of nullable numbers, not a number or an array of nulls
const a: T.Root['arr'] = 1;`,
  },
];

/** A payload as TypeScript source (a `__proto__` key is computed, so it is a property and not the prototype). */
function tsValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(tsValue).join(', ')}]`;
  if (v && typeof v === 'object') {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k === '__proto__' ? `[${JSON.stringify(k)}]` : JSON.stringify(k)}: ${tsValue(x)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(v);
}

/** A property key as the emitter quotes it (single quotes). */
const quoted = (k: string) => `'${k.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;


interface Result {
  ir: ContractIR;
  types: string;
  validate: (v: unknown) => ValidationResult;
}
const results = new Map<string, Result>();
let tscOut = '';
let tscCode = 0;

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  await writeFile(path.join(OUT, 'package.json'), '{ "type": "module" }\n');
  await writeFile(
    path.join(OUT, 'tsconfig.json'),
    JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, noUnusedLocals: false }, include: ['**/*.ts'], exclude: [] }, null, 2),
  );
  for (const [i, c] of CASES.entries()) {
    let ir = await loadContractFromString(doc(c), `${c.name}.yaml`);
    if (c.patch) ir = c.patch(ir);
    const files = await generate(ir);
    const dir = path.join(OUT, `case${i}`);
    await mkdir(dir, { recursive: true });
    const types = files.find((f) => f.name === 'types.ts')!.content;
    await writeFile(path.join(dir, 'types.ts'), types);
    await writeFile(path.join(dir, 'validators.js'), files.find((f) => f.name === 'validators.js')!.content);
    const mod = (await import(path.join(dir, 'validators.js'))) as Record<string, (v: unknown) => ValidationResult>;
    const channel = ir.channels.find((x) => x.id === 'c')!;
    const validate = mod[channelNames(channel.name).dataValidator]!;
    results.set(c.name, { ir, types, validate });
    const lines = [`// ${c.name}`, `import type * as T from './types.js';`, ''];
    c.ok.forEach((v, n) => lines.push(`const ok${n}: T.Root = ${tsValue(v)};`));
    (c.bad ?? []).forEach((v, n) => lines.push('// @ts-expect-error', `const bad${n}: T.Root = ${tsValue(v)};`));
    if (c.ts) lines.push(c.ts);
    await writeFile(path.join(dir, 'check.ts'), `${lines.join('\n')}\n`);
  }
  const tsc = path.join(REPO, 'node_modules/.bin/tsc');
  const r = await run(tsc, ['--noEmit', '-p', path.join(OUT, 'tsconfig.json')], { cwd: REPO }).then(
    () => ({ code: 0, out: '' }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
  );
  tscOut = r.out;
  tscCode = r.code;
}, 120_000);

afterAll(async () => {
  await rm(OUT, { recursive: true, force: true });
});

describe('types.ts emitter', () => {
  it('every case type-checks: accepted payloads assign, refused ones and the @ts-expect-error lines do not (one tsc run)', () => {
    expect(tscOut).toBe('');
    expect(tscCode).toBe(0);
  });

  for (const c of CASES) {
    describe(c.name, () => {
      it('types.ts says what it should', () => {
        const { types } = results.get(c.name)!;
        for (const s of c.has ?? []) expect(types, s).toContain(s);
        for (const s of c.hasNot ?? []) {
          if (typeof s === 'string') expect(types).not.toContain(s);
          else expect(types).not.toMatch(s);
        }
        expect(types).not.toMatch(/AnonymousSchema|k_[0-9a-f]{4}/);
      });

      it('every property of every object schema is in its interface, with its optionality', () => {
        const { ir, types } = results.get(c.name)!;
        for (const [key, s] of Object.entries(ir.schemas)) {
          if (!s.properties || typeof s.properties !== 'object') continue;
          const title = typeof s.title === 'string' ? s.title : key;
          // (a nullable object schema is `<Name>Object | null`)
          const name = types.includes(`export type ${title} = ${title}Object | null;`) ? `${title}Object` : title;
          const block = new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`).exec(types)?.[1];
          expect(block, name).toBeDefined();
          const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
          const keys = Object.keys(s.properties);
          for (const k of keys) expect(block!.split('\n'), `${name}.${k}`).toContainEqual(expect.stringMatching(new RegExp(`^  ${escapeRe(quoted(k))}${required.has(k) ? '' : '\\?'}: `)));
          // and nothing else (besides the index signature)
          expect(block!.split('\n').filter((l) => /^  '/.test(l)).length, name).toBe(keys.length);
        }
      });

      it('the generated validator accepts the ok payloads and refuses the bad ones (the same ones tsc checks)', () => {
        const { validate } = results.get(c.name)!;
        for (const v of c.ok) expect(validate(v), JSON.stringify(v)).toEqual({ ok: true });
        for (const v of c.bad ?? []) expect(validate(v).ok, JSON.stringify(v)).toBe(false);
      });
    });
  }

  it('emitTypes is deterministic and does not change the IR', async () => {
    const ir = await loadContractFromString(doc(CASES[1]!), 'x.yaml');
    const before = JSON.stringify(ir);
    const a = await emitTypes(ir);
    const b = await emitTypes(ir);
    expect(a).toEqual(b);
    expect(JSON.stringify(ir)).toBe(before);
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
