/**
 * Request/reply over the bus, correlated the way the contract declares it.
 *
 * A request channel's descriptor names its reply channel and both carry an AsyncAPI `correlationId`
 * location: a runtime expression `$message.payload#/<json pointer>` into the WIRE message (the Envelope for
 * enveloped channels, the model itself for bare ones). Examples from the TARS contract:
 *   - `#/data/id`          llm/request → llm/response: the caller's `data.id`
 *   - `#/id`               memory/query → memory/results: the request's Envelope id (generated here and
 *                          handed to publish as `correlate`, so it is known before the message leaves)
 *   - `#/data/request_id`  camera/capture → camera/image: filled with a fresh id when the caller omits it
 *
 * Concurrent requests on one client share ONE reply subscription per (client, reply channel, reply params),
 * created lazily and kept for the client's life (dropped when the client reports `closed`); pending requests
 * are kept in a Map from correlation value to waiter, so replies never cross.
 */
import type { AnyChannelDescriptor, ChannelDescriptor, Envelope } from './descriptor.js';
import { newEnvelopeId } from './envelope.js';
import { parsePointer } from './json-pointer.js';
import { MAX_TIMER_MS } from './options.js';
import {
  CorrelationError, DuplicateCorrelationError, RequestAbortedError, RequestClosedError, RequestTimeoutError,
} from './errors.js';
import type { BusClient, MessageMeta } from './types.js';

/** The deadline of request() and the inactivity timeout of a reply stream when none is given. 0 = none, for all
 *  of request(), streams, subscribe() and publishTimeoutMs. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------------------
// The slice of the runtime's BusClient that request/stream need: any BusClient is one, and a test fake only
// has to implement these methods.

/** Metadata the runtime hands to a handler. */
export type ReplyMeta<P extends string = string> = MessageMeta<P>;

export type RequestBus = Pick<BusClient, 'clientId' | 'publish' | 'subscribe'> & Partial<Pick<BusClient, 'on'>>;

/** A received, validated message: what request() resolves with and what a reply stream yields. */
export interface Reply<T, P extends string = string> {
  readonly data: T;
  readonly envelope: Envelope<T> | null;
  readonly meta: ReplyMeta<P>;
}

/** pino-compatible subset used for the debug line about ignored replies. */
export interface DebugLogger {
  debug(obj: object, msg?: string): void;
}

// ---------------------------------------------------------------------------------------------------------
// Correlation locations

/** A fresh correlation value: the runtime's Envelope id (32 lowercase hex characters). */
export function newCorrelationId(): string {
  return newEnvelopeId();
}

const LOCATION_PREFIX = '$message.payload#';

/** Parse `$message.payload#/a/b` into JSON-pointer segments ['a', 'b'] (with ~1 and ~0 unescaped). */
export function parseCorrelationLocation(location: string): string[] {
  if (!location.startsWith(LOCATION_PREFIX)) {
    throw new Error(`unsupported correlation location '${location}': expected '${LOCATION_PREFIX}/<json pointer>'`);
  }
  const pointer = location.slice(LOCATION_PREFIX.length);
  if (pointer !== '' && !pointer.startsWith('/')) throw new Error(`invalid JSON pointer in correlation location '${location}'`);
  return parsePointer(pointer);
}

/** Where a channel's correlation value lives, relative to what the runtime hands us. */
type CorrelationPath =
  | { readonly kind: 'envelope-id' } // `#/id` on an enveloped channel
  | { readonly kind: 'data'; readonly path: readonly string[] }; // a path inside the payload model

const pathCache = new WeakMap<AnyChannelDescriptor, CorrelationPath>();

/** Resolve a descriptor's correlation location into a path (cached per descriptor). */
export function correlationPathOf(channel: AnyChannelDescriptor): CorrelationPath {
  const cached = pathCache.get(channel);
  if (cached) return cached;
  if (!channel.correlation) throw new CorrelationError(channel.id, 'the channel declares no correlationId');
  let segments: string[];
  try {
    segments = parseCorrelationLocation(channel.correlation.location);
  } catch (err) {
    throw new CorrelationError(channel.id, (err as Error).message);
  }
  let result: CorrelationPath;
  if (channel.framing.kind === 'envelope') {
    if (segments.length === 1 && segments[0] === 'id') result = { kind: 'envelope-id' };
    else if (segments[0] === 'data' && segments.length > 1) result = { kind: 'data', path: segments.slice(1) };
    else {
      throw new CorrelationError(
        channel.id,
        `correlation location '${channel.correlation.location}' must be '#/id' or point inside '#/data/...' on an enveloped channel`,
      );
    }
  } else {
    if (segments.length === 0) throw new CorrelationError(channel.id, 'correlation location points at the whole message');
    result = { kind: 'data', path: segments };
  }
  pathCache.set(channel, result);
  return result;
}

