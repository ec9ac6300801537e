/**
 * generated/contract.ts: validation by concrete topic (the runtime's topic catalogue over this contract's channels)
 * with the types and descriptors, browser-safe; generated/index.ts: that, the typed functions and connect().
 */
import type { ContractIR } from '../ir.js';
import { tsHeader, type GeneratedFile } from './header.js';
import { render } from './templates.js';

export async function emitIndex(ir: ContractIR): Promise<GeneratedFile[]> {
  const sample = ir.channels.find((c) => c.parameters.length > 0) ?? ir.channels[0];
  const exampleTopic = sample
    ? sample.address.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const p = sample.parameters.find((x) => x.name === name);
        return p?.examples?.[0] ?? p?.enum?.[0] ?? name;
      })
    : 'a/b';
  const header = tsHeader(ir).trimEnd();
  const contract = await render('contract', {
    header,
    exampleTopic: JSON.stringify(exampleTopic).replace(/\*\//g, '*\\/'),
    titleJson: JSON.stringify(ir.info.title),
  });
  return [
    { name: 'contract.ts', content: contract },
    { name: 'index.ts', content: await render('index', { header }) },
  ];
}
