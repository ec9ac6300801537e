/**
 * Routes each inbound message to the subscriptions whose filter matches. Exact filters are a Map lookup;
 * wildcard filters are a short list checked level by level. Several sinks may share one filter: the router
 * counts them so the caller subscribes at the broker for the first and unsubscribes after the last.
 */
import type { AckTicket } from './dispatch-queue.js';
import { compileFilter, matchFilter, type CompiledFilter } from './topic.js';
import type { InboundPacket } from './transport.js';

/** Withholds the acknowledgement of the message being delivered (null for QoS 0). */
export type HoldAck = () => AckTicket | null;

export interface Sink {
  deliver(topic: string, payload: Buffer, packet: InboundPacket, hold: HoldAck): void;
}

interface WildcardEntry<S> {
  readonly compiled: CompiledFilter;
  sinks: S[];
}

export class TopicRouter<S extends Sink = Sink> {
  readonly #exact = new Map<string, S[]>();
  readonly #wild: WildcardEntry<S>[] = [];

  /** Adds a sink; returns true when it is the first for this filter. */
  add(filter: string, sink: S): boolean {
    const compiled = compileFilter(filter);
    if (compiled.exact) {
      const list = this.#exact.get(filter);
      // Copy on write: a dispatch in progress keeps iterating the old array.
      this.#exact.set(filter, list ? [...list, sink] : [sink]);
      return list === undefined;
    }
    const entry = this.#wild.find((w) => w.compiled.filter === filter);
    if (entry) {
      entry.sinks = [...entry.sinks, sink];
      return false;
    }
    this.#wild.push({ compiled, sinks: [sink] });
    return true;
  }

  /** Removes a sink; returns true when it was the last for this filter. */
  remove(filter: string, sink: S): boolean {
    const list = this.#exact.get(filter);
    if (list) {
      const rest = list.filter((s) => s !== sink);
      if (rest.length === list.length) return false;
      if (rest.length === 0) this.#exact.delete(filter);
      else this.#exact.set(filter, rest);
      return rest.length === 0;
    }
    const i = this.#wild.findIndex((w) => w.compiled.filter === filter);
    if (i < 0) return false;
    const entry = this.#wild[i]!;
    const rest = entry.sinks.filter((s) => s !== sink);
    if (rest.length === entry.sinks.length) return false;
    if (rest.length === 0) this.#wild.splice(i, 1);
    else entry.sinks = rest;
    return rest.length === 0;
  }

  /** Number of sinks on a filter. */
  count(filter: string): number {
    return this.#exact.get(filter)?.length ?? this.#wild.find((w) => w.compiled.filter === filter)?.sinks.length ?? 0;
  }

  /** Delivers to every matching sink; returns how many matched. */
  dispatch(topic: string, payload: Buffer, packet: InboundPacket, hold: HoldAck): number {
    let n = 0;
    const exact = this.#exact.get(topic);
    if (exact !== undefined) {
      for (let i = 0; i < exact.length; i++) exact[i]!.deliver(topic, payload, packet, hold);
      n += exact.length;
    }
    const wild = this.#wild;
    for (let w = 0; w < wild.length; w++) {
      const entry = wild[w]!;
      if (!matchFilter(entry.compiled, topic)) continue;
      const sinks = entry.sinks;
      for (let i = 0; i < sinks.length; i++) sinks[i]!.deliver(topic, payload, packet, hold);
      n += sinks.length;
    }
    return n;
  }
}
