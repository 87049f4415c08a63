import type { JsonNode } from "./json-document.js";
import { childPath, indexPath, type StrictErrors } from "./strict-errors.js";

// Duplicate members anywhere in a document decoded without a type (custom
// resources, patch bodies): a strict decoder into map[string]interface{}
// reports every repeated key, in document order.

export function checkDuplicates(node: JsonNode, errs: StrictErrors, path = ""): void {
  if (node.t === "array") {
    for (const [i, item] of node.items.entries()) checkDuplicates(item, errs, indexPath(path, i));
    return;
  }
  if (node.t !== "object") return;
  const seen = new Set<string>();
  for (const [key, value] of node.entries) {
    const p = childPath(path, key);
    if (seen.has(key)) errs.duplicate(p);
    seen.add(key);
    checkDuplicates(value, errs, p);
  }
}
