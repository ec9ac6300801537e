/** tars-contracts/testing: an embedded broker, test clients, message waiters and contract fixtures. */
export { startTestBroker, type TestBroker, type TestBrokerOptions } from './broker.js';
export { connectTestClient, closeTestClients, type TestClientOptions } from './client.js';
export { nextMessage, collectMessages, MessageTimeoutError, type NextMessageOptions, type CollectOptions, type Waiting } from './messages.js';
export { exampleOf, examplesOf, wireExampleOf, NoExampleError } from './fixtures.js';
