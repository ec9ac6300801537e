// Runs @asyncapi/parser off the main thread (the generator emits code meanwhile); posts back plain
// error-level diagnostics: [{ message, path, line? }] or { failed: message }.
import { parentPort, workerData } from 'node:worker_threads';

const { Parser, DiagnosticSeverity } = await import('@asyncapi/parser');
try {
  const parser = new Parser({ ruleset: { recommended: false } });
  // validate() = parse() without building the document model (only the diagnostics are needed here).
  const diagnostics = await parser.validate(workerData.text);
  parentPort.postMessage({
    diagnostics: diagnostics
      .filter((d) => d.severity === DiagnosticSeverity.Error)
      .map((d) => ({ message: d.message, path: d.path.map(String), ...(d.range ? { line: d.range.start.line + 1 } : {}) })),
  });
} catch (e) {
  parentPort.postMessage({ failed: e instanceof Error ? e.message : String(e) });
}
