/**
 * Pure comparison of two contracts (the generator's IR): every change, classified by a rule of rules.ts.
 *
 * Schemas are compared by FIELD PATH from each channel's payload, not by schema name: `$ref`s are resolved
 * through ContractIR.schemas on each side independently, so renaming a referenced schema without changing
 * its shape reports nothing. Ref cycles are cut (a pair of schemas already being compared higher up the
 * path is not entered again). A schema shared by several channels is reported once, with every channel.
 *
 * Every change says which direction(s) it breaks (rules.ts: backward = old sender -> new receiver, forward =
 * new sender -> old receiver); its verdict is that of the mode checked (verdictIn). deployOrder() turns the
 * directions into the safe upgrade order of each channel (subscribers first, publishers first, or none).
 */
import type { ChannelIR, ContractIR, JsonSchema, ParameterIR } from '../ir.js';
import { DEFAULT_MODE, RULES, verdictIn, type Direction, type Mode, type RuleId, type Verdict } from './rules.js';

export interface Change {
  readonly rule: RuleId;
  /** The verdict in the mode checked (DiffSummary.mode). */
  readonly verdict: Verdict;
  /** The directions this change breaks: 'backward' (old publishers -> new subscribers), 'forward' (new
   *  publishers -> old subscribers); empty when it breaks neither. Sorted: backward first. */
  readonly breaks: readonly Direction[];
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
  /** The mode the verdicts are for. */
  readonly mode: Mode;
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

/** Counts the verdicts of `changes` (judged in `mode`, the mode given to diffContracts). */
export function summarize(before: ContractIR, after: ContractIR, changes: readonly Change[], mode: Mode = DEFAULT_MODE): DiffSummary {
  const breaking = changes.filter((c) => c.verdict === 'breaking').length;
  const b = majorOf(before.info.version);
  const a = majorOf(after.info.version);
  const majorBumped = b !== null && a !== null && a > b;
  return {
    mode,
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

/** A change before its verdict (which depends on the mode) is set. */
type RawChange = Omit<Change, 'verdict'>;

interface Ctx {
  readonly channel: string;
  readonly out: RawChange[];
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
  note?: string | null | undefined;
  /** The directions this change breaks; default: every direction the rule can break (RuleInfo.breaks). */
  breaks?: readonly Direction[] | undefined;
}

const DIRECTIONS: readonly Direction[] = ['backward', 'forward'];
const BACKWARD: readonly Direction[] = ['backward'];
const FORWARD: readonly Direction[] = ['forward'];
const BOTH = DIRECTIONS;
const NONE: readonly Direction[] = [];
const directions = (backward: boolean, forward: boolean): readonly Direction[] =>
  backward ? (forward ? BOTH : BACKWARD) : forward ? FORWARD : NONE;

function emit(ctx: Ctx, ruleId: RuleId, e: Emit): void {
  const info = RULES[ruleId];
  const note = e.note === null ? undefined : (e.note ?? info.note);
  ctx.out.push({
    rule: ruleId,
    breaks: e.breaks ?? info.breaks,
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
/** Field paths: 'data.words[].start'; a message of a channel with several messages prefixes 'Name:'. */
const join = (path: string, seg: string): string => (path === '' || path.endsWith(':') ? `${path}${seg}` : `${path}.${seg}`);
const label = (path: string): string =>
  path === '' ? 'the payload' : path.endsWith(':') ? `the payload of message ${path.slice(0, -1)}` : `'${path}'`;

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
      // narrowed (the old types cover the new ones): only what old publishers send can be rejected
      breaks: widened ? undefined : covers(bT, aT) ? BACKWARD : BOTH,
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
      breaks: narrowed ? BACKWARD : FORWARD,
      message: `${kw} of ${label(path)} ${av === undefined ? 'was removed' : bv === undefined ? `was added (${av})` : `changed from ${bv} to ${av}`}.`,
    });
  }
  if (bothTypes('number')) {
    const bv = num(bs.multipleOf);
    const av = num(as.multipleOf);
    if (bv !== av) {
      const widened = av === undefined || (bv !== undefined && Number.isInteger(bv / av));
      // narrowed: added, or the new step is a multiple of the old one (new values were valid before);
      // otherwise (e.g. 2 -> 3) old and new values reject each other
      const narrowedOnly = bv === undefined || (av !== undefined && Number.isInteger(av / bv));
      emit(c, widened ? 'RANGE_WIDENED' : 'RANGE_NO_NARROW', {
        pointer: `${a.pointer}/multipleOf`,
        previousPointer: `${prev}/multipleOf`,
        path,
        before: bv ?? null,
        after: av ?? null,
        breaks: widened ? undefined : narrowedOnly ? BACKWARD : BOTH,
        message: `multipleOf of ${label(path)} changed from ${show(bv)} to ${show(av)}.`,
      });
    }
  }
  if (bothTypes('string')) {
    for (const [kw, added, changed, removed] of [
      ['pattern', 'PATTERN_SAME', 'PATTERN_CHANGED', 'PATTERN_REMOVED'],
      ['format', 'FORMAT_SAME', 'FORMAT_CHANGED', 'FORMAT_REMOVED'],
    ] as const) {
      const bv = typeof bs[kw] === 'string' ? (bs[kw] as string) : undefined;
      const av = typeof as[kw] === 'string' ? (as[kw] as string) : undefined;
      if (bv === av) continue;
      emit(c, av === undefined ? removed : bv === undefined ? added : changed, {
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

/**
 * Whether a receiver's object (`obj`, openness `open`) takes a key it has no property for, sent with the
 * schema `field` by a sender of the other version: an open object does, a closed one does not, and an
 * `additionalProperties` schema does when comparing it with the field's schema finds nothing that breaks
 * `direction` ('forward': the receiver is old, `obj` is the before side; 'backward': the receiver is new).
 */
function takesUnknownKey(open: Openness, obj: Side, field: Side, direction: Direction, c: Ctx): boolean {
  if (open.kind !== 'schema') return open.kind === 'open';
  const ap = child(obj, ['additionalProperties'], open.schema);
  const scratch: RawChange[] = [];
  const sc: Ctx = { ...c, out: scratch };
  if (direction === 'forward') walk(ap, field, '', sc);
  else walk(field, ap, '', sc);
  return !scratch.some((x) => x.breaks.includes(direction));
}

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
    const fpath = join(path, name);
    const aPtr = `${a.pointer}/properties/${escapePointer(name)}`;
    const bPtr = `${b.pointer}/properties/${escapePointer(name)}`;
    if (inB && !inA) {
      // Forward: old subscribers lose the field (and reject its absence when they require it). Backward: old
      // publishers still send it, and the new object must take it as an unknown key.
      const required = bReq.has(name);
      const taken = takesUnknownKey(aOpen, a, child(b, ['properties', name], bProps[name]), 'backward', c);
      emit(c, required ? 'REQUIRED_REMOVED' : 'FIELD_NO_DELETE', {
        pointer: aPtr,
        previousPointer: bPtr,
        path: fpath,
        before: required ? 'required' : 'optional',
        after: null,
        message: `${required ? 'Required field' : 'Field'} '${fpath}' was deleted${taken ? '' : ' (the object does not take unknown keys)'}.`,
        breaks: directions(!taken, true),
      });
      continue;
    }
    if (!inB && inA) {
      // Backward is about old publishers not sending it; forward: new publishers send it, and the OLD object
      // must take it as an unknown key.
      const taken = takesUnknownKey(bOpen, b, child(a, ['properties', name], aProps[name]), 'forward', c);
      if (aReq.has(name))
        emit(c, 'REQUIRED_NO_ADD', {
          pointer: aPtr,
          path: fpath,
          before: null,
          after: 'required',
          message: `Required field '${fpath}' was added${taken ? '' : ' to a closed object'}.`,
          breaks: directions(true, !taken),
        });
      else
        emit(c, taken ? 'FIELD_ADDED_OPTIONAL' : 'FIELD_ADDED_TO_CLOSED', {
          pointer: aPtr,
          path: fpath,
          before: null,
          after: 'optional',
          message: `Optional field '${fpath}' was added${taken ? '' : ' to a closed object'}.`,
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
      join(path, '*'),
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

/** What the comparison needs of one message of a channel (ChannelIR.messages; a channel without that list,
 *  e.g. a hand-built IR, is described by its own fields as one message). */
interface MessageView {
  readonly name: string;
  /** JSON pointer of the message in the document, without '#'. */
  readonly pointer: string;
  readonly framing: ChannelIR['framing'];
  readonly dataSchema: JsonSchema;
  readonly envelopeSchema: JsonSchema | null;
  readonly correlation: { readonly location: string } | null;
}

function messagesOf(ch: ChannelIR): readonly MessageView[] {
  if (ch.messages !== undefined && ch.messages.length > 0)
    return ch.messages.map((m) => ({
      name: m.name,
      pointer: m.pointer.replace(/^#/, ''),
      framing: m.framing,
      dataSchema: m.dataSchema,
      envelopeSchema: m.envelopeSchema,
      correlation: m.correlation,
    }));
  return [
    {
      name: ch.messageName,
      pointer: `/components/messages/${escapePointer(ch.messageName)}`,
      framing: ch.framing,
      dataSchema: ch.dataSchema,
      envelopeSchema: ch.envelopeSchema,
      correlation: ch.correlation,
    },
  ];
}

/** Whether the channel's send (or receive) operations carry the named message (ChannelIR.sends / receives:
 *  the messages the operations list, every message when they list none). */
function carries(ch: ChannelIR, key: 'sends' | 'receives', message: string): boolean {
  return ch[key] === undefined || ch[key].includes(message);
}

function roots(ir: ContractIR, m: MessageView): { env: Side | null; data: Side } {
  let envBase = `${m.pointer}/payload`;
  let env: Side | null = null;
  if (m.envelopeSchema !== null) {
    env = { ir, schema: m.envelopeSchema, pointer: envBase };
    envBase = resolve(env).pointer;
  }
  const dataBase = m.framing.kind === 'envelope' ? `${envBase}/properties/data` : envBase;
  return { env, data: { ir, schema: m.dataSchema, pointer: dataBase } };
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

function compareChannel(bIr: ContractIR, aIr: ContractIR, b: ChannelIR, a: ChannelIR, out: RawChange[]): void {
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

  if (a.reply !== b.reply)
    emit(c, 'REPLY_SAME', {
      pointer: opPointer(a, '/reply'),
      previousPointer: opPointer(b, '/reply'),
      path: '',
      before: b.reply,
      after: a.reply,
      message: `Reply channel of '${a.id}' changed from ${show(b.reply ?? undefined)} to ${show(a.reply ?? undefined)}.`,
    });

  const bMsgs = messagesOf(b);
  const aMsgs = messagesOf(a);
  if (bMsgs.length === 1 && aMsgs.length === 1) {
    // One message on each side: compared whatever its name (message names are documentation).
    compareMessage(bIr, aIr, a.id, bMsgs[0]!, aMsgs[0]!, '', c);
    return;
  }
  // Several messages on a side: matched by name.
  const bByName = new Map(bMsgs.map((m) => [m.name, m]));
  const aByName = new Map(aMsgs.map((m) => [m.name, m]));
  for (const m of aMsgs) {
    const old = bByName.get(m.name);
    if (old !== undefined) {
      compareMessage(bIr, aIr, a.id, old, m, `${m.name}:`, c);
      continue;
    }
    const sent = carries(a, 'sends', m.name);
    emit(c, 'MESSAGE_ADDED', {
      pointer: m.pointer,
      path: `${m.name}:`,
      before: null,
      after: m.name,
      message: `Message '${m.name}' was added to channel '${a.id}'${sent ? '' : ' (no send operation sends it)'}.`,
      breaks: directions(false, sent),
    });
  }
  for (const m of bMsgs) {
    if (aByName.has(m.name)) continue;
    const sent = carries(b, 'sends', m.name);
    const received = carries(b, 'receives', m.name);
    emit(c, 'MESSAGE_NO_DELETE', {
      pointer: `${chPtr}/messages/${escapePointer(m.name)}`,
      previousPointer: m.pointer,
      path: `${m.name}:`,
      before: m.name,
      after: null,
      message: `Message '${m.name}' was removed from channel '${a.id}'.`,
      breaks: directions(sent, received),
    });
  }
}

/** Framing, event types, the rest of the Envelope, correlation and the payload model of one message.
 *  `prefix` starts every field path ('' for a channel's only message, 'Name:' when it has several). */
function compareMessage(
  bIr: ContractIR,
  aIr: ContractIR,
  channel: string,
  bm: MessageView,
  am: MessageView,
  prefix: string,
  c: Ctx,
): void {
  const of = prefix === '' ? `channel '${channel}'` : `message '${am.name}' of channel '${channel}'`;
  const bf = bm.framing;
  const af = am.framing;
  if (bf.kind !== af.kind) {
    emit(c, 'FRAMING_SAME', {
      pointer: `${am.pointer}${af.kind === 'envelope' ? '/x-envelope' : '/payload'}`,
      previousPointer: `${bm.pointer}${bf.kind === 'envelope' ? '/x-envelope' : '/payload'}`,
      path: prefix,
      before: bf.kind,
      after: af.kind,
      message: `${of.charAt(0).toUpperCase()}${of.slice(1)} changed framing from ${bf.kind} to ${af.kind}.`,
    });
  } else if (bf.kind === 'envelope' && af.kind === 'envelope') {
    const mode = (f: typeof bf) => (f.publishBare ? 'send' : f.acceptBare ? 'accept' : 'never');
    if (mode(bf) !== mode(af)) {
      const bAccepts = bf.acceptBare || bf.publishBare;
      const aAccepts = af.acceptBare || af.publishBare;
      // backward: old bare publishers, new subscribers that no longer take bare payloads;
      // forward: new publishers send bare, old subscribers never took it
      const backward = bAccepts && !aAccepts;
      const forward = af.publishBare && !bAccepts;
      emit(c, backward || forward ? 'FRAMING_SAME' : 'FRAMING_BARE_MODE_CHANGED', {
        pointer: `${am.pointer}/x-envelope/bare`,
        previousPointer: `${bm.pointer}/x-envelope/bare`,
        path: prefix,
        before: mode(bf),
        after: mode(af),
        message: `x-envelope.bare of ${of} changed from ${mode(bf)} to ${mode(af)}.`,
        breaks: directions(backward, forward),
      });
    }
    const bRoots = roots(bIr, bm);
    const aRoots = roots(aIr, am);
    const typePtr = (r: { env: Side | null }, m: MessageView) =>
      r.env ? `${resolve(r.env).pointer}/properties/type` : `${m.pointer}/x-envelope/type`;
    const typePath = `${prefix}type`;
    if (bf.eventType !== af.eventType) {
      const backward = !af.acceptedTypes.includes(bf.eventType); // old publishers' type, new subscribers
      const forward = !bf.acceptedTypes.includes(af.eventType); // new publishers' type, old subscribers
      emit(c, backward || forward ? 'EVENT_TYPE_SAME' : 'EVENT_TYPE_MIGRATED', {
        pointer: `${am.pointer}/x-envelope/type`,
        previousPointer: `${bm.pointer}/x-envelope/type`,
        path: typePath,
        before: bf.eventType,
        after: af.eventType,
        message: `Event type of ${of} changed from '${bf.eventType}' to '${af.eventType}'${backward || forward ? '' : ' (both are accepted on both sides)'}.`,
        breaks: directions(backward, forward),
      });
    }
    const skip = new Set([bf.eventType, af.eventType]);
    for (const t of bf.acceptedTypes)
      if (!skip.has(t) && !af.acceptedTypes.includes(t))
        emit(c, 'ACCEPTED_TYPE_NO_DELETE', {
          pointer: typePtr(aRoots, am),
          previousPointer: typePtr(bRoots, bm),
          path: typePath,
          before: t,
          after: null,
          message: `Accepted event type '${t}' of ${of} was removed.`,
        });
    for (const t of af.acceptedTypes)
      if (!skip.has(t) && !bf.acceptedTypes.includes(t))
        emit(c, 'ACCEPTED_TYPE_ADDED', {
          pointer: typePtr(aRoots, am),
          path: typePath,
          before: null,
          after: t,
          message: `Accepted event type '${t}' was added to ${of}.`,
        });
    // The rest of the Envelope (id, ts, source, extra keys); `type` and `data` are compared above/below.
    if (bRoots.env && aRoots.env) walk(bRoots.env, aRoots.env, prefix, c, { skipProps: new Set(['type', 'data']) });
  }

  if ((bm.correlation?.location ?? null) !== (am.correlation?.location ?? null))
    emit(c, 'CORRELATION_SAME', {
      pointer: `${am.pointer}/correlationId`,
      previousPointer: `${bm.pointer}/correlationId`,
      path: prefix,
      before: bm.correlation?.location ?? null,
      after: am.correlation?.location ?? null,
      message: `Correlation id location of ${of} changed from ${show(bm.correlation?.location)} to ${show(am.correlation?.location)}.`,
    });

  // the payload model (only when the framing kind is unchanged: otherwise the wire shape already differs)
  if (bf.kind === af.kind) {
    const root = af.kind === 'envelope' ? `${prefix}data` : prefix;
    walk(roots(bIr, bm).data, roots(aIr, am).data, root, c);
  }
}

export interface DiffOptions {
  /** The mode the verdicts are for (default 'full'). */
  readonly mode?: Mode;
}

/** Every change from `before` to `after`, classified, with its verdict in `options.mode`. Deterministic:
 *  channels in id order, fields in document order; a change reached through several channels is reported once. */
export function diffContracts(before: ContractIR, after: ContractIR, options: DiffOptions = {}): Change[] {
  const mode = options.mode ?? DEFAULT_MODE;
  const out: RawChange[] = [];
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
  return dedupe(out).map(({ rule, breaks, ...rest }) => ({ rule, verdict: verdictIn(mode, rule, breaks), breaks, ...rest }));
}

function dedupe(changes: readonly RawChange[]): RawChange[] {
  const byKey = new Map<string, RawChange>();
  for (const ch of changes) {
    const key = [ch.rule, ch.pointer, ch.previousPointer ?? '', JSON.stringify(ch.before), JSON.stringify(ch.after)].join('\u0000');
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, ch);
    else if (!seen.channels.includes(ch.channels[0]!))
      byKey.set(key, {
        ...seen,
        channels: [...seen.channels, ...ch.channels].sort(),
        breaks: DIRECTIONS.filter((d) => seen.breaks.includes(d) || ch.breaks.includes(d)),
      });
  }
  return [...byKey.values()];
}

// ------------------------------------------------------------------------------------------------ deploy order

/** subscribers-first: the changes break only forward; publishers-first: only backward; none: both directions
 *  (or a service on both sides of a one-direction break). */
export type DeployOrderKind = 'subscribers-first' | 'publishers-first' | 'none';

export interface ChannelDeployOrder {
  readonly channel: string;
  readonly address: string;
  readonly order: DeployOrderKind;
  /** The union of the directions broken by the channel's changes. */
  readonly breaks: readonly Direction[];
  /** Who sends and who receives: the services of x-publishers / x-subscribers (both versions of the
   *  channel), else its send / receive operations as 'operation <id>'. */
  readonly publishers: readonly string[];
  readonly subscribers: readonly string[];
  /** Services that both publish and subscribe: upgrading one side first is impossible for them. */
  readonly publishAndSubscribe: readonly string[];
  /** The rule ids of the changes that break something on this channel, by direction. */
  readonly rules: { readonly backward: readonly RuleId[]; readonly forward: readonly RuleId[] };
  /** One sentence, e.g. "Upgrade the subscribers of `tts/say` (tts) first, then its publishers (router): ...". */
  readonly message: string;
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

function parties(chs: readonly ChannelIR[], side: 'publishers' | 'subscribers'): string[] {
  const services = unique(chs.flatMap((ch) => ch[side]));
  if (services.length > 0) return services;
  const action = side === 'publishers' ? 'send' : 'receive';
  return unique(chs.flatMap((ch) => ch.operations.filter((o) => o.action === action).map((o) => `operation ${o.id}`)));
}

/**
 * The safe upgrade order of every channel whose changes break a direction, whatever the mode checks (the mode
 * decides what fails; this says how to roll out): a forward break (old subscribers reject what new publishers
 * send) is safe when the subscribers are upgraded first; a backward break when the publishers are; both
 * directions on one channel leave no safe order. In channel id order.
 */
export function deployOrder(before: ContractIR, after: ContractIR, changes: readonly Change[]): ChannelDeployOrder[] {
  const bById = new Map(before.channels.map((c) => [c.id, c]));
  const aById = new Map(after.channels.map((c) => [c.id, c]));
  const byChannel = new Map<string, Change[]>();
  for (const ch of changes)
    if (ch.breaks.length > 0) for (const id of ch.channels) byChannel.set(id, [...(byChannel.get(id) ?? []), ch]);
  const result: ChannelDeployOrder[] = [];
  for (const id of [...byChannel.keys()].sort()) {
    const list = byChannel.get(id)!;
    const chs = [aById.get(id), bById.get(id)].filter((x): x is ChannelIR => x !== undefined);
    const address = chs[0]?.address ?? id;
    const rulesFor = (d: Direction) => unique(list.filter((c) => c.breaks.includes(d)).map((c) => c.rule));
    const rules = { backward: rulesFor('backward'), forward: rulesFor('forward') };
    const breaks = directions(rules.backward.length > 0, rules.forward.length > 0);
    const publishers = parties(chs, 'publishers');
    const subscribers = parties(chs, 'subscribers');
    const publishAndSubscribe = publishers.filter((p) => !p.startsWith('operation ') && subscribers.includes(p));
    const names = (xs: readonly string[]) => (xs.length > 0 ? ` (${xs.join(', ')})` : '');
    const topic = `\`${address}\``;
    const why = [
      ...(rules.backward.length > 0 ? [`new subscribers reject what old publishers send: ${rules.backward.join(', ')}`] : []),
      ...(rules.forward.length > 0 ? [`old subscribers reject what new publishers send: ${rules.forward.join(', ')}`] : []),
    ].join('; ');
    const noOrder = `raise info.version's major and upgrade its publishers and subscribers together, or add a new channel and migrate to it`;
    let order: DeployOrderKind;
    let message: string;
    if (breaks.length === 2) {
      order = 'none';
      message = `No deploy order is safe for ${topic}: old and new peers break each other in both directions (${why}); ${noOrder}.`;
    } else if (publishAndSubscribe.length > 0) {
      order = 'none';
      const first = breaks[0] === 'forward' ? 'subscribers' : 'publishers';
      message = `No deploy order is safe for ${topic}: ${publishAndSubscribe.join(', ')} both publish${publishAndSubscribe.length === 1 ? 'es' : ''} and subscribe${publishAndSubscribe.length === 1 ? 's' : ''}, so its ${first} cannot be upgraded first (${why}); ${noOrder}.`;
    } else if (breaks[0] === 'forward') {
      order = 'subscribers-first';
      message = `Upgrade the subscribers of ${topic}${names(subscribers)} first, then its publishers${names(publishers)} (${why}).`;
    } else {
      order = 'publishers-first';
      message = `Upgrade the publishers of ${topic}${names(publishers)} first, then its subscribers${names(subscribers)} (${why}).`;
    }
    result.push({ channel: id, address, order, breaks, publishers, subscribers, publishAndSubscribe, rules, message });
  }
  return result;
}
