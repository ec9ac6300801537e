/**
 * Every use of MQTT.js beyond its documented API, in one place. `mqtt` is pinned to an exact version in
 * package.json and test/integration/mqtt-internals.test.ts checks each assumption below against the real library
 * and a real broker; a new MQTT.js version must pass that file before the pin moves.
 *
 * 1. Deferred acknowledgement (MQTT.js 5.16.0 lib/handlers/publish.js and pubrel.js): the callback handed to
 *    `handleMessage(packet, callback)` sends the PUBACK (QoS 1) or the PUBCOMP (QoS 2), then lets MQTT.js take
 *    the next inbound packet. Called with an error it skips the acknowledgement and still lets MQTT.js go on
 *    (`if (err) return done(err)`, and `done` only schedules the next packet). So `deferAck(callback)` keeps
 *    PUBACKs, SUBACKs and PINGRESPs flowing while a message's acknowledgement waits, and `sendAck()` sends it
 *    later with MQTT.js's private `_sendPacket` (for QoS 2 also removing the message from the incoming store and
 *    the inbound QoS 2 tracking, which the skipped callback would have done).
 * 2. QoS 0 fast path: MQTT.js queues a publish while it replays its outgoing store after a CONNACK
 *    (`_storeProcessing`, `_storeProcessingQueue`); a publish written directly must not overtake those.
 */
import type { InboundPacket, MqttTransport } from './transport.js';

/** The private members used (MQTT.js 5.16.0). */
interface MqttPrivate {
  _sendPacket?(packet: { cmd: 'puback' | 'pubcomp'; messageId: number }, cb?: (err?: Error) => void): void;
  _releaseIncomingQoS2Publish?(messageId: number): void;
  incomingStore?: { del(packet: { messageId?: number }, cb: (err?: Error) => void): unknown };
  _storeProcessing?: boolean;
  _storeProcessingQueue?: readonly unknown[];
}

/** Passed to handleMessage's callback: skip the acknowledgement, go on reading. Never surfaces anywhere. */
const DEFERRED = Object.freeze(new Error('acknowledgement deferred by tars-contracts'));

function noop(): void {}

/** Lets MQTT.js read the next packet without acknowledging this one. */
export function deferAck(callback: (err?: Error) => void): void {
  callback(DEFERRED);
}

/** True when this MQTT.js client can send a deferred acknowledgement later (the real library can). */
export function canDeferAcks(mqtt: MqttTransport): boolean {
  return typeof (mqtt as unknown as MqttPrivate)._sendPacket === 'function';
}

/** Sends the acknowledgement that deferAck() skipped: PUBACK for QoS 1, PUBCOMP for QoS 2. */
export function sendAck(mqtt: MqttTransport, packet: InboundPacket): void {
  const m = mqtt as unknown as MqttPrivate;
  const messageId = packet.messageId;
  if (messageId === undefined || m._sendPacket === undefined) return;
  if (packet.qos === 2) {
    m.incomingStore?.del({ messageId }, noop);
    m._releaseIncomingQoS2Publish?.(messageId);
    m._sendPacket({ cmd: 'pubcomp', messageId }, noop);
  } else {
    m._sendPacket({ cmd: 'puback', messageId }, noop);
  }
}

/** True when a QoS 0 publish handed to MQTT.js now goes straight to the socket (not into its replay queue). */
export function writesImmediately(mqtt: MqttTransport): boolean {
  const m = mqtt as unknown as MqttPrivate;
  if (!mqtt.connected || mqtt.disconnecting === true || m._storeProcessing === true) return false;
  const q = m._storeProcessingQueue;
  return q === undefined || q.length === 0;
}
