import { ConflictError, InvalidInputError, MigrationError, NotFoundError, UnavailableError } from "@mnemo/core";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { HttpError } from "./http-error.js";
import { describeError } from "./to-error-response.js";

describe("describeError", () => {
  it("maps core's typed errors to their statuses", () => {
    expect(describeError(new InvalidInputError("Invalid x.", { issues: [{ path: "x", message: "bad" }] }))).toEqual({
      status: 400,
      body: { error: { code: "invalid_input", message: "Invalid x.", issues: [{ path: "x", message: "bad" }] } },
      headers: {},
    });
    expect(describeError(new NotFoundError("No such thing.")).status).toBe(404);
    expect(describeError(new ConflictError("Reused id.")).status).toBe(409);
    expect(describeError(new UnavailableError("Database unreachable."))).toMatchObject({ status: 503, headers: { "Retry-After": "2" } });
    expect(describeError(new MigrationError("Schema newer.")).status).toBe(503);
  });

  it("keeps the bridge's own refusals and Hono's exceptions in the error shape", () => {
    expect(describeError(new HttpError(403, "forbidden", "Outside the key.", { details: { issues: [{ path: "body.scope", message: "outside" }] } }))).toEqual({
      status: 403,
      body: { error: { code: "forbidden", message: "Outside the key.", issues: [{ path: "body.scope", message: "outside" }] } },
      headers: {},
    });
    expect(describeError(new HTTPException(400, { message: "Malformed JSON in request body" })).body.error.code).toBe("invalid_input");
  });

  it("answers anything else with a 500 that reveals nothing", () => {
    const answer = describeError(new Error("connection to postgres://user:secret@db failed for 'Alice's diary'"));
    expect(answer).toEqual({ status: 500, body: { error: { code: "internal", message: "Internal error." } }, headers: {} });
  });
});
