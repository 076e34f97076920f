import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { textProblem } from "../ingest/check-text.js";
import type { MemoryParts } from "../memory/memory.js";
import { idSchema, parseInput } from "../memory/parse-input.js";
import { isWithinScope, scopePathSchema } from "./scope-path.js";

/** What a key lets its holder do: act as one of `users`, inside the scope paths `scopes`. */
export interface ApiKeyGrant {
  /** The key's public id (the part after `mnemo_`, safe to log). */
  keyId: string;
  /** The users the key may act as. */
  users: string[];
  /** Scope path prefixes the key may read and write; `["/"]` is the whole of each user's data. */
  scopes: string[];
  label: string | undefined;
}

/** A stored key as listed: never its secret or its hash. */
export interface ApiKeyInfo extends ApiKeyGrant {
  createdAt: Date;
  lastUsedAt: Date | undefined;
  revokedAt: Date | undefined;
}

/** A newly created key: `key` is the secret, shown this once and never stored. */
export interface CreatedApiKey extends ApiKeyInfo {
  key: string;
}

/** Options for {@link ApiKeys.create}. */
export interface CreateApiKeyInput {
  /** The users the key may act as (1 to 100 user ids). */
  users: string[];
  /** Scope path prefixes the key is limited to. @default ["/"] */
  scopes?: string[] | undefined;
  /** A note for people (who or what holds the key), at most 200 characters. */
  label?: string | undefined;
}

interface Row {
  key_id: string;
  key_hash: Buffer | Uint8Array;
  users: string[];
  scopes: string[];
  label: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const keyPattern = /^mnemo_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const userId = idSchema.superRefine((value, context) => {
  const problem = textProblem(value);
  if (problem) context.addIssue({ code: "custom", message: problem });
});
const createSchema = z.object({
  users: z.array(userId).min(1, "must name at least one user").max(100, "must name at most 100 users"),
  scopes: z.array(scopePathSchema).min(1, "must name at least one scope").max(100, "must name at most 100 scopes").default(["/"]),
  label: z
    .string()
    .max(200, "must be at most 200 characters")
    .refine((value) => textProblem(value) === undefined, "must be valid text without U+0000")
    .optional(),
});
const idOnly = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, "must be a key id (16 hex digits)") });
const listSchema = z.object({ includeRevoked: z.boolean().default(false) });
// Refresh last_used_at at most once a minute, so verification is one read on the hot path.
const touchAfterMs = 60_000;

/**
 * API keys for services over Mnemo (the CrewAI bridge, `mnemo keys`): each key is bound to users and
 * scope path prefixes. A key is `mnemo_<id>_<secret>` with a 256-bit random secret; only its SHA-256 is
 * stored (a fast hash is enough for a high-entropy secret; slow password hashes exist for guessable
 * ones), looked up by its public id and compared in constant time. Reached as `memory.apiKeys`.
 */
export class ApiKeys {
  readonly #parts: MemoryParts;

  /** @internal Created by {@link Memory}. */
  constructor(parts: MemoryParts) {
    this.#parts = parts;
  }

  get #s(): string {
    return this.#parts.store.s;
  }

  /**
   * Creates a key for `users`, limited to `scopes` (default `["/"]`, everything of those users).
   * The returned `key` is the only copy of the secret.
   * @throws InvalidInputError for no users, a malformed user id or scope path; nothing is written.
   * @example
   * const { id, key } = await memory.apiKeys.create({ users: ["ada"], scopes: ["/crew/research"], label: "research crew" });
   */
  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const request = parseInput(createSchema, input);
    const keyId = randomBytes(8).toString("hex");
    const key = `mnemo_${keyId}_${randomBytes(32).toString("base64url")}`;
    const users = [...new Set(request.users)];
    const scopes = [...new Set(request.scopes)];
    const { rows } = await this.#parts.store.driver.query<Row>(
      `INSERT INTO ${this.#s}.api_keys (key_id, key_hash, users, scopes, label) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [keyId, hashKey(key), users, scopes, request.label ?? null],
    );
    return { ...toInfo(rows[0] as Row), key };
  }

  /** Keys, newest first, without secrets; revoked ones only with `includeRevoked`. */
  async list(input: { includeRevoked?: boolean } = {}): Promise<ApiKeyInfo[]> {
    const request = parseInput(listSchema, input);
    const { rows } = await this.#parts.store.driver.query<Row>(
      `SELECT * FROM ${this.#s}.api_keys WHERE $1 OR revoked_at IS NULL ORDER BY created_at DESC, key_id`,
      [request.includeRevoked],
    );
    return rows.map(toInfo);
  }

  /** Revokes a key at once: it never verifies again. Resolves false when there was no such active key. */
  async revoke(input: { id: string }): Promise<boolean> {
    const request = parseInput(idOnly, input);
    const { affectedRows } = await this.#parts.store.driver.query(
      `UPDATE ${this.#s}.api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL`,
      [request.id],
    );
    return affectedRows > 0;
  }

  /**
   * What a presented key grants, or undefined for a malformed, unknown or revoked key (callers answer
   * 401 without saying which). The hash comparison takes constant time.
   * @example
   * const grant = await memory.apiKeys.verify(request.headers.authorization?.replace(/^Bearer /, "") ?? "");
   */
  async verify(key: string): Promise<ApiKeyGrant | undefined> {
    const match = typeof key === "string" ? keyPattern.exec(key) : null;
    if (!match) return undefined;
    const { rows } = await this.#parts.store.driver.query<Row>(`SELECT * FROM ${this.#s}.api_keys WHERE key_id = $1 AND revoked_at IS NULL`, [match[1]]);
    const row = rows[0];
    const presented = hashKey(key);
    const stored = row ? Buffer.from(row.key_hash) : Buffer.alloc(presented.length);
    if (!timingSafeEqual(presented, stored) || !row) return undefined;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > touchAfterMs) {
      await this.#parts.store.driver.query(`UPDATE ${this.#s}.api_keys SET last_used_at = now() WHERE key_id = $1`, [row.key_id]);
    }
    return grantOf(row);
  }
}

/** True when `grant` lets its holder act as `userId`. */
export function grantAllowsUser(grant: ApiKeyGrant, userId: string): boolean {
  return grant.users.includes(userId);
}

/** True when `scope` lies inside one of the grant's scope prefixes (compared as paths). */
export function grantAllowsScope(grant: ApiKeyGrant, scope: string): boolean {
  return grant.scopes.some((prefix) => isWithinScope(scope, prefix));
}

function hashKey(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

function grantOf(row: Row): ApiKeyGrant {
  return { keyId: row.key_id, users: row.users, scopes: row.scopes, label: row.label ?? undefined };
}

function toInfo(row: Row): ApiKeyInfo {
  return { ...grantOf(row), createdAt: row.created_at, lastUsedAt: row.last_used_at ?? undefined, revokedAt: row.revoked_at ?? undefined };
}
