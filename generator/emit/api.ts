/**
 * generated/api.ts: the typed per-channel functions (docs/typed-api.md), rendered with handlebars
 * (generator/templates/api.hbs + functions.hbs, one partial per channel):
 *   publishX / subscribeX for every channel, clearX for retained channels, requestR for request channels
 *   (send operation with `reply`), openX for stream channels (message extension `x-stream`).
 * Each function is a thin wrapper over the runtime (BusClient.publish/subscribe, request(), openStream(),
 * clearRetained()) with the channel's descriptor: QoS/retain come from the descriptor, validation and topic
 * checks from the runtime.
 */
import type { ChannelIR, ContractIR, MessageIR, ParameterIR } from '../ir.js';
import { channelNames, pascalCase } from '../names.js';
import { channelView, framingDoc } from './channels.js';
import { doc, lit, tsHeader, type GeneratedFile } from './header.js';
import { render } from './templates.js';

/** The publish function of one message of a multi-message channel: publish<Channel><Message>. */
function messagePublishName(c: ChannelIR, m: MessageIR): string {
  return `${channelNames(c.name).publish}${m.ident}`;
}

/** Names api.ts declares or imports itself; a model type with one of these names is imported under an alias. */
const OWN_NAMES = [
  'BusClient',
  'MessageHandler',
  'Subscription',
  'InvalidMessage',
  'Reply',
  'ReplyStream',
  'request',
  'openStream',
  'clearRetained',
  'TypedPublishOptions',
  'TypedSubscribeOptions',
  'TypedRequestOptions',
  'TypedStreamOptions',
];

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A short JS literal for JSDoc examples: identifier keys unquoted, strings JSON-quoted. */
export function jsLiteral(v: unknown): string {
  if (v === null || typeof v !== 'object') return v === undefined ? 'undefined' : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsLiteral).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, x]) => `${IDENT.test(k) ? k : JSON.stringify(k)}: ${jsLiteral(x)}`).join(', ')} }`;
}

const key = (name: string) => (IDENT.test(name) ? name : `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);

function paramsType(ps: readonly ParameterIR[]): string {
  return `{ ${ps.map((p) => `${key(p.name)}: string`).join('; ')} }`;
}

function paramUnion(ps: readonly ParameterIR[]): string {
  return ps.length ? ps.map((p) => `'${p.name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(' | ') : 'never';
}

function exampleParams(ps: readonly ParameterIR[], wildcard = false): string {
  return `{ ${ps.map((p) => `${key(p.name)}: ${JSON.stringify(wildcard ? '+' : (p.examples?.[0] ?? p.enum?.[0] ?? `my-${p.name}`))}`).join(', ')} }`;
}

function getAt(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const s of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
  return cur;
}

function pointerSegments(pointer: string): string[] {
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Where a channel's correlation value sits, in words, e.g. "the payload's `id` (Envelope data)". */
function correlationDoc(c: ChannelIR): string {
  if (!c.correlation) return '';
  const loc = c.correlation.location;
  const m = /^\$message\.payload#(\/.*)?$/.exec(loc);
  if (!m || !m[1]) return `\`${loc}\``;
  const segs = pointerSegments(m[1]);
  if (c.framing.kind === 'envelope' && !c.framing.publishBare) {
    if (segs.length === 1 && segs[0] === 'id') return `\`${loc}\` (the request's Envelope id, generated for each call)`;
    if (segs[0] === 'data') return `\`${loc}\` (\`${segs.slice(1).join('.')}\` in the payload; filled with a fresh id when empty)`;
  }
  return `\`${loc}\` (\`${segs.join('.')}\` in the payload; filled with a fresh id when empty)`;
}

/** The correlation path inside the payload model, or null when the correlation is the Envelope id. */
function dataCorrelationPath(c: ChannelIR): string[] | null {
  const m = /^\$message\.payload#(\/.*)$/.exec(c.correlation?.location ?? '');
  if (!m) return null;
  const segs = pointerSegments(m[1]!);
  if (c.framing.kind === 'envelope') return segs[0] === 'data' && segs.length > 1 ? segs.slice(1) : null;
  return segs;
}

/** JSDoc lines (without the leading ` * `) shared by the functions of a channel. */
function contractLines(c: ChannelIR): string[] {
  const v = channelView(c);
  const lines: string[] = [];
  lines.push(`Channel \`${doc(c.id)}\`, address \`${v.addressDoc}\`${v.summaryDoc ? `: ${v.summaryDoc}` : ''}.`);
  for (const l of v.descriptionLines) lines.push(...wrap(l, 110));
  lines.push('');
  lines.push(`QoS ${c.qos}, ${c.retain ? 'retained' : 'not retained'} (fixed by the contract), ${doc(framingDoc(c))}.`);
  if (c.publishers.length || c.subscribers.length) {
    lines.push(`Publishers → subscribers: ${doc(c.publishers.join(', ') || 'none declared')} → ${doc(c.subscribers.join(', ') || 'none declared')}.`);
  }
  return lines;
}

/** Break a long line at spaces (JSDoc readability); words longer than `width` stay whole. */
function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  let cur = '';
  for (const w of line.split(' ')) {
    if (cur !== '' && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = w;
    } else cur = cur === '' ? w : `${cur} ${w}`;
  }
  if (cur !== '') out.push(cur);
  return out;
}

