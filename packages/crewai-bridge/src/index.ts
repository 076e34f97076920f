export type { BridgeApp, BridgeEnv, BridgeVariables } from "./app/bridge-env.js";
export { type BridgeAppOptions, createBridgeApp, defaultBodyLimit } from "./app/create-bridge-app.js";
export { type ErrorBody, errorBodySchema } from "./app/error-body.js";
export { HttpError } from "./app/http-error.js";
export { userHeader } from "./auth/authenticate.js";
export { jsonLogger, type LogEntry, type Logger, silentLogger } from "./logging/logger.js";
export { bridgeOptionsFromArgs, bridgeUsage } from "./server/bridge-config.js";
export { keysUsage, runKeysCommand } from "./server/keys-command.js";
export { defaultBridgePort, type RunningBridge, type StartBridgeOptions, startBridge } from "./server/start-bridge.js";
