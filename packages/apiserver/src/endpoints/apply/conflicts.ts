import { StatusError } from "@wharf/apimachinery";
import { comparePaths, type FieldSet, type Path, pathString } from "./field-path.js";
import { type Manager, managerId, printManager } from "./managed-fields.js";

// Apply conflicts: fields an apply would change that another manager owns.
// kube answers them with 409 Conflict, one FieldManagerConflict cause per
// field, and a message listing them per manager.

export interface Conflict {
  manager: Manager;
  path: Path;
}

/** The conflicts of each manager's set, managers in identifier order and paths in field order. */
export function conflictsOf(byManager: Map<string, { manager: Manager; set: FieldSet }>): Conflict[] {
  const out: Conflict[] = [];
  for (const id of [...byManager.keys()].sort()) {
    const { manager, set } = byManager.get(id)!;
    for (const path of set.list()) out.push({ manager, path });
  }
  return out;
}

/** The conflicts that remain once the fields of `allowed` are taken out. */
export function conflictsDifference(conflicts: Conflict[], allowed: FieldSet): Conflict[] {
  return conflicts.filter((c) => !allowed.has(c.path));
}

function message(conflicts: Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  }
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const id = managerId(c.manager);
    byManager.set(id, [...(byManager.get(id) ?? []), c]);
  }
  const lines: string[] = [];
  for (const id of [...byManager.keys()].sort()) {
    const list = byManager.get(id)!;
    lines.push(`conflicts with ${printManager(list[0]!.manager)}:`);
    for (const c of list.sort((a, b) => comparePaths(a.path, b.path))) lines.push(`- ${pathString(c.path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
}

/** kube's NewApplyConflict: 409, reason Conflict, a FieldManagerConflict cause per field. */
export function applyConflictError(conflicts: Conflict[]): StatusError {
  return new StatusError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: message(conflicts),
    reason: "Conflict",
    details: {
      causes: conflicts.map((c) => ({
        reason: "FieldManagerConflict",
        message: `conflict with ${printManager(c.manager)}`,
        field: pathString(c.path),
      })),
    },
    code: 409,
  });
}
