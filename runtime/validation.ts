/**
 * The run-time support of generated validators (validators.js), in one place instead of copied into every generated
 * module: Ajv's two runtime helpers, the string formats (from ajv-formats), and the mapping of Ajv errors to
 * FieldErrors. Browser-safe: no Node built-in.
 *
 * FieldError paths point at the offending key: the missing key for `required`, the unknown key for
 * `additionalProperties`, the key for `propertyNames`. For a failed `oneOf` whose branches are named schemas, each
 * branch is re-run on the value and, when exactly one fits the value's discriminator or type (or has the fewest
 * errors), its errors are reported instead of the bare "must match exactly one".
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FieldError, ValidationResult, Validator } from './descriptor.js';

/** A compiled Ajv validation function (standalone code). */
export interface CompiledValidation {
  (value: unknown, context?: { instancePath?: string }): boolean;
  errors?: readonly AjvError[] | null;
}

/** The fields of an Ajv error the mapping reads. */
export interface AjvError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
  readonly propertyName?: string;
  readonly schema?: unknown;
  readonly data?: unknown;
}

/** The string formats the generated validators check (ajv-formats' full set: date-time, uuid, email, uri, ...). */
export const formats: Readonly<Record<string, unknown>> = fullFormats;

/** Ajv's `ucs2length`: string length in code points (maxLength/minLength count characters, not UTF-16 units). */
export function ucs2length(str: string): number {
  const len = str.length;
  let length = 0;
  let pos = 0;
  while (pos < len) {
    length++;
    const value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len && (str.charCodeAt(pos) & 0xfc00) === 0xdc00) pos++;
  }
  return length;
}

/** Ajv's `equal` (fast-deep-equal on JSON values): for const, enum of objects, uniqueItems. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a && b && typeof a == 'object' && typeof b == 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) {
      const bb = b as unknown[];
      if (a.length !== bb.length) return false;
      for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
      return true;
    }
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    return true;
  }
  return a !== a && b !== b;
}

const OK: ValidationResult = Object.freeze({ ok: true });

function escapeKey(k: unknown): string {
  return String(k).replace(/~/g, '~0').replace(/\//g, '~1');
}

function refName(ref: unknown): string {
  if (typeof ref !== 'string') return '?';
  const name = ref.slice(ref.lastIndexOf(':') + 1);
  try {
    return decodeURIComponent(name); // schema ids percent-encode names beyond ASCII
  } catch {
    return name;
  }
}

function fieldError(e: AjvError): FieldError {
  const p = e.params ?? {};
  if (e.propertyName !== undefined) {
    // A propertyNames sub-schema failed: the path points at the offending key.
    const { propertyName, ...rest } = e;
    const f = fieldError(rest);
    return { path: e.instancePath + '/' + escapeKey(propertyName), message: 'key ' + JSON.stringify(propertyName) + ' ' + f.message, rule: f.rule };
  }
  switch (e.keyword) {
    case 'propertyNames':
      return { path: e.instancePath + '/' + escapeKey(p.propertyName), message: 'is not an allowed key', rule: 'propertyNames' };
    case 'required':
      return { path: e.instancePath + '/' + escapeKey(p.missingProperty), message: 'is required', rule: 'required' };
    case 'additionalProperties':
      return { path: e.instancePath + '/' + escapeKey(p.additionalProperty), message: 'is not allowed (unknown key)', rule: 'additionalProperties' };
    case 'const':
      return { path: e.instancePath, message: 'must be ' + JSON.stringify(p.allowedValue), rule: 'const' };
    case 'enum':
      return { path: e.instancePath, message: 'must be one of ' + ((p.allowedValues as unknown[] | undefined) ?? []).map((v) => JSON.stringify(v)).join(', '), rule: 'enum' };
    case 'type':
      return { path: e.instancePath, message: 'must be ' + String(p.type).split(',').join(' or '), rule: 'type' };
    case 'format':
      return { path: e.instancePath, message: 'must be a valid ' + String(p.format), rule: 'format' };
    default:
      return { path: e.instancePath, message: e.message ?? 'is invalid', rule: e.keyword };
  }
}

function isDirectChild(path: string, parent: string): boolean {
  return path.startsWith(parent + '/') && path.indexOf('/', parent.length + 1) === -1;
}

/** Does a branch's error list say "this is not the branch you meant" (a wrong discriminator or type)? */
function branchMismatch(errs: readonly AjvError[], at: string): boolean {
  return errs.some(
    (e) => (e.instancePath === at && e.keyword === 'type') || ((e.keyword === 'const' || e.keyword === 'enum') && isDirectChild(e.instancePath, at)),
  );
}

