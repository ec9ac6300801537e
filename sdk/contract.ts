// tars-contracts/contract: the contract without the MQTT runtime, safe in a browser (no Node built-in, no MQTT.js):
// payload types, channel descriptors, compiled validators, resolveTopic / validatePayload / validateEnvelope.
export * from '../generated/contract.js';
