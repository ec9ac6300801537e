/**
 * Child process for the Last Will test: connects with health enabled, prints `READY <pid>` on stdout once
 * connect() resolved, then waits until it is killed. Run with `node --import tsx` (one process, so the PID it
 * prints is the process that holds the MQTT connection).
 *   env: ITEST_URL, ITEST_CLIENT_ID
 */
// The package root's connect(): the TARS contract's health channel is the default.
import { connect } from '../../../sdk/index.js';

const url = process.env.ITEST_URL;
const clientId = process.env.ITEST_CLIENT_ID;
if (!url || !clientId) {
  process.stderr.write('health-child: ITEST_URL and ITEST_CLIENT_ID are required\n');
  process.exit(2);
}

const silent = { level: 'silent', trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, child() { return silent; } };

const client = await connect({
  url,
  clientId,
  enableHealth: true,
  enableHeartbeat: false,
  keepalive: 5,
  connectTimeoutMs: 10_000,
  logger: silent,
});
process.stdout.write(`READY ${process.pid} ${client.clientId}\n`);
setInterval(() => {}, 60_000);
