export { type OpenTestEngine, type TestEngine, testEngines } from "./test-engines.js";
