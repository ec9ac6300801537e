/**
 * Pure comparison of two contracts (the generator's IR): every change, classified by a rule of rules.ts.
 *
 * Schemas are compared by FIELD PATH from each channel's payload, not by schema name: `$ref`s are resolved
 * through ContractIR.schemas on each side independently, so renaming a referenced schema without changing
 * its shape reports nothing. Ref cycles are cut (a pair of schemas already being compared higher up the
 * path is not entered again). A schema shared by several channels is reported once, with every channel.
 */
import type { ChannelIR, ContractIR, JsonSchema, ParameterIR } from '../ir.js';
import { RULES, type RuleId, type Verdict } from './rules.js';

export interface Change {
  readonly rule: RuleId;
  readonly verdict: Verdict;
  /** JSON pointer into the CURRENT document. For something deleted, where it would be in the current
   *  document (its parent exists there; line numbers fall back to the nearest existing ancestor). */
  readonly pointer: string;
  /** JSON pointer into the PREVIOUS document, when the thing existed there. */
  readonly previousPointer?: string;
  /** Channel ids whose messages are affected (sorted). */
  readonly channels: readonly string[];
  /** Human path of the field, e.g. 'data.location.row' or 'payload.valves[].flow_lpm' ('' = channel). */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** One readable sentence. */
  readonly message: string;
  /** Care to take for a safe change (shown as a warning). */
  readonly note?: string;
}

