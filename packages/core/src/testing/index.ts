export { type FakeReplier, type FakeReply, fakeOpenAIServer, type ReceivedRequest } from "./fake-openai-server.js";
export { createHashingEmbedder } from "./hashing-embedder.js";
export { type SqlRunner, tableChecksum } from "./table-checksum.js";
export { type OpenTestEngine, type TestEngine, testEngines } from "./test-engines.js";
