import { parseArgs } from "node:util";
import { createHuggingFaceEmbedder, createOpenAICompatibleEmbedder, type Embedder, InvalidInputError } from "@mnemo/core";
import { defaultBridgePort, type StartBridgeOptions } from "./start-bridge.js";

/** Help for the `mnemo-bridge` command (and `mnemo serve`). */
export const bridgeUsage = `Usage: mnemo-bridge [options]        start the service
       mnemo-bridge keys <create|list|revoke> …   manage API keys (mnemo-bridge keys --help)

Options (each also read from the environment variable shown):
  --port <n>            TCP port (MNEMO_PORT)                               default ${defaultBridgePort}
  --host <address>      interface to listen on (MNEMO_HOST)                 default 127.0.0.1
  --database <url|dir>  postgres:// URL or an embedded data folder (DATABASE_URL, MNEMO_HOME)
                                                                             default embedded in ~/.mnemo
  --schema <name>       PostgreSQL schema (MNEMO_SCHEMA)                    default mnemo
  --embedder <spec>     hf:<hub id or model folder> | openai:<model> (MNEMO_EMBEDDER)
                                                                             default none (lexical search)
  --embedder-url <url>  API root for openai: embedders (MNEMO_EMBEDDER_URL)  default https://api.openai.com/v1
                        its key is read from MNEMO_EMBEDDER_API_KEY or OPENAI_API_KEY, never from a flag
  --body-limit <bytes>  largest request body (MNEMO_BODY_LIMIT)              default 16777216
  -h, --help            this help`;

/**
 * The bridge's configuration from command-line flags, then the environment, then defaults. Secrets
 * (the embedder's API key) come only from the environment, so they never show in a process list.
 * @throws InvalidInputError for a malformed port, body limit or embedder spec.
 * @example
 * const options = await bridgeOptionsFromArgs(process.argv.slice(2), process.env);
 * const bridge = await startBridge(options);
 */
export async function bridgeOptionsFromArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<StartBridgeOptions & { help: boolean }> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      database: { type: "string" },
      schema: { type: "string" },
      embedder: { type: "string" },
      "embedder-url": { type: "string" },
      "body-limit": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  const database = values.database ?? env.DATABASE_URL ?? env.MNEMO_HOME;
  const embedderSpec = values.embedder ?? env.MNEMO_EMBEDDER;
  return {
    help: values.help === true,
    port: integer(values.port ?? env.MNEMO_PORT, "port", 0, 65_535) ?? defaultBridgePort,
    host: values.host ?? env.MNEMO_HOST ?? "127.0.0.1",
    database: database === undefined ? undefined : /^postgres(ql)?:\/\//.test(database) ? database : { dataDir: database },
    schema: values.schema ?? env.MNEMO_SCHEMA,
    bodyLimit: integer(values["body-limit"] ?? env.MNEMO_BODY_LIMIT, "body-limit", 1_024, 1_073_741_824),
    embedder: embedderSpec ? await embedderFromSpec(embedderSpec, values["embedder-url"] ?? env.MNEMO_EMBEDDER_URL, env) : undefined,
  };
}

/** `hf:<hub id or folder>` or `openai:<model>` → an embedder. */
async function embedderFromSpec(spec: string, baseUrl: string | undefined, env: NodeJS.ProcessEnv): Promise<Embedder> {
  const [kind, ...rest] = spec.split(":");
  const model = rest.join(":");
  if (kind === "hf" && model) return createHuggingFaceEmbedder({ model });
  if (kind === "openai" && model) {
    const apiKey = env.MNEMO_EMBEDDER_API_KEY ?? env.OPENAI_API_KEY;
    return createOpenAICompatibleEmbedder({ baseUrl: baseUrl ?? "https://api.openai.com/v1", model, ...(apiKey ? { apiKey } : {}) });
  }
  throw new InvalidInputError("embedder: must be hf:<hub id or model folder> or openai:<model>.", {
    issues: [{ path: "embedder", message: "unknown embedder spec" }],
  });
}

function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new InvalidInputError(`${name}: must be an integer from ${min} to ${max}.`, {
      issues: [{ path: name, message: `must be an integer from ${min} to ${max}` }],
    });
  }
  return parsed;
}
