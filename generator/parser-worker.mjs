// Runs @asyncapi/parser off the main thread (the generator emits code meanwhile). One worker serves every
// load of a process (the parser's import is the expensive part), answering { id, text } requests with plain
// error-level diagnostics: { id, diagnostics: [{ message, path, line? }] } or { id, failed: message }.
import { parentPort } from 'node:worker_threads';

const { Parser, DiagnosticSeverity } = await import('@asyncapi/parser');
const parser = new Parser({ ruleset: { recommended: false } });

parentPort.on('message', async ({ id, text }) => {
  try {
    // validate() = parse() without building the document model (only the diagnostics are needed here).
    const diagnostics = await parser.validate(text);
    parentPort.postMessage({
      id,
      diagnostics: diagnostics
        .filter((d) => d.severity === DiagnosticSeverity.Error)
        .map((d) => ({ message: d.message, path: d.path.map(String), ...(d.range ? { line: d.range.start.line + 1 } : {}) })),
    });
  } catch (e) {
    parentPort.postMessage({ id, failed: e instanceof Error ? e.message : String(e) });
  }
});
