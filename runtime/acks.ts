/**
 * Acknowledgement of inbound QoS 1/2 messages, without ever holding MQTT.js's packet queue.
 *
 * MQTT.js emits 'message' and then, synchronously, calls `handleMessage(packet, callback)` for the same packet.
 * While the client routes the message (in its 'message' listener) a subscription that cannot acknowledge it yet
 * takes a ticket with `hold()`. In `handleMessage`, a message nobody holds is acknowledged at once (the plain
 * callback); a held one gets `deferAck` (MQTT.js goes on with the next packet, no PUBACK), and its PUBACK/PUBCOMP
 * is sent when the last holder releases its ticket. A ticket belongs to one connection: after a reconnect its
 * acknowledgement would name a packet id of a connection that is gone, so it is not sent (a persistent session
 * gets the message again). The connection number changes when the socket closes, not at the next 'connect' event:
 * MQTT.js emits 'connect' only after replaying its own unacknowledged publishes, and the broker's redeliveries
 * arrive before that, on the new connection.
 *
 * Messages the client does not route (it is closing) are never acknowledged: a persistent session gets them again.
 */
import type { AckTicket } from './dispatch-queue.js';
import { deferAck, sendAck } from './mqtt-internals.js';
import type { InboundPacket, MqttTransport } from './transport.js';

class Ticket implements AckTicket {
  holders = 0;
  /** handleMessage deferred the acknowledgement: the last release sends it. */
  armed = false;
  constructor(
    readonly owner: InboundAcks,
    readonly packet: InboundPacket,
    readonly connection: number,
  ) {}

  retain(): AckTicket {
    this.holders++;
    return this;
  }

  release(): void {
    if (this.holders <= 0) return;
    if (--this.holders === 0 && this.armed) this.owner.send(this);
  }
}

export class InboundAcks {
  readonly #mqtt: MqttTransport;
  #connection = 0;
  /** The packet being routed between 'message' and handleMessage, and its ticket once someone holds it. */
  #packet: InboundPacket | undefined;
  #ticket: Ticket | undefined;

  constructor(mqtt: MqttTransport) {
    this.#mqtt = mqtt;
  }

  /** The connection closed: its tickets are void. */
  disconnected(): void {
    this.#connection++;
  }

  /** The 'message' listener is about to route `packet`. */
  begin(packet: InboundPacket): void {
    this.#packet = packet;
    this.#ticket = undefined;
  }

  /** Withholds the acknowledgement of the message being routed; null for QoS 0 (nothing to withhold). */
  readonly hold = (): AckTicket | null => {
    const packet = this.#packet;
    if (packet === undefined || packet.qos === 0) return null;
    let t = this.#ticket;
    if (t === undefined) {
      t = new Ticket(this, packet, this.#connection);
      this.#ticket = t;
    }
    t.holders++;
    return t;
  };

  /** Installed as MQTT.js's handleMessage. */
  readonly handleMessage = (packet: InboundPacket, callback: (err?: Error) => void): void => {
    if (packet !== this.#packet) {
      deferAck(callback);
      return;
    }
    const t = this.#ticket;
    this.#packet = undefined;
    this.#ticket = undefined;
    if (t === undefined || t.holders === 0) {
      callback();
      return;
    }
    t.armed = true;
    deferAck(callback);
  };

  send(t: Ticket): void {
    // MQTT.js would queue a PUBACK written while disconnected and send it on the next connection.
    if (t.connection === this.#connection && this.#mqtt.connected) sendAck(this.#mqtt, t.packet);
  }
}
