/** An in-memory stand-in for the MQTT.js client (the MqttTransport slice), for unit tests only. */
import { EventEmitter } from 'node:events';
import type { IClientPublishOptions, IPublishPacket, ISubscriptionGrant } from 'mqtt';
import type { MqttConnectOptions, MqttFactory, MqttTransport } from '../../../runtime/index.js';

export interface Sent {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

export class FakeMqtt extends EventEmitter implements MqttTransport {
  connected = false;
  options: MqttConnectOptions = {};
  stream?: MqttTransport['stream'];
  sent: Sent[] = [];
  subscribed: string[] = [];
  unsubscribed: string[] = [];
  ended = 0;
  /** Wire operations in order: 'sub:<filter>', 'pub:<topic>'. */
  ops: string[] = [];
  /** Inbound packets acknowledged: handleMessage called back without an error (MQTT.js then sends the PUBACK), or
   *  a deferred acknowledgement sent later through `_sendPacket` (see runtime/mqtt-internals.ts). */
  acked = 0;
  /** Inbound packets whose handleMessage callback got an error: MQTT.js reads on without acknowledging them. */
  deferred = 0;
  /** Packet ids of the acknowledgements sent through `_sendPacket`, in order. */
  lateAcks: number[] = [];
  #nextInboundId = 1;
  /** When set, publish callbacks get this error (then it is cleared if `once`). */
  failNext: { err: Error; times: number } | undefined;
  /** When true, QoS>0 publishes never get their callback (no PUBACK). */
  swallowAcks = false;

  handleMessage(_packet: IPublishPacket, callback: (err?: Error) => void): void {
    callback();
  }

  connectNow(): void {
    this.connected = true;
    this.emit('connect');
  }

  drop(): void {
    this.connected = false;
    this.emit('close');
  }

  publish(topic: string, payload: string | Buffer, opts: IClientPublishOptions, cb?: (err?: Error) => void): this {
    this.sent.push({ topic, payload: String(payload), qos: opts.qos ?? 0, retain: opts.retain ?? false });
    this.ops.push(`pub:${topic}`);
    // Like MQTT.js: a QoS 0 publish without a callback is written and forgotten (write errors surface as 'error').
    if (!cb) return this;
    if (this.failNext && this.failNext.times > 0) {
      this.failNext.times--;
      const err = this.failNext.err;
      setImmediate(() => cb(err));
      return this;
    }
    if (this.swallowAcks && (opts.qos ?? 0) > 0) return this;
    setImmediate(() => cb());
    return this;
  }

  async subscribeAsync(filter: string | Record<string, { qos: 0 | 1 | 2 }>, opts?: { qos: 0 | 1 | 2 }): Promise<ISubscriptionGrant[]> {
    const map = typeof filter === 'string' ? { [filter]: opts! } : filter;
    const grants: ISubscriptionGrant[] = [];
    for (const [f, o] of Object.entries(map)) {
      this.subscribed.push(f);
      this.ops.push(`sub:${f}`);
      grants.push({ topic: f, qos: o.qos });
    }
    return grants;
  }

  async unsubscribeAsync(filter: string | string[]): Promise<undefined> {
    for (const f of typeof filter === 'string' ? [filter] : filter) this.unsubscribed.push(f);
    return undefined;
  }

  async endAsync(): Promise<void> {
    this.ended++;
    this.connected = false;
  }

  end(): this {
    this.ended++;
    this.connected = false;
    return this;
  }

  /** Feeds one inbound message the way MQTT.js 5.16 does: 'message', then handleMessage, whose callback either
   *  acknowledges (no error) or reads on without acknowledging (an error). Returns the packet id. */
  deliver(topic: string, payload: string | Buffer | object, qos: 0 | 1 = 0): number {
    const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
    const messageId = this.#nextInboundId++;
    const packet = { cmd: 'publish', topic, payload: buf, qos, retain: false, dup: false, messageId } as IPublishPacket;
    this.emit('message', topic, buf, packet);
    this.handleMessage(packet, (err) => {
      if (err) this.deferred++;
      else if (qos > 0) this.acked++;
    });
    return messageId;
  }

  /** MQTT.js's private packet writer, as runtime/mqtt-internals.ts uses it for deferred acknowledgements. */
  _sendPacket(packet: { cmd: string; messageId: number }, cb?: () => void): void {
    if (packet.cmd === 'puback' || packet.cmd === 'pubcomp') {
      this.acked++;
      this.lateAcks.push(packet.messageId);
    }
    cb?.();
  }
}

/** A factory that connects on the next tick (or never, with autoConnect false). */
export function fakeFactory(fake: FakeMqtt, autoConnect = true): MqttFactory {
  return (options) => {
    fake.options = options;
    if (autoConnect) setImmediate(() => fake.connectNow());
    return fake;
  };
}

export interface CapturedLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A pino-shaped logger that records everything. */
export function captureLogger(): { logger: import('../../../runtime/index.js').Logger; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const at = (level: string) => (objOrMsg: object | string, msg?: string) => {
    if (typeof objOrMsg === 'string') lines.push({ level, obj: {}, msg: objOrMsg });
    else lines.push({ level, obj: objOrMsg as Record<string, unknown>, msg });
  };
  const logger = {
    trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'),
    isLevelEnabled: () => true,
  };
  return { logger, lines };
}
