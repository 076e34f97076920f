export { MnemoStore, type MnemoStoreOptions } from "./mnemo-store.js";
