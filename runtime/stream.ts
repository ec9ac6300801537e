/**
 * Iterate the messages of one correlated reply stream (e.g. the llm/stream deltas of one llm/request).
 *
 * The subscription must exist before the request is published, or the first deltas are lost:
 *
 *   const deltas = await openStream(bus, llmStreamChannel, req.id, { until: (d) => d.done === true });
 *   const reply = await request(bus, llmRequestChannel, llmResponseChannel, req, { timeoutMs: 30_000 });
 *   for await (const { data } of deltas) process.stdout.write(data.delta ?? '');
 *
 * `streamReplies()` returns the iterator at once and subscribes in the background (`await stream.ready`);
 * `openStream()` is the same but resolves once the subscription is in place. Messages are buffered in
 * arrival order; the iterator ends after the message for which `until` returns true, and unsubscribes then,
 * on `return()` (a `break` out of `for await`), on the inactivity timeout, on abort, or when the client
 * closes (RequestClosedError).
 */
import type { ChannelDescriptor, Envelope } from './descriptor.js';
import { RequestAbortedError, RequestClosedError, StreamOverflowError, StreamTimeoutError } from './errors.js';
import { parsePointer } from './json-pointer.js';
import { MAX_TIMER_MS } from './options.js';
import { correlationOfMessage, correlationPathOf, DEFAULT_REQUEST_TIMEOUT_MS, type Reply, type ReplyMeta, type RequestBus } from './request.js';

/** Messages a reply stream keeps for a consumer that does not read, by default. */
export const DEFAULT_MAX_BUFFERED = 10_000;

export interface StreamOptions<T, P extends string = string> {
  /** The stream ends after the message for which this returns true (llm/stream: `(d) => d.done === true`).
   *  Default: the channel's `streamEnd` (the contract's `x-stream` last message); required for a channel without one. */
  until?: (data: T, envelope: Envelope<T> | null) => boolean;
  /** Inactivity timeout in ms: the iterator throws StreamTimeoutError when no matching message arrives for
   *  this long (counted from when the subscription is ready; before that it bounds the subscribe itself, with
   *  SubscribeTimeoutError). Default 30 000; 0 = none. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Messages kept for a consumer that does not read (default 10_000): past it the stream ends with
   *  StreamOverflowError. It does not push back on the broker, so a stream opened before its request (the usual
   *  pattern) never holds up that request's reply. */
  maxBuffered?: number;
  /** Parameters of the subscription (default '+' each). */
  params?: Partial<Record<P, string>>;
}

export interface ReplyStream<T, P extends string = string> extends AsyncIterableIterator<Reply<T, P>> {
  /** Resolves when the subscription is in place (rejects when subscribing failed). */
  readonly ready: Promise<void>;
  /** Messages received so far (matching ones only). */
  readonly received: number;
  /** Stop: drop buffered messages, unsubscribe. Same as `return()`. */
  close(): Promise<void>;
}

