/**
 * Concrete topics → channels of one contract. Generated code hands over its descriptors; the resolution
 * and the validate-by-topic entry points live here, once, instead of in every generated output.
 */
import type { AnyChannelDescriptor, ValidationResult } from './descriptor.js';
import { parseTopic } from './topic.js';

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
  /** Channels whose address ends here (several when a document gives two channels one address). */
  readonly channels: C[];
}

const newNode = <C>(): TopicNode<C> => ({ literal: new Map(), param: null, channels: [] });

/**
 * Address templates as a tree of topic levels (literal levels by name, one child for levels with a parameter), so
 * resolving costs one step per level whatever the number of channels. A literal level wins over a parameter level
 * (`a/b` resolves to the channel `a/b` before `a/{x}`); a level that mixes text with a parameter (`dev-{id}`) must
 * match its pattern; a parameter with an enum matches only its listed values; topics with `+` or `#` match nothing.
 */
export function createTopicCatalog<C extends AnyChannelDescriptor>(
  contractTitle: string,
  channels: readonly C[],
  parameterEnums: ParameterEnums = {},
): TopicCatalog<C> {
  const root = newNode<C>();
  // Each channel's address with its parameter names dropped (`a/{x}` and `a/{y}` are one template), once.
  const templates = new Map<C, string>(channels.map((c) => [c, c.address.replace(/\{[^{}]*\}/g, '{}')]));
  for (const channel of channels) {
    if (channel.address === '') continue;
    let node = root;
    for (const level of channel.address.split('/')) {
      if (level.includes('{')) node = node.param ??= newNode();
      else {
        let next = node.literal.get(level);
        if (!next) node.literal.set(level, (next = newNode()));
        node = next;
      }
    }
    node.channels.push(channel);
  }

  /** The channel's parameters for `topic`, or null when the topic breaks its pattern or an enum. */
  const paramsOf = (channel: C, topic: string): Record<string, string> | null => {
    const params = parseTopic(channel.address, topic);
    if (params === null) return null;
    const enums = parameterEnums[channel.id] ?? channel.parameterEnums;
    if (enums && channel.parameters.some((p) => enums[p] !== undefined && !enums[p]!.includes(params[p]!))) return null;
    return params;
  };

  /** Every channel whose address fits `levels`, literal levels first. */
  const candidates = (node: TopicNode<C>, levels: readonly string[], i: number, out: C[]): void => {
    if (i === levels.length) {
      out.push(...node.channels);
      return;
    }
    const lit = node.literal.get(levels[i]!);
    if (lit) candidates(lit, levels, i + 1, out);
    if (node.param) candidates(node.param, levels, i + 1, out);
  };

  const resolveAll = (topic: string): ResolvedTopic<C>[] => {
    if (topic.includes('+') || topic.includes('#')) return [];
    const found: C[] = [];
    candidates(root, topic.split('/'), 0, found);
    const out: ResolvedTopic<C>[] = [];
    for (const channel of found) {
      const params = paramsOf(channel, topic);
      if (params !== null) out.push({ channel, params });
    }
    return out;
  };

  const resolveTopic = (topic: string): ResolvedTopic<C> | null => resolveAll(topic)[0] ?? null;

  /** Valid for the topic's channel, or for any channel sharing its address template (`a/{x}` and `a/{y}` are one), else
   *  the first one's errors. (A more general template the topic also fits, like `a/{x}` for `a/b`, does not count:
   *  the literal wins.) */
  const validateBy = (topic: string, check: (channel: C) => ValidationResult): ValidationResult => {
    const all = resolveAll(topic);
    if (all.length === 0) return unknownTopic(topic);
    const shape = templates.get(all[0]!.channel);
    let first: ValidationResult | undefined;
    for (const { channel } of all) {
      if (templates.get(channel) !== shape) break;
      const r = check(channel);
      if (r.ok) return r;
      first ??= r;
    }
    return first!;
  };

  const unknownTopic = (topic: string): ValidationResult => ({
    ok: false,
    errors: [{ path: '', rule: 'topic', message: `unknown topic ${JSON.stringify(topic)}: no channel of ${contractTitle} matches it` }],
  });

  return {
    resolveTopic,
    validatePayload: (topic, data) => validateBy(topic, (channel) => channel.validateData(data)),
    validateEnvelope: (topic, envelope) =>
      validateBy(topic, (channel) => (channel.validateEnvelope ? channel.validateEnvelope(envelope) : channel.validateData(envelope))),
  };
}
