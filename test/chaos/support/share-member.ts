/**
 * Child process for the share-group chaos test: one member of a share group (MQTT 5) with ack 'handled'. With
 * SHARE_STUCK=1 its handler never finishes, so every message it takes stays unacknowledged until the process is
 * killed. SHARE_PERSISTENT=1: a persistent session (clean false, session expiry 300 s) under a fixed client id.
 * Prints `GOT <n>` per message and `READY` once subscribed. Run with `node --import tsx`; env: SHARE_URL,
 * SHARE_RUN, SHARE_GROUP.
 */
import { connect } from '../../../runtime/index.js';
import { readingQ1 } from '../../integration/support/descriptors.js';

const { SHARE_URL: url, SHARE_RUN: run, SHARE_GROUP: group } = process.env;
if (!url || !run || !group) {
  process.stderr.write('share-member: SHARE_URL, SHARE_RUN and SHARE_GROUP are required\n');
  process.exit(2);
}
const stuck = process.env.SHARE_STUCK === '1';
const persistent = process.env.SHARE_PERSISTENT === '1';
const bus = await connect({
  url, clientId: `share-child-${run}`, protocolVersion: 5, connectTimeoutMs: 10_000, clean: !persistent,
  ...(persistent ? { sessionExpirySeconds: 300 } : {}),
});
await bus.subscribe(
  readingQ1,
  (d) => {
    process.stdout.write(`GOT ${d.n}\n`);
    return stuck ? new Promise<void>(() => {}) : undefined;
  },
  { params: { run }, group, ack: 'handled', concurrency: 1000 },
);
process.stdout.write('READY\n');
