// @tars-contracts/runtime/contract: the part of the runtime that generated contract code uses and that runs anywhere,
// a browser included (no Node built-in, no MQTT.js): the descriptor types and the topic catalogue.
export * from './descriptor.js';
export { createTopicCatalog, type ResolvedTopic as CatalogResolvedTopic, type ParameterEnums, type TopicCatalog } from './catalog.js';
export { formats, ucs2length, deepEqual, validatorWrapper, type CompiledValidation, type AjvError } from './validation.js';
