/**
 * The slice of MQTT.js the client uses, so unit tests can inject a fake; the real MqttClient satisfies it. Written
 * here rather than imported from MQTT.js, so the runtime's public declarations never load MQTT.js's own (they pull in
 * @types/readable-stream, which TypeScript 5.3 rejects with skipLibCheck off).
 */

/** An inbound PUBLISH as MQTT.js hands it over (the fields the runtime reads; MQTT.js's IPublishPacket has more). */
export interface InboundPacket {
  readonly qos: 0 | 1 | 2;
  readonly retain: boolean;
  /** Present for QoS 1/2. */
  readonly messageId?: number | undefined;
}

/** The Last Will of a CONNECT. */
export interface MqttWill {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/** The MQTT.js client options the runtime sets (a subset of MQTT.js's IClientOptions). */
export interface MqttConnectOptions {
  protocol?: 'mqtt' | 'mqtts' | 'ws' | 'wss';
  hostname?: string;
  port?: number;
  path?: string;
  clientId?: string;
  keepalive?: number;
  clean?: boolean;
  protocolVersion?: 4 | 5;
  reconnectPeriod?: number;
  connectTimeout?: number;
  resubscribe?: boolean;
  queueQoSZero?: boolean;
  reconnectOnConnackError?: boolean;
  username?: string;
  password?: string;
  will?: MqttWill;
  properties?: { sessionExpiryInterval?: number; receiveMaximum?: number };
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
}

export type MessageListener = (topic: string, payload: Buffer, packet: InboundPacket) => void;

export interface MqttTransport {
  connected: boolean;
  options: MqttConnectOptions;
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
  on(event: 'connect', l: (connack: { sessionPresent?: boolean }) => void): unknown;
  on(event: 'message', l: MessageListener): unknown;
  on(event: 'error', l: (err: Error) => void): unknown;
  on(event: 'offline' | 'end', l: () => void): unknown;
  prependListener(event: 'close', l: () => void): unknown;
  /** Without `cb` (QoS 0 only): MQTT.js adds no per-message 'drain' listener. */
  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1 | 2; retain: boolean }, cb?: (err?: Error) => void): unknown;
  /** Resolves with each filter's granted QoS, or its refusal code (>= 0x80). */
  subscribeAsync(filter: string, opts: { qos: 0 | 1 | 2 }): Promise<{ topic: string; qos: number }[]>;
  /** Several filters in one SUBSCRIBE packet. */
  subscribeAsync(filters: Record<string, { qos: 0 | 1 | 2 }>): Promise<{ topic: string; qos: number }[]>;
  unsubscribeAsync(filter: string | string[]): Promise<unknown>;
  endAsync(force?: boolean): Promise<void>;
  /** MQTT.js ignores a second end() (even forced) once one is under way. */
  end(force?: boolean): unknown;
  /** Overridden for flow control: MQTT.js reads the next packet only after `callback`. */
  handleMessage(packet: InboundPacket, callback: (err?: Error) => void): void;
  getLastMessageId?(): number;
  removeOutgoingMessage?(messageId: number): unknown;
}

export type MqttFactory = (options: MqttConnectOptions) => MqttTransport;
