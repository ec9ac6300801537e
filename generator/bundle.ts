/**
 * External `$ref`s (`../common/messages.yaml#/components/messages/commentLiked`, `schemas.yaml#/Bar`) resolved into
 * one self-contained document, so the rest of the loader (and the AsyncAPI parser) sees internal refs only.
 *
 * Each referenced value is copied ("hoisted") into the main document's `components`, under the section its use
 * calls for (a payload or a property → schemas, a channel's message → messages, a parameter → parameters, ...),
 * named by the last segment of its pointer (or the file's name), and the `$ref` is rewritten to point there. Refs
 * inside a hoisted value are resolved relative to the file it came from, recursively. The same (file, pointer) is
 * hoisted once; a name already taken by different content gets a numeric suffix, in a stable order. Every file
 * read is returned, so the source hash (and `generate --check`) covers it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { fromPointer, toPointer, type Diagnostic } from './diagnostics.js';
import { isDataKeyword } from './schema-scan.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a file the document refers to: `file` is a path relative to the working directory (posix). */
export type ReadFile = (file: string) => Promise<string>;

export interface Bundled {
  /** The main document with every external ref replaced by an internal one. */
  readonly doc: Obj;
  /** Every file read besides the main document, with its text (sorted by path). */
  readonly files: readonly { readonly path: string; readonly text: string }[];
  /** Where hoisted values came from: main-document pointer → 'file#/pointer'. */
  readonly origins: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

const SECTIONS = ['schemas', 'messages', 'parameters', 'channels', 'operations', 'correlationIds', 'messageTraits', 'operationTraits', 'replies', 'replyAddresses', 'servers', 'serverVariables', 'securitySchemes', 'tags', 'externalDocs', 'serverBindings', 'channelBindings', 'operationBindings', 'messageBindings'] as const;
type Section = (typeof SECTIONS)[number];

/** The components section a ref at `where` (segments in the main document) needs its target in. */
function sectionFor(where: readonly string[], targetPointer: string): Section {
  // A target that already sits in a components section keeps it.
  const m = /^\/components\/([^/]+)\//.exec(targetPointer);
  if (m && (SECTIONS as readonly string[]).includes(m[1]!)) return m[1] as Section;
  const last = where[where.length - 2]; // the key that holds { $ref }
  const parent = where[where.length - 3];
  if (last === 'payload' || last === 'headers') return 'schemas';
  if (parent === 'messages' || last === 'messages') return 'messages';
  if (parent === 'parameters') return 'parameters';
  if (last === 'correlationId') return 'correlationIds';
  if (parent === 'traits') return where.includes('operations') ? 'operationTraits' : 'messageTraits';
  if (parent === 'channels' && where.length === 3) return 'channels';
  if (last === 'reply') return 'replies';
  if (last === 'address' && where.includes('reply')) return 'replyAddresses';
  return 'schemas';
}

export async function bundle(doc: Obj, mainPath: string, readFile: ReadFile): Promise<Bundled> {
  const diagnostics: Diagnostic[] = [];
  const texts = new Map<string, string>();
  const parsed = new Map<string, Json | undefined>();
  const hoisted = new Map<string, string>(); // 'file#pointer' → internal ref
  const origins = new Map<string, string>();
  // One copy per section, mutated in place from here on: a hoist that recurses into another hoist must see (and fill)
  // the same section object.
  const components: Obj = {};
  if (isObj(doc.components)) for (const [k, v] of Object.entries(doc.components)) components[k] = isObj(v) ? { ...v } : v;
  const out: Obj = { ...doc };

  async function load(file: string): Promise<Json | undefined> {
    if (parsed.has(file)) return parsed.get(file);
    let text: string;
    try {
      text = await readFile(file);
    } catch (e) {
      parsed.set(file, undefined);
      return undefined;
    }
    texts.set(file, text);
    const ydoc = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: true });
    const value = ydoc.errors.length > 0 ? undefined : (ydoc.toJS({ maxAliasCount: 1000 }) as Json);
    if (ydoc.errors.length > 0) diagnostics.push({ message: `invalid YAML in ${file}: ${ydoc.errors[0]!.message.split('\n')[0]}`, pointer: '#' });
    parsed.set(file, value);
    return value;
  }

  function at(root: Json | undefined, pointer: string): Json | undefined {
    let v = root;
    for (const seg of fromPointer(`#${pointer}`)) {
      if (Array.isArray(v)) v = v[Number(seg)];
      else if (isObj(v)) v = Object.prototype.hasOwnProperty.call(v, seg) ? v[seg] : undefined;
      else return undefined;
    }
    return v;
  }

  /** A free name in `components[section]` for `base` (a stable suffix when taken). */
  function freeName(section: Section, base: string): string {
    const existing = isObj(components[section]) ? (components[section] as Obj) : {};
    let name = base;
    for (let i = 2; Object.prototype.hasOwnProperty.call(existing, name); i++) name = `${base}_${i}`;
    return name;
  }

  /**
   * Rewrites the refs inside `value`, which lives in `file` (the main document when file === mainPath) and sits at
   * `where` in the main document. External refs, and any ref inside a file other than the main one, are hoisted.
   */
  async function rewrite(value: Json, file: string, where: string[]): Promise<Json> {
    if (Array.isArray(value)) {
      const items: Json[] = [];
      for (let i = 0; i < value.length; i++) items.push(await rewrite(value[i]!, file, [...where, String(i)]));
      return items;
    }
    if (!isObj(value)) return value;
    if (typeof value.$ref === 'string' && (file !== mainPath || !value.$ref.startsWith('#'))) {
      const ref = value.$ref;
      const hash = ref.indexOf('#');
      const refFile = hash === 0 ? file : resolveFile(file, hash < 0 ? ref : ref.slice(0, hash));
      const pointer = hash < 0 ? '' : ref.slice(hash + 1);
      const target = refFile === mainPath ? undefined : await load(refFile);
      const here = toPointer(where);
      if (refFile === mainPath) {
        // A ref from another file back into the main document: internal there.
        return { ...value, $ref: `#${pointer}` };
      }
      if (target === undefined) {
        diagnostics.push({ message: `cannot read "${refFile}" (external $ref "${ref}")`, pointer: `${here}/$ref` });
        return value;
      }
      const key = `${refFile}#${pointer}`;
      const done = hoisted.get(key);
      if (done !== undefined) return { $ref: done };
      const targetValue = at(target, pointer);
      if (targetValue === undefined) {
        diagnostics.push({ message: `broken $ref "${ref}": ${refFile} has nothing at "${pointer || '/'}"`, pointer: `${here}/$ref` });
        return value;
      }
      const section = sectionFor([...where, '$ref'], pointer);
      const segs = fromPointer(`#${pointer}`);
      const base = segs.length > 0 ? segs[segs.length - 1]! : path.posix.basename(refFile).replace(/\.(ya?ml|json)$/i, '');
      const name = freeName(section, base);
      const internal = toPointer(['components', section, name]);
      hoisted.set(key, internal);
      origins.set(internal, key);
      if (!isObj(components[section])) components[section] = {};
      const sectionObj = components[section] as Obj;
      sectionObj[name] = {}; // reserve the name before recursing (cycles come back through `hoisted`)
      sectionObj[name] = await rewrite(targetValue, refFile, ['components', section, name]);
      return { $ref: internal };
    }
    const o: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      // Examples, defaults and consts are data, not references.
      const value = isDataKeyword(k) ? v : await rewrite(v, file, [...where, k]);
      // `__proto__` as a key (a property named so) stays an own property: an assignment would set the prototype.
      Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
    }
    return o;
  }

  for (const [k, v] of Object.entries(doc)) {
    if (k === 'components') continue;
    out[k] = await rewrite(v, mainPath, [k]);
  }
  // Components last: hoisting adds to them while the rest is rewritten; their own external refs too.
  for (const section of Object.keys(components)) {
    const s = components[section];
    if (!isObj(s)) continue;
    for (const name of Object.keys(s)) {
      if (!origins.has(toPointer(['components', section, name]))) s[name] = await rewrite(s[name]!, mainPath, ['components', section, name]);
    }
  }
  if (Object.keys(components).length > 0) out.components = components;
  const files = [...texts].map(([p, text]) => ({ path: p, text })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { doc: out, files, origins, diagnostics };
}

/** True when the document refers to another file anywhere. */
export function hasExternalRefs(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasExternalRefs);
  if (!isObj(v)) return false;
  for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && typeof x === 'string' && !x.startsWith('#')) return true;
    if (!isDataKeyword(k) && hasExternalRefs(x)) return true;
  }
  return false;
}

/**
 * The file a ref names, as a path relative to the working directory (posix) like the main document's: relative to the
 * referring file, or absolute (`/abs/x.yaml`, `file:///abs/x.yaml`) as it is.
 */
function resolveFile(from: string, target: string): string {
  let t = target;
  if (/^file:/i.test(t)) {
    try {
      t = fileURLToPath(t);
    } catch {
      return t; // not a file URL we can read: the read fails and says so
    }
  }
  if (path.isAbsolute(t)) return toPosix(path.relative(process.cwd(), t)) || '.';
  return toPosix(path.posix.normalize(path.posix.join(path.posix.dirname(from), decodeURIComponentSafe(t))));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
