import pg from "pg";
import { describe, expect, it } from "vitest";
import { UnavailableError } from "../errors/unavailable-error.js";
import { mapDatabaseError } from "./map-database-error.js";

describe("mapDatabaseError", () => {
  it("maps pg-pool's connection-wait timeout to UnavailableError (a 503 in services, not a 500)", async () => {
    // Nothing listens on port 9 of loopback in these environments; a 1 ms wait cannot connect anyway.
    const pool = new pg.Pool({ connectionString: "postgres://nobody@127.0.0.1:9/none", connectionTimeoutMillis: 1 });
    const failure = await pool.query("SELECT 1").catch((error: unknown) => error);
    await pool.end();
    expect(mapDatabaseError(failure)).toSatisfy(UnavailableError.isInstance);
    expect(mapDatabaseError(new Error("timeout exceeded when trying to connect"))).toSatisfy(UnavailableError.isInstance);
    expect(mapDatabaseError(Object.assign(new Error("x"), { code: "57P01" }))).toSatisfy(UnavailableError.isInstance);
    expect(mapDatabaseError(new Error("something else")).code).toBe("internal");
  });
});
