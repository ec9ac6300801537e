/**
 * Clearing a retained topic: MQTT removes the retained message of a topic when an empty (zero-byte) retained
 * message is published on it. Generated `clearX()` functions call this with the channel's descriptor.
 */
import type { ChannelDescriptor } from './descriptor.js';
import { buildTopic } from './topic.js';
import type { BusClient } from './types.js';

/**
 * Publish the empty retained message that clears `channel`'s concrete topic, at the channel's QoS. Parameter
 * values are checked as on publish (non-empty, no '/', '+', '#', NUL: InvalidTopicError). Nothing is validated
 * or framed: the empty message is not a payload of the channel.
 */
export function clearRetained<P extends string>(
  client: Pick<BusClient, 'publishRaw'>,
  channel: ChannelDescriptor<never, P>,
  params?: Readonly<Record<P, string>>,
): Promise<void> {
  let topic: string;
  try {
    topic = channel.parameters.length === 0 ? channel.address : buildTopic(channel.address, params);
  } catch (err) {
    return Promise.reject(err);
  }
  return client.publishRaw(topic, '', { qos: channel.qos, retain: true });
}
