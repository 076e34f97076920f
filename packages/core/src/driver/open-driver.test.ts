import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { openDriver } from "./open-driver.js";

describe("openDriver", () => {
  it("uses a PGlite instance it is given (not a new database in its dataDir) and leaves it open", async () => {
    const db = await PGlite.create("memory://", { extensions: { vector } });
    await db.exec("CREATE TABLE marker (a int)");
    const driver = await openDriver(db);
    expect(driver.engine).toBe("pglite");
    expect((await driver.query("SELECT count(*)::int AS n FROM marker")).rows).toEqual([{ n: 0 }]);
    await driver.close();
    expect((await db.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await db.close();
  });

  it("rejects a string that is not a postgres URL", async () => {
    await expect(openDriver("mysql://localhost/db")).rejects.toSatisfy(InvalidInputError.isInstance);
    await expect(openDriver(42 as never)).rejects.toSatisfy(InvalidInputError.isInstance);
  });
});
