import { z } from "zod";
import type { Queryable } from "../driver/driver.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { NotFoundError } from "../errors/not-found-error.js";
import { jsonProblem, textProblem } from "../ingest/check-text.js";
import type { MemoryParts } from "../memory/memory.js";
import { idSchema, parseInput } from "../memory/parse-input.js";
import type { ChangedBy } from "../model-memory/model-memory.js";

/** A value that JSON can represent. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a setting can hold: any JSON value but a top-level `null`, which would be indistinguishable from an unset. */
export type SettingValue = Exclude<JsonValue, null>;

/** One version of a setting that holds a value. */
export interface SettingVersion {
  key: string;
  value: SettingValue;
  /** 1, 2, 3, … per (user, key), in the order of the changes. */
  version: number;
  active: boolean;
  changedBy: ChangedBy;
  createdAt: Date;
}

/** One entry of a setting's history: a value that was set, or the record of an unset. */
export interface SettingChange {
  key: string;
  version: number;
  action: "set" | "unset";
  /** Undefined for an unset. */
  value: SettingValue | undefined;
  active: boolean;
  changedBy: ChangedBy;
  createdAt: Date;
}

/** The settings in force for a user: global defaults overridden by the user's own values. */
export interface ActiveSettings {
  values: Record<string, SettingValue>;
  /** For each key, the version in force and whether it is the user's or the global default. */
  versions: Record<string, { version: number; scope: "user" | "global" }>;
}

/** The largest serialised value, in UTF-8 bytes. */
const maxValueBytes = 65_536;
/** Where global defaults are stored: real user ids are never empty. */
const globalUser = "";

const userId = idSchema.superRefine((value, context) => {
  const problem = textProblem(value);
  if (problem) context.addIssue({ code: "custom", message: problem });
});
const key = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, "must start with a-z and hold at most 64 of a-z, 0-9, _, . and -");
const changedBy = z.enum(["user", "model", "import", "system"]);
const value = z.unknown().superRefine((input, context) => {
  const problem =
    input === undefined || input === null
      ? "must be a JSON value other than null; call unset to remove a setting"
      : (jsonProblem(input) ?? (Buffer.byteLength(JSON.stringify(input)) > maxValueBytes ? `must be at most ${maxValueBytes} bytes as JSON` : undefined));
  if (problem) context.addIssue({ code: "custom", message: problem });
});
const scoped = { userId: userId.optional(), key };
const setSchema = z.object({ ...scoped, value, by: changedBy.default("user") }).superRefine((input, context) => {
  if (input.key === "system_prompt" && typeof input.value !== "string")
    context.addIssue({ code: "custom", path: ["value"], message: "must be a string for system_prompt" });
});
const rollbackSchema = z.object({ ...scoped, version: z.number().int().min(1, "must be at least 1").optional(), by: changedBy.default("user") });

interface Row {
  key: string;
  version: number;
  /** `null` records an unset. */
  value: SettingValue | null;
  active: boolean;
  changed_by: ChangedBy;
  created_at: Date;
}

/** An active row, or any row that holds a value: never an unset record. */
type ActiveRow = Row & { value: SettingValue };

/**
 * Versioned settings per user, with global defaults (a user's value overrides the default of the same key).
 * Every change is a new version, and the history stays linear and complete: `rollback` writes the old
 * value again as a new version, and `unset` is recorded as a version without a value. Changes of one
 * (user, key) are serialised, so concurrent writers never lose a version. Reached as `memory.settings`.
 */
export class Settings {
  readonly #parts: MemoryParts;

  /** @internal Created by {@link Memory}. */
  constructor(parts: MemoryParts) {
    this.#parts = parts;
  }

