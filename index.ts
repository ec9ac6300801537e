// tars-contracts: the package root. The contract's generated API (types, channel descriptors, validators,
// typed publish/subscribe/request functions) beside the runtime that carries it over MQTT.
export * from './generated/index.js';
export * from './runtime/index.js';
// Both halves name the health and heartbeat payloads; the contract's generated types are the public ones.
export type { HealthPing, HeartbeatPayload } from './generated/index.js';