function getAt(value: unknown, path: readonly string[]): unknown {
  let cur: unknown = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(seg)] : (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** A copy of `value` with `leaf` set at `path` (objects along the path are shallow-copied or created). */
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A copy of `value` with `leaf` at `path`, creating missing objects below the top; undefined when `value` is
 *  not an object (the caller's data is then published as is, and validation reports what is wrong with it). */
function setAt(value: unknown, path: readonly string[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  if (!isRecord(value)) return undefined;
  const [head, ...rest] = path as [string, ...string[]];
  const child = rest.length === 0 ? leaf : setAt(isRecord(value[head]) ? value[head] : {}, rest, leaf);
  return { ...value, [head]: child };
}

function asKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The correlation value of a received message on `channel`, or undefined when it carries none. */
export function correlationOfMessage(
  channel: AnyChannelDescriptor,
  data: unknown,
  envelope: Envelope<unknown> | null,
): string | undefined {
  const where = correlationPathOf(channel);
  if (where.kind === 'envelope-id') {
    // A bare message on an enveloped channel has no Envelope id: it cannot match.
    return envelope ? asKey(envelope.id) : undefined;
  }
  return asKey(getAt(data, where.path));
}

export interface PreparedRequest<T> {
  /** The data to publish (a copy with a generated id filled in when the location was empty). */
  readonly data: T;
  /** The correlation value the reply must carry. */
  readonly correlationId: string;
  /** Envelope id to pass to publish as `correlate` (when the correlation is the Envelope id). */
  readonly correlate: string | undefined;
}

/**
 * Work out the outgoing message's correlation value before it is published. `correlationId` forces the value
 * (for `#/id`: the Envelope id; for a data path: used only when the data has none there, and must agree with
 * it otherwise). When the location inside data is empty a fresh id is filled in.
 */
export function prepareRequest<T>(channel: ChannelDescriptor<T, string>, data: T, correlationId?: string): PreparedRequest<T> {
  const where = correlationPathOf(channel);
  if (where.kind === 'envelope-id') {
    const id = correlationId ?? newCorrelationId();
    return { data, correlationId: id, correlate: id };
  }
  const existing = asKey(getAt(data, where.path));
  if (existing !== undefined) {
    if (correlationId !== undefined && correlationId !== existing) {
      throw new CorrelationError(
        channel.id,
        `correlationId '${correlationId}' disagrees with the value '${existing}' already at ${channel.correlation!.location}`,
      );
    }
    return { data, correlationId: existing, correlate: undefined };
  }
  const id = correlationId ?? newCorrelationId();
  const filled = setAt(data, where.path, id);
  return { data: filled === undefined ? data : (filled as T), correlationId: id, correlate: undefined };
}

// ---------------------------------------------------------------------------------------------------------
// Shared reply subscriptions

interface Pending {
  settle(reply: Reply<unknown, string> | null, error: Error | null): void;
  readonly channel: string;
}

interface ReplyRouter {
  readonly ready: Promise<void>;
  readonly pending: Map<string, Pending>;
  logger: DebugLogger | undefined;
  ignored: number;
}

const routers = new WeakMap<RequestBus, Map<string, ReplyRouter>>();
const closeHooks = new WeakSet<RequestBus>();

function routerKey(channel: AnyChannelDescriptor, params: Partial<Record<string, string>> | undefined): string {
  if (!params) return channel.id;
  const entries = Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${channel.id}?${JSON.stringify(entries)}`;
}

function watchClose(client: RequestBus): void {
  if (closeHooks.has(client) || typeof client.on !== 'function') return;
  closeHooks.add(client);
  client.on('status', (status) => {
    if (status.type !== 'closed') return;
    const byChannel = routers.get(client);
    routers.delete(client);
    if (!byChannel) return;
    for (const router of byChannel.values()) {
      for (const [id, p] of router.pending) {
        router.pending.delete(id);
        p.settle(null, new RequestClosedError(p.channel, id));
      }
    }
  });
}

function replyRouterFor(
  client: RequestBus,
  replyChannel: AnyChannelDescriptor,
  params: Partial<Record<string, string>> | undefined,
  logger: DebugLogger | undefined,
): ReplyRouter {
  let byChannel = routers.get(client);
  if (!byChannel) {
    byChannel = new Map();
    routers.set(client, byChannel);
    watchClose(client);
  }
  const key = routerKey(replyChannel, params);
  const existing = byChannel.get(key);
  if (existing) {
    existing.logger ??= logger;
    return existing;
  }
  const pending = new Map<string, Pending>();
  const router: ReplyRouter = { pending, logger, ignored: 0, ready: Promise.resolve() };
  const handler = (data: unknown, envelope: Envelope<unknown> | null, meta: ReplyMeta<string>): void => {
    const id = correlationOfMessage(replyChannel, data, envelope);
    const waiter = id === undefined ? undefined : pending.get(id);
    if (id === undefined || !waiter) {
      router.ignored++;
      router.logger?.debug(
        { channel: replyChannel.id, topic: meta?.topic, correlation: id ?? null },
        'reply with unknown correlation ignored',
      );
      return;
    }
    pending.delete(id);
    waiter.settle({ data, envelope, meta }, null);
  };
  const map = byChannel;
  (router as { ready: Promise<void> }).ready = client
    .subscribe(replyChannel, handler, params ? { params } : undefined)
    .then(
      () => undefined,
      (err: unknown) => {
        // Forget the failed router so the next request tries again.
        if (map.get(key) === router) map.delete(key);
        throw err;
      },
    );
  byChannel.set(key, router);
  return router;
}

/** How many replies the shared subscription for (client, reply channel) ignored; for tests and stats. */
export function ignoredReplies(client: RequestBus, replyChannel: AnyChannelDescriptor, params?: Partial<Record<string, string>>): number {
  return routers.get(client)?.get(routerKey(replyChannel, params))?.ignored ?? 0;
}

// ---------------------------------------------------------------------------------------------------------
// request()

export interface RequestOptions<PReq extends string = string, PRep extends string = string> {
  /** Whole-request deadline in ms (subscription, publish and wait for the reply); 0 = none (default 30 000). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Parameters of the request channel's address. */
  params?: Record<PReq, string>;
  /** Parameters of the reply subscription (default: '+' for each). */
  replyParams?: Partial<Record<PRep, string>>;
  /** Force the correlation value (see prepareRequest). */
  correlationId?: string;
  /** Receives a debug line for each reply with an unknown correlation. */
  logger?: DebugLogger;
}

/**
 * Publish `data` on `requestChannel` and resolve with the correlated reply from `replyChannel`.
 * Rejects with RequestTimeoutError after `timeoutMs`, with an AbortError (RequestAbortedError) when `signal`
 * aborts, with the publish error when publishing fails (e.g. ValidationFailedError): the pending entry is
 * removed in every case.
 */
export function request<TReq, TRep, PReq extends string, PRep extends string>(
  client: RequestBus,
  requestChannel: ChannelDescriptor<TReq, PReq>,
  replyChannel: ChannelDescriptor<TRep, PRep>,
  data: TReq,
  options: RequestOptions<PReq, PRep> = {},
): Promise<Reply<TRep, PRep>> {
  const { signal } = options;
  // A Node timer fires at once past 2^31-1 ms: longer deadlines are that long (24.8 days).
  const timeoutMs = Math.min(options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, MAX_TIMER_MS);
  if (signal?.aborted) {
    return Promise.reject(new RequestAbortedError(`${requestChannel.id} request aborted before it was sent`, signal.reason));
  }
  let prepared: PreparedRequest<TReq>;
  try {
    correlationPathOf(replyChannel); // fail fast when the reply side cannot be correlated
    prepared = prepareRequest(requestChannel, data, options.correlationId);
  } catch (err) {
    return Promise.reject(err);
  }
  const id = prepared.correlationId;

  return new Promise<Reply<TRep, PRep>>((resolve, reject) => {
    let done = false;
    let router: ReplyRouter | undefined;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void =>
      finish(null, new RequestAbortedError(`${requestChannel.id} request ${id} aborted`, signal?.reason));

    function finish(reply: Reply<unknown, string> | null, error: Error | null): void {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (router && router.pending.get(id) === pending) router.pending.delete(id);
      if (error) reject(error);
      else resolve(reply as Reply<TRep, PRep>);
    }
    const pending: Pending = { settle: finish, channel: requestChannel.id };

    if (timeoutMs > 0) {
      timer = setTimeout(() => finish(null, new RequestTimeoutError(requestChannel.id, replyChannel.id, id, timeoutMs)), timeoutMs);
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    let r: ReplyRouter;
    try {
      r = replyRouterFor(client, replyChannel, options.replyParams, options.logger);
    } catch (err) {
      finish(null, err as Error);
      return;
    }
    r.ready.then(
      () => {
        if (done) return;
        if (r.pending.has(id)) {
          finish(null, new DuplicateCorrelationError(requestChannel.id, id));
          return;
        }
        router = r;
        r.pending.set(id, pending);
        const publishOptions: { params?: Record<PReq, string>; correlate?: string } = {};
        if (options.params) publishOptions.params = options.params;
        if (prepared.correlate !== undefined) publishOptions.correlate = prepared.correlate;
        client.publish(requestChannel, prepared.data, publishOptions).then(
          () => undefined,
          (err: unknown) => finish(null, err instanceof Error ? err : new Error(String(err))),
        );
      },
      (err: unknown) => finish(null, err instanceof Error ? err : new Error(String(err))),
    );
  });
}
