/**
 * Child process for the hostile-inbound chaos test: a TARS llm/request subscriber with dedupe on. For every
 * message its handler gets it prints `HANDLED <ok> <id>` (ok = the data passes the channel's validator again and
 * Object.prototype is untouched); for every rejected one `INVALID <reason> <rule>`. Prints `READY` once
 * subscribed. Run with `node --import tsx`; env: CHAOS_URL, CHAOS_CLIENT_ID.
 */
import { connect, llmRequestChannel, subscribeLlmRequest } from '../../../sdk/index.js';

const url = process.env.CHAOS_URL;
const clientId = process.env.CHAOS_CLIENT_ID;
if (!url || !clientId) {
  process.stderr.write('hostile-child: CHAOS_URL and CHAOS_CLIENT_ID are required\n');
  process.exit(2);
}
const out = (line: string) => process.stdout.write(line + '\n');

const bus = await connect({ url, clientId, clean: false, dedupeTtl: 60, enableHealth: false, enableHeartbeat: false, connectTimeoutMs: 10_000 });
await subscribeLlmRequest(
  bus,
  (data) => {
    const valid = llmRequestChannel.validateData(data).ok && Number.isFinite(data.rag_k ?? 0);
    const clean = (Object.prototype as Record<string, unknown>).polluted === undefined && ({} as Record<string, unknown>).polluted === undefined;
    out(`HANDLED ${valid && clean ? 'ok' : 'BAD'} ${data.id}`);
  },
  { onInvalid: (m) => out(`INVALID ${m.reason} ${m.errors[0]?.rule ?? '-'}`) },
);
out('READY');