interface FnView {
  name: string;
  docLines: string[];
  signature: string;
  body: string;
}

function docBlock(lines: string[]): string[] {
  return lines.map((l) => (l === '' ? ' *' : ` * ${l}`));
}

export async function emitApi(ir: ContractIR): Promise<GeneratedFile> {
  const byId = new Map(ir.channels.map((c) => [c.id, c]));
  // MQTT functions only where the address can be an MQTT topic (the loader warned about the others).
  const mqttChannels = ir.channels.filter((c) => c.mqtt);

  // Model types, aliased when a name is taken by what api.ts itself declares or imports.
  const taken = new Set<string>(OWN_NAMES);
  for (const c of mqttChannels) {
    const n = channelNames(c.name);
    for (const x of [n.descriptor, n.publish, n.subscribe, n.clear, n.open, n.request]) taken.add(x);
    if (c.messages.length > 1) for (const m of c.messages) taken.add(messagePublishName(c, m));
  }
  const typeNames = [...new Set(mqttChannels.flatMap((c) => [c.dataTypeName, ...(c.messages.length > 1 ? c.messages.map((m) => m.dataTypeName) : [])]))].sort();
  const alias = new Map<string, string>();
  for (const t of typeNames) {
    let a = t;
    while (taken.has(a)) a = `${a}Model`;
    alias.set(t, a);
    taken.add(a);
  }
  const T = (c: ChannelIR) => alias.get(c.dataTypeName)!;
  /** The handler's data type: the received messages' types (the channel's union when it receives them all). */
  const received = (c: ChannelIR): string =>
    c.messages.length <= 1 || c.receives.length === c.messages.length
      ? T(c)
      : c.messages.filter((m) => c.receives.includes(m.name)).map((m) => alias.get(m.dataTypeName)!).join(' | ') || 'never';

  let needRequest = false;
  let needStream = false;
  let needClear = false;

  const channels = mqttChannels.map((c) => {
    const n = channelNames(c.name);
    const v = channelView(c);
    const hasParams = c.parameters.length > 0;
    const P = paramUnion(c.parameters);
    const pType = paramsType(c.parameters);
    const pArg = hasParams ? `params: ${pType}, ` : '';
    const pEx = hasParams ? `${exampleParams(c.parameters)}, ` : '';
    const pSubEx = hasParams ? `${exampleParams(c.parameters, true)}, ` : '';
    const paramDocs = c.parameters.map((p) => `@param params.${p.name} ${doc((p.description ?? 'address parameter').replace(/\s+/g, ' ').trim())} (a whole topic level)`);
    const example = c.examples[0];
    const dataEx = example === undefined ? `data` : doc(jsLiteral(example));
    const common = contractLines(c);
    const fns: FnView[] = [];
    const sends = c.framing.kind === 'envelope' && !c.framing.publishBare;

    // publishX (one per sent message on a channel with several: publishXMessageName)
    const publishable = c.messages.length > 1 ? c.messages.filter((m) => c.sends.includes(m.name)) : c.sends.length > 0 ? [null] : [];
    for (const m of publishable) {
      const fnName = m === null ? n.publish : messagePublishName(c, m);
      const dataType = m === null ? T(c) : alias.get(m.dataTypeName)!;
      const mEx = m === null ? example : m.examples[0];
      const mDataEx = mEx === undefined ? 'data' : doc(jsLiteral(mEx));
      const messageOpt = m === null ? '' : `message: ${lit(m.name)}`;
      const extras = [hasParams ? 'params' : '', messageOpt].filter(Boolean).join(', ');
      fns.push({
        name: fnName,
        docLines: [
          `Publish ${m === null ? '' : `message \`${doc(m.name)}\` `}on \`${v.addressDoc}\`${hasParams ? ' (the concrete topic from `params`)' : ''}.`,
          ...common,
          '',
          'The payload is validated before sending: an invalid one rejects with ValidationFailedError (channel, path,',
          'rule) and nothing is sent.',
          ...(hasParams ? ["Parameter values must be non-empty, without '/', '+', '#' (else InvalidTopicError, nothing sent)."] : []),
          ...(c.correlation ? [`Correlation: ${correlationDoc(c)}.`] : []),
          '@param client the client from connect()',
          ...paramDocs,
          `@param data the payload model (${dataType}, wire names)`,
          '@param options `correlate` (reuse this Envelope id, e.g. a reply to a request), `retries`',
          sends ? '@returns the Envelope id, once the broker acknowledged the message (QoS > 0)' : '@returns once the message is sent (acknowledged for QoS > 0)',
          '@example',
          `await ${fnName}(client, ${pEx}${mDataEx});`,
        ],
        signature: `export function ${fnName}(client: BusClient, ${pArg}data: ${dataType}, options?: TypedPublishOptions): Promise<${sends ? 'string' : 'undefined'}>`,
        body: extras
          ? `return client.publish(${n.descriptor}, data, options ? { ...options, ${extras} } : { ${extras} });`
          : `return client.publish(${n.descriptor}, data, options);`,
      });
    }

    // subscribeX
    if (c.receives.length > 0) fns.push({
      name: n.subscribe,
      docLines: [
        `Subscribe to \`${v.addressDoc}\`${hasParams ? " (`'+'` as a parameter value matches any value of that level)" : ''}.`,
        ...common,
        '',
        'Only valid messages reach the handler; invalid ones are logged, counted and passed to `options.onInvalid`.',
        '@param client the client from connect()',
        ...paramDocs,
        `@param handler called with (data: ${T(c)}, envelope${sends || c.framing.kind === 'envelope' ? '' : ' (always null: bare channel)'}, meta: { topic, params, qos, retain, ... })`,
        '@param options `concurrency` (default 1: in order), `dedupe`, `onInvalid`',
        '@returns the subscription (`unsubscribe()`)',
        '@example',
        `await ${n.subscribe}(client, ${pSubEx}(data, envelope, meta) => {`,
        `  console.log(meta.topic, ${hasParams ? `meta.params${IDENT.test(c.parameters[0]!.name) ? `.${c.parameters[0]!.name}` : `[${lit(c.parameters[0]!.name)}]`}, ` : ''}data);`,
        '});',
      ],
      signature: `export function ${n.subscribe}(client: BusClient, ${pArg}handler: MessageHandler<${received(c)}, ${P}>, options?: TypedSubscribeOptions): Promise<Subscription>`,
      body: hasParams
        ? `return client.subscribe(${n.descriptor}, handler, options ? { ...options, params } : { params });`
        : `return client.subscribe(${n.descriptor}, handler, options);`,
    });

    // clearX
    if (c.retain) {
      needClear = true;
      fns.push({
        name: n.clear,
        docLines: [
          `Clear the retained message of \`${v.addressDoc}\`: publishes an empty retained message at QoS ${c.qos} on the concrete topic.`,
          ...common,
          '@param client the client from connect()',
          ...paramDocs,
          '@example',
          `await ${n.clear}(client${hasParams ? `, ${exampleParams(c.parameters)}` : ''});`,
        ],
        signature: `export function ${n.clear}(client: BusClient${hasParams ? `, params: ${pType}` : ''}): Promise<void>`,
        body: `return clearRetained(client, ${n.descriptor}${hasParams ? ', params' : ''});`,
      });
    }

    // requestR
    const reply = c.reply === null ? undefined : byId.get(c.reply);
    if (reply) {
      needRequest = true;
      const rn = channelNames(reply.name);
      const shared = reply.parameters.filter((p) => c.parameters.some((q) => q.name === p.name));
      const extra: string[] = [];
      if (hasParams) extra.push('params');
      if (shared.length) extra.push(`replyParams: { ${shared.map((p) => `${key(p.name)}: params[${lit(p.name)}]`).join(', ')} }`);
      fns.push({
        name: n.request,
        docLines: [
          `Request/reply: publish on \`${v.addressDoc}\` and resolve with the correlated reply from \`${doc(reply.address)}\` (channel \`${reply.id}\`).`,
          ...common,
          '',
          `Reply: \`${doc(reply.address)}\`, QoS ${reply.qos}, ${doc(framingDoc(reply))}.`,
          `Correlation: ${correlationDoc(c)}; the reply carries the same value.`,
          'The reply subscription is shared by the requests of one client and made before the request is sent.',
          'Rejects with RequestTimeoutError after `timeoutMs` (default 30 000), RequestAbortedError on `signal`, or the',
          'publish error (e.g. ValidationFailedError: nothing was sent).',
          '@param client the client from connect()',
          ...paramDocs,
          `@param data the request payload (${T(c)})`,
          '@param options `timeoutMs` (default 30 000), `signal`',
          `@returns the reply: { data: ${T(reply)}, envelope, meta }`,
          '@example',
          `const reply = await ${n.request}(client, ${pEx}${dataEx}, { timeoutMs: 10_000 });`,
          'console.log(reply.data);',
        ],
        signature: `export function ${n.request}(client: BusClient, ${pArg}data: ${T(c)}, options?: TypedRequestOptions): Promise<Reply<${T(reply)}>>`,
        body: extra.length
          ? `return request(client, ${n.descriptor}, ${rn.descriptor}, data, { ...options, ${extra.join(', ')} });`
          : `return request(client, ${n.descriptor}, ${rn.descriptor}, data, options);`,
      });
    }

    // openX
    if (c.stream) {
      needStream = true;
      const req = byId.get(c.stream.request);
      const reqNames = req ? channelNames(req.name) : null;
      const reqEx = req?.examples[0];
      const corrPath = req ? dataCorrelationPath(req) : null;
      const corrValue = corrPath && reqEx !== undefined ? getAt(reqEx, corrPath) : undefined;
      const idEx = typeof corrValue === 'string' || typeof corrValue === 'number' ? JSON.stringify(String(corrValue)) : '"request-id"';
      const last = `${c.stream.lastPointer} === ${JSON.stringify(c.stream.lastEquals)}`;
      fns.push({
        name: n.open,
        docLines: [
          `Open the stream of \`${v.addressDoc}\` messages for one request (correlation value \`correlationId\`).`,
          ...common,
          '',
          `Stream of ${req ? `\`${doc(req.address)}\` (channel \`${req.id}\`)` : `channel \`${c.stream.request}\``}; correlation: ${correlationDoc(c)}.`,
          `Resolves once subscribed: open it BEFORE sending the request, or the first messages are lost. Yields the`,
          `messages of that id in arrival order and ends after the last one (\`${doc(last)}\` in the payload).`,
          'Throws StreamTimeoutError when no message arrives for `timeoutMs` (default 30 000), RequestAbortedError on `signal`.',
          '@param client the client from connect()',
          ...paramDocs,
          '@param correlationId the request\'s correlation value',
          '@param options `timeoutMs` (inactivity, default 30 000; 0 = none), `signal`',
          `@returns an async iterator of { data: ${T(c)}, envelope, meta }`,
          '@example',
          `const stream = await ${n.open}(client, ${hasParams ? pSubEx : ''}${idEx});`,
          ...(reqNames && req?.reply ? [`const reply = ${reqNames.request}(client, ${reqEx !== undefined ? doc(jsLiteral(reqEx)) : 'data'});`] : []),
          'for await (const { data } of stream) console.log(data);',
        ],
        signature: `export function ${n.open}(client: BusClient, ${pArg}correlationId: string, options?: TypedStreamOptions): Promise<ReplyStream<${T(c)}>>`,
        // The end-of-stream test is the descriptor's streamEnd, applied by the runtime.
        body: `return openStream(client, ${n.descriptor}, correlationId, ${hasParams ? 'options ? { ...options, params } : { params }' : 'options'});`,
      });
    }

    return {
      id: c.id.replace(/\s+/g, ' '),
      functions: fns.map((f) => ({
        ...f,
        docLines: docBlock([...f.docLines, `@generated from channel ${v.pointerDoc}`]),
      })),
    };
  });

  // Only what the functions use is imported (a project compiled with noUnusedLocals accepts the file).
  const code = channels.flatMap((c) => c.functions.map((f) => `${f.signature}\n${f.body}`)).join('\n');
  const uses = (name: string) => new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/\$/g, '\\$')}([^A-Za-z0-9_$]|$)`).test(code);
  const typeImports = typeNames
    .filter((t) => uses(alias.get(t)!))
    .map((t) => (alias.get(t) === t ? t : `${t} as ${alias.get(t)!}`))
    .join(', ');
  const descriptorImports = mqttChannels.map((c) => channelNames(c.name).descriptor).sort();
  const runtimeValues = [...(needClear ? ['clearRetained'] : []), ...(needStream ? ['openStream'] : []), ...(needRequest ? ['request'] : [])];
  const runtimeTypes = [
    'BusClient', 'MessageHandler', 'Reply', 'ReplyStream', 'Subscription', 'TypedPublishOptions', 'TypedRequestOptions', 'TypedStreamOptions', 'TypedSubscribeOptions',
  ].filter(uses);
  const content = await render('api', {
    header: tsHeader(ir).trimEnd(),
    runtimeImports: [...runtimeValues, ...runtimeTypes.map((t) => `type ${t}`)].join(', '),
    typeImports,
    descriptorImports,
    needStream,
    channels,
    titleDoc: doc(`${ir.info.title} ${ir.info.version}`),
  });
  return { name: 'api.ts', content: content.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n') };
}
