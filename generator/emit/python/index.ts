/**
 * The Python package (pydantic v2) generated from the same IR as the TypeScript code: models.py (schemas),
 * registry.py (channels, resolve, validate by topic), api.py (typed publish/subscribe over any asyncio client),
 * _runtime.py / _bus.py / _formats.py (support code, the same for every contract), __init__.py, py.typed.
 *
 * File names are relative to the package folder; generate.ts places them (generated/python/tars_contracts/ by
 * default). Every module imports its siblings relatively, so the folder can take any package name.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ChannelIR, ContractIR, JsonSchema, MessageIR } from '../../ir.js';
import type { Diagnostic } from '../../diagnostics.js';
import { headerLines, type GeneratedFile } from '../header.js';
import { channelNames } from '../../names.js';
import { buildModels } from './models.js';
import { ecmaToPython, pyStr, snakeCase } from './pysyntax.js';
import { renderPython } from './templates.js';

export const PYTHON_PACKAGE = 'tars_contracts';

export function pyHeader(ir: ContractIR): string {
  return headerLines(ir)
    .map((l) => `# ${l}`.trimEnd())
    .join('\n');
}

/** `warn` receives what the package cannot check as the TypeScript validators do (unsupported keywords, patterns
 *  Python's `re` cannot express), each with the schema's pointer. */
export async function emitPython(ir: ContractIR, warn: (d: Diagnostic) => void = () => undefined): Promise<GeneratedFile[]> {
  const header = pyHeader(ir);
  const models = buildModels(ir, header);
  for (const w of models.warnings) warn(w);
  const modelOf = (schema: JsonSchema | null, typeName: string | null): string => {
    if (schema === null) return 'None';
    const ref = typeof schema.$ref === 'string' ? schema.$ref.replace('#/components/schemas/', '') : null;
    const name = (ref !== null ? models.names.get(ref) : undefined) ?? (typeName !== null ? models.names.get(typeName) : undefined);
    return name ? `m.${name}` : 'Any';
  };
  const sample = ir.channels.find((c) => c.parameters.length > 0 && c.mqtt) ?? ir.channels[0];
  const exampleTopic = sample
    ? sample.address.replace(/\{([^}]+)\}/g, (_, n: string) => {
        const p = sample.parameters.find((x) => x.name === n);
        return p?.examples?.[0] ?? p?.enum?.[0] ?? n;
      })
    : 'a/b';
  const view = { header, title: doc(`${ir.info.title} ${ir.info.version}`), titleLit: pyStr(ir.info.title), exampleTopic: doc(pyStr(exampleTopic)), pkg: PYTHON_PACKAGE };

  const channels = ir.channels.map((c) => channelEntry(c, modelOf));
  const fns = ir.channels.filter((c) => c.mqtt).flatMap((c) => functionsOf(c, modelOf));
  const files: GeneratedFile[] = [
    { name: '__init__.py', content: await renderPython('__init__.py', view) },
    { name: '_bus.py', content: support('_bus.py', header) },
    { name: '_formats.py', content: formatsModule(header) },
    { name: '_runtime.py', content: support('_runtime.py', header) },
    { name: 'api.py', content: await renderPython('api.py', { ...view, functions: fns.map((f) => f.source), exported: fns.map((f) => pyStr(f.name)).join(', ') }) },
    { name: 'models.py', content: models.source },
    { name: 'py.typed', content: '' },
    { name: 'registry.py', content: await renderPython('registry.py', { ...view, channels }) },
  ];
  return files.map((f) => ({ name: f.name, content: f.content.replace(/[ \t]+$/gm, '').replace(/\n*$/, f.content === '' ? '' : '\n') }));
}

function doc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
}

function support(name: string, header: string): string {
  return readFileSync(new URL(`../../templates/python/${name}.tmpl`, import.meta.url), 'utf8').replace('{{HEADER}}', header);
}

/** _formats.py: ajv-formats' own regular expressions (the TypeScript validators' formats), as Python `re`. */
function formatsModule(header: string): string {
  const require = createRequire(import.meta.url);
  const file = require.resolve('ajv-formats/dist/formats.js');
  const { fullFormats } = require(file) as { fullFormats: Record<string, unknown> };
  const compiled = (rx: RegExp) => {
    const flags = ['re.ASCII', ...(rx.flags.includes('i') ? ['re.IGNORECASE'] : [])].join(' | ');
    return `re.compile(${pyStr(ecmaToPython(rx.source).source)}, ${flags})`;
  };
  const regexes = Object.keys(fullFormats)
    .sort()
    .filter((k) => fullFormats[k] instanceof RegExp && !(fullFormats[k] as RegExp).flags.includes('g'))
    .map((k) => `    ${pyStr(k)}: ${compiled(fullFormats[k] as RegExp)},`);
  // `uri` is a function over a module-level regex that ajv-formats does not export: read it from the source.
  const m = /const URI = (\/.*\/i);/.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error('ajv-formats: the URI regex was not found in dist/formats.js');
  const uri = new Function(`return ${m[1]}`)() as RegExp;
  return readFileSync(new URL('../../templates/python/_formats.py.tmpl', import.meta.url), 'utf8')
    .replace('{{HEADER}}', header)
    .replace('{{REGEXES}}', regexes.join('\n'))
    .replace('{{URI}}', pyStr(ecmaToPython(uri.source).source));
}

type ModelOf = (schema: JsonSchema | null, typeName: string | null) => string;