function oneOfError(e: AjvError, branches: readonly string[]): FieldError {
  const p = e.params ?? {};
  if (Array.isArray(p.passingSchemas)) return { path: e.instancePath, message: 'matches more than one of ' + branches.join(', '), rule: 'oneOf' };
  return { path: e.instancePath, message: 'must match exactly one of ' + branches.join(', '), rule: 'oneOf' };
}

/**
 * The `wrap` of a generated module: turns its compiled functions into Validators. `named` maps each named schema's
 * id to its compiled function (for the oneOf branch re-runs).
 */
export function validatorWrapper(named: Readonly<Record<string, CompiledValidation>>): (fn: CompiledValidation) => Validator {
  function toFieldErrors(errors: readonly AjvError[]): FieldError[] {
    const stack: { raw: number; fields: FieldError[] }[] = [];
    for (const e of errors) {
      if (e.keyword !== 'oneOf') {
        const f = fieldError(e);
        const prev = stack.length > 0 ? stack[stack.length - 1] : undefined;
        // Ajv follows a failed propertyNames sub-check with a generic propertyNames error for the same key.
        if (e.keyword === 'propertyNames' && prev && prev.fields.length === 1 && prev.fields[0]!.path === f.path) {
          prev.raw += 1;
          continue;
        }
        stack.push({ raw: 1, fields: [f] });
        continue;
      }
      const refs = Array.isArray(e.schema) ? (e.schema as unknown[]).map((b) => (b && typeof (b as { $ref?: unknown }).$ref === 'string' ? (b as { $ref: string }).$ref : null)) : [];
      const names = refs.map((r, i) => (r ? refName(r) : 'branch ' + i));
      const fns = refs.map((r) => (r ? named[r] : undefined));
      let raw = 0;
      let chosen: FieldError[] | null = null;
      if (fns.length > 0 && fns.every(Boolean)) {
        const results = fns.map((fn) => (fn!(e.data, { instancePath: e.instancePath }) ? [] : [...(fn!.errors ?? [])]));
        raw = results.reduce((n, r) => n + r.length, 0);
        if (!Array.isArray((e.params ?? {}).passingSchemas)) {
          let cands = results.map((_, i) => i).filter((i) => !branchMismatch(results[i]!, e.instancePath));
          if (cands.length > 1) {
            const min = Math.min(...cands.map((i) => results[i]!.length));
            cands = cands.filter((i) => results[i]!.length === min);
          }
          if (cands.length === 1 && results[cands[0]!]!.length > 0) chosen = toFieldErrors(results[cands[0]!]!);
        }
      }
      let consumed = 0;
      while (consumed < raw && stack.length > 0) consumed += stack.pop()!.raw;
      stack.push({ raw: consumed + 1, fields: chosen ?? [oneOfError(e, names)] });
    }
    const out: FieldError[] = [];
    for (const s of stack) for (const f of s.fields) out.push(f);
    return out;
  }
  return (fn) => (value) => {
    try {
      return fn(value) ? OK : { ok: false, errors: toFieldErrors(fn.errors ?? []) };
    } catch (err) {
      // A value nested deeper than the stack (a recursive schema given a hostile value) ends Ajv's recursion with a
      // RangeError; a validator returns a verdict, it does not throw. (Received messages are depth-checked before.)
      if (err instanceof RangeError) return { ok: false, errors: [{ path: '', rule: 'maxDepth', message: 'is nested too deeply to validate' }] };
      throw err;
    }
  };
}
