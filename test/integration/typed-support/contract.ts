/**
 * The generated typed API, looked up by name from the generated module namespace (so a missing function is a
 * test failure, not a compile error), plus contract facts the typed tests need: example payloads, names,
 * correlation locations.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import * as api from '../../../generated/index.js';
import { channels } from '../../../generated/index.js';
import type { BusClient, ChannelDescriptor, Envelope, InvalidMessage, MessageHandler, Subscription } from '../../../runtime/index.js';
import type { Reply, ReplyStream } from '../../../runtime/index.js';
import { examplesOf } from '../../../testing/index.js';

export type AnyChannel = ChannelDescriptor<any, string>;
export const allChannels: readonly AnyChannel[] = Object.values(channels) as AnyChannel[];
export const channelById = (id: string): AnyChannel => {
  const ch = (channels as unknown as Record<string, AnyChannel>)[id];
  if (!ch) throw new Error(`no channel ${id} in generated/channels.ts`);
  return ch;
};

export const pascal = (id: string): string => id.charAt(0).toUpperCase() + id.slice(1);
/** `llmRequest` → `Llm`, `llmToolCallRequest` → `LlmToolCall`, `memoryQuery` → `MemoryQuery`. */
export const requestStem = (id: string): string => pascal(id.replace(/Request$/, ''));

export type Params = Record<string, string>;
export type TypedPublishOptions = { correlate?: string; retries?: number };
export type TypedSubscribeOptions = { concurrency?: number; dedupe?: boolean; onInvalid?: (m: InvalidMessage) => void };
export type RequestOptions = { timeoutMs?: number; signal?: AbortSignal };

type AnyFn = (...args: any[]) => any;
const ns = api as unknown as Record<string, unknown>;

/** The generated function `name`, or an Error naming it when the generated module does not export it. */
export function generatedFn(name: string): AnyFn {
  const f = ns[name];
  if (typeof f !== 'function') throw new Error(`generated function ${name} is missing from generated/index.ts`);
  return f as AnyFn;
}
export const hasGenerated = (name: string): boolean => typeof ns[name] === 'function';

/** The names the typed-API doc promises for a channel. */
export function expectedNames(ch: AnyChannel): string[] {
  const X = pascal(ch.id);
  const names = [`publish${X}`, `subscribe${X}`];
  if (ch.retain) names.push(`clear${X}`);
  if (ch.reply) names.push(`request${requestStem(ch.id)}`);
  if (streamChannelIds().includes(ch.id)) names.push(`open${X}`);
  return names;
}

const withParams = (ch: AnyChannel, params: Params | undefined): unknown[] => {
  if (ch.parameters.length === 0) return [];
  if (!params) throw new Error(`channel ${ch.id} has parameters ${ch.parameters.join(', ')}: pass params`);
  return [params];
};

/** publishX(client, [params,] data, options?) */
export function publishVia(ch: AnyChannel, client: BusClient, params: Params | undefined, data: unknown, options?: TypedPublishOptions): Promise<string | void> {
  const args: unknown[] = [client, ...withParams(ch, params), data];
  if (options) args.push(options);
  return generatedFn(`publish${pascal(ch.id)}`)(...args) as Promise<string | void>;
}

/** subscribeX(client, [params,] handler, options?) */
export function subscribeVia<T = any>(
  ch: AnyChannel,
  client: BusClient,
  params: Params | undefined,
  handler: MessageHandler<T, string>,
  options?: TypedSubscribeOptions,
): Promise<Subscription> {
  const args: unknown[] = [client, ...withParams(ch, params), handler];
  if (options) args.push(options);
  return generatedFn(`subscribe${pascal(ch.id)}`)(...args) as Promise<Subscription>;
}

/** clearX(client, [params]) */
export function clearVia(ch: AnyChannel, client: BusClient, params?: Params): Promise<void> {
  return generatedFn(`clear${pascal(ch.id)}`)(client, ...withParams(ch, params)) as Promise<void>;
}

/** requestR(client, [params,] data, options) */
export function requestVia<T = any>(ch: AnyChannel, client: BusClient, data: unknown, options: RequestOptions, params?: Params): Promise<Reply<T>> {
  return generatedFn(`request${requestStem(ch.id)}`)(client, ...withParams(ch, params), data, options) as Promise<Reply<T>>;
}

