/**
 * A tiny in-memory bus implementing the slice of BusClient that request()/streamReplies() use: publish frames
 * the message per the descriptor (Envelope or bare), JSON round-trips it, and delivers it asynchronously to
 * every subscription whose topic filter matches, the way the runtime would (data, envelope | null, meta).
 */
import type { ChannelDescriptor, Envelope, Framing, ValidationResult } from '../../../runtime/descriptor.js';
import type { ReplyMeta, RequestBus } from '../../../runtime/request.js';
import type { StatusEvent, Subscription } from '../../../runtime/types.js';

const ok: ValidationResult = { ok: true };

export function descriptor<T = any, P extends string = never>(
  id: string,
  address: string,
  opts: { type?: string; bare?: boolean; correlation?: string; reply?: string; parameters?: P[] } = {},
): ChannelDescriptor<T, P> {
  const framing: Framing = opts.bare
    ? { kind: 'bare' }
    : { kind: 'envelope', eventType: opts.type ?? id, acceptedTypes: [opts.type ?? id], acceptBare: true, publishBare: false };
  return {
    id,
    address,
    parameters: opts.parameters ?? [],
    qos: 1,
    retain: false,
    framing,
    validateData: () => ok,
    validateEnvelope: opts.bare ? null : () => ok,
    correlation: opts.correlation ? { location: opts.correlation } : null,
    reply: opts.reply ?? null,
  };
}

interface Sub {
  filter: string;
  channel: ChannelDescriptor<any, any>;
  handler: (data: any, envelope: Envelope<any> | null, meta: ReplyMeta<any>) => void | Promise<void>;
  active: boolean;
}

function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

function fill(address: string, params: Record<string, string | undefined> = {}, wildcard = '+'): string {
  return address.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? wildcard);
}

let counter = 0;

export class FakeBus implements RequestBus {
  readonly subs: Sub[] = [];
  readonly published: { topic: string; wire: unknown }[] = [];
  subscribeCalls = 0;
  unsubscribeCalls = 0;
  failPublish: Error | null = null;
  private statusListeners: ((s: StatusEvent) => void)[] = [];
  private onPublish: ((channel: ChannelDescriptor<any, any>, wire: any, bus: FakeBus) => void) | null = null;

  constructor(readonly clientId = 'fake') {}

  /** React to every publish (e.g. a responder stub). */
  responder(fn: (channel: ChannelDescriptor<any, any>, wire: any, bus: FakeBus) => void): void {
    this.onPublish = fn;
  }

  async publish<T, P extends string, I extends string | undefined>(
    channel: ChannelDescriptor<T, P, I>,
    data: T,
    options: { params?: Record<P, string>; correlate?: string } = {},
  ): Promise<I> {
    if (this.failPublish) throw this.failPublish;
    const topic = fill(channel.address, options.params);
    let wire: unknown;
    let id: string | undefined;
    if (channel.framing.kind === 'envelope' && !channel.framing.publishBare) {
      id = options.correlate ?? `env-${++counter}`;
      wire = { id, type: channel.framing.eventType, ts: Date.now() / 1000, source: this.clientId, data };
    } else wire = data;
    this.deliverWire(topic, wire);
    this.onPublish?.(channel, JSON.parse(JSON.stringify(wire)), this);
    return id as I;
  }

  /** Put a wire message (envelope or bare object) on a topic, as another client would. */
  deliverWire(topic: string, wire: unknown): void {
    const json = JSON.stringify(wire);
    this.published.push({ topic, wire: JSON.parse(json) });
    setImmediate(() => {
      for (const sub of [...this.subs]) {
        if (!sub.active || !topicMatches(sub.filter, topic)) continue;
        const msg = JSON.parse(json);
        const isEnv = sub.channel.framing.kind === 'envelope' && msg && typeof msg === 'object' && 'type' in msg && 'data' in msg;
        const data = isEnv ? msg.data : msg;
        const envelope = isEnv ? (msg as Envelope<unknown>) : null;
        const meta: ReplyMeta<string> = { topic, channel: sub.channel.id, params: {}, qos: 1, retain: false };
        void sub.handler(data, envelope, meta);
      }
    });
  }

  async subscribe<T, P extends string>(
    channel: ChannelDescriptor<T, P>,
    handler: (data: T, envelope: Envelope<T> | null, meta: ReplyMeta<P>) => void | Promise<void>,
    options: { params?: Partial<Record<P, string>> } = {},
  ): Promise<Subscription> {
    this.subscribeCalls++;
    await new Promise((r) => setImmediate(r));
    const sub: Sub = { filter: fill(channel.address, options.params as Record<string, string>), channel, handler: handler as Sub['handler'], active: true };
    this.subs.push(sub);
    return {
      filter: sub.filter,
      stats: () => ({ running: 0, queued: 0, queuedBytes: 0, waiting: 0, dropped: 0 }),
      unsubscribe: async () => {
        if (!sub.active) return;
        sub.active = false;
        this.unsubscribeCalls++;
        this.subs.splice(this.subs.indexOf(sub), 1);
      },
    };
  }

  on(_event: 'status', listener: (s: StatusEvent) => void): () => void {
    this.statusListeners.push(listener);
    return () => {
      this.statusListeners = this.statusListeners.filter((l) => l !== listener);
    };
  }

  close(): void {
    for (const l of this.statusListeners) l({ type: 'closed', reason: { kind: 'closed' } });
  }

  activeSubscriptions(channelId?: string): number {
    return this.subs.filter((s) => s.active && (!channelId || s.channel.id === channelId)).length;
  }
}

// Descriptors shaped like the TARS ones (validators accept anything; framing/correlation are what matter here).
export const llmRequest = descriptor<{ id: string; text: string; stream?: boolean }>('llmRequest', 'llm/request', {
  type: 'llm.request', correlation: '$message.payload#/data/id', reply: 'llmResponse',
});
export const llmResponse = descriptor<{ id: string; reply?: string | null; error?: string | null }>('llmResponse', 'llm/response', {
  type: 'llm.response', correlation: '$message.payload#/data/id',
});
export const llmStream = descriptor<{ id: string; seq?: number | null; delta?: string | null; done?: boolean }>('llmStream', 'llm/stream', {
  type: 'llm.stream', correlation: '$message.payload#/data/id',
});
export const memoryQuery = descriptor<{ text: string; top_k?: number }>('memoryQuery', 'memory/query', {
  type: 'memory.query', correlation: '$message.payload#/id', reply: 'memoryResults',
});
export const memoryResults = descriptor<{ query: string; k: number; results: unknown[] }>('memoryResults', 'memory/results', {
  type: 'memory.results', correlation: '$message.payload#/id',
});
export const cameraCapture = descriptor<{ request_id?: string; message_id?: string }>('cameraCapture', 'camera/capture', {
  type: 'camera.capture', correlation: '$message.payload#/data/request_id', reply: 'cameraImage',
});
export const cameraImage = descriptor<{ request_id: string; data?: string }>('cameraImage', 'camera/image', {
  type: 'camera.image', correlation: '$message.payload#/data/request_id',
});
