/**
 * generator/load: AsyncAPI 3.0 document → ContractIR.
 *
 * Two readers work side by side:
 * - `@asyncapi/parser` validates the document against the AsyncAPI 3 schema (incl. MQTT bindings and
 *   $ref resolution); its error-level diagnostics are reported as they are.
 * - the raw YAML (parsed with line numbers) is read for structure, so named schemas stay `$ref`s in the IR
 *   and every problem can name its line. The generator's own semantic checks (QoS, unknown channels,
 *   envelope shape, parameters, names, ...) run on it.
 * Every problem is collected, then thrown together as one ContractLoadError. The IR holds no parser objects
 * and is ordered deterministically (channels by id, schemas by name).
 */
import { forEachSchema, isDataKeyword, isKnownFormat, isUnknownKeyword } from './schema-scan.js';
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, type Document, type Node } from 'yaml';
import type { Framing, QoS } from '@tars-contracts/runtime/contract';
import type { ChannelIR, ContractIR, JsonSchema, LifecycleIR, MessageIR, ParameterIR, StreamIR } from './ir.js';
import { bundle, hasExternalRefs, type ReadFile } from './bundle.js';
import { ContractLoadError, fromPointer, toPointer, type Diagnostic } from './diagnostics.js';
import { camelCase, isIdentifier, pascalCase, requestName, typeName } from './names.js';

export { ContractLoadError, formatDiagnostic, isContractLoadError, type Diagnostic } from './diagnostics.js';

const SCHEMA_PREFIX = '#/components/schemas/';

/** Read and load a contract document. The IR's source path is `file` relative to the working directory (posix). */
export async function loadContract(file: string): Promise<ContractIR> {
  const { path: rel, text } = await readContractFile(file);
  return loadContractFromString(text, rel);
}