/** openX(client, correlationId, options?) */
export function openVia<T = any>(ch: AnyChannel, client: BusClient, correlationId: string, options?: RequestOptions): Promise<ReplyStream<T>> {
  const args: unknown[] = [client, correlationId];
  if (options) args.push(options);
  return generatedFn(`open${pascal(ch.id)}`)(...args) as Promise<ReplyStream<T>>;
}

// ------------------------------------------------------------------------------------------ the document

const DOC_PATH = fileURLToPath(new URL('../../../asyncapi/tars.asyncapi.yaml', import.meta.url));
let docCache: any;
function doc(): any {
  return (docCache ??= parse(readFileSync(DOC_PATH, 'utf8')));
}

function messagesOf(id: string): any[] {
  const channel = doc().channels?.[id];
  if (!channel) throw new Error(`channel ${id} not in the AsyncAPI document`);
  return Object.values(channel.messages ?? {}).map((m: any) => {
    const ref: string | undefined = m?.$ref;
    return ref ? doc().components.messages[ref.split('/').pop()!] : m;
  });
}

/** Channel ids whose message carries the `x-stream` extension (plus llmStream, which the brief names). */
export function streamChannelIds(): string[] {
  const ids = new Set<string>(['llmStream']);
  for (const ch of allChannels) if (messagesOf(ch.id).some((m) => m?.['x-stream'] !== undefined)) ids.add(ch.id);
  return [...ids];
}

/**
 * Example payload models of a channel: the test kit's (testing/fixtures.ts), and for channels the kit has
 * no copy of, the message `examples` of the contract itself (Envelope `data`, or the bare message).
 */
export function contractExamples<T = any>(ch: AnyChannel): T[] {
  const kit = examplesOf<T>(ch as ChannelDescriptor<T, any>);
  if (kit.length > 0) return kit;
  const wires = messagesOf(ch.id).flatMap((m) => (m.examples ?? []).map((e: any) => e.payload));
  return wires.map((w: any) => structuredClone(ch.framing.kind === 'envelope' && w && typeof w === 'object' && 'data' in w && 'type' in w ? w.data : w) as T);
}

export function contractExample<T = any>(ch: AnyChannel, index = 0): T {
  const all = contractExamples<T>(ch);
  const ex = all[index];
  if (ex === undefined) throw new Error(`no contract example #${index} for ${ch.id}`);
  return ex;
}

// ------------------------------------------------------------------------------------------ correlation

export type Where = { kind: 'envelope-id' } | { kind: 'data'; path: string[] };

/** `$message.payload#/data/id` → data path ['id']; `#/id` on an enveloped channel → the Envelope id. */
export function correlationWhere(ch: AnyChannel): Where {
  const loc = ch.correlation?.location;
  if (!loc) throw new Error(`${ch.id} declares no correlation`);
  const m = /^\$message\.payload#(\/.*)$/.exec(loc);
  if (!m) throw new Error(`${ch.id}: unexpected correlation location ${loc}`);
  const segs = m[1]!.slice(1).split('/');
  if (ch.framing.kind === 'envelope') {
    if (segs.length === 1 && segs[0] === 'id') return { kind: 'envelope-id' };
    if (segs[0] === 'data') return { kind: 'data', path: segs.slice(1) };
    throw new Error(`${ch.id}: unexpected correlation location ${loc}`);
  }
  return { kind: 'data', path: segs };
}

export function getPath(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const s of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
  return cur;
}

export function setPath<T>(value: T, path: readonly string[], leaf: unknown): T {
  const copy = structuredClone(value) as Record<string, unknown>;
  let cur = copy;
  path.forEach((s, i) => {
    if (i === path.length - 1) cur[s] = leaf;
    else cur = (cur[s] && typeof cur[s] === 'object' ? cur[s] : (cur[s] = {})) as Record<string, unknown>;
  });
  return copy as T;
}

/** The correlation value a received request carries (read where the request channel declares it). */
export function correlationOfRequest(ch: AnyChannel, data: unknown, envelope: Envelope<unknown> | null): string | undefined {
  const w = correlationWhere(ch);
  const v = w.kind === 'envelope-id' ? envelope?.id : getPath(data, w.path);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** Data + publish options for a reply on `replyCh` that carries `correlation` where the reply channel declares it. */
export function correlatedReply<T>(replyCh: AnyChannel, data: T, correlation: string): { data: T; options: TypedPublishOptions | undefined } {
  const w = correlationWhere(replyCh);
  if (w.kind === 'envelope-id') return { data, options: { correlate: correlation } };
  return { data: setPath(data, w.path, correlation), options: undefined };
}
