/**
 * The slice of MQTT.js the client uses, so unit tests can inject a fake. The real MqttClient satisfies it.
 */
import type { IClientOptions, IClientPublishOptions, IConnackPacket, IPublishPacket, ISubscriptionGrant, Packet } from 'mqtt';

export type MessageListener = (topic: string, payload: Buffer, packet: IPublishPacket) => void;

export interface MqttTransport {
  connected: boolean;
  options: IClientOptions;
  /** The socket of the current connection (TCP or TLS; WebSocket streams have no setNoDelay). A stream
   *  with `writableNeedDrain` and `once`/`removeListener` lets QoS 0 publishes wait for 'drain' together. */
  stream?: {
    setNoDelay?(noDelay?: boolean): unknown;
    readonly writableNeedDrain?: boolean;
    once?(event: 'drain' | 'close', l: () => void): unknown;
    removeListener?(event: 'drain' | 'close', l: () => void): unknown;
    destroy?(): unknown;
  };
  /** MQTT.js: true after end() was called (a publish then fails with 'client disconnecting'). */
  disconnecting?: boolean;
  /** MQTT.js internals: while it replays its store after a CONNACK, new publishes wait in this queue. */
  _storeProcessing?: boolean;
  _storeProcessingQueue?: readonly unknown[];
  on(event: 'connect', l: (connack: IConnackPacket) => void): unknown;
  on(event: 'message', l: MessageListener): unknown;
  on(event: 'error', l: (err: Error) => void): unknown;
  on(event: 'offline' | 'end', l: () => void): unknown;
  prependListener(event: 'close', l: () => void): unknown;
  /** Without `cb` (QoS 0 only): MQTT.js adds no per-message 'drain' listener. */
  publish(topic: string, payload: string | Buffer, opts: IClientPublishOptions, cb?: (err?: Error) => void): unknown;
  subscribeAsync(filter: string, opts: { qos: 0 | 1 | 2 }): Promise<ISubscriptionGrant[]>;
  /** Several filters in one SUBSCRIBE packet. */
  subscribeAsync(filters: Record<string, { qos: 0 | 1 | 2 }>): Promise<ISubscriptionGrant[]>;
  unsubscribeAsync(filter: string | string[]): Promise<Packet | undefined>;
  endAsync(force?: boolean): Promise<void>;
  /** MQTT.js ignores a second end() (even forced) once one is under way. */
  end(force?: boolean): unknown;
  /** Overridden for flow control: MQTT.js reads the next packet only after `callback`. */
  handleMessage(packet: IPublishPacket, callback: (err?: Error) => void): void;
  getLastMessageId?(): number;
  removeOutgoingMessage?(messageId: number): unknown;
}

export type MqttFactory = (options: IClientOptions) => MqttTransport;
