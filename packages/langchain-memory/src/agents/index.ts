export { createMnemoMiddleware, type MnemoMiddlewareOptions } from "./mnemo-middleware.js";