function framingSrc(f: ChannelIR['framing']): string {
  if (f.kind === 'bare') return 'Framing("bare")';
  return `Framing("envelope", event_type=${pyStr(f.eventType)}, accepted_types=(${f.acceptedTypes.map(pyStr).join(', ')},), accept_bare=${py(f.acceptBare)}, publish_bare=${py(f.publishBare)})`;
}

const py = (b: boolean) => (b ? 'True' : 'False');
const opt = (s: string | null | undefined) => (s === null || s === undefined ? 'None' : pyStr(s));

function channelEntry(c: ChannelIR, modelOf: ModelOf): string {
  const params = c.parameters.map((p) => `Parameter(${pyStr(p.name)}${p.enum ? `, enum=(${p.enum.map(pyStr).join(', ')},)` : ''})`);
  const messages = c.messages.map(
    (msg) =>
      `            Message(${pyStr(msg.name)}, ${modelOf(msg.dataSchema, msg.dataTypeName)}, ${modelOf(msg.envelopeSchema, msg.envelopeTypeName)}, send=${py(c.sends.includes(msg.name))}, receive=${py(c.receives.includes(msg.name))}),`,
  );
  return [
    `    ${pyStr(c.id)}: Channel(`,
    `        id=${pyStr(c.id)},`,
    `        address=${pyStr(c.address)},`,
    `        parameters=(${params.map((p) => `${p}, `).join('')}),`,
    `        qos=${c.qos},`,
    `        retain=${py(c.retain)},`,
    `        framing=${framingSrc(c.framing)},`,
    `        model=${modelOf(c.dataSchema, c.dataTypeName)},`,
    `        envelope=${modelOf(c.envelopeSchema, c.envelopeTypeName)},`,
    `        messages=(`,
    ...messages,
    `        ),`,
    `        reply=${opt(c.reply)},`,
    `        correlation=${opt(c.correlation?.location)},`,
    `        mqtt=${py(c.mqtt)},`,
    `        description=${opt(c.summary ?? c.title ?? null)},`,
    `    ),`,
  ].join('\n');
}

function functionsOf(c: ChannelIR, modelOf: ModelOf): { name: string; source: string }[] {
  const n = channelNames(c.name);
  const params = c.parameters.length > 0;
  const where = `\`${c.address}\` (QoS ${c.qos}${c.retain ? ', retained' : ''}, ${c.framing.kind === 'envelope' ? `Envelope type ${c.framing.eventType}${c.framing.publishBare ? ', sent bare' : ''}` : 'bare'})`;
  const out: { name: string; source: string }[] = [];
  const publishable: (MessageIR | null)[] = c.messages.length > 1 ? c.messages.filter((m) => c.sends.includes(m.name)) : c.sends.length > 0 ? [null] : [];
  for (const msg of publishable) {
    const name = snakeCase(msg === null ? n.publish : `${n.publish}${msg.ident}`);
    const model = msg === null ? modelOf(c.dataSchema, c.dataTypeName) : modelOf(msg.dataSchema, msg.dataTypeName);
    const messageArg = msg === null ? '' : `, message=CHANNELS[${pyStr(c.id)}].messages[${c.messages.indexOf(msg)}]`;
    out.push({
      name,
      source: [
        `async def ${name}(client: MqttClient, ${params ? 'params: Mapping[str, str], ' : ''}data: ${model}, *, id: Optional[str] = None, source: Optional[str] = None) -> None:`,
        `    """Publish on ${doc(where)}.`,
        `    Raises ValidationFailedError (nothing sent) when the payload breaks the contract."""`,
        `    await _bus.publish(client, CHANNELS[${pyStr(c.id)}], data, params=${params ? 'params' : 'None'}${messageArg}, id=id, source=source)`,
      ].join('\n'),
    });
  }
  const sub = snakeCase(n.subscribe);
  const model = modelOf(c.dataSchema, c.dataTypeName);
  const env = c.envelopeSchema ? `Optional[${modelOf(c.envelopeSchema, c.envelopeTypeName)}]` : 'None';
  out.push({
    name: sub,
    source: [
      `async def ${sub}(`,
      `    client: MqttClient,`,
      ...(params ? ['    params: Optional[Mapping[str, str]],'] : []),
      `    handler: Callable[[${model}, ${env}, Meta], Awaitable[None]],`,
      `    *,`,
      `    on_invalid: Optional[Callable[[InvalidMessage], Any]] = None,`,
      `    strict: bool = False,`,
      `    max_payload_bytes: int = _bus.DEFAULT_MAX_PAYLOAD_BYTES,`,
      `    max_depth: int = _bus.DEFAULT_MAX_DEPTH,`,
      `) -> str:`,
      `    """Subscribe to ${doc(where)}${params ? ' (a missing parameter is +)' : ''}: valid messages reach the handler as (model,`,
      `    envelope or None, meta); an invalid one (too large, not UTF-8, not JSON, too deep, a number beyond a double, or`,
      `    invalid for the contract) is dropped and passed to on_invalid (else logged). Returns the filter."""`,
      `    return await _bus.subscribe(client, CATALOG, CHANNELS[${pyStr(c.id)}], handler, params=${params ? 'params' : 'None'}, on_invalid=on_invalid, strict=strict, max_payload_bytes=max_payload_bytes, max_depth=max_depth)`,
    ].join('\n'),
  });
  return out;
}


