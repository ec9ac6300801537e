/**
 * Wait for messages on a channel: nextMessage() resolves with the next valid (and `where`-matching) message and
 * unsubscribes; collectMessages() gathers several. Both return a promise with a `ready` promise attached that
 * resolves once the subscription is in place, so a test can subscribe, then trigger, then await:
 *
 *   const next = nextMessage(bus, ttsSayChannel, { where: (d) => d.utt_id === id });
 *   await next.ready;
 *   await publishSomething();
 *   const { data, envelope, meta } = await next;
 */
import type { ChannelDescriptor, Envelope, Reply, ReplyMeta, RequestBus } from '@tars-contracts/runtime';

export type Waiting<T> = Promise<T> & { readonly ready: Promise<void> };

export class MessageTimeoutError extends Error {
  override readonly name = 'MessageTimeoutError';
  readonly code = 'MESSAGE_TIMEOUT';
  constructor(readonly channel: string, readonly timeoutMs: number, readonly received: number, readonly wanted?: number) {
    super(
      wanted === undefined
        ? `no matching message on ${channel} within ${timeoutMs} ms`
        : `only ${received} of ${wanted} matching message(s) on ${channel} within ${timeoutMs} ms`,
    );
  }
}

export interface NextMessageOptions<T, P extends string> {
  params?: Partial<Record<P, string>>;
  /** Default 5000. */
  timeoutMs?: number;
  where?: (data: T, envelope: Envelope<T> | null, meta: ReplyMeta<P>) => boolean;
}

export interface CollectOptions<T, P extends string> extends NextMessageOptions<T, P> {
  /** Resolve as soon as this many messages arrived (rejects with MessageTimeoutError after timeoutMs if fewer). */
  count?: number;
  /** Without `count`: resolve with whatever arrived after this long (default: timeoutMs). */
  durationMs?: number;
}

function waiting<T, D, P extends string>(
  client: RequestBus,
  channel: ChannelDescriptor<D, P>,
  params: Partial<Record<P, string>> | undefined,
  onMessage: (reply: Reply<D, P>, finish: (value: T | null, error: Error | null) => void) => void,
  onTimeout: (finish: (value: T | null, error: Error | null) => void) => void,
  timeoutMs: number,
): Waiting<T> {
  let readyResolve!: () => void;
  let readyReject!: (e: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  ready.catch(() => undefined);
  const result = new Promise<T>((resolve, reject) => {
    let done = false;
    let sub: { unsubscribe(): Promise<void> } | null = null;
    let timer: NodeJS.Timeout | undefined;
    const finish = (value: T | null, error: Error | null): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      const settle = () => (error ? reject(error) : resolve(value as T));
      if (sub) void sub.unsubscribe().catch(() => undefined).then(settle);
      else settle(); // unsubscribed once the subscribe call returns (below)
    };
    client
      .subscribe(
        channel,
        (data, envelope, meta) => {
          if (!done) onMessage({ data, envelope, meta }, finish);
        },
        params ? { params } : undefined,
      )
      .then(
        (s) => {
          sub = s;
          readyResolve();
          if (done) void s.unsubscribe().catch(() => undefined);
          else timer = setTimeout(() => onTimeout(finish), timeoutMs);
        },
        (err: unknown) => {
          readyReject(err);
          finish(null, err instanceof Error ? err : new Error(String(err)));
        },
      );
  });
  return Object.assign(result, { ready });
}

/** The next valid message on `channel` (matching `where`), as { data, envelope, meta }. */
export function nextMessage<T, P extends string>(
  client: RequestBus,
  channel: ChannelDescriptor<T, P>,
  options: NextMessageOptions<T, P> = {},
): Waiting<Reply<T, P>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return waiting<Reply<T, P>, T, P>(
    client,
    channel,
    options.params,
    (reply, finish) => {
      if (!options.where || options.where(reply.data, reply.envelope, reply.meta)) finish(reply, null);
    },
    (finish) => finish(null, new MessageTimeoutError(channel.id, timeoutMs, 0)),
    timeoutMs,
  );
}

/** Collect messages on `channel`: `count` of them, or all that arrive within `durationMs`. */
export function collectMessages<T, P extends string>(
  client: RequestBus,
  channel: ChannelDescriptor<T, P>,
  options: CollectOptions<T, P> = {},
): Waiting<Reply<T, P>[]> {
  const timeoutMs = options.count === undefined ? (options.durationMs ?? options.timeoutMs ?? 1000) : (options.timeoutMs ?? 5000);
  const out: Reply<T, P>[] = [];
  return waiting<Reply<T, P>[], T, P>(
    client,
    channel,
    options.params,
    (reply, finish) => {
      if (options.where && !options.where(reply.data, reply.envelope, reply.meta)) return;
      out.push(reply);
      if (options.count !== undefined && out.length >= options.count) finish(out, null);
    },
    (finish) =>
      options.count === undefined
        ? finish(out, null)
        : finish(null, new MessageTimeoutError(channel.id, timeoutMs, out.length, options.count)),
    timeoutMs,
  );
}
