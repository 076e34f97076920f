import { InvalidInputError } from "../errors/invalid-input-error.js";
import { asRecord, asText, describeSchema, oneLine, resolveObject } from "./describe-schema.js";
import type { DocumentSection } from "./document-section.js";
import { parseJsonOrYaml } from "./parse-structured.js";

const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/**
 * Splits an OpenAPI 3 or Swagger 2 document (JSON or YAML) into an `info` section, one section per
 * operation (heading `Pet Store > GET /pets/{petId}`) and one per component schema (heading
 * `Pet Store > Schema Pet`), each rendered as compact text with local `$ref`s expanded a few levels.
 *
 * @throws InvalidInputError when the content is not JSON or YAML, or has no `paths` object.
 */
export function openApiSections(content: string, title: string | undefined): DocumentSection[] {
  const spec = asRecord(parseJsonOrYaml(content));
  const paths = asRecord(spec?.paths);
  if (!spec || !paths) {
    throw new InvalidInputError('content: an OpenAPI document needs a "paths" object at the top level; pass contentType "json" or "text" for other documents.');
  }
  const apiTitle = asText(asRecord(spec.info)?.title) ?? title;
  const under = (heading: string): string => (apiTitle ? `${apiTitle} > ${heading}` : heading);
  const sections: DocumentSection[] = [{ heading: apiTitle, content: describeInfo(spec) }];
  for (const [path, value] of Object.entries(paths)) {
    const item = resolveObject(spec, value) ?? {};
    for (const method of httpMethods) {
      const operation = asRecord(item[method]);
      if (!operation) continue;
      const heading = `${method.toUpperCase()} ${path}`;
      sections.push({ heading: under(heading), content: describeOperation(spec, heading, operation, item.parameters) });
    }
  }
  for (const [ref, name] of schemaRefs(spec)) {
    sections.push({ heading: under(`Schema ${name}`), content: describeComponent(spec, ref) });
  }
  return sections;
}

function describeInfo(spec: Record<string, unknown>): string {
  const info = asRecord(spec.info) ?? {};
  const servers = Array.isArray(spec.servers) ? spec.servers.map((server) => asText(asRecord(server)?.url)) : [];
  if (typeof spec.host === "string") servers.push(`${spec.host}${asText(spec.basePath) ?? ""}`);
  const lines = [
    [asText(info.title), asText(info.version)].filter(Boolean).join(" "),
    asText(info.description)?.trim(),
    labelled("Servers", servers.filter(Boolean).join(", ")),
  ];
  return lines.filter(Boolean).join("\n");
}

const labelled = (label: string, value: string | undefined): string | undefined => (value ? `${label}: ${value}` : undefined);

function describeOperation(spec: Record<string, unknown>, heading: string, operation: Record<string, unknown>, sharedParameters: unknown): string {
  const tags = Array.isArray(operation.tags) ? operation.tags.map(asText).filter(Boolean).join(", ") : undefined;
  const lines = [
    heading,
    labelled("Summary", asText(operation.summary)),
    labelled("Operation ID", asText(operation.operationId)),
    labelled("Tags", tags),
    operation.deprecated === true ? "Deprecated." : undefined,
    asText(operation.description)?.trim(),
    ...listed("Parameters", describeParameters(spec, sharedParameters, operation.parameters)),
    describeRequestBody(spec, operation.requestBody),
    ...listed("Responses", describeResponses(spec, operation.responses)),
  ];
  return lines.filter(Boolean).join("\n");
}

const listed = (label: string, items: string[]): string[] => (items.length > 0 ? [`${label}:`, ...items.map((item) => `- ${item}`)] : []);

/** Path-level parameters first, replaced by operation parameters of the same name and location. */
function describeParameters(spec: Record<string, unknown>, shared: unknown, own: unknown): string[] {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const list of [shared, own]) {
    for (const value of Array.isArray(list) ? list : []) {
      const parameter = resolveObject(spec, value);
      if (parameter) byKey.set(`${asText(parameter.in)}:${asText(parameter.name)}`, parameter);
    }
  }
  return [...byKey.values()].map((parameter) => {
    const where = [asText(parameter.in), parameter.required === true ? "required" : undefined].filter(Boolean).join(", ");
    // Swagger 2 puts the type on the parameter itself, except for the body, which has a schema.
    const schema = parameter.schema ?? (parameter.type === undefined ? undefined : parameter);
    const type = schema === undefined ? "" : `: ${describeSchema(spec, schema)}`;
    const description = asText(parameter.description);
    return `${asText(parameter.name) ?? "?"}${where ? ` (${where})` : ""}${type}${description ? ` — ${oneLine(description)}` : ""}`;
  });
}

function describeRequestBody(spec: Record<string, unknown>, value: unknown): string | undefined {
  const body = resolveObject(spec, value);
  if (!body) return undefined;
  const description = asText(body.description);
  const parts = [description ? oneLine(description) : undefined, describeContent(spec, body.content)].filter(Boolean);
  return `Request body${body.required === true ? " (required)" : ""}: ${parts.join("; ") || "any"}`;
}

function describeResponses(spec: Record<string, unknown>, value: unknown): string[] {
  return Object.entries(asRecord(value) ?? {}).map(([status, entry]) => {
    const response = resolveObject(spec, entry) ?? {};
    const description = asText(response.description);
    // Swagger 2 gives a response one schema; OpenAPI 3 one per media type.
    const body = response.schema === undefined ? describeContent(spec, response.content) : describeSchema(spec, response.schema);
    return [status, [description ? oneLine(description) : undefined, body].filter(Boolean).join("; ")].filter(Boolean).join(": ");
  });
}

/** Media types with their schemas, those sharing a schema together: `application/json, application/xml: Pet {…}`. */
function describeContent(spec: Record<string, unknown>, value: unknown): string | undefined {
  const typesBySchema = new Map<string, string[]>();
  for (const [mediaType, entry] of Object.entries(asRecord(value) ?? {})) {
    const schema = asRecord(entry)?.schema;
    const described = schema === undefined ? "" : describeSchema(spec, schema);
    typesBySchema.set(described, [...(typesBySchema.get(described) ?? []), mediaType]);
  }
  const parts = [...typesBySchema].map(([schema, mediaTypes]) => `${mediaTypes.join(", ")}${schema ? `: ${schema}` : ""}`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** `$ref`s and names of the component schemas (OpenAPI 3) or definitions (Swagger 2). */
function schemaRefs(spec: Record<string, unknown>): [string, string][] {
  const components = asRecord(asRecord(spec.components)?.schemas);
  const [base, schemas] = components ? ["#/components/schemas/", components] : ["#/definitions/", asRecord(spec.definitions) ?? {}];
  return Object.keys(schemas).map((name) => [`${base}${encodeURIComponent(name.replaceAll("~", "~0").replaceAll("/", "~1"))}`, name]);
}

/** The schema on one line, its description, then the description of each property that has one. */
function describeComponent(spec: Record<string, unknown>, ref: string): string {
  const schema = resolveObject(spec, { $ref: ref }) ?? {};
  const description = asText(schema.description);
  const properties = Object.entries(asRecord(schema.properties) ?? {}).flatMap(([property, value]) => {
    const text = asText(asRecord(value)?.description);
    return text ? [`${property}: ${oneLine(text)}`] : [];
  });
  const lines = [`Schema ${describeSchema(spec, { $ref: ref })}`, description?.trim(), ...listed("Properties", properties)];
  return lines.filter(Boolean).join("\n");
}