/** The document's text, and its path as the IR names it (relative to the working directory, posix). */
export async function readContractFile(file: string): Promise<{ path: string; text: string }> {
  const rel = toPosix(path.relative(process.cwd(), path.resolve(file)) || file);
  try {
    return { path: rel, text: await readFile(file, 'utf8') };
  } catch (e) {
    throw new ContractLoadError(rel, [{ message: `cannot read ${rel}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, pointer: '#' }], {
      cause: e,
    });
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Load a contract from its text; `sourcePath` is what headers and messages call the document. */
export async function loadContractFromString(text: string, sourcePath: string, options: LoadOptions = {}): Promise<ContractIR> {
  return startLoad(text, sourcePath, options).done;
}

/**
 * A load in two steps, so work can overlap the slow AsyncAPI-parser validation (which runs in a worker
 * thread): `draft` is the IR read from the raw document (null when the generator's own checks already
 * failed), available at once; `done` resolves to the same IR once the parser found no errors, or rejects
 * with a ContractLoadError holding every diagnostic. Nothing built from `draft` may be written before
 * `done` resolves.
 */
export function startLoad(text: string, sourcePath: string, options: LoadOptions = {}): { draft: ContractIR | null; done: Promise<ContractIR> } {
  const lineCounter = new LineCounter();
  const ydoc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const raw = ydoc.errors.length === 0 ? (ydoc.toJS({ maxAliasCount: 1000 }) as unknown) : undefined;
  if (isObj(raw) && hasExternalRefs(raw)) return { draft: null, done: loadBundled(text, raw as Obj, sourcePath, new Lines(ydoc, lineCounter), options) };
  // The AsyncAPI parser (the slowest step) starts first, in its worker thread.
  const parserDiags = parserDiagnostics(text, sourcePath, true);
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  if (ydoc.errors.length > 0) {
    const err = new ContractLoadError(
      sourcePath,
      ydoc.errors.map((e) => ({
        message: `invalid YAML: ${e.message.split('\n')[0]}`,
        pointer: '#',
        ...(e.pos ? { line: lineCounter.linePos(e.pos[0]).line } : {}),
      })),
    );
    return { draft: null, done: parserDiags.then(() => Promise.reject(err)) };
  }
  if (!isObj(raw)) {
    const err = new ContractLoadError(sourcePath, [{ message: 'the document is not a YAML/JSON object', pointer: '#', line: 1 }]);
    return { draft: null, done: parserDiags.then(() => Promise.reject(err)) };
  }
  const reader = new Reader(raw as Obj, new Lines(ydoc, lineCounter));
  const ir = reader.read({ path: sourcePath, sha256 });
  const own = reader.diagnostics;
  const done = parserDiags.then((fromParser) => settle(sourcePath, own, fromParser, ir));
  return { draft: own.length === 0 ? ir : null, done };
}

export interface LoadOptions {
  /** Reads a file an external `$ref` names (a path relative to the working directory); default: the file system. */
  readFile?: ReadFile;
}

/** A document with external `$ref`s: bundled first (every file read is hashed), then read and validated whole. */
async function loadBundled(text: string, raw: Obj, sourcePath: string, lines: Lines, options: LoadOptions): Promise<ContractIR> {
  const b = await bundle(raw, sourcePath, options.readFile ?? ((f) => readFile(f, 'utf8')));
  const hash = createHash('sha256').update(text, 'utf8');
  for (const f of b.files) hash.update(`\u0000${f.path}\u0000${f.text}`, 'utf8');
  // The parser validates the bundled document (JSON text): its line numbers are of that text, so lines come from
  // the pointers instead (into the main document; hoisted parts point at their components entry).
  const fromParser = (await parserDiagnostics(JSON.stringify(b.doc), sourcePath, false)).map((d) => withLine(d, lines));
  const reader = new Reader(b.doc, lines);
  const ir = reader.read({ path: sourcePath, sha256: hash.digest('hex'), files: b.files.map((f) => f.path) });
  return settle(sourcePath, [...b.diagnostics.map((d) => withLine(d, lines)), ...reader.diagnostics], fromParser, ir);
}

function withLine(d: Diagnostic, lines: Lines): Diagnostic {
  if (d.line !== undefined) return d;
  const line = lines.of(d.pointer);
  return line === undefined ? d : { ...d, line };
}

/** The IR, or a ContractLoadError with every problem (the generator's own first: they say more about their spot). */
function settle(sourcePath: string, own: readonly Diagnostic[], fromParser: readonly Diagnostic[], ir: ContractIR): ContractIR {
  const related = (a: string, b: string) => a === b || a.startsWith(b + '/') || b.startsWith(a + '/');
  const all: Diagnostic[] = [...own, ...fromParser.filter((p) => !own.some((d) => related(d.pointer, p.pointer)))];
  if (all.length > 0) {
    const sorted = dedupe(all).sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
    throw new ContractLoadError(sourcePath, sorted);
  }
  return ir;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.pointer}\u0000${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Error-level diagnostics of @asyncapi/parser (AsyncAPI schema, bindings, $refs), computed in a worker thread. */
type RawDiagnostic = { message: string; path: string[]; line?: number };

/**
 * The parser's worker, shared by every load of the process and started on first use. It holds the event
 * loop only while a request is pending, so an idle worker never keeps a process alive.
 */
class ParserWorker {
  static #shared: ParserWorker | undefined;
  static get(): ParserWorker {
    return (ParserWorker.#shared ??= new ParserWorker());
  }

  readonly #worker = new Worker(new URL('./parser-worker.mjs', import.meta.url));
  readonly #pending = new Map<number, { resolve: (d: RawDiagnostic[]) => void; reject: (e: Error) => void }>();
  #nextId = 0;

  private constructor() {
    this.#worker.unref();
    this.#worker.on('message', (m: { id: number; diagnostics?: RawDiagnostic[]; failed?: string }) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (m.diagnostics) p.resolve(m.diagnostics);
      else p.reject(new Error(m.failed ?? 'no result'));
    });
    const fail = (e: Error) => {
      if (ParserWorker.#shared === this) ParserWorker.#shared = undefined;
      for (const p of this.#pending.values()) p.reject(e);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`parser worker exited with code ${code}`)));
  }

  validate(text: string): Promise<RawDiagnostic[]> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage({ id, text });
    });
  }
}

async function parserDiagnostics(text: string, sourcePath: string, withLines: boolean): Promise<Diagnostic[]> {
  let raw: RawDiagnostic[];
  try {
    raw = await ParserWorker.get().validate(text);
  } catch (e) {
    return [{ message: `the AsyncAPI parser failed on ${sourcePath}: ${e instanceof Error ? e.message : String(e)}`, pointer: '#' }];
  }
  const out: Diagnostic[] = raw.map((d) => ({ message: d.message, pointer: toPointer(d.path), ...(withLines && d.line !== undefined ? { line: d.line } : {}) }));
  // Drop the vague "must match "then" schema" when a more precise problem sits below the same spot.
  return out.filter(
    (d) => !(/must match "(then|else)" schema/.test(d.message) && out.some((o) => o !== d && o.pointer.startsWith(d.pointer + '/'))),
  );
}

/** Line numbers of JSON pointers in the YAML source. */
class Lines {
  constructor(
    private readonly doc: Document,
    private readonly counter: LineCounter,
  ) {}
  /** Line of the node at `pointer`, or of its nearest existing ancestor. */
  of(pointer: string): number | undefined {
    const segs = fromPointer(pointer);
    let node: unknown = this.doc.contents;
    let best: number | undefined = this.lineOfNode(node);
    for (const seg of segs) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === seg);
        if (!pair) break;
        const keyLine = this.lineOfNode(pair.key);
        node = pair.value;
        best = keyLine ?? this.lineOfNode(node) ?? best;
      } else if (isSeq(node)) {
        node = node.items[Number(seg)];
        if (node === undefined) break;
        best = this.lineOfNode(node) ?? best;
      } else break;
    }
    return best;
  }
  private lineOfNode(n: unknown): number | undefined {
    const r = (n as Node | undefined)?.range;
    return r ? this.counter.linePos(r[0]).line : undefined;
  }
}

interface Resolved {
  readonly value: Json | undefined;
  readonly pointer: string;
}

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  /** Schema key → type name (the key, made a usable identifier). */
  private readonly typeNames = new Map<string, string>();
  private readonly usedTypeNames = new Set<string>();
  /** Inline payloads named by the loader: type name → schema; and who owns each derived name. */
  private readonly derived = new Map<string, JsonSchema>();
  private readonly derivedOwners = new Map<string, string>();
  /** Channels whose MQTT functions are not generated, by cause. */
  private readonly notMqtt = new Map<string, { id: string; ptr: string }[]>();
  private warnedHeaders = false;
  /** Where each channel's `x-stream` extension sits (for diagnostics of the checks that need every channel). */
  private readonly streamPointers = new Map<string, string>();
  /** Where each channel's `x-lifecycle` extension sits. */
  private readonly lifecyclePointers = new Map<string, string>();
  constructor(
    private readonly doc: Obj,
    private readonly lines: Lines,
  ) {}

  private report(message: string, pointer: string): void {
    const line = this.lines.of(pointer);
    this.diagnostics.push({ message, pointer, ...(line !== undefined ? { line } : {}) });
  }

  /** A problem that does not stop generation: what cannot be expressed is generated as far as it goes. */
  private warn(message: string, pointer: string): void {
    const line = this.lines.of(pointer);
    this.warnings.push({ message, pointer, ...(line !== undefined ? { line } : {}) });
  }

  /** The value at a '#/...' pointer, or undefined. */
  private at(pointer: string): Json | undefined {
    let v: Json | undefined = this.doc;
    for (const seg of fromPointer(pointer)) {
      if (Array.isArray(v)) v = v[Number(seg)];
      else if (isObj(v)) v = Object.prototype.hasOwnProperty.call(v, seg) ? v[seg] : undefined;
      else return undefined;
    }
    return v;
  }

  /** Follow `$ref` chains from the value at `pointer` (reporting broken and external refs). */
  private deref(value: Json | undefined, pointer: string): Resolved {
    const seen = new Set<string>();
    let cur: Resolved = { value, pointer };
    while (isObj(cur.value) && typeof cur.value.$ref === 'string') {
      const ref = cur.value.$ref;
      const refPtr = `${cur.pointer}/$ref`;
      if (!ref.startsWith('#')) return { value: undefined, pointer: cur.pointer }; // unreadable external ref: reported by the bundler
      if (seen.has(ref)) {
        this.report(`circular $ref "${ref}"`, refPtr);
        return { value: undefined, pointer: cur.pointer };
      }
      seen.add(ref);
      const target = this.at(ref);
      if (target === undefined) {
        this.report(`broken $ref "${ref}": the document has nothing there`, refPtr);
        return { value: undefined, pointer: cur.pointer };
      }
      cur = { value: target, pointer: ref };
    }
    return cur;
  }

  read(source: { path: string; sha256: string; files?: readonly string[] }): ContractIR {
    const doc = this.doc;
    const version = doc.asyncapi;
    if (typeof version !== 'string' || !version.startsWith('3.')) {
      this.report(`unsupported AsyncAPI version ${JSON.stringify(version ?? null)}: the generator reads 3.x documents`, '#/asyncapi');
    }
    const info = isObj(doc.info) ? doc.info : {};
    const schemas = this.readSchemas();
    this.checkAllRefs(doc, '#');

    const channelsRaw = isObj(doc.channels) ? doc.channels : {};
    const ops = this.readOperations(channelsRaw);

    // Messages other operations send on a channel as their reply (`reply: { channel, messages }`): sent there too.
    const repliedOn = new Map<string, Set<string> | null>();
    for (const list of ops.values()) {
      for (const o of list) {
        if (o.reply === null) continue;
        const had = repliedOn.get(o.reply);
        if (had === null) continue;
        repliedOn.set(o.reply, o.replyMessages === null ? null : new Set([...(had ?? []), ...o.replyMessages]));
      }
    }
    const channels: ChannelIR[] = [];
    for (const id of Object.keys(channelsRaw).sort()) {
      const ch = this.readChannel(id, channelsRaw[id], ops.get(id) ?? [], schemas, repliedOn.get(id));
      if (ch) channels.push(ch);
    }
    this.checkReplies(channels);
    this.checkStreams(channels, schemas);
    this.checkLifecycle(channels, schemas);
    this.nameChannels(channels);
    const byTemplate = new Map<string, string>();
    for (const c of channels) {
      if (c.address === '') continue;
      const template = c.address.replace(/\{[^}]*\}/g, '{}');
      const other = byTemplate.get(template);
      if (other !== undefined) {
        this.warn(
          `channels "${other}" and "${c.id}" share the address ${c.address === template ? `"${c.address}"` : `template "${template}"`}: resolveTopic() gives the first, validatePayload() accepts a message valid for either`,
          `${c.pointer}/address`,
        );
      } else byTemplate.set(template, c.id);
    }
    for (const [cause, list] of this.notMqtt) {
      this.warn(
        `${cause}: no MQTT publish/subscribe functions for ${list.map((c) => `"${c.id}"`).join(', ')} (types, validators and descriptors are generated)`,
        list[0]!.ptr,
      );
    }
    for (const [name, schema] of this.derived) schemas[name] = schema;
    this.warnAnnotations(schemas);
    // Schemas are keyed by their type name from here on (`2fa-code` → `_2faCode`, `default` → `Default`), so every
    // emitter can use the key as an identifier; refs follow.
    const renamed = new Map([...this.typeNames].filter(([key, name]) => key !== name));
    if (renamed.size > 0) {
      const rename = (v: JsonSchema): JsonSchema => renameRefs(v, renamed) as JsonSchema;
      for (const [key, name] of renamed) {
        if (schemas[key] !== undefined) {
          schemas[name] = schemas[key]!;
          delete schemas[key];
        }
      }
      for (const k of Object.keys(schemas)) schemas[k] = rename(schemas[k]!);
      channels.forEach((c, i) => {
        channels[i] = {
          ...c,
          dataSchema: rename(c.dataSchema),
          envelopeSchema: c.envelopeSchema && rename(c.envelopeSchema),
          messages: c.messages.map((m) => ({ ...m, dataSchema: rename(m.dataSchema), envelopeSchema: m.envelopeSchema && rename(m.envelopeSchema) })),
        };
      });
    }
    const sortedSchemas = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]!]));

    return {
      source,
      info: {
        title: typeof info.title === 'string' ? info.title : 'untitled contract',
        version: typeof info.version === 'string' ? info.version : String(info.version ?? ''),
        ...(typeof info.description === 'string' ? { description: info.description } : {}),
      },
      channels,
      schemas: sortedSchemas,
      ...(this.warnings.length > 0 ? { warnings: [...this.warnings].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0)) } : {}),
    };
  }

  /**
   * components/schemas, sorted by key, each with `title` = its type name: the key itself when it is a usable
   * identifier, else made one deterministically (`default` → `Default`, `user.created` → `UserCreated`,
   * `2fa-code` → `_2faCode`), with a numeric suffix when two keys give the same name. A `title` that differs
   * from the key is kept as documentation (the key names the type).
   */
  private readSchemas(): Record<string, JsonSchema> {
    const comps = isObj(this.doc.components) ? this.doc.components : {};
    const raw = isObj(comps.schemas) ? comps.schemas : {};
    const out: Record<string, JsonSchema> = {};
    const keys = Object.keys(raw).sort();
    // Keys that are already names first, so they keep them when a mangled key would give the same name.
    for (const key of [...keys.filter((k) => isIdentifier(k)), ...keys.filter((k) => !isIdentifier(k))]) {
      let name = typeName(key);
      for (let i = 2; this.usedTypeNames.has(name); i++) name = `${typeName(key)}${i}`;
      this.usedTypeNames.add(name);
      this.typeNames.set(key, name);
    }
    for (const key of keys) {
      const ptr = toPointer(['components', 'schemas', key]);
      const s = raw[key];
      const name = this.typeNames.get(key)!;
      if (typeof s === 'boolean') {
        out[key] = { title: name, ...(s ? {} : { not: {} }) };
        continue;
      }
      if (!isObj(s)) {
        this.report(`schema "${key}" is not an object`, ptr);
        continue;
      }
      const extra: Obj = {};
      if (typeof s.title === 'string' && s.title !== key) {
        this.warn(`schema title "${s.title}" differs from its key "${key}": the type is named ${name} (after the key); the title becomes documentation`, `${ptr}/title`);
        if (typeof s.description !== 'string') extra.description = s.title;
      }
      out[key] = stripExtensions(this.inlineForeignRefs({ ...s, ...extra, title: name })) as JsonSchema;
    }
    return out;
  }

  /**
   * One warning per string format the validators cannot check (ajv-formats does not know it) and per keyword that is
   * not JSON Schema, at its first use in the schemas the IR holds (named, inline, from other files, from $ref'd
   * channels and messages).
   */
  private warnAnnotations(schemas: Record<string, JsonSchema>): void {
    const ownerOf = new Map<string, string>();
    for (const [owner, name] of this.derivedOwners) if (owner.startsWith('#/') && !ownerOf.has(name)) ownerOf.set(name, owner);
    const seenFormats = new Set<string>();
    const seenKeywords = new Set<string>();
    for (const key of Object.keys(schemas).sort()) {
      const at = this.typeNames.has(key) ? toPointer(['components', 'schemas', key]) : ownerOf.get(key);
      if (at === undefined) continue; // a union the loader made: only refs
      forEachSchema(schemas[key], at, (sch, ptr) => {
        if (typeof sch.format === 'string' && !isKnownFormat(sch.format) && !seenFormats.has(sch.format)) {
          seenFormats.add(sch.format);
          this.warn(`format "${sch.format}" is not one the validators know (ajv-formats): values are not checked against it`, `${ptr}/format`);
        }
        for (const k of Object.keys(sch)) {
          if (!isUnknownKeyword(k) || seenKeywords.has(k)) continue;
          seenKeywords.add(k);
          const hint = k === 'nullable' ? " (OpenAPI 3.0's; in JSON Schema write type: [<type>, 'null'])" : '';
          this.warn(`keyword "${k}" is not JSON Schema draft-07${hint}: the validators and types ignore it`, `${ptr}${toPointer([k]).slice(1)}`);
        }
      });
    }
  }

  /** Every `$ref` in the document must be internal and point at something. */
  private checkAllRefs(v: Json, ptr: string): void {
    if (Array.isArray(v)) v.forEach((x, i) => this.checkAllRefs(x, `${ptr}/${i}`));
    else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string') {
          // External refs were bundled before this reader ran; one left here could not be read (reported there).
          if (x.startsWith('#') && this.at(x) === undefined && !x.startsWith('#/channels/')) this.report(`broken $ref "${x}": the document has nothing there`, `${ptr}/$ref`);
        } else if (k !== 'examples' && k !== 'example' && k !== 'default' && k !== 'const' && k !== 'enum') {
          this.checkAllRefs(x, `${ptr}/${esc(k)}`);
        }
      }
    }
  }

  private readOperations(channels: Obj): Map<string, OpInfo[]> {
    const out = new Map<string, OpInfo[]>();
    const raw = isObj(this.doc.operations) ? this.doc.operations : {};
    for (const id of Object.keys(raw).sort()) {
      const ptr = toPointer(['operations', id]);
      const op = this.deref(raw[id], ptr);
      if (!isObj(op.value)) continue;
      const o = this.withTraits(op.value, op.pointer);
      const action = o.action;
      if (action !== 'send' && action !== 'receive') {
        this.report(`operation "${id}" has action ${JSON.stringify(action ?? null)}: must be "send" or "receive"`, `${op.pointer}/action`);
        continue;
      }
      const chId = this.channelIdOf(o.channel, `${op.pointer}/channel`, `operation "${id}"`, channels);
      if (chId === null) continue;
      let qos: QoS = 0;
      let retain = false;
      const bindings = this.deref(o.bindings, `${op.pointer}/bindings`);
      const mqtt = isObj(bindings.value) ? this.deref(bindings.value.mqtt, `${bindings.pointer}/mqtt`) : undefined;
      if (mqtt && isObj(mqtt.value)) {
        const q = mqtt.value.qos;
        if (q !== undefined) {
          if (q === 0 || q === 1 || q === 2) qos = q;
          else this.report(`invalid QoS ${JSON.stringify(q)}: must be 0, 1 or 2`, `${mqtt.pointer}/qos`);
        }
        const r = mqtt.value.retain;
        if (r !== undefined) {
          if (typeof r === 'boolean') retain = r;
          else this.report(`invalid retain ${JSON.stringify(r)}: must be true or false`, `${mqtt.pointer}/retain`);
        }
      }
      let reply: string | null = null;
      let replyMessages: string[] | null = null;
      if (o.reply !== undefined) {
        const rep = this.deref(o.reply, `${op.pointer}/reply`);
        if (isObj(rep.value) && rep.value.channel !== undefined) {
          reply = this.channelIdOf(rep.value.channel, `${rep.pointer}/channel`, `the reply of operation "${id}"`, channels);
          if (reply !== null && Array.isArray(rep.value.messages)) {
            replyMessages = rep.value.messages
              .map((m) => (isObj(m) && typeof m.$ref === 'string' && m.$ref.startsWith('#/channels/') ? fromPointer(m.$ref) : []))
              .filter((segs) => segs.length === 4 && segs[1] === reply && segs[2] === 'messages')
              .map((segs) => segs[3]!);
          }
        }
      }
      const list = out.get(chId) ?? [];
      // The channel's messages the operation lists ('#/channels/<id>/messages/<key>'); none listed = all.
      let messages: string[] | null = null;
      if (Array.isArray(o.messages)) {
        messages = [];
        for (const [i, m] of o.messages.entries()) {
          const ref = isObj(m) && typeof m.$ref === 'string' ? m.$ref : '';
          const segs = ref.startsWith('#/channels/') ? fromPointer(ref) : [];
          if (segs.length === 4 && segs[1] === chId && segs[2] === 'messages') messages.push(segs[3]!);
          else this.report(`operation "${id}" lists a message that is not one of channel "${chId}"'s: expected { $ref: '#/channels/${chId}/messages/<name>' }`, `${op.pointer}/messages/${i}`);
        }
      }
      const bindingNames = isObj(bindings.value) ? Object.keys(bindings.value) : [];
      list.push({ id, action, qos, retain, reply, replyMessages, pointer: op.pointer, messages, bindings: bindingNames });
      out.set(chId, list);
    }
    return out;
  }

  /**
   * An operation or message with its `traits` applied (AsyncAPI 3: each trait merged in order as a JSON Merge Patch;
   * the object's own fields win over every trait's).
   */
  private withTraits(o: Obj, pointer: string): Obj {
    if (!Array.isArray(o.traits) || o.traits.length === 0) return o;
    let merged: Obj = {};
    o.traits.forEach((t, i) => {
      const r = this.deref(t, `${pointer}/traits/${i}`);
      if (isObj(r.value)) merged = mergePatch(merged, r.value);
    });
    const { traits: _traits, ...own } = o;
    return mergePatch(merged, own as Obj);
  }

  /** The channel id an operation's `channel: { $ref: '#/channels/<id>' }` names, or null (reported). */
  private channelIdOf(ref: Json | undefined, ptr: string, what: string, channels: Obj): string | null {
    if (!isObj(ref) || typeof ref.$ref !== 'string') {
      this.report(`${what} has no channel: expected { $ref: '#/channels/<id>' }`, ptr);
      return null;
    }
    const m = /^#\/channels\/([^/]+)$/.exec(ref.$ref);
    const id = m ? fromPointer(`#/${m[1]}`)[0]! : undefined;
    if (id === undefined || !Object.prototype.hasOwnProperty.call(channels, id)) {
      this.report(`${what} references unknown channel "${ref.$ref}"`, `${ptr}/$ref`);
      return null;
    }
    return id;
  }

  private readChannel(id: string, rawCh: Json | undefined, ops: OpInfo[], schemas: Record<string, JsonSchema>, repliedWith?: Set<string> | null): ChannelIR | null {
    const basePtr = toPointer(['channels', id]);
    const chR = this.deref(rawCh, basePtr);
    if (!isObj(chR.value)) {
      if (chR.value !== undefined) this.report(`channel "${id}" is not an object`, basePtr);
      return null;
    }
    const ch = chR.value;
    const ptr = chR.pointer;

    // Address and parameters. A parameter may share a topic level with text (`dev-{id}`); the runtime fills it on
    // publish and filters by the address pattern on receive. No address (null): not an MQTT topic.
    const address = typeof ch.address === 'string' ? ch.address : '';
    if (ch.address !== undefined && ch.address !== null && typeof ch.address !== 'string') {
      this.report(`channel "${id}" has an address that is not a string`, `${ptr}/address`);
      return null;
    }
    const inAddress = [...new Set([...address.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!))];
    if (/\}\{/.test(address)) {
      this.warn(
        `two parameters touch in the address "${address}": where one value ends and the next begins is ambiguous, so publish refuses values that would read back differently`,
        `${ptr}/address`,
      );
    }
    const paramsRaw = isObj(ch.parameters) ? ch.parameters : {};
    for (const p of Object.keys(paramsRaw)) {
      if (!inAddress.includes(p)) this.warn(`parameter "${p}" is not in the address "${address}": ignored`, `${ptr}/parameters/${esc(p)}`);
    }
    const parameters: ParameterIR[] = [];
    for (const p of inAddress) {
      if (!Object.prototype.hasOwnProperty.call(paramsRaw, p)) {
        this.warn(`address parameter "{${p}}" is not declared under parameters: taken as any value`, `${ptr}/parameters`);
        parameters.push({ name: p });
        continue;
      }
      const pr = this.deref(paramsRaw[p], `${ptr}/parameters/${esc(p)}`);
      const pv = isObj(pr.value) ? pr.value : {};
      parameters.push({
        name: p,
        ...(typeof pv.description === 'string' ? { description: pv.description } : {}),
        ...(Array.isArray(pv.enum) ? { enum: pv.enum.map(String) } : {}),
        ...(Array.isArray(pv.examples) ? { examples: pv.examples.map(String) } : {}),
      });
    }

    // Messages
    const msgs = isObj(ch.messages) ? ch.messages : {};
    const messages: MessageIR[] = [];
    for (const key of Object.keys(msgs)) {
      const m = this.readMessage(id, key, msgs[key], `${ptr}/messages/${esc(key)}`, schemas);
      if (m) messages.push(m);
    }
    if (Object.keys(msgs).length === 0) {
      this.warn(`channel "${id}" declares no message: nothing is generated for it`, `${ptr}`);
      return null;
    }
    if (messages.length === 0) return null;
    // Two keys giving one name (`Reading` and `reading`): the later ones get a numeric suffix, in document order.
    const idents = new Set<string>();
    messages.forEach((m, i) => {
      let ident = m.ident;
      for (let n = 2; idents.has(ident); n++) ident = `${m.ident}${n}`;
      idents.add(ident);
      if (ident !== m.ident) {
        this.warn(`messages of channel "${id}" give the same name ${m.ident}: message "${m.name}" is named ${ident}`, m.pointer);
        messages[i] = { ...m, ident };
      }
    });
    const single = messages.length === 1 ? messages[0]! : null;
    let framing: Framing;
    let dataSchema: JsonSchema;
    let dataTypeName: string;
    let envelopeSchema: JsonSchema | null;
    let envelopeTypeName: string | null;
    if (single) {
      ({ framing, dataSchema, dataTypeName, envelopeSchema, envelopeTypeName } = single);
    } else {
      // Several messages: the payload is their union; framing must agree (the runtime frames per message, but the
      // descriptor's framing describes the channel).
      framing = messages[0]!.framing;
      if (messages.some((m) => JSON.stringify(m.framing) !== JSON.stringify(framing))) {
        this.report(`the messages of channel "${id}" are framed differently (x-envelope): use one framing per channel`, `${ptr}/messages`);
      }
      dataTypeName = this.deriveName(`${pascalCase(id)}Message`, `#union:${id}`);
      dataSchema = { anyOf: messages.map((m) => m.dataSchema) };
      envelopeSchema = messages.every((m) => m.envelopeSchema) ? { anyOf: messages.map((m) => m.envelopeSchema!) } : null;
      envelopeTypeName = envelopeSchema ? this.deriveName(`${pascalCase(id)}Envelope`, `#union-envelope:${id}`) : null;
    }
    const messageName = single ? single.name : dataTypeName;

    // QoS / retain from the send operation (else the receive one)
    const sends = ops.filter((o) => o.action === 'send');
    const src = sends.length > 0 ? sends : ops.filter((o) => o.action === 'receive');
    const first = src[0];
    for (const o of src.slice(1)) {
      if (o.qos !== first!.qos || o.retain !== first!.retain) {
        this.warn(
          `operations "${first!.id}" and "${o.id}" give channel "${id}" different QoS/retain (${first!.qos}/${first!.retain} vs ${o.qos}/${o.retain}): the first (${first!.id}) is used`,
          `${o.pointer}/bindings`,
        );
      }
    }
    const replies = [...new Set(ops.map((o) => o.reply).filter((r): r is string => r !== null))];
    if (replies.length > 1) this.warn(`channel "${id}" has operations with different reply channels (${replies.join(', ')}): the first (${replies[0]}) is used`, basePtr);

    // Several messages share a correlation when all declare the same location (a reply channel with a result and a
    // refusal message, say).
    const locations = new Set(messages.map((m) => m.correlation?.location ?? null));
    const correlation = single ? single.correlation : locations.size === 1 && !locations.has(null) ? messages[0]!.correlation : null;
    const stream = single ? single.stream : null;
    for (const m of messages) {
      if (!single && m.stream) {
        this.warn(`message "${m.name}" of channel "${id}" declares x-stream: stream functions need a channel with one message, so none is generated`, m.pointer);
      }
    }

    const lifecycle = ch['x-lifecycle'] === undefined ? null : this.readLifecycle(ch['x-lifecycle'], `${ptr}/x-lifecycle`, id);

    const wireExamples = messages.flatMap((m) => m.wireExamples);
    const examples = messages.flatMap((m) => m.examples);

    const str = (v: Json | undefined) => (typeof v === 'string' ? v : undefined);
    const list = (v: Json | undefined, p: string): string[] => {
      if (v === undefined) return [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
        this.report('must be a list of service names', p);
        return [];
      }
      return v as string[];
    };
    const description = str(ch.description) ?? (single ? (single.description ?? single.summary) : undefined);
    const title = str(ch.title) ?? single?.title;
    const summary = str(ch.summary) ?? single?.summary;
    const names = messages.map((m) => m.name);
    const listed = (action: 'send' | 'receive'): string[] => {
      const mine = ops.filter((o) => o.action === action);
      // A reply is sent on this channel by the operation's other side and received by its requester.
      if (mine.length === 0 || mine.some((o) => o.messages === null) || repliedWith === null) return names;
      const set = new Set([...mine.flatMap((o) => o.messages ?? []), ...(repliedWith ?? [])]);
      return names.filter((n) => set.has(n));
    };
    return {
      id,
      name: id, // made a unique identifier by read()
      address,
      ...(title !== undefined ? { title } : {}),
      ...(summary !== undefined ? { summary } : {}),
      ...(description !== undefined ? { description } : {}),
      parameters,
      qos: first?.qos ?? 0,
      retain: first?.retain ?? false,
      framing,
      messageName,
      dataSchema,
      dataTypeName,
      envelopeSchema,
      envelopeTypeName,
      publishers: list(ch['x-publishers'], `${ptr}/x-publishers`),
      subscribers: list(ch['x-subscribers'], `${ptr}/x-subscribers`),
      correlation,
      reply: replies[0] ?? null,
      operations: [...ops].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((o) => ({ id: o.id, action: o.action })),
      stream,
      lifecycle,
      messages,
      sends: listed('send'),
      receives: listed('receive'),
      mqtt: this.isMqttChannel(id, ch, ptr, address, ops),
      examples,
      wireExamples,
      pointer: basePtr,
    };
  }

  /**
   * One message of a channel: framing (x-envelope), payload (a named schema, or an inline one the loader names),
   * correlation, x-stream, examples. Null when it cannot be read (reported).
   */
  private readMessage(channelId: string, key: string, raw: Json | undefined, keyPtr: string, schemas: Record<string, JsonSchema>): MessageIR | null {
    const msgR = this.deref(raw, keyPtr);
    if (!isObj(msgR.value)) return null;
    const msg = this.withTraits(msgR.value, msgR.pointer);
    const msgPtr = msgR.pointer;
    const mm = /^#\/components\/messages\/([^/]+)$/.exec(msgPtr);
    const componentName = mm ? fromPointer(`#/${mm[1]}`)[0]! : undefined;
    const label = typeof msg.name === 'string' ? msg.name : (componentName ?? key);

    let payload: Json | undefined = msg.payload;
    let payloadPtr = `${msgPtr}/payload`;
    // A payload `$ref` to anything but a named schema (`#/components/messages/Shared/payload`, a property of another
    // schema) is followed: what it points at is this message's payload.
    for (const seen = new Set<string>(); isObj(payload) && typeof payload.$ref === 'string' && !isNamedSchemaRef(payload.$ref) && payload.$ref.startsWith('#') && !seen.has(payload.$ref); ) {
      seen.add(payload.$ref);
      const ref: string = payload.$ref;
      const target = this.at(ref);
      if (target === undefined) break; // reported by checkAllRefs
      payload = target;
      payloadPtr = ref;
    }
    let jsonSchema = true;
    if (isObj(payload) && payload.schemaFormat !== undefined && payload.schema !== undefined) {
      const fmt = String(payload.schemaFormat);
      if (!/json|asyncapi/i.test(fmt)) {
        this.warn(`payload schemaFormat "${fmt}" is not JSON Schema: message "${label}" is typed unknown and not validated`, `${payloadPtr}/schemaFormat`);
        jsonSchema = false;
      }
      payload = payload.schema;
      payloadPtr = `${payloadPtr}/schema`;
    }
    if (payload === undefined || !jsonSchema) {
      if (payload === undefined) this.warn(`message "${label}" has no payload: any JSON value is accepted`, msgPtr);
      payload = {};
    }
    const payloadName = this.payloadName(payload, msgPtr, componentName ?? key, channelId);
    const payloadSchema = this.namedRef(payload, payloadName);

    let framing: Framing = { kind: 'bare' };
    let dataSchema: JsonSchema = payloadSchema;
    let dataTypeName = payloadName;
    let envelopeSchema: JsonSchema | null = null;
    let envelopeTypeName: string | null = null;
    const xe = msg['x-envelope'];
    if (xe !== undefined) {
      const xePtr = `${msgPtr}/x-envelope`;
      const env = isObj(xe) ? xe : {};
      const eventType = env.type;
      const bare = env.bare ?? 'never';
      if (typeof eventType !== 'string' || eventType === '') {
        this.report('x-envelope needs the canonical event type: x-envelope: { type: <event type> }', xePtr);
      }
      if (bare !== 'never' && bare !== 'accept' && bare !== 'send') {
        this.report(`x-envelope bare ${JSON.stringify(bare)}: must be never, accept or send`, `${xePtr}/bare`);
      }
      const resolved = this.deref(payload, payloadPtr);
      const ps = isObj(resolved.value) ? resolved.value : {};
      const props = isObj(ps.properties) ? ps.properties : undefined;
      const envName = payloadName;
      let accepted: string[] = [];
      if (!props || props.data === undefined) {
        this.report(`envelope payload "${envName}" has no "data" property (the payload model)`, props ? `${resolved.pointer}/properties` : resolved.pointer);
      }
      if (!props || props.type === undefined) {
        this.report(`envelope payload "${envName}" has no "type" property (the event type)`, props ? `${resolved.pointer}/properties` : resolved.pointer);
      } else if (typeof eventType === 'string') {
        const tR = this.deref(props.type, `${resolved.pointer}/properties/type`);
        const t = isObj(tR.value) ? tR.value : {};
        if (t.const !== undefined) accepted = [String(t.const)];
        else if (Array.isArray(t.enum)) accepted = t.enum.map(String);
        else {
          this.report(`envelope "type" of "${envName}" must pin the accepted event types with const or enum`, tR.pointer);
        }
        if (accepted.length > 0 && !accepted.includes(eventType)) {
          this.report(
            `envelope "type" of "${envName}" does not accept the canonical type "${eventType}" (accepts ${accepted.map((a) => `"${a}"`).join(', ')})`,
            tR.pointer,
          );
        }
      }
      const req = Array.isArray(ps.required) ? ps.required : [];
      if (props && props.data !== undefined && props.type !== undefined && !(req.includes('type') && req.includes('data'))) {
        this.report(`envelope payload "${envName}" must list "type" and "data" as required`, `${resolved.pointer}/required`);
      }
      if (props && props.data !== undefined && typeof eventType === 'string') {
        const dataName = this.payloadName(props.data, `${resolved.pointer}/properties/data`, `${envName}Data`, channelId);
        dataSchema = this.namedRef(props.data, dataName);
        dataTypeName = dataName;
        envelopeSchema = payloadSchema;
        envelopeTypeName = payloadName;
        framing = {
          kind: 'envelope',
          eventType,
          acceptedTypes: [eventType, ...accepted.filter((a) => a !== eventType)],
          acceptBare: bare === 'accept' || bare === 'send',
          publishBare: bare === 'send',
        };
      }
    }

    let correlation: MessageIR['correlation'] = null;
    if (msg.correlationId !== undefined) {
      const cR = this.deref(msg.correlationId, `${msgPtr}/correlationId`);
      if (isObj(cR.value) && typeof cR.value.location === 'string') {
        const location = cR.value.location;
        if (!/^\$message\.(payload|header)(#.*)?$/.test(location)) {
          this.report(`correlationId location "${location}" must be a runtime expression like $message.payload#/data/id`, `${cR.pointer}/location`);
        }
        correlation = { location, ...(typeof cR.value.description === 'string' ? { description: cR.value.description } : {}) };
      } else this.report('correlationId needs a location', cR.pointer);
    }
    let stream: StreamIR | null = null;
    if (msg['x-stream'] !== undefined) stream = this.readStream(msg['x-stream'], `${msgPtr}/x-stream`, channelId);
    if (msg.headers !== undefined && !this.warnedHeaders) {
      this.warnedHeaders = true;
      this.warn('message headers are not generated or validated (MQTT 3.1.1 has no headers; MQTT 5 user properties are not mapped yet)', `${msgPtr}/headers`);
    }

    const wireExamples: unknown[] = [];
    if (Array.isArray(msg.examples)) {
      for (const ex of msg.examples) if (isObj(ex) && ex.payload !== undefined) wireExamples.push(ex.payload);
    }
    const examples = framing.kind === 'envelope' ? wireExamples.map((w) => (isObj(w) && 'data' in w ? w.data : w)) : wireExamples;
    const str = (v: Json | undefined) => (typeof v === 'string' ? v : undefined);
    void schemas;
    return {
      name: key,
      ident: pascalCase(key).replace(/^_/, ''), // follows a prefix in every name; made unique per channel by readChannel
      pointer: msgPtr,
      ...(str(msg.title) !== undefined ? { title: str(msg.title)! } : {}),
      ...(str(msg.summary) !== undefined ? { summary: str(msg.summary)! } : {}),
      ...(str(msg.description) !== undefined ? { description: str(msg.description)! } : {}),
      framing,
      dataSchema,
      dataTypeName,
      envelopeSchema,
      envelopeTypeName,
      correlation,
      stream,
      examples,
      wireExamples,
    };
  }

  /** The shape of `x-lifecycle: { role: health|heartbeat, clientIdParameter?, fields: { ok?, event?, timestamp?, id? },
   *  timestampFormat? }`; checked against the channel's parameters and model in checkLifecycle. */
  private readLifecycle(raw: Json, ptr: string, channelId: string): LifecycleIR | null {
    const usage = "x-lifecycle must be { role: health | heartbeat, clientIdParameter: <parameter>, fields: { ok: '/ok', event: '/event', timestamp: '/timestamp', id: '/message_id' } }";
    this.lifecyclePointers.set(channelId, ptr);
    if (!isObj(raw)) {
      this.report(usage, ptr);
      return null;
    }
    let ok = true;
    const role = raw.role;
    if (role !== 'health' && role !== 'heartbeat') {
      this.report(`x-lifecycle role must be 'health' or 'heartbeat' (got ${JSON.stringify(role ?? null)})`, `${ptr}/role`);
      ok = false;
    }
    const fields: Record<string, string> = {};
    if (!isObj(raw.fields)) {
      this.report(`x-lifecycle needs fields (${usage})`, `${ptr}/fields`);
      ok = false;
    } else {
      for (const [k, v] of Object.entries(raw.fields)) {
        if (!['ok', 'event', 'timestamp', 'id'].includes(k)) {
          this.report(`x-lifecycle field "${k}" is not one the runtime writes (ok, event, timestamp, id)`, `${ptr}/fields/${k}`);
          ok = false;
        } else if (typeof v !== 'string' || !/^\/./.test(v)) {
          this.report(`x-lifecycle field "${k}" must be a JSON pointer into the payload model, like '/${k}'`, `${ptr}/fields/${k}`);
          ok = false;
        } else fields[k] = v;
      }
    }
    const cp = raw.clientIdParameter;
    if (cp !== undefined && typeof cp !== 'string') {
      this.report('x-lifecycle clientIdParameter must be the name of an address parameter', `${ptr}/clientIdParameter`);
      ok = false;
    }
    const tf = raw.timestampFormat;
    if (tf !== undefined && tf !== 'unix-seconds' && tf !== 'unix-ms' && tf !== 'iso-8601') {
      this.report(`x-lifecycle timestampFormat must be unix-seconds, unix-ms or iso-8601 (got ${JSON.stringify(tf)})`, `${ptr}/timestampFormat`);
      ok = false;
    }
    if (!ok) return null;
    return {
      role: role as LifecycleIR['role'],
      ...(typeof cp === 'string' ? { clientIdParameter: cp } : {}),
      fields,
      ...(typeof tf === 'string' ? { timestampFormat: tf as NonNullable<LifecycleIR['timestampFormat']> } : {}),
    };
  }

  /** x-lifecycle: one channel per role, the runtime can fill the address, each field names a property of the model. */
  private checkLifecycle(channels: ChannelIR[], schemas: Record<string, JsonSchema>): void {
    const byRole = new Map<string, string>();
    for (const c of channels) {
      const l = c.lifecycle;
      if (!l) continue;
      const ptr = this.lifecyclePointers.get(c.id) ?? c.pointer;
      const other = byRole.get(l.role);
      if (other !== undefined) this.report(`x-lifecycle role "${l.role}" is already given to channel "${other}"`, `${ptr}/role`);
      byRole.set(l.role, c.id);
      if (l.clientIdParameter !== undefined && !c.parameters.some((p) => p.name === l.clientIdParameter)) {
        this.report(`x-lifecycle clientIdParameter "${l.clientIdParameter}" is not a parameter of ${c.address}`, `${ptr}/clientIdParameter`);
      }
      const unfilled = c.parameters.filter((p) => p.name !== l.clientIdParameter).map((p) => p.name);
      if (unfilled.length > 0) {
        this.report(`x-lifecycle channel ${c.address} has parameters the runtime cannot fill: ${unfilled.join(', ')}`, ptr);
      }
      for (const [k, pointer] of Object.entries(l.fields)) {
        if (schemaAt(c.dataSchema, pointer, schemas) === undefined) {
          this.report(`x-lifecycle field ${k} "${pointer}" does not name a property of ${c.dataTypeName}`, `${ptr}/fields/${k}`);
        }
      }
    }
  }

  /** The shape of `x-stream: { request: <channel id>, last: { pointer: '/done', equals: true } }`. */
  private readStream(raw: Json, ptr: string, channelId: string): StreamIR | null {
    const usage = "x-stream must be { request: <request channel id>, last: { pointer: '<JSON pointer into the payload model>', equals: <value> } }";
    if (!isObj(raw)) {
      this.report(usage, ptr);
      return null;
    }
    let ok = true;
    let request: string | undefined;
    if (typeof raw.request === 'string' && raw.request !== '') request = raw.request;
    else if (isObj(raw.request) && typeof raw.request.$ref === 'string' && /^#\/channels\/[^/]+$/.test(raw.request.$ref)) {
      request = fromPointer(raw.request.$ref)[1]!;
    } else {
      this.report(`x-stream needs the request channel: request: <channel id> (${usage})`, `${ptr}/request`);
      ok = false;
    }
    const last = raw.last;
    let pointer: string | undefined;
    let equals: StreamIR['lastEquals'] | undefined;
    if (!isObj(last)) {
      this.report(`x-stream needs the last message: last: { pointer, equals } (${usage})`, `${ptr}/last`);
      ok = false;
    } else {
      if (typeof last.pointer === 'string' && /^\/./.test(last.pointer)) pointer = last.pointer;
      else {
        this.report(`x-stream last.pointer ${JSON.stringify(last.pointer ?? null)} must be a JSON pointer into the payload model, like '/done'`, `${ptr}/last/pointer`);
        ok = false;
      }
      const e = last.equals;
      if (e === null || typeof e === 'string' || typeof e === 'number' || typeof e === 'boolean') equals = e;
      else {
        this.report(`x-stream last.equals must be a string, number, boolean or null (got ${e === undefined ? 'nothing' : JSON.stringify(e)})`, `${ptr}/last${e === undefined ? '' : '/equals'}`);
        ok = false;
      }
    }
    this.streamPointers.set(channelId, ptr);
    return ok ? { request: request!, lastPointer: pointer!, lastEquals: equals! } : null;
  }

  /** x-stream: the request channel exists, the stream can be correlated, the pointer names a property of the model. */
  private checkStreams(channels: ChannelIR[], schemas: Record<string, JsonSchema>): void {
    const byId = new Map(channels.map((c) => [c.id, c]));
    for (const c of channels) {
      if (!c.stream) continue;
      const ptr = this.streamPointers.get(c.id) ?? c.pointer;
      const req = byId.get(c.stream.request);
      if (!req) this.report(`x-stream request "${c.stream.request}" is not a channel of this document`, `${ptr}/request`);
      else if (req.id === c.id) this.report(`x-stream request "${c.stream.request}" is the stream channel itself`, `${ptr}/request`);
      if (!c.correlation) {
        this.report(`stream channel "${c.id}" declares no correlationId: its messages cannot be matched to a request`, ptr);
      } else if (req?.correlation && correlationKey(req) !== correlationKey(c)) {
        this.report(
          `stream "${c.id}" and its request "${req.id}" declare different correlationId locations ("${c.correlation.location}" vs "${req.correlation.location}")`,
          ptr,
        );
      }
      const target = schemaAt(c.dataSchema, c.stream.lastPointer, schemas);
      if (target === undefined) {
        this.report(`x-stream last.pointer "${c.stream.lastPointer}" does not name a property of ${c.dataTypeName}`, `${ptr}/last/pointer`);
        continue;
      }
      const types = typeof target.type === 'string' ? [target.type] : Array.isArray(target.type) ? (target.type as string[]) : null;
      const v = c.stream.lastEquals;
      const kind = v === null ? 'null' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
      if (types && !types.some((t) => t === kind || (t === 'number' && kind === 'integer'))) {
        this.report(`x-stream last.equals ${JSON.stringify(v)} does not fit the type of ${c.stream.lastPointer} (${types.join(' | ')})`, `${ptr}/last/equals`);
      }
    }
  }

  /**
   * Each channel's name for code: its id made an identifier; an id without a letter or digit gets a hash of itself;
   * when two channels give one name (`a.b` and `aB`), or two request channels one request function, the later id (in
   * sorted order) gets a numeric suffix. Each renaming is a warning.
   */
  private nameChannels(channels: ChannelIR[]): void {
    const taken = new Map<string, string>(); // base name → channel id
    const takenRequests = new Map<string, string>(); // request function → channel id
    channels.forEach((c, i) => {
      let stem = camelCase(c.id);
      if (stem === '_') {
        stem = `channel${createHash('sha256').update(c.id, 'utf8').digest('hex').slice(0, 8)}`;
        this.warn(`channel id "${c.id}" has no letter or digit: its code is named after a hash of it (${stem})`, c.pointer);
      }
      let name = stem;
      for (let n = 2; taken.has(name) || (c.reply !== null && takenRequests.has(requestName(name))); n++) name = `${stem}${n}`;
      if (name !== stem) {
        const other = taken.get(stem) ?? takenRequests.get(requestName(stem));
        this.warn(`channels "${other}" and "${c.id}" give the same function names (${c.reply !== null && !taken.has(stem) ? requestName(stem) : stem}): "${c.id}" is named ${name}`, c.pointer);
      }
      taken.set(name, c.id);
      if (c.reply !== null) takenRequests.set(requestName(name), c.id);
      channels[i] = { ...c, name };
    });
  }

  /**
   * A request function needs what the runtime can do: both channels MQTT topics, one request message, and one
   * correlation location in the payloads of both. A pair that cannot have one (a reply address given by a runtime
   * expression, a correlationId in headers, no correlationId) gets a warning and plain publish/subscribe functions;
   * a pair whose payload correlation locations differ is a contract error.
   */
  private checkReplies(channels: ChannelIR[]): void {
    const byId = new Map(channels.map((c) => [c.id, c]));
    channels.forEach((c, i) => {
      if (c.reply === null) return;
      const r = byId.get(c.reply);
      if (!r) return;
      const inPayload = (x: ChannelIR) => x.correlation !== null && x.correlation.location.startsWith('$message.payload');
      if (inPayload(c) && inPayload(r) && c.correlation!.location !== r.correlation!.location) {
        this.report(
          `request "${c.id}" and reply "${r.id}" declare different correlationId locations ("${c.correlation!.location}" vs "${r.correlation!.location}")`,
          toPointer(['channels', c.id]),
        );
        return;
      }
      const why: string[] = [];
      if (!c.mqtt) return; // no MQTT functions at all (warned once per cause)
      if (!r.mqtt) why.push(`the reply channel "${r.id}" has no MQTT topic${r.address === '' ? ' (its address is set at run time)' : ''}`);
      if (c.messages.length > 1) why.push(`the request channel "${c.id}" has several messages`);
      for (const x of [c, r]) {
        if (x.correlation === null) why.push(`"${x.id}"'s ${x.messages.length > 1 ? 'messages declare no common' : 'message declares no'} correlationId`);
        else if (!inPayload(x)) why.push(`"${x.id}"'s correlationId is in a header (${x.correlation.location}): MQTT 3.1.1 has no headers`);
      }
      if (why.length === 0) return;
      this.warn(`request/reply "${c.id}" → "${r.id}": no request function, because ${why.join('; ')}; publish and subscribe functions are generated`, c.pointer);
      channels[i] = { ...c, reply: null };
    });
  }

  /**
   * A schema with every `$ref` that does not name a whole schema of components/schemas replaced by what it points at
   * (`#/components/schemas/Outer/properties/inner`, `#/components/messages/M/payload`): the validators and types
   * resolve only named schemas. A cycle through such refs is left as `{}` (any value).
   */
  private inlineForeignRefs(v: Json, seen: ReadonlySet<string> = new Set()): Json {
    if (Array.isArray(v)) return v.map((x) => this.inlineForeignRefs(x, seen));
    if (!isObj(v)) return v;
    if (typeof v.$ref === 'string' && v.$ref.startsWith('#') && !isNamedSchemaRef(v.$ref)) {
      if (seen.has(v.$ref)) return {};
      const target = this.at(v.$ref);
      return target === undefined ? v : this.inlineForeignRefs(target, new Set([...seen, v.$ref]));
    }
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      put(out, k, isDataKeyword(k) ? x : this.inlineForeignRefs(x, seen));
    }
    return out;
  }

  /** A schema for the IR: `$ref`s into components/schemas stay refs; inline schemas are copied without x- keys. */
  private keepRef(s: Json): JsonSchema {
    if (isObj(s) && typeof s.$ref === 'string') return { $ref: s.$ref };
    return (stripExtensions(this.inlineForeignRefs(s)) ?? {}) as JsonSchema;
  }

  /**
   * The type name of a payload (or envelope data) schema: the named schema's type name for a `$ref` into
   * components/schemas; for an inline schema, its `title` when that is a usable name, else a name derived from the
   * message (or component) name, and from the channel when that is taken: deterministic, and stable as long as the
   * document keeps its names.
   */
  private payloadName(s: Json, ptr: string, base: string, channelId: string): string {
    if (isObj(s) && typeof s.$ref === 'string') {
      if (s.$ref.startsWith(SCHEMA_PREFIX) && !s.$ref.slice(SCHEMA_PREFIX.length).includes('/')) {
        const key = fromPointer(s.$ref)[2]!;
        return this.typeNames.get(key) ?? key;
      }
      this.report(`a payload $ref must point at a schema in '#/components/schemas/<Name>' (got "${s.$ref}")`, `${ptr}/$ref`);
      return 'unknown';
    }
    const title = isObj(s) && typeof s.title === 'string' ? s.title : undefined;
    const wanted = title !== undefined && isIdentifier(pascalCase(title)) ? pascalCase(title) : pascalCase(base);
    return this.deriveName(wanted, ptr, `${wanted}Payload`, `${pascalCase(channelId)}${wanted}`);
  }

  /**
   * A free type name for `owner` (a pointer or a synthetic key): `wanted`, else the first free fallback, else the last
   * with a numeric suffix.
   * The same owner always gets the same name (a message used by several channels is named once).
   */
  private deriveName(wanted: string, owner: string, ...fallbacks: string[]): string {
    const had = this.derivedOwners.get(owner);
    if (had !== undefined) return had;
    const candidates = [wanted, ...fallbacks];
    let name = candidates.find((n) => !this.usedTypeNames.has(n));
    if (name === undefined) {
      const stem = candidates[candidates.length - 1]!;
      for (let i = 2; name === undefined; i++) if (!this.usedTypeNames.has(`${stem}${i}`)) name = `${stem}${i}`;
    }
    this.usedTypeNames.add(name);
    this.derivedOwners.set(owner, name);
    return name;
  }

  /** A `$ref` to the named schema for `s`: its own when it is one, else the inline schema registered under `name`. */
  private namedRef(s: Json, name: string): JsonSchema {
    if (isObj(s) && typeof s.$ref === 'string') return { $ref: s.$ref };
    if (!this.derived.has(name)) this.derived.set(name, { ...((stripExtensions(this.inlineForeignRefs(s)) ?? {}) as Obj), title: name } as JsonSchema);
    return { $ref: `${SCHEMA_PREFIX}${name}` };
  }

  /**
   * Whether the channel's address can be an MQTT topic for this document: the servers it may use speak MQTT (or
   * the document names none and its bindings no other protocol), and the address is concrete (no wildcard).
   */
  private isMqttChannel(id: string, ch: Obj, ptr: string, address: string, ops: readonly OpInfo[]): boolean {
    const servers = isObj(this.doc.servers) ? this.doc.servers : {};
    const protocolOf = (v: Json | undefined): string | undefined => {
      const r = this.deref(v, '#/servers');
      return isObj(r.value) && typeof r.value.protocol === 'string' ? r.value.protocol.toLowerCase() : undefined;
    };
    let protocols: string[];
    if (Array.isArray(ch.servers) && ch.servers.length > 0) protocols = ch.servers.map(protocolOf).filter((p): p is string => p !== undefined);
    else protocols = Object.values(servers).map(protocolOf).filter((p): p is string => p !== undefined);
    const bindingNames = new Set<string>([
      ...(isObj(ch.bindings) ? Object.keys(ch.bindings) : []),
      ...ops.flatMap((o) => o.bindings),
    ]);
    const MQTT = new Set(['mqtt', 'mqtts', 'secure-mqtt', 'mqtt5']);
    let cause: string | undefined;
    if (protocols.length > 0 ? !protocols.some((p) => MQTT.has(p)) : bindingNames.size > 0 && !bindingNames.has('mqtt') && !bindingNames.has('mqtt5')) {
      const what = protocols.length > 0 ? [...new Set(protocols)].join(', ') : [...bindingNames].join(', ');
      cause = `no MQTT server or binding (${what})`;
    } else if (address === '') cause = 'no address';
    else if (/[+#]/.test(address)) cause = 'an MQTT wildcard in the address';
    else if (address.replace(/\{[^{}]+\}/g, '').includes('{') || address.replace(/\{[^{}]+\}/g, '').includes('}')) cause = 'unbalanced braces in the address';
    else {
      const names = [...address.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!);
      if (names.some((n, i) => names.indexOf(n) !== i)) cause = 'a parameter that appears twice in the address';
    }
    if (cause === undefined) return true;
    const list = this.notMqtt.get(cause) ?? [];
    list.push({ id, ptr });
    this.notMqtt.set(cause, list);
    return false;
  }
}

interface OpInfo {
  id: string;
  action: 'send' | 'receive';
  qos: QoS;
  retain: boolean;
  reply: string | null;
  /** The reply's messages (keys on the reply channel) the operation lists; null = all. */
  replyMessages: string[] | null;
  pointer: string;
  /** The channel messages the operation lists (their keys), or null when it lists none (= all). */
  messages: string[] | null;
  /** Binding protocols named on the operation. */
  bindings: string[];
}

/** What a correlation location points at, comparable across framings: the Envelope id, or a path in the model. */
function correlationKey(c: ChannelIR): string {
  const loc = c.correlation?.location ?? '';
  const m = /^\$message\.payload#(\/.*)?$/.exec(loc);
  if (!m) return loc;
  const p = m[1] ?? '';
  if (c.framing.kind === 'envelope') {
    if (p === '/id') return 'envelope-id';
    if (p.startsWith('/data/')) return `data:${p.slice(5)}`;
    return loc;
  }
  return `data:${p}`;
}

/** The schema of the property a JSON pointer names inside `schema` (through $refs and allOf), or undefined. */
function schemaAt(schema: JsonSchema, pointer: string, schemas: Record<string, JsonSchema>): JsonSchema | undefined {
  const resolve = (s: JsonSchema | undefined): JsonSchema | undefined => {
    const seen = new Set<string>();
    let cur = s;
    while (cur && typeof cur.$ref === 'string' && cur.$ref.startsWith(SCHEMA_PREFIX) && !seen.has(cur.$ref)) {
      seen.add(cur.$ref);
      cur = schemas[cur.$ref.slice(SCHEMA_PREFIX.length)];
    }
    return cur;
  };
  const child = (s: JsonSchema | undefined, key: string): JsonSchema | undefined => {
    const r = resolve(s);
    if (!r) return undefined;
    const props = r.properties;
    if (isObj(props) && Object.prototype.hasOwnProperty.call(props, key) && isObj(props[key])) return props[key] as JsonSchema;
    if (Array.isArray(r.allOf)) {
      for (const part of r.allOf) {
        const found = isObj(part) ? child(part as JsonSchema, key) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  };
  let cur: JsonSchema | undefined = schema;
  for (const seg of fromPointer(`#${pointer}`)) {
    cur = child(cur, seg);
    if (!cur) return undefined;
  }
  return resolve(cur);
}

/** Sets an own property, `__proto__` included (an assignment would set the object's prototype instead). */
function put(o: Obj, k: string, v: Json): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** `#/components/schemas/<key>` exactly (a whole named schema). */
function isNamedSchemaRef(ref: string): boolean {
  return ref.startsWith(SCHEMA_PREFIX) && !ref.slice(SCHEMA_PREFIX.length).includes('/') && ref.length > SCHEMA_PREFIX.length;
}

/** JSON Merge Patch (RFC 7386) without deletion: objects merge key by key, anything else is replaced. */
function mergePatch(target: Obj, patch: Obj): Obj {
  const out: Obj = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    const t = out[k];
    put(out, k, isObj(v) && isObj(t) && v.$ref === undefined && t.$ref === undefined ? mergePatch(t, v) : v);
  }
  return out;
}

/** `#/components/schemas/<key>[/...]` refs rewritten to the key's type name. */
function renameRefs(v: unknown, renamed: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => renameRefs(x, renamed));
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && typeof x === 'string' && x.startsWith(SCHEMA_PREFIX)) {
      const rest = x.slice(SCHEMA_PREFIX.length);
      const slash = rest.indexOf('/');
      const key = fromPointer(`#/${slash < 0 ? rest : rest.slice(0, slash)}`)[0]!;
      const name = renamed.get(key);
      put(out, k, name === undefined ? x : `${SCHEMA_PREFIX}${name}${slash < 0 ? '' : rest.slice(slash)}`);
    } else if (isDataKeyword(k)) put(out, k, x as Json);
    else put(out, k, renameRefs(x, renamed) as Json);
  }
  return out;
}

/** One JSON pointer segment (escaped as toPointer does). */
function esc(s: string): string {
  return toPointer([s]).slice(2);
}


/** Drop `x-*` extension keys (not JSON Schema) from a schema tree; keeps examples/defaults untouched. */
function stripExtensions(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripExtensions);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('x-')) continue;
    if (isDataKeyword(k)) put(out, k, x);
    else if ((k === 'properties' || k === 'patternProperties' || k === 'definitions') && isObj(x)) {
      // keys here are property names, not keywords
      put(out, k, Object.fromEntries(Object.entries(x).map(([pk, pv]) => [pk, stripExtensions(pv)])));
    } else put(out, k, stripExtensions(x));
  }
  return out;
}
