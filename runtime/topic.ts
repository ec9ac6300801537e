/**
 * MQTT topic filters and address templates ('system/health/{client_id}'). Matching goes level by level with
 * `+` (one level) and `#` (this level and all below, including the parent); filters that start with a
 * wildcard do not match `$`-topics (MQTT 3.1.1 §4.7.2). Nothing here allocates per match.
 */
import { InvalidTopicError } from './errors.js';

export interface CompiledFilter {
  readonly filter: string;
  readonly levels: readonly string[];
  /** The filter contains no wildcard: compare strings. */
  readonly exact: boolean;
}

export function compileFilter(filter: string): CompiledFilter {
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l === '#' && i !== levels.length - 1) throw new InvalidTopicError(filter, '#', "'#' must be the last level");
    if (l.length > 1 && (l.includes('+') || l.includes('#'))) {
      throw new InvalidTopicError(filter, l, "a wildcard must occupy a whole level");
    }
  }
  return { filter, levels, exact: !filter.includes('+') && !filter.includes('#') };
}

/** Matches a topic against a compiled filter without splitting the topic. */
export function matchFilter(f: CompiledFilter, topic: string): boolean {
  if (f.exact) return f.filter === topic;
  const levels = f.levels;
  if (topic.charCodeAt(0) === 36 /* $ */) {
    const l0 = levels[0];
    if (l0 === '+' || l0 === '#') return false;
  }
  let pos = 0;
  const n = levels.length;
  for (let i = 0; i < n; i++) {
    const l = levels[i]!;
    if (l === '#') return true;
    if (pos > topic.length) return false; // the topic ran out of levels
    let end = topic.indexOf('/', pos);
    if (end === -1) end = topic.length;
    if (l !== '+') {
      if (end - pos !== l.length || !topic.startsWith(l, pos)) return false;
    }
    pos = end + 1;
    if (end === topic.length && i < n - 1) {
      // Topic exhausted: only a trailing '#' (which also matches the parent level) can still match.
      return i === n - 2 && levels[n - 1] === '#';
    }
  }
  return pos > topic.length;
}

export function topicMatches(filter: string, topic: string): boolean {
  return matchFilter(compileFilter(filter), topic);
}

interface AddressTemplate {
  readonly address: string;
  /** Literal levels, or null where a parameter goes. */
  readonly literals: readonly (string | null)[];
  /** Parameter name per level (undefined for literal levels). */
  readonly names: readonly (string | undefined)[];
  readonly paramCount: number;
}

const templates = new Map<string, AddressTemplate>();

function template(address: string): AddressTemplate {
  let t = templates.get(address);
  if (t !== undefined) return t;
  const levels = address.split('/');
  const literals: (string | null)[] = [];
  const names: (string | undefined)[] = [];
  let paramCount = 0;
  for (const level of levels) {
    const m = /^\{([^{}]+)\}$/.exec(level);
    if (m) {
      literals.push(null);
      names.push(m[1]);
      paramCount++;
    } else {
      if (level.includes('{') || level.includes('}')) {
        throw new InvalidTopicError(address, level, 'a parameter must occupy a whole topic level');
      }
      literals.push(level);
      names.push(undefined);
    }
  }
  t = { address, literals, names, paramCount };
  templates.set(address, t);
  return t;
}

export type TopicMode = 'publish' | 'subscribe';

/**
 * Fills an address template. On publish every value must be a non-empty topic level without '/', '+', '#'
 * or NUL. On subscribe a value may be '+' (any value), and '#' for the last level; a missing value is '+'.
 */
export function buildTopic(
  address: string,
  params: Readonly<Record<string, string | undefined>> | undefined,
  mode: TopicMode = 'publish',
): string {
  const t = template(address);
  if (t.paramCount === 0) return address;
  let out = '';
  const n = t.literals.length;
  for (let i = 0; i < n; i++) {
    if (i > 0) out += '/';
    const lit = t.literals[i];
    if (lit !== null && lit !== undefined) {
      out += lit;
      continue;
    }
    const name = t.names[i]!;
    const value = params?.[name];
    out += checkParam(address, name, value, mode, i === n - 1);
  }
  return out;
}

function checkParam(address: string, name: string, value: string | undefined, mode: TopicMode, last: boolean): string {
  if (mode === 'subscribe') {
    if (value === undefined || value === '+') return '+';
    if (value === '#') {
      if (last) return '#';
      throw new InvalidTopicError(address, name, "'#' is only allowed for the last level");
    }
  }
  if (typeof value !== 'string') throw new InvalidTopicError(address, name, 'a value is required');
  if (value === '') throw new InvalidTopicError(address, name, 'must not be empty');
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 47 /* / */ || c === 43 /* + */ || c === 35 /* # */ || c === 0) {
      throw new InvalidTopicError(address, name, "must not contain '/', '+', '#' or NUL");
    }
  }
  return value;
}

/** Extracts parameter values from a concrete topic, or null when the topic does not fit the address. */
export function parseTopic<P extends string = string>(address: string, topic: string): Record<P, string> | null {
  const t = template(address);
  const out: Record<string, string> = {};
  let pos = 0;
  const n = t.literals.length;
  for (let i = 0; i < n; i++) {
    if (pos > topic.length) return null;
    let end = topic.indexOf('/', pos);
    if (end === -1) end = topic.length;
    const lit = t.literals[i];
    if (lit !== null && lit !== undefined) {
      if (end - pos !== lit.length || !topic.startsWith(lit, pos)) return null;
    } else {
      out[t.names[i]!] = topic.slice(pos, end);
    }
    pos = end + 1;
  }
  return pos === topic.length + 1 ? (out as Record<P, string>) : null;
}

/** Number of parameters of an address template. */
export function addressParamCount(address: string): number {
  return template(address).paramCount;
}
