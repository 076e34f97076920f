export { createHashingEmbedder } from "./hashing-embedder.js";
export { type OpenTestEngine, type TestEngine, testEngines } from "./test-engines.js";
