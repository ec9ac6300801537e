/**
 * generated/channels.ts: one ChannelDescriptor per channel (plus the `channels` record), rendered with
 * handlebars (generator/templates/channels.hbs + descriptor.hbs), with the contract's example payload models.
 * This file holds data only; the typed functions are in api.ts (emit/api.ts).
 */
import type { ChannelIR, ContractIR } from '../ir.js';
import { channelNames, messageValidatorNames } from '../names.js';
import { doc, lit, tsHeader, type GeneratedFile } from './header.js';
import { render } from './templates.js';

export function framingDoc(c: ChannelIR): string {
  const f = c.framing;
  if (f.kind === 'bare') return 'bare payload (no envelope)';
  const extra = f.publishBare ? ', published bare, bare accepted' : f.acceptBare ? ', bare payload also accepted' : '';
  const others = f.acceptedTypes.filter((t) => t !== f.eventType);
  return `envelope type "${f.eventType}"${others.length ? ` (also accepts ${others.map((t) => `"${t}"`).join(', ')})` : ''}${extra}`;
}

function framingLit(c: ChannelIR): string {
  return framingLitOf(c.framing);
}

function framingLitOf(f: ChannelIR['framing']): string {
  if (f.kind === 'bare') return "{ kind: 'bare' }";
  return `{ kind: 'envelope', eventType: ${lit(f.eventType)}, acceptedTypes: [${f.acceptedTypes.map(lit).join(', ')}], acceptBare: ${f.acceptBare}, publishBare: ${f.publishBare} }`;
}

export function channelView(c: ChannelIR) {
  const n = channelNames(c.name);
  const params = c.parameters.map((p) => p.name);
  return {
    id: c.id,
    idDoc: doc(c.id),
    idLit: lit(c.id),
    descriptor: n.descriptor,
    dataType: c.dataTypeName,
    paramType: params.length ? params.map((p) => `'${p.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(' | ') : 'never',
    idType: c.framing.kind === 'envelope' && !c.framing.publishBare ? 'string' : 'undefined',
    addressDoc: doc(c.address),
    addressLit: lit(c.address),
    summaryDoc: c.title ?? c.summary ? doc(c.title ?? c.summary ?? '') : '',
    descriptionLines: c.description ? doc(c.description).trim().split('\n') : [],
    framingDoc: doc(framingDoc(c)),
    publishersDoc: c.publishers.length || c.subscribers.length ? doc(c.publishers.join(', ') || 'none declared') : '',
    subscribersDoc: doc(c.subscribers.join(', ') || 'none declared'),
    pointerDoc: doc(c.pointer),
    parametersLit: params.map(lit).join(', '),
    qos: c.qos,
    retain: c.retain,
    framingLit: framingLit(c),
    dataValidator: n.dataValidator,
    envelopeValidator: c.envelopeSchema ? n.envelopeValidator : 'null',
    correlationLit: c.correlation ? `{ location: ${lit(c.correlation.location)} }` : 'null',
    replyLit: c.reply === null ? 'null' : lit(c.reply),
    streamEndLit: c.stream ? `{ pointer: ${lit(c.stream.lastPointer)}, equals: ${JSON.stringify(c.stream.lastEquals)} }` : '',
    descriptionLit: c.description ? lit(c.description) : '',
    examplesLit: c.examples.map((e) => JSON.stringify(e).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')),
    parameterEnumsLit: c.parameters.some((p) => p.enum)
      ? `{ ${c.parameters.filter((p) => p.enum).map((p) => `${lit(p.name)}: [${p.enum!.map(lit).join(', ')}]`).join(', ')} }`
      : '',
    messagesLit:
      c.messages.length > 1
        ? c.messages.map((m) => {
            const v = messageValidatorNames(c.name, m.ident);
            return `{ name: ${lit(m.name)}, framing: ${framingLitOf(m.framing)}, validateData: ${v.data}, validateEnvelope: ${m.envelopeSchema ? v.envelope : 'null'}, send: ${c.sends.includes(m.name)}, receive: ${c.receives.includes(m.name)} }`;
          })
        : [],
  };
}

/** `{ channel, clientIdParameter, fields, timestampFormat }` of the channel with this x-lifecycle role, or 'null'. */
function lifecycleLit(ir: ContractIR, role: 'health' | 'heartbeat'): string {
  const c = ir.channels.find((x) => x.lifecycle?.role === role);
  if (!c || !c.lifecycle) return 'null';
  const l = c.lifecycle;
  const fields = (['ok', 'event', 'timestamp', 'id'] as const).filter((k) => l.fields[k] !== undefined).map((k) => `${k}: ${lit(l.fields[k]!)}`);
  const parts = [`channel: ${channelNames(c.name).descriptor}`];
  if (l.clientIdParameter !== undefined) parts.push(`clientIdParameter: ${lit(l.clientIdParameter)}`);
  parts.push(`fields: { ${fields.join(', ')} }`);
  if (l.timestampFormat !== undefined) parts.push(`timestampFormat: ${lit(l.timestampFormat)}`);
  return `{ ${parts.join(', ')} }`;
}

export async function emitChannels(ir: ContractIR): Promise<GeneratedFile> {
  const channels = ir.channels.map(channelView);
  const typeNames = [...new Set(ir.channels.map((c) => c.dataTypeName))].sort();
  const validatorImports = ir.channels
    .flatMap((c) => {
      const n = channelNames(c.name);
      const own = c.envelopeSchema ? [n.dataValidator, n.envelopeValidator] : [n.dataValidator];
      const perMessage = c.messages.length > 1 ? c.messages.flatMap((m) => {
        const v = messageValidatorNames(c.name, m.ident);
        return m.envelopeSchema ? [v.data, v.envelope] : [v.data];
      }) : [];
      return [...own, ...perMessage];
    })
    .sort();
  const content = await render('channels', {
    header: tsHeader(ir).trimEnd(),
    typeImports: typeNames.join(', '),
    validatorImports,
    channels,
    titleDoc: doc(`${ir.info.title} ${ir.info.version}`),
    healthLit: lifecycleLit(ir, 'health'),
    heartbeatLit: lifecycleLit(ir, 'heartbeat'),
  });
  return { name: 'channels.ts', content: content.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n') };
}
