import { readFileSync } from "node:fs";
import type { UserInfo } from "./user-info.js";

/**
 * kube-apiserver's --token-auth-file: CSV lines `token,user,uid[,"group1,group2"]`.
 * Blank lines are skipped; a malformed line fails startup, as it does in kube.
 */
export function loadTokenFile(path: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  const lines = readFileSync(path, "utf8").split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const fields = parseCsvLine(line);
    if (fields.length < 3) throw new Error(`token file ${path}, line ${i + 1}: need at least token,user,uid`);
    const [token, username, uid, groups] = fields as [string, string, string, string | undefined];
    if (token === "" || username === "") throw new Error(`token file ${path}, line ${i + 1}: empty token or user`);
    tokens.set(token, {
      username,
      uid,
      groups: groups
        ? groups
            .split(",")
            .map((g) => g.trim())
            .filter((g) => g !== "")
        : [],
    });
  });
  return tokens;
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
