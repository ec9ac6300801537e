/** generated/index.ts: validation by concrete topic (the runtime's topic catalogue over this contract's channels), plus re-exports. */
import type { ContractIR } from '../ir.js';
import { tsHeader, type GeneratedFile } from './header.js';
import { render } from './templates.js';

export async function emitIndex(ir: ContractIR): Promise<GeneratedFile> {
  const enums: Record<string, Record<string, readonly string[]>> = {};
  for (const c of ir.channels) {
    for (const p of c.parameters) if (p.enum) (enums[c.id] ??= {})[p.name] = p.enum;
  }
  const sample = ir.channels.find((c) => c.parameters.length > 0) ?? ir.channels[0];
  const exampleTopic = sample
    ? sample.address.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const p = sample.parameters.find((x) => x.name === name);
        return p?.examples?.[0] ?? p?.enum?.[0] ?? name;
      })
    : 'a/b';
  const content = await render('index', {
    header: tsHeader(ir).trimEnd(),
    parameterEnums: JSON.stringify(enums),
    exampleTopic: JSON.stringify(exampleTopic).replace(/\*\//g, '*\\/'),
    titleJson: JSON.stringify(ir.info.title),
  });
  return { name: 'index.ts', content };
}
