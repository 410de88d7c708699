"use strict";
// Renders ./openapi.json as plain HTML; everything is created with textContent, never parsed as markup.
function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}
function schemaName(schema) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.type === "array") return schemaName(schema.items) + "[]";
  if (schema.anyOf) return schema.anyOf.map(schemaName).join(" | ");
  return schema.type || "object";
}
function operation(path, method, op) {
  const box = el("details");
  const head = el("summary");
  head.append(el("span", method.toUpperCase(), "method " + method), el("code", path), " ",
              el("span", op.summary || "", "muted"));
  box.append(head);
  if (op.description) box.append(el("p", op.description));
  const params = op.parameters || [];
  if (params.length) {
    const list = el("ul");
    for (const p of params) {
      list.append(el("li", `${p.name} (${p.in}${p.required ? ", required" : ""}): ${schemaName(p.schema)}` +
                           (p.description ? ` - ${p.description}` : "")));
    }
    box.append(el("p", "Parameters"), list);
  }
  const body = op.requestBody && op.requestBody.content;
  if (body) {
    for (const [type, media] of Object.entries(body)) box.append(el("p", `Body (${type}): ${schemaName(media.schema)}`));
  }
  const answers = el("ul");
  for (const [code, response] of Object.entries(op.responses || {})) {
    const media = response.content && Object.values(response.content)[0];
    answers.append(el("li", `${code}: ${response.description || ""} ${media ? schemaName(media.schema) : ""}`));
  }
  box.append(el("p", "Responses"), answers);
  return box;
}
async function main() {
  const response = await fetch("openapi.json", { credentials: "same-origin" });
  if (!response.ok) throw new Error(`openapi.json: HTTP ${response.status}`);
  const spec = await response.json();
  document.getElementById("title").textContent = `${spec.info.title} ${spec.info.version}`;
  document.getElementById("summary").textContent = spec.info.summary || "";
  const byTag = new Map();
  for (const [path, methods] of Object.entries(spec.paths || {})) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(path, method, op));
    }
  }
  const root = document.getElementById("operations");
  for (const [tag, ops] of byTag) root.append(el("h2", tag), ...ops);
  const schemas = (spec.components && spec.components.schemas) || {};
  root.append(el("h2", "Schemas"));
  for (const [name, schema] of Object.entries(schemas)) {
    const box = el("details");
    box.append(el("summary", name), el("pre", JSON.stringify(schema, null, 2)));
    root.append(box);
  }
}
main().catch((error) => {
  const problem = document.getElementById("problem");
  problem.hidden = false;
  problem.textContent = String(error);
});