/** Start listening for `channel` messages whose correlation value is `correlationId`. */
export function streamReplies<T, P extends string>(
  client: RequestBus,
  channel: ChannelDescriptor<T, P>,
  correlationId: string,
  options: StreamOptions<T, P> = {},
): ReplyStream<T, P> {
  correlationPathOf(channel); // throws CorrelationError when the channel cannot be correlated
  const timeoutMs = Math.min(options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, MAX_TIMER_MS);
  const maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  const { signal } = options;
  const until = options.until ?? streamEndTest(channel);

  const buffer: Reply<T, P>[] = [];
  let waiter: { resolve: (r: IteratorResult<Reply<T, P>>) => void; reject: (e: Error) => void } | null = null;
  let finished = false; // no more messages accepted
  let failure: Error | null = null; // thrown once by next() after the buffer drains
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  let subscription: { unsubscribe(): Promise<void> } | null = null;
  let unsubscribing: Promise<void> | null = null;
  let ready: Promise<void> | undefined; // assigned right after subscribe() returns
  let offStatus: (() => void) | undefined;

  const unsubscribe = (): Promise<void> => {
    if (!unsubscribing) {
      // A microtask later `ready` is assigned even when a handler ran synchronously inside subscribe().
      unsubscribing = Promise.resolve().then(() => ready!).then(
        () => (subscription ? subscription.unsubscribe().catch(() => undefined) : undefined),
        () => undefined,
      );
    }
    return unsubscribing;
  };

  const stop = (error: Error | null): void => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    offStatus?.();
    if (error) failure = error;
    const unsubscribed = unsubscribe();
    if (waiter && buffer.length === 0) {
      // The pending next() settles once the subscription is gone, so "the loop ended" implies "unsubscribed".
      const w = waiter;
      waiter = null;
      void unsubscribed.then(() => {
        if (failure) {
          const f = failure;
          failure = null;
          w.reject(f);
        } else w.resolve({ value: undefined, done: true });
      });
    }
  };

  const arm = (): void => {
    if (timeoutMs <= 0 || finished) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => stop(new StreamTimeoutError(channel.id, correlationId, timeoutMs, received)), timeoutMs);
  };

  const onAbort = (): void => stop(new RequestAbortedError(`${channel.id} stream ${correlationId} aborted`, signal?.reason));

  const handler = (data: T, envelope: Envelope<T> | null, meta: ReplyMeta<P>): void => {
    if (finished) return;
    if (correlationOfMessage(channel, data, envelope) !== correlationId) return;
    received++;
    const item: Reply<T, P> = { data, envelope, meta };
    let last = false;
    try {
      last = until(data, envelope);
    } catch (err) {
      stop(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (waiter) {
      const w = waiter;
      waiter = null;
      w.resolve({ value: item, done: false });
    } else if (buffer.length >= maxBuffered) {
      stop(new StreamOverflowError(channel.id, correlationId, maxBuffered));
      return;
    } else buffer.push(item);
    if (last) stop(null);
    else arm();
  };

  // The subscribe itself honours the deadline and the signal too: while the client is offline it waits for the
  // reconnect, and a stream must not outlive its caller's patience meanwhile.
  const subscribeOptions: { params?: Partial<Record<P, string>>; timeoutMs: number; signal?: AbortSignal } = { timeoutMs };
  if (options.params) subscribeOptions.params = options.params;
  if (signal) subscribeOptions.signal = signal;
  ready = client.subscribe(channel, handler, subscribeOptions).then(
    (sub) => {
      subscription = sub; // if the stream already stopped, the unsubscribe() chained on `ready` removes it
      arm();
    },
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      stop(e);
      throw e;
    },
  );
  ready.catch(() => undefined); // surfaced through next()/ready, never as an unhandled rejection

  // A closed client delivers nothing more: end the stream like request() ends its wait.
  offStatus = client.on?.('status', (status) => {
    if (status.type === 'closed') stop(new RequestClosedError(channel.id, correlationId));
  });
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  const readyPromise = ready;
  const iterator: ReplyStream<T, P> = {
    ready: readyPromise,
    get received() {
      return received;
    },
    next(): Promise<IteratorResult<Reply<T, P>>> {
      const item = buffer.shift();
      if (item) return Promise.resolve({ value: item, done: false });
      if (finished) {
        return unsubscribe().then(() => {
          if (!failure) return { value: undefined, done: true } as IteratorResult<Reply<T, P>>;
          const f = failure;
          failure = null;
          throw f;
        });
      }
      if (waiter) return Promise.reject(new Error('streamReplies: next() called while a previous next() is pending'));
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    async return(): Promise<IteratorResult<Reply<T, P>>> {
      await iterator.close();
      return { value: undefined, done: true };
    },
    async close(): Promise<void> {
      buffer.length = 0;
      failure = null;
      stop(null);
      await unsubscribe();
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** The contract's end-of-stream test of a channel: its `streamEnd` value at its pointer (a TypeError without one). */
export function streamEndTest<T>(channel: ChannelDescriptor<T, string, string | undefined>): (data: T) => boolean {
  const end = channel.streamEnd;
  if (end === undefined) throw new TypeError(`channel ${channel.id} declares no stream end (x-stream): pass options.until`);
  const path = parsePointer(end.pointer);
  return (data) => {
    let cur: unknown = data;
    for (const key of path) cur = cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, key) ? (cur as Record<string, unknown>)[key] : undefined;
    return cur === end.equals;
  };
}

/** streamReplies(), resolved once the subscription is in place: publish the request after this. */
export async function openStream<T, P extends string>(
  client: RequestBus,
  channel: ChannelDescriptor<T, P>,
  correlationId: string,
  options: StreamOptions<T, P> = {},
): Promise<ReplyStream<T, P>> {
  const stream = streamReplies(client, channel, correlationId, options);
  await stream.ready;
  return stream;
}