export interface DiffSummary {
  readonly breaking: number;
  readonly safe: number;
  readonly versionBefore: string;
  readonly versionAfter: string;
  /** info.version's major number was raised. */
  readonly majorBumped: boolean;
  /** No breaking change, or the major version was raised. */
  readonly ok: boolean;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function majorOf(version: string): number | null {
  const m = /^v?(\d+)/.exec(version.trim());
  return m ? Number(m[1]) : null;
}

export function summarize(before: ContractIR, after: ContractIR, changes: readonly Change[]): DiffSummary {
  const breaking = changes.filter((c) => c.verdict === 'breaking').length;
  const b = majorOf(before.info.version);
  const a = majorOf(after.info.version);
  const majorBumped = b !== null && a !== null && a > b;
  return {
    breaking,
    safe: changes.length - breaking,
    versionBefore: before.info.version,
    versionAfter: after.info.version,
    majorBumped,
    ok: breaking === 0 || majorBumped,
  };
}

// ------------------------------------------------------------------------------------------------ core

interface Side {
  readonly ir: ContractIR;
  readonly schema: JsonSchema;
  readonly pointer: string;
}

interface Ctx {
  readonly channel: string;
  readonly out: Change[];
  /** 'beforePointer|afterPointer' of the $ref'd schemas on the current path (cycle guard). */
  readonly stack: ReadonlySet<string>;
}

interface Emit {
  pointer: string;
  previousPointer?: string | undefined;
  path: string;
  before: unknown;
  after: unknown;
  message: string;
  note?: string | null;
}

function emit(ctx: Ctx, ruleId: RuleId, e: Emit): void {
  const info = RULES[ruleId];
  const note = e.note === null ? undefined : (e.note ?? info.note);
  ctx.out.push({
    rule: ruleId,
    verdict: info.verdict,
    pointer: e.pointer,
    ...(e.previousPointer !== undefined ? { previousPointer: e.previousPointer } : {}),
    channels: [ctx.channel],
    path: e.path,
    before: e.before,
    after: e.after,
    message: e.message,
    ...(note !== undefined ? { note } : {}),
  });
}

const REF_PREFIX = '#/components/schemas/';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follows $refs to named schemas. `cycle` is set when a ref chain loops on itself. */
function resolve(side: Side): Side & { readonly refName?: string } {
  let schema = side.schema;
  let pointer = side.pointer;
  let refName: string | undefined;
  const seen = new Set<string>();
  while (isObject(schema) && typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    if (!ref.startsWith(REF_PREFIX)) break;
    const name = decodeURIComponent(ref.slice(REF_PREFIX.length)).replace(/~1/g, '/').replace(/~0/g, '~');
    if (seen.has(name)) break;
    seen.add(name);
    const target = side.ir.schemas[name];
    if (target === undefined) break;
    schema = target;
    pointer = `/components/schemas/${escapePointer(name)}`;
    refName = name;
  }
  return { ir: side.ir, schema: isObject(schema) ? schema : {}, pointer, ...(refName ? { refName } : {}) };
}

const child = (side: Side, segs: readonly (string | number)[], schema: unknown): Side => ({
  ir: side.ir,
  schema: isObject(schema) ? schema : {},
  pointer: side.pointer + segs.map((s) => '/' + escapePointer(String(s))).join(''),
});

const show = (v: unknown): string => (v === undefined ? '(none)' : JSON.stringify(v));
const label = (path: string): string => (path === '' ? 'the payload' : `'${path}'`);

// ---- types

type TypeSet = ReadonlySet<string> | null; // null = any type

function typesOf(s: JsonSchema): TypeSet {
  const t = s.type;
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'));
  return null;
}

function without(set: TypeSet, t: string): TypeSet {
  if (set === null) return null;
  const copy = new Set(set);
  copy.delete(t);
  return copy;
}

function covers(wide: TypeSet, narrow: TypeSet): boolean {
  if (wide === null) return true;
  if (narrow === null) return false;
  for (const t of narrow) {
    if (wide.has(t)) continue;
    if (t === 'integer' && wide.has('number')) continue;
    return false;
  }
  return true;
}

function includes(set: TypeSet, t: string): boolean {
  if (set === null) return true;
  if (set.has(t)) return true;
  return t === 'number' && set.has('integer');
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean =>
  a.size === b.size && [...a].every((x) => b.has(x));

const typeList = (set: TypeSet): unknown => (set === null ? null : [...set].sort());

// ---- bounds

const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
const BOUND_TYPE: Record<string, string> = {
  minimum: 'number',
  exclusiveMinimum: 'number',
  maximum: 'number',
  exclusiveMaximum: 'number',
  multipleOf: 'number',
  minLength: 'string',
  maxLength: 'string',
  pattern: 'string',
  format: 'string',
  minItems: 'array',
  maxItems: 'array',
  minProperties: 'object',
  maxProperties: 'object',
};

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

// ---- oneOf

function alternatives(s: JsonSchema): { key: 'oneOf' | 'anyOf'; list: readonly unknown[] } | null {
  if (Array.isArray(s.oneOf)) return { key: 'oneOf', list: s.oneOf };
  if (Array.isArray(s.anyOf)) return { key: 'anyOf', list: s.anyOf };
  return null;
}

function altTitle(side: Side): string | undefined {
  const own = side.schema.title;
  if (typeof own === 'string') return own;
  const r = resolve(side);
  if (typeof r.schema.title === 'string') return r.schema.title;
  return r.refName;
}

// ------------------------------------------------------------------------------------------------ walk

interface WalkOptions {
  /** Property names not compared at this level (the Envelope's `type` and `data`). */
  readonly skipProps?: ReadonlySet<string>;
}

function walk(bIn: Side, aIn: Side, path: string, ctx: Ctx, opts: WalkOptions = {}): void {
  const b = resolve(bIn);
  const a = resolve(aIn);
  let stack = ctx.stack;
  if (b.refName !== undefined || a.refName !== undefined) {
    const key = `${b.pointer}|${a.pointer}`;
    if (stack.has(key)) return; // ref cycle: this pair is already being compared higher up
    stack = new Set([...stack, key]);
  }
  const c: Ctx = { ...ctx, stack };
  const bs = b.schema;
  const as = a.schema;
  const prev = b.pointer;

  // oneOf / anyOf
  const bAlt = alternatives(bs);
  const aAlt = alternatives(as);
  if ((bAlt === null) !== (aAlt === null)) {
    emit(c, 'ONEOF_SAME', {
      pointer: a.pointer,
      previousPointer: prev,
      path,
      before: bAlt ? `${bAlt.key} of ${bAlt.list.length}` : 'single schema',
      after: aAlt ? `${aAlt.key} of ${aAlt.list.length}` : 'single schema',
      message: `${label(path)} ${aAlt ? 'became a ' + aAlt.key : 'is no longer a ' + bAlt!.key}.`,
    });
    return;
  }
  if (bAlt && aAlt) compareAlternatives(b, a, bAlt, aAlt, path, c);

  // types
  const bAll = typesOf(bs);
  const aAll = typesOf(as);
  const bT = without(bAll, 'null');
  const aT = without(aAll, 'null');
  let bothTypes = (t: string) => includes(bAll, t) && includes(aAll, t);
  const typeChanged = !(bT === null && aT === null) && !(bT !== null && aT !== null && sameSet(bT, aT));
  if (typeChanged) {
    const widened = covers(aT, bT);
    emit(c, widened ? 'FIELD_TYPE_WIDENED' : 'FIELD_SAME_TYPE', {
      pointer: `${a.pointer}/type`,
      previousPointer: `${prev}/type`,
      path,
      before: typeList(bT),
      after: typeList(aT),
      message: `The type of ${label(path)} changed from ${bT ? [...bT].join('|') : 'any'} to ${aT ? [...aT].join('|') : 'any'}${widened ? ' (widened)' : ''}.`,
    });
  }
  if (bAll !== null && aAll !== null) {
    const bNull = bAll.has('null');
    const aNull = aAll.has('null');
    if (bNull && !aNull)
      emit(c, 'NULLABLE_NO_REMOVE', {
        pointer: `${a.pointer}/type`,
        previousPointer: `${prev}/type`,
        path,
        before: true,
        after: false,
        message: `${label(path)} is no longer nullable.`,
      });
    if (!bNull && aNull)
      emit(c, 'NULLABLE_ADDED', {
        pointer: `${a.pointer}/type`,
        previousPointer: `${prev}/type`,
        path,
        before: false,
        after: true,
        message: `${label(path)} became nullable.`,
      });
  }
  if (typeChanged && (bT === null || aT === null)) {
    // any <-> typed: already reported; the structure below is not comparable
    bothTypes = () => false;
  } else if (typeChanged && bT !== null && aT !== null) {
    // Compare keywords only for the kinds of value both sides still share.
    const both = bothTypes;
    bothTypes = (t: string) => both(t) && includes(bT, t) && includes(aT, t);
  }

  // enum / const
  compareEnum(b, a, path, c);

  // bounds, pattern, format
  for (const kw of [...LOWER, ...UPPER]) {
    if (!bothTypes(BOUND_TYPE[kw]!)) continue;
    const bv = num(bs[kw]);
    const av = num(as[kw]);
    if (bv === av) continue;
    const lower = (LOWER as readonly string[]).includes(kw);
    let narrowed: boolean;
    if (bv === undefined) narrowed = true;
    else if (av === undefined) narrowed = false;
    else narrowed = lower ? av > bv : av < bv;
    emit(c, narrowed ? 'RANGE_NO_NARROW' : 'RANGE_WIDENED', {
      pointer: `${a.pointer}/${kw}`,
      previousPointer: `${prev}/${kw}`,
      path,
      before: bv ?? null,
      after: av ?? null,
      message: `${kw} of ${label(path)} ${av === undefined ? 'was removed' : bv === undefined ? `was added (${av})` : `changed from ${bv} to ${av}`}.`,
    });
  }
  if (bothTypes('number')) {
    const bv = num(bs.multipleOf);
    const av = num(as.multipleOf);
    if (bv !== av) {
      const widened = av === undefined || (bv !== undefined && Number.isInteger(bv / av));
      emit(c, widened ? 'RANGE_WIDENED' : 'RANGE_NO_NARROW', {
        pointer: `${a.pointer}/multipleOf`,
        previousPointer: `${prev}/multipleOf`,
        path,
        before: bv ?? null,
        after: av ?? null,
        message: `multipleOf of ${label(path)} changed from ${show(bv)} to ${show(av)}.`,
      });
    }
  }
  if (bothTypes('string')) {
    for (const [kw, same, removed] of [
      ['pattern', 'PATTERN_SAME', 'PATTERN_REMOVED'],
      ['format', 'FORMAT_SAME', 'FORMAT_REMOVED'],
    ] as const) {
      const bv = typeof bs[kw] === 'string' ? (bs[kw] as string) : undefined;
      const av = typeof as[kw] === 'string' ? (as[kw] as string) : undefined;
      if (bv === av) continue;
      emit(c, av === undefined ? removed : same, {
        pointer: `${a.pointer}/${kw}`,
        previousPointer: `${prev}/${kw}`,
        path,
        before: bv ?? null,
        after: av ?? null,
        message: `The ${kw} of ${label(path)} changed from ${show(bv)} to ${show(av)}.`,
      });
    }
  }

  // default
  if (JSON.stringify(bs.default) !== JSON.stringify(as.default)) {
    emit(c, as.default === undefined || bs.default !== undefined ? 'DEFAULT_SAME' : 'DEFAULT_ADDED', {
      pointer: `${a.pointer}/default`,
      previousPointer: `${prev}/default`,
      path,
      before: bs.default ?? null,
      after: as.default ?? null,
      message: `The default of ${label(path)} changed from ${show(bs.default)} to ${show(as.default)}.`,
    });
  }

  const has = (s: JsonSchema, keys: readonly string[]) => keys.some((k) => s[k] !== undefined);
  const objectKeys = ['properties', 'required', 'additionalProperties'];
  if (bothTypes('object') && (has(bs, objectKeys) || has(as, objectKeys))) compareObject(b, a, path, c, opts);
  if (bothTypes('array') && (bs.items !== undefined || as.items !== undefined)) compareArray(b, a, path, c);
}

function compareAlternatives(
  b: Side,
  a: Side,
  bAlt: { key: string; list: readonly unknown[] },
  aAlt: { key: string; list: readonly unknown[] },
  path: string,
  c: Ctx,
): void {
  const bSides = bAlt.list.map((s, i) => child(b, [bAlt.key, i], s));
  const aSides = aAlt.list.map((s, i) => child(a, [aAlt.key, i], s));
  const bTitles = bSides.map(altTitle);
  const aTitles = aSides.map(altTitle);
  const pairs: [number, number][] = [];
  const bUsed = new Set<number>();
  const aUsed = new Set<number>();
  // 1. by title
  bTitles.forEach((t, i) => {
    if (t === undefined) return;
    const j = aTitles.findIndex((u, k) => u === t && !aUsed.has(k));
    if (j >= 0) {
      pairs.push([i, j]);
      bUsed.add(i);
      aUsed.add(j);
    }
  });
  // 2. the rest by position (a renamed alternative with the same shape is not a change)
  const bRest = bSides.map((_, i) => i).filter((i) => !bUsed.has(i));
  const aRest = aSides.map((_, j) => j).filter((j) => !aUsed.has(j));
  while (bRest.length > 0 && aRest.length > 0) {
    const i = bRest.shift()!;
    const j = aRest.shift()!;
    pairs.push([i, j]);
    bUsed.add(i);
    aUsed.add(j);
  }
  for (const [i, j] of pairs) {
    const name = aTitles[j] ?? bTitles[i] ?? String(j);
    walk(bSides[i]!, aSides[j]!, `${path}<${name}>`, c);
  }
  bSides.forEach((s, i) => {
    if (bUsed.has(i)) return;
    emit(c, 'ONEOF_ALTERNATIVE_NO_DELETE', {
      pointer: `${a.pointer}/${aAlt.key}`,
      previousPointer: s.pointer,
      path,
      before: bTitles[i] ?? i,
      after: null,
      message: `Alternative ${bTitles[i] ?? '#' + i} of ${label(path)} was removed.`,
    });
  });
  aSides.forEach((s, j) => {
    if (aUsed.has(j)) return;
    emit(c, 'ONEOF_ALTERNATIVE_ADDED', {
      pointer: s.pointer,
      path,
      before: null,
      after: aTitles[j] ?? j,
      message: `Alternative ${aTitles[j] ?? '#' + j} was added to ${label(path)}.`,
    });
  });
}

function enumOf(s: JsonSchema): { key: 'enum' | 'const'; values: readonly unknown[] } | null {
  if (s.const !== undefined) return { key: 'const', values: [s.const] };
  if (Array.isArray(s.enum)) return { key: 'enum', values: s.enum };
  return null;
}

function compareEnum(b: Side, a: Side, path: string, c: Ctx): void {
  const be = enumOf(b.schema);
  const ae = enumOf(a.schema);
  if (be === null && ae === null) return;
  if (be === null) {
    emit(c, 'ENUM_NO_ADD', {
      pointer: `${a.pointer}/${ae!.key}`,
      path,
      before: null,
      after: ae!.values,
      message: `${label(path)} was restricted to ${show(ae!.values)}.`,
    });
    return;
  }
  if (ae === null) {
    emit(c, 'ENUM_REMOVED', {
      pointer: `${a.pointer}/${be.key}`,
      previousPointer: `${b.pointer}/${be.key}`,
      path,
      before: be.values,
      after: null,
      message: `${label(path)} is no longer restricted to ${show(be.values)}.`,
    });
    return;
  }
  const bKeys = new Map(be.values.map((v) => [JSON.stringify(v), v]));
  const aKeys = new Map(ae.values.map((v) => [JSON.stringify(v), v]));
  for (const [k, v] of bKeys)
    if (!aKeys.has(k))
      emit(c, 'ENUM_VALUE_NO_DELETE', {
        pointer: `${a.pointer}/${ae.key}`,
        previousPointer: `${b.pointer}/${be.key}`,
        path,
        before: v,
        after: null,
        message: `Value ${show(v)} of ${label(path)} was removed.`,
      });
  for (const [k, v] of aKeys)
    if (!bKeys.has(k))
      emit(c, 'ENUM_VALUE_ADDED', {
        pointer: `${a.pointer}/${ae.key}`,
        path,
        before: null,
        after: v,
        message: `Value ${show(v)} was added to ${label(path)}.`,
      });
}

type Openness = { kind: 'open' } | { kind: 'closed' } | { kind: 'schema'; schema: unknown };

function openness(s: JsonSchema): Openness {
  const ap = s.additionalProperties;
  if (ap === false) return { kind: 'closed' };
  if (isObject(ap) && Object.keys(ap).length > 0) return { kind: 'schema', schema: ap };
  return { kind: 'open' };
}

const OPEN_RANK = { closed: 0, schema: 1, open: 2 } as const;

function compareObject(b: Side, a: Side, path: string, c: Ctx, opts: WalkOptions): void {
  const bs = b.schema;
  const as = a.schema;
  const bProps = isObject(bs.properties) ? bs.properties : {};
  const aProps = isObject(as.properties) ? as.properties : {};
  const bReq = new Set(Array.isArray(bs.required) ? bs.required.filter((x): x is string => typeof x === 'string') : []);
  const aReq = new Set(Array.isArray(as.required) ? as.required.filter((x): x is string => typeof x === 'string') : []);
  const bOpen = openness(bs);
  const aOpen = openness(as);
  const names = [...new Set([...Object.keys(bProps), ...bReq, ...Object.keys(aProps), ...aReq])];
  for (const name of names) {
    if (opts.skipProps?.has(name)) continue;
    const inB = name in bProps || bReq.has(name);
    const inA = name in aProps || aReq.has(name);
    const fpath = path === '' ? name : `${path}.${name}`;
    const aPtr = `${a.pointer}/properties/${escapePointer(name)}`;
    const bPtr = `${b.pointer}/properties/${escapePointer(name)}`;
    if (inB && !inA) {
      emit(c, 'FIELD_NO_DELETE', {
        pointer: aPtr,
        previousPointer: bPtr,
        path: fpath,
        before: bReq.has(name) ? 'required' : 'optional',
        after: null,
        message: `Field '${fpath}' was deleted.`,
      });
      continue;
    }
    if (!inB && inA) {
      if (aReq.has(name))
        emit(c, 'REQUIRED_NO_ADD', {
          pointer: aPtr,
          path: fpath,
          before: null,
          after: 'required',
          message: `Required field '${fpath}' was added.`,
        });
      else
        emit(c, 'FIELD_ADDED_OPTIONAL', {
          pointer: aPtr,
          path: fpath,
          before: null,
          after: 'optional',
          message: `Optional field '${fpath}' was added.`,
          // The note only matters when old subscribers reject unknown keys.
          note: bOpen.kind === 'open' ? null : undefined,
        });
      continue;
    }
    if (bReq.has(name) && !aReq.has(name))
      emit(c, 'REQUIRED_TO_OPTIONAL', {
        pointer: aPtr,
        previousPointer: bPtr,
        path: fpath,
        before: 'required',
        after: 'optional',
        message: `Field '${fpath}' is no longer required.`,
      });
    if (!bReq.has(name) && aReq.has(name))
      emit(c, 'OPTIONAL_TO_REQUIRED', {
        pointer: aPtr,
        previousPointer: bPtr,
        path: fpath,
        before: 'optional',
        after: 'required',
        message: `Field '${fpath}' became required.`,
      });
    walk(child(b, ['properties', name], bProps[name]), child(a, ['properties', name], aProps[name]), fpath, c);
  }

  // additionalProperties
  const apPtr = `${a.pointer}/additionalProperties`;
  if (bOpen.kind === 'schema' && aOpen.kind === 'schema') {
    walk(
      child(b, ['additionalProperties'], bOpen.schema),
      child(a, ['additionalProperties'], aOpen.schema),
      path === '' ? '*' : `${path}.*`,
      c,
    );
  } else if (bOpen.kind !== aOpen.kind) {
    const closed = OPEN_RANK[aOpen.kind] < OPEN_RANK[bOpen.kind];
    const desc = (o: Openness) => (o.kind === 'schema' ? 'a schema' : o.kind === 'open' ? true : false);
    emit(c, closed ? 'ADDITIONAL_PROPERTIES_NO_CLOSE' : 'ADDITIONAL_PROPERTIES_OPENED', {
      pointer: apPtr,
      previousPointer: `${b.pointer}/additionalProperties`,
      path,
      before: desc(bOpen),
      after: desc(aOpen),
      message: `additionalProperties of ${label(path)} changed from ${desc(bOpen)} to ${desc(aOpen)}.`,
    });
  }
}

function compareArray(b: Side, a: Side, path: string, c: Ctx): void {
  const bi = b.schema.items;
  const ai = a.schema.items;
  const ipath = `${path}[]`;
  if (Array.isArray(bi) || Array.isArray(ai)) {
    // tuple form: compare by position
    const bl = Array.isArray(bi) ? bi : [bi ?? {}];
    const al = Array.isArray(ai) ? ai : [ai ?? {}];
    const n = Math.max(bl.length, al.length);
    for (let i = 0; i < n; i++)
      walk(child(b, ['items', i], bl[i] ?? {}), child(a, ['items', i], al[i] ?? {}), `${path}[${i}]`, c);
    return;
  }
  walk(child(b, ['items'], bi ?? {}), child(a, ['items'], ai ?? {}), ipath, c);
}

// ------------------------------------------------------------------------------------------------ channels

function paramNames(address: string): string[] {
  return [...address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

const normalizeAddress = (address: string): string => address.replace(/\{[^}]+\}/g, '{}');

function mainOperation(ch: ChannelIR): string | undefined {
  return (ch.operations.find((o) => o.action === 'send') ?? ch.operations[0])?.id;
}

function opPointer(ch: ChannelIR, rest: string): string {
  const op = mainOperation(ch);
  return op === undefined ? `/channels/${escapePointer(ch.id)}` : `/operations/${escapePointer(op)}${rest}`;
}

const msgPointer = (ch: ChannelIR, rest = ''): string => `/components/messages/${escapePointer(ch.messageName)}${rest}`;

function roots(ir: ContractIR, ch: ChannelIR): { env: Side | null; data: Side } {
  let envBase = msgPointer(ch, '/payload');
  let env: Side | null = null;
  if (ch.envelopeSchema !== null) {
    env = { ir, schema: ch.envelopeSchema, pointer: envBase };
    envBase = resolve(env).pointer;
  }
  const dataBase = ch.framing.kind === 'envelope' ? `${envBase}/properties/data` : envBase;
  return { env, data: { ir, schema: ch.dataSchema, pointer: dataBase } };
}

function compareParameters(b: ChannelIR, a: ChannelIR, c: Ctx): void {
  const chPtr = `/channels/${escapePointer(a.id)}`;
  const bNames = paramNames(b.address);
  const aNames = paramNames(a.address);
  const sameShape = normalizeAddress(b.address) === normalizeAddress(a.address);
  const pairs: [string, string][] = [];
  if (sameShape) {
    bNames.forEach((n, i) => pairs.push([n, aNames[i]!]));
    if (bNames.some((n, i) => n !== aNames[i]))
      emit(c, 'PARAMETER_SAME', {
        pointer: `${chPtr}/parameters`,
        previousPointer: `/channels/${escapePointer(b.id)}/parameters`,
        path: '',
        before: bNames,
        after: aNames,
        message: `Parameters of '${a.address}' were renamed: ${bNames.join(', ')} -> ${aNames.join(', ')} (same topic, different API).`,
      });
  } else {
    for (const n of bNames) if (aNames.includes(n)) pairs.push([n, n]);
    if (bNames.length !== aNames.length || bNames.some((n) => !aNames.includes(n)))
      emit(c, 'PARAMETER_SAME', {
        pointer: `${chPtr}/parameters`,
        previousPointer: `/channels/${escapePointer(b.id)}/parameters`,
        path: '',
        before: bNames,
        after: aNames,
        message: `Parameters changed: [${bNames.join(', ')}] -> [${aNames.join(', ')}].`,
      });
  }
  const find = (ps: readonly ParameterIR[], n: string) => ps.find((p) => p.name === n);
  for (const [bn, an] of pairs) {
    const bp = find(b.parameters, bn);
    const ap = find(a.parameters, an);
    const be = bp?.enum;
    const ae = ap?.enum;
    const ptr = `${chPtr}/parameters/${escapePointer(an)}/enum`;
    const prev = `/channels/${escapePointer(b.id)}/parameters/${escapePointer(bn)}/enum`;
    if (be === undefined && ae === undefined) continue;
    if (be === undefined) {
      emit(c, 'PARAMETER_VALUE_NO_DELETE', {
        pointer: ptr,
        path: `{${an}}`,
        before: null,
        after: ae,
        message: `Parameter {${an}} was restricted to ${show(ae)}.`,
      });
      continue;
    }
    if (ae === undefined) {
      emit(c, 'PARAMETER_VALUE_ADDED', {
        pointer: ptr,
        previousPointer: prev,
        path: `{${an}}`,
        before: be,
        after: null,
        message: `Parameter {${an}} is no longer restricted to ${show(be)}.`,
      });
      continue;
    }
    for (const v of be)
      if (!ae.includes(v))
        emit(c, 'PARAMETER_VALUE_NO_DELETE', {
          pointer: ptr,
          previousPointer: prev,
          path: `{${an}}`,
          before: v,
          after: null,
          message: `Value '${v}' of parameter {${an}} was removed.`,
        });
    for (const v of ae)
      if (!be.includes(v))
        emit(c, 'PARAMETER_VALUE_ADDED', {
          pointer: ptr,
          path: `{${an}}`,
          before: null,
          after: v,
          message: `Value '${v}' was added to parameter {${an}}.`,
        });
  }
}

function compareChannel(bIr: ContractIR, aIr: ContractIR, b: ChannelIR, a: ChannelIR, out: Change[]): void {
  const c: Ctx = { channel: a.id, out, stack: new Set() };
  const chPtr = `/channels/${escapePointer(a.id)}`;

  if (normalizeAddress(b.address) !== normalizeAddress(a.address))
    emit(c, 'ADDRESS_SAME', {
      pointer: `${chPtr}/address`,
      previousPointer: `/channels/${escapePointer(b.id)}/address`,
      path: '',
      before: b.address,
      after: a.address,
      message: `The topic of channel '${a.id}' changed from '${b.address}' to '${a.address}'.`,
    });
  compareParameters(b, a, c);

  if (a.qos !== b.qos)
    emit(c, a.qos < b.qos ? 'QOS_SAME' : 'QOS_RAISED', {
      pointer: opPointer(a, '/bindings/mqtt/qos'),
      previousPointer: opPointer(b, '/bindings/mqtt/qos'),
      path: '',
      before: b.qos,
      after: a.qos,
      message: `QoS of channel '${a.id}' ${a.qos < b.qos ? 'lowered' : 'raised'} from ${b.qos} to ${a.qos}.`,
    });
  if (a.retain !== b.retain)
    emit(c, 'RETAIN_SAME', {
      pointer: opPointer(a, '/bindings/mqtt/retain'),
      previousPointer: opPointer(b, '/bindings/mqtt/retain'),
      path: '',
      before: b.retain,
      after: a.retain,
      message: `Retain of channel '${a.id}' changed from ${b.retain} to ${a.retain}.`,
    });

  // framing
  const bf = b.framing;
  const af = a.framing;
  if (bf.kind !== af.kind) {
    emit(c, 'FRAMING_SAME', {
      pointer: msgPointer(a, af.kind === 'envelope' ? '/x-envelope' : '/payload'),
      previousPointer: msgPointer(b, bf.kind === 'envelope' ? '/x-envelope' : '/payload'),
      path: '',
      before: bf.kind,
      after: af.kind,
      message: `Channel '${a.id}' changed framing from ${bf.kind} to ${af.kind}.`,
    });
  } else if (bf.kind === 'envelope' && af.kind === 'envelope') {
    const mode = (f: typeof bf) => (f.publishBare ? 'send' : f.acceptBare ? 'accept' : 'never');
    if (mode(bf) !== mode(af)) {
      const bAccepts = bf.acceptBare || bf.publishBare;
      const aAccepts = af.acceptBare || af.publishBare;
      const breaking = (bAccepts && !aAccepts) || (af.publishBare && !bAccepts);
      emit(c, breaking ? 'FRAMING_SAME' : 'FRAMING_BARE_MODE_CHANGED', {
        pointer: msgPointer(a, '/x-envelope/bare'),
        previousPointer: msgPointer(b, '/x-envelope/bare'),
        path: '',
        before: mode(bf),
        after: mode(af),
        message: `x-envelope.bare of channel '${a.id}' changed from ${mode(bf)} to ${mode(af)}.`,
      });
    }
    const bRoots = roots(bIr, b);
    const aRoots = roots(aIr, a);
    const typePtr = (r: { env: Side | null }, ch: ChannelIR) =>
      r.env ? `${resolve(r.env).pointer}/properties/type` : msgPointer(ch, '/x-envelope/type');
    if (bf.eventType !== af.eventType) {
      const migrated = bf.acceptedTypes.includes(af.eventType) && af.acceptedTypes.includes(bf.eventType);
      emit(c, migrated ? 'EVENT_TYPE_MIGRATED' : 'EVENT_TYPE_SAME', {
        pointer: msgPointer(a, '/x-envelope/type'),
        previousPointer: msgPointer(b, '/x-envelope/type'),
        path: 'type',
        before: bf.eventType,
        after: af.eventType,
        message: `Event type of channel '${a.id}' changed from '${bf.eventType}' to '${af.eventType}'${migrated ? ' (both are accepted on both sides)' : ''}.`,
      });
    }
    const skip = new Set([bf.eventType, af.eventType]);
    for (const t of bf.acceptedTypes)
      if (!skip.has(t) && !af.acceptedTypes.includes(t))
        emit(c, 'ACCEPTED_TYPE_NO_DELETE', {
          pointer: typePtr(aRoots, a),
          previousPointer: typePtr(bRoots, b),
          path: 'type',
          before: t,
          after: null,
          message: `Accepted event type '${t}' of channel '${a.id}' was removed.`,
        });
    for (const t of af.acceptedTypes)
      if (!skip.has(t) && !bf.acceptedTypes.includes(t))
        emit(c, 'ACCEPTED_TYPE_ADDED', {
          pointer: typePtr(aRoots, a),
          path: 'type',
          before: null,
          after: t,
          message: `Accepted event type '${t}' was added to channel '${a.id}'.`,
        });
    // The rest of the Envelope (id, ts, source, extra keys); `type` and `data` are compared above/below.
    if (bRoots.env && aRoots.env) walk(bRoots.env, aRoots.env, '', c, { skipProps: new Set(['type', 'data']) });
  }

  if (a.reply !== b.reply)
    emit(c, 'REPLY_SAME', {
      pointer: opPointer(a, '/reply'),
      previousPointer: opPointer(b, '/reply'),
      path: '',
      before: b.reply,
      after: a.reply,
      message: `Reply channel of '${a.id}' changed from ${show(b.reply ?? undefined)} to ${show(a.reply ?? undefined)}.`,
    });
  if ((b.correlation?.location ?? null) !== (a.correlation?.location ?? null))
    emit(c, 'CORRELATION_SAME', {
      pointer: msgPointer(a, '/correlationId'),
      previousPointer: msgPointer(b, '/correlationId'),
      path: '',
      before: b.correlation?.location ?? null,
      after: a.correlation?.location ?? null,
      message: `Correlation id location of channel '${a.id}' changed from ${show(b.correlation?.location)} to ${show(a.correlation?.location)}.`,
    });

  // the payload model (only when the framing kind is unchanged: otherwise the wire shape already differs)
  if (bf.kind === af.kind) {
    const root = af.kind === 'envelope' ? 'data' : '';
    walk(roots(bIr, b).data, roots(aIr, a).data, root, c);
  }
}

/** Every change from `before` to `after`, classified. Deterministic: channels in id order, fields in
 *  document order; a change reached through several channels is reported once. */
export function diffContracts(before: ContractIR, after: ContractIR): Change[] {
  const out: Change[] = [];
  const bById = new Map(before.channels.map((c) => [c.id, c]));
  const aById = new Map(after.channels.map((c) => [c.id, c]));
  const ids = [...new Set([...bById.keys(), ...aById.keys()])].sort();
  for (const id of ids) {
    const b = bById.get(id);
    const a = aById.get(id);
    const c: Ctx = { channel: id, out, stack: new Set() };
    if (b && !a)
      emit(c, 'CHANNEL_NO_DELETE', {
        pointer: `/channels/${escapePointer(id)}`,
        previousPointer: `/channels/${escapePointer(id)}`,
        path: '',
        before: b.address,
        after: null,
        message: `Channel '${id}' (${b.address}) was deleted.`,
      });
    else if (!b && a)
      emit(c, 'CHANNEL_ADDED', {
        pointer: `/channels/${escapePointer(id)}`,
        path: '',
        before: null,
        after: a.address,
        message: `Channel '${id}' (${a.address}) was added.`,
      });
    else if (b && a) compareChannel(before, after, b, a, out);
  }
  return dedupe(out);
}

function dedupe(changes: readonly Change[]): Change[] {
  const byKey = new Map<string, Change>();
  for (const ch of changes) {
    const key = [ch.rule, ch.pointer, ch.previousPointer ?? '', JSON.stringify(ch.before), JSON.stringify(ch.after)].join('\u0000');
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, ch);
    else if (!seen.channels.includes(ch.channels[0]!))
      byKey.set(key, { ...seen, channels: [...seen.channels, ...ch.channels].sort() });
  }
  return [...byKey.values()];
}
