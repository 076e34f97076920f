/**
 * The interactive API page served at /docs: plain HTML, CSS and script from this package, no CDN and no
 * third-party bundle. It reads /openapi.json, lists every operation by tag with its parameters and
 * body schema, and sends requests with the API key typed into the page (kept in sessionStorage only).
 */
export const docsHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mnemo bridge API</title>
<link rel="stylesheet" href="/docs/docs.css">
<script src="/docs/docs.js" defer></script>
</head>
<body>
<header>
  <h1>Mnemo bridge API</h1>
  <p>Every <code>/v1</code> route needs an API key (<code>mnemo keys create --user …</code>). The machine-readable description is at <a href="/openapi.json">/openapi.json</a>.</p>
  <label>API key <input id="key" type="password" autocomplete="off" placeholder="mnemo_…"></label>
  <label>X-Mnemo-User <input id="user" autocomplete="off" placeholder="only when the key has several users"></label>
</header>
<main id="operations"><p>Loading /openapi.json…</p></main>
</body>
</html>
`;

/** The page's stylesheet. */
export const docsCss = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{padding:1rem 2rem;background:#fff;border-bottom:1px solid #ddd}header label{margin-right:1.5rem}
main{padding:1rem 2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
details{background:#fff;border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}
summary{cursor:pointer}.method{display:inline-block;width:4.5rem;font-weight:600;text-transform:uppercase}
.get{color:#0a6}.post{color:#06c}.put,.patch{color:#a60}.delete{color:#c22}
textarea{width:100%;min-height:8rem;font:13px monospace}pre{background:#f3f3f3;padding:.6rem;overflow:auto;max-height:30rem}
input{font:inherit;padding:.15rem .3rem}.param{display:block;margin:.3rem 0}button{margin:.5rem 0;font:inherit}`;

/** The page's script: renders the OpenAPI document and sends requests. Text is inserted as text, never HTML. */
export const docsJs = `"use strict";
const el = (tag, props = {}, ...children) => { const node = Object.assign(document.createElement(tag), props); node.append(...children); return node; };
const keyInput = document.getElementById("key"), userInput = document.getElementById("user");
keyInput.value = sessionStorage.getItem("mnemo-key") || "";
keyInput.addEventListener("change", () => sessionStorage.setItem("mnemo-key", keyInput.value));
function resolve(doc, schema) { return schema && schema.$ref ? resolve(doc, schema.$ref.split("/").slice(1).reduce((o, k) => o[k], doc)) : schema; }
function skeleton(doc, schema, depth = 0) {
  schema = resolve(doc, schema) || {};
  if (depth > 4) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.anyOf || schema.oneOf) return skeleton(doc, (schema.anyOf || schema.oneOf)[0], depth + 1);
  switch (schema.type) {
    case "object": { const out = {}; for (const [k, v] of Object.entries(schema.properties || {})) if ((schema.required || []).includes(k)) out[k] = skeleton(doc, v, depth + 1); return out; }
    case "array": return [];
    case "string": return schema.enum ? schema.enum[0] : "";
    case "number": case "integer": return 0;
    case "boolean": return false;
    default: return null;
  }
}
function operation(doc, path, method, op) {
  const fields = (op.parameters || []).filter((p) => p.in === "path" || p.in === "query").map((p) => ({ p, input: el("input", { placeholder: p.schema && p.schema.type || "" }) }));
  const bodySchema = op.requestBody && op.requestBody.content["application/json"] && op.requestBody.content["application/json"].schema;
  const body = bodySchema ? el("textarea", { value: JSON.stringify(skeleton(doc, bodySchema), null, 2) }) : null;
  const output = el("pre");
  const send = el("button", { textContent: "Send" });
  send.addEventListener("click", async () => {
    let url = path; const query = new URLSearchParams();
    for (const { p, input } of fields) { if (!input.value) continue; if (p.in === "path") url = url.replace("{" + p.name + "}", encodeURIComponent(input.value)); else query.set(p.name, input.value); }
    const headers = { "content-type": "application/json" };
    if (keyInput.value) headers.authorization = "Bearer " + keyInput.value;
    if (userInput.value) headers["x-mnemo-user"] = userInput.value;
    try {
      const response = await fetch(url + (query.size ? "?" + query : ""), { method: method.toUpperCase(), headers, body: body ? body.value : undefined });
      const text = await response.text();
      let shown = text; try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
      output.textContent = response.status + " " + response.statusText + "\\n\\n" + shown;
    } catch (error) { output.textContent = String(error); }
  });
  return el("details", {}, el("summary", {}, el("span", { className: "method " + method, textContent: method }), path + "  " + (op.summary || "")),
    el("p", { textContent: op.description || "" }),
    ...fields.map(({ p, input }) => el("label", { className: "param" }, p.in + " " + p.name + (p.required ? " *" : "") + " ", input, " " + (p.description || ""))),
    ...(body ? [el("div", {}, "JSON body"), body] : []), send, output);
}
fetch("/openapi.json").then((r) => r.json()).then((doc) => {
  const main = document.getElementById("operations"); main.textContent = "";
  const groups = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) for (const [method, op] of Object.entries(item)) {
    const tag = (op.tags || ["other"])[0]; if (!groups.has(tag)) groups.set(tag, []); groups.get(tag).push(operation(doc, path, method, op));
  }
  for (const [tag, ops] of groups) main.append(el("h2", { textContent: tag }), ...ops);
}).catch((error) => { document.getElementById("operations").textContent = "Could not load /openapi.json: " + error; });
`;
