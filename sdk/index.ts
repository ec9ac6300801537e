// tars-contracts: what a TARS service installs. The contract's generated API (types, channel descriptors,
// validators, typed publish/subscribe/request functions) beside the runtime that carries it over MQTT.
export * from '../generated/index.js';
export * from '@tars-contracts/runtime';
// Both halves have a connect(): the contract's passes its health and heartbeat channels to the runtime's.
export { connect } from '../generated/index.js';
