/**
 * Concrete topics → channels of one contract. Generated code hands over its descriptors; the resolution
 * and the validate-by-topic entry points live here, once, instead of in every generated output.
 */
import type { AnyChannelDescriptor, ValidationResult } from './descriptor.js';

/** A concrete topic resolved to its channel, with the parameter values taken from the topic levels. */
export interface ResolvedTopic<C extends AnyChannelDescriptor = AnyChannelDescriptor> {
  readonly channel: C;
  readonly params: Readonly<Record<string, string>>;
}

/** Allowed values of enum parameters, by channel id then parameter name. */
export type ParameterEnums = { readonly [channel: string]: { readonly [param: string]: readonly string[] } };

export interface TopicCatalog<C extends AnyChannelDescriptor = AnyChannelDescriptor> {
  resolveTopic(topic: string): ResolvedTopic<C> | null;
  validatePayload(topic: string, data: unknown): ValidationResult;
  validateEnvelope(topic: string, envelope: unknown): ValidationResult;
}

interface TopicNode<C> {
  readonly literal: Map<string, TopicNode<C>>;
  param: TopicNode<C> | null;
  channel: C | null;
}

const newNode = <C>(): TopicNode<C> => ({ literal: new Map(), param: null, channel: null });

/**
 * Address templates as a tree of topic levels (literal levels by name, one child for `{parameter}` levels),
 * so resolving costs one step per level whatever the number of channels. A literal level wins over a
 * parameter level (`a/b` resolves to the channel `a/b` before `a/{x}`); a parameter with an enum matches
 * only its listed values; topics with `+` or `#` match nothing.
 */
export function createTopicCatalog<C extends AnyChannelDescriptor>(
  contractTitle: string,
  channels: readonly C[],
  parameterEnums: ParameterEnums = {},
): TopicCatalog<C> {
  const root = newNode<C>();
  for (const channel of channels) {
    let node = root;
    for (const level of channel.address.split('/')) {
      if (level.startsWith('{') && level.endsWith('}')) node = node.param ??= newNode();
      else {
        let next = node.literal.get(level);
        if (!next) node.literal.set(level, (next = newNode()));
        node = next;
      }
    }
    node.channel = channel;
  }

  const accepts = (channel: C, values: readonly string[]): boolean => {
    const enums = parameterEnums[channel.id];
    if (!enums) return true;
    return channel.parameters.every((p, i) => {
      const allowed = enums[p];
      return allowed === undefined || allowed.includes(values[i]!);
    });
  };

  const match = (node: TopicNode<C>, levels: readonly string[], i: number, values: string[]): C | null => {
    if (i === levels.length) return node.channel && accepts(node.channel, values) ? node.channel : null;
    const level = levels[i]!;
    const lit = node.literal.get(level);
    if (lit) {
      const found = match(lit, levels, i + 1, values);
      if (found) return found;
    }
    if (node.param) {
      values.push(level);
      const found = match(node.param, levels, i + 1, values);
      if (found) return found;
      values.pop();
    }
    return null;
  };

  const resolveTopic = (topic: string): ResolvedTopic<C> | null => {
    if (topic.includes('+') || topic.includes('#')) return null;
    const values: string[] = [];
    const channel = match(root, topic.split('/'), 0, values);
    if (!channel) return null;
    const params: Record<string, string> = {};
    channel.parameters.forEach((p, i) => (params[p] = values[i]!));
    return { channel, params };
  };

  const unknownTopic = (topic: string): ValidationResult => ({
    ok: false,
    errors: [{ path: '', rule: 'topic', message: `unknown topic ${JSON.stringify(topic)}: no channel of ${contractTitle} matches it` }],
  });

  return {
    resolveTopic,
    validatePayload(topic, data) {
      const resolved = resolveTopic(topic);
      return resolved ? resolved.channel.validateData(data) : unknownTopic(topic);
    },
    validateEnvelope(topic, envelope) {
      const resolved = resolveTopic(topic);
      if (!resolved) return unknownTopic(topic);
      const { channel } = resolved;
      return channel.validateEnvelope ? channel.validateEnvelope(envelope) : channel.validateData(envelope);
    },
  };
}