  get #s(): string {
    return this.#parts.store.s;
  }

  /**
   * Sets a value (any JSON but `null`, at most 64 KB serialised; `system_prompt` must be a string) as a new
   * version for the user, or as the global default without `userId`. Setting the active value again writes
   * nothing and returns the active version.
   * @throws InvalidInputError for a malformed key or value; nothing is written.
   * @example
   * await memory.settings.set({ key: "system_prompt", value: "You are a concise assistant." }); // the global default
   * await memory.settings.set({ userId: "ada", key: "system_prompt", value: "Answer in French.", by: "user" });
   */
  async set(input: { userId?: string; key: string; value: SettingValue; by?: ChangedBy }): Promise<SettingVersion> {
    const request = parseInput(setSchema, input);
    const owner = request.userId ?? globalUser;
    return this.#locked(owner, request.key, (db) => this.#write(db, owner, request.key, request.value as SettingValue, request.by));
  }

  /**
   * The settings in force: the global defaults overridden by the user's values (only the defaults without `userId`).
   * @example
   * const { values } = await memory.settings.get({ userId: "ada" });
   */
  async get(input: { userId?: string } = {}): Promise<ActiveSettings> {
    const owner = parseInput(z.object({ userId: userId.optional() }), input).userId ?? globalUser;
    const { rows } = await this.#parts.store.driver.query<ActiveRow & { user_id: string }>(
      `SELECT DISTINCT ON (key) key, value, version, user_id FROM ${this.#s}.settings
       WHERE user_id IN ('', $1) AND active ORDER BY key, user_id = ''`,
      [owner],
    );
    const settings: ActiveSettings = { values: {}, versions: {} };
    for (const row of rows) {
      settings.values[row.key] = row.value;
      settings.versions[row.key] = { version: row.version, scope: row.user_id === globalUser ? "global" : "user" };
    }
    return settings;
  }

  /**
   * Every version of a setting of the user (or of the global default), newest first, unsets included.
   * @example
   * const changes = await memory.settings.history({ userId: "ada", key: "system_prompt" });
   */
  async history(input: { userId?: string; key: string }): Promise<SettingChange[]> {
    const request = parseInput(z.object(scoped), input);
    const { rows } = await this.#parts.store.driver.query<Row>(
      `SELECT key, version, value, active, changed_by, created_at FROM ${this.#s}.settings WHERE user_id = $1 AND key = $2 ORDER BY version DESC`,
      [request.userId ?? globalUser, request.key],
    );
    return rows.map((row) => ({
      key: row.key,
      version: row.version,
      action: row.value === null ? "unset" : "set",
      value: row.value ?? undefined,
      active: row.active,
      changedBy: row.changed_by,
      createdAt: row.created_at,
    }));
  }

  /**
   * Makes the value of an earlier version active again, as a new version. Without `version`: the newest
   * value older than the active one (with no active value, the newest value, which undoes an unset).
   * @throws NotFoundError when there is no such version, or no earlier value.
   * @throws InvalidInputError when `version` records an unset (call unset instead).
   * @example
   * await memory.settings.rollback({ userId: "ada", key: "system_prompt" });
   * await memory.settings.rollback({ userId: "ada", key: "system_prompt", version: 3 });
   */
  async rollback(input: { userId?: string; key: string; version?: number; by?: ChangedBy }): Promise<SettingVersion> {
    const request = parseInput(rollbackSchema, input);
    const owner = request.userId ?? globalUser;
    return this.#locked(owner, request.key, async (db) => {
      const { rows } = await db.query<Row>(
        request.version === undefined
          ? `SELECT * FROM ${this.#s}.settings
             WHERE user_id = $1 AND key = $2 AND jsonb_typeof(value) <> 'null'
               AND version < coalesce((SELECT version FROM ${this.#s}.settings WHERE user_id = $1 AND key = $2 AND active), 2147483647)
             ORDER BY version DESC LIMIT 1`
          : `SELECT * FROM ${this.#s}.settings WHERE user_id = $1 AND key = $2 AND version = $3`,
        request.version === undefined ? [owner, request.key] : [owner, request.key, request.version],
      );
      const target = rows[0];
      if (!target) {
        throw new NotFoundError(
          request.version === undefined ? "This setting has no earlier value to roll back to." : `This setting has no version ${request.version}.`,
        );
      }
      if (target.value === null) throw new InvalidInputError(`Version ${target.version} of this setting records an unset, not a value; call unset instead.`);
      return this.#write(db, owner, request.key, target.value, request.by);
    });
  }

  /**
   * Removes the user's value (the global default shows through again), or the global default without
   * `userId`. The unset is recorded in the history; false when there was no active value.
   * @example
   * await memory.settings.unset({ userId: "ada", key: "system_prompt" });
   */
  async unset(input: { userId?: string; key: string; by?: ChangedBy }): Promise<boolean> {
    const request = parseInput(z.object({ ...scoped, by: changedBy.default("user") }), input);
    const owner = request.userId ?? globalUser;
    return this.#locked(owner, request.key, async (db) => {
      const { affectedRows } = await db.query(`UPDATE ${this.#s}.settings SET active = false WHERE user_id = $1 AND key = $2 AND active`, [owner, request.key]);
      if (affectedRows === 0) return false;
      await this.#insert(db, owner, request.key, "null", false, request.by);
      return true;
    });
  }

  /**
   * The system prompt in force for a user: theirs, else the global default; undefined when neither is set.
   * @example
   * const prompt = (await memory.settings.systemPrompt("ada")) ?? "You are a helpful assistant.";
   */
  async systemPrompt(userIdInput: string): Promise<string | undefined> {
    const owner = parseInput(userId, userIdInput);
    const { rows } = await this.#parts.store.driver.query<{ value: JsonValue }>(
      `SELECT value FROM ${this.#s}.settings WHERE user_id IN ('', $1) AND key = 'system_prompt' AND active ORDER BY user_id = '' LIMIT 1`,
      [owner],
    );
    const prompt = rows[0]?.value;
    return typeof prompt === "string" ? prompt : undefined;
  }

  /** Runs `work` in a transaction that holds the lock of one (user, key). */
  #locked<T>(owner: string, settingKey: string, work: (db: Queryable) => Promise<T>): Promise<T> {
    return this.#parts.store.driver.transaction(async (db) => {
      // A key never contains ':', so the lock name cannot be shared by another (user, key).
      await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`mnemo:settings:${this.#s}:${settingKey}:${owner}`]);
      return work(db);
    });
  }

  /** Makes `value` the active version under the caller's lock, unless it already is. */
  async #write(db: Queryable, owner: string, settingKey: string, settingValue: SettingValue, by: ChangedBy): Promise<SettingVersion> {
    const json = JSON.stringify(settingValue);
    const { rows } = await db.query<ActiveRow & { same: boolean }>(
      `SELECT *, value = $3::jsonb AS same FROM ${this.#s}.settings WHERE user_id = $1 AND key = $2 AND active`,
      [owner, settingKey, json],
    );
    const active = rows[0];
    if (active?.same) return toVersion(active);
    if (active) await db.query(`UPDATE ${this.#s}.settings SET active = false WHERE user_id = $1 AND key = $2 AND active`, [owner, settingKey]);
    if (owner !== globalUser) await db.query(`INSERT INTO ${this.#s}.users (user_id) VALUES ($1) ON CONFLICT DO NOTHING`, [owner]);
    return toVersion(await this.#insert<ActiveRow>(db, owner, settingKey, json, true, by));
  }

  /** Inserts the next version; `json` is `null` for the record of an unset. */
  async #insert<Inserted extends Row>(db: Queryable, owner: string, settingKey: string, json: string, active: boolean, by: ChangedBy): Promise<Inserted> {
    const { rows } = await db.query<Inserted>(
      `INSERT INTO ${this.#s}.settings (user_id, key, version, value, active, changed_by)
       SELECT $1, $2, coalesce(max(version), 0) + 1, $3::jsonb, $4, $5 FROM ${this.#s}.settings WHERE user_id = $1 AND key = $2
       RETURNING key, version, value, active, changed_by, created_at`,
      [owner, settingKey, json, active, by],
    );
    return rows[0] as Inserted;
  }
}

function toVersion(row: ActiveRow): SettingVersion {
  return { key: row.key, value: row.value, version: row.version, active: row.active, changedBy: row.changed_by, createdAt: row.created_at };
}
