// Generates TypeScript codecs and grpc-js service definitions for etcd's v3 API.
//
// Inputs: the rpc/kv/auth protos shipped by the npm `etcd3` package (etcd's own
// API, with gogoproto already stripped) and Wharf's election/lock protos in
// ../proto. The etcd3 copies still carry `option (google.api.http)` blocks
// without their import, which buf rejects: we strip them here and keep the
// HTTP paths they declare as a route table for brain's JSON gateway.
// Output (src/gen/) is not committed; `npm install` runs this via `prepare`.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, "..");
const require = createRequire(join(pkg, "package.json"));
const etcd3Proto = join(dirname(require.resolve("etcd3/package.json")), "proto");
const bufBin = join(dirname(require.resolve("@bufbuild/buf/package.json")), "bin", "buf");
const tsProtoPlugin = join(dirname(require.resolve("ts-proto/package.json")), "protoc-gen-ts_proto");
const outDir = join(pkg, "src", "gen");

const work = mkdtempSync(join(tmpdir(), "wharf-etcd-proto-"));
try {
  const routes = [];
  for (const name of ["rpc.proto", "kv.proto", "auth.proto"]) {
    let text = readFileSync(join(etcd3Proto, name), "utf8");
    text = text.replace(/import "\.\/([a-z]+\.proto)";/g, 'import "$1";');
    if (name === "rpc.proto") {
      // Walk services and their rpcs, remembering each rpc's HTTP path before dropping the option.
      let service = "";
      let rpc;
      for (const line of text.split("\n")) {
        const s = line.match(/^service (\w+)/);
        if (s) service = s[1];
        const r = line.match(/^\s*rpc (\w+)\((stream )?(\w+)\) returns \((stream )?(\w+)\)/);
        if (r) rpc = { method: r[1], request: r[3], response: r[5], clientStream: !!r[2], serverStream: !!r[4] };
        const p = line.match(/^\s*post: "([^"]+)"/);
        if (p) routes.push({ path: p[1], service: `etcdserverpb.${service}`, ...rpc });
      }
      // The option body may nest one `additional_bindings { … }` block.
      text = text.replace(/\s*option \(google\.api\.http\) = \{(?:[^{}]|\{[^{}]*\})*\};/g, "");
    }
    writeFileSync(join(work, name), text);
  }
  for (const name of ["election.proto", "lock.proto"]) copyFileSync(join(pkg, "proto", name), join(work, name));
  // The election and lock services' gateway paths, as etcd documents them.
  const plain = (request, response) => ({ request, response, clientStream: false, serverStream: false });
  for (const m of ["Campaign", "Proclaim", "Leader", "Resign"]) {
    const req = m === "Leader" ? "LeaderRequest" : `${m}Request`;
    routes.push({
      path: `/v3/election/${m.toLowerCase()}`,
      service: "v3electionpb.Election",
      method: m,
      ...plain(req, `${m}Response`),
    });
  }
  routes.push({
    path: "/v3/election/observe",
    service: "v3electionpb.Election",
    method: "Observe",
    request: "LeaderRequest",
    response: "LeaderResponse",
    clientStream: false,
    serverStream: true,
  });
  routes.push({
    path: "/v3/lock/lock",
    service: "v3lockpb.Lock",
    method: "Lock",
    ...plain("LockRequest", "LockResponse"),
  });
  routes.push({
    path: "/v3/lock/unlock",
    service: "v3lockpb.Lock",
    method: "Unlock",
    ...plain("UnlockRequest", "UnlockResponse"),
  });

  // Per message: fields whose JSON (camelCase) name differs from the proto
  // name, and fields holding other messages. grpc-gateway, as etcd configures
  // it, writes the original proto names; the gateway renames with this table.
  const jsonSchema = {};
  for (const name of ["rpc.proto", "kv.proto", "auth.proto", "election.proto", "lock.proto"]) {
    const text = readFileSync(join(work, name), "utf8");
    const pkgName = text.match(/^package (\w+);/m)[1];
    const stack = [];
    for (const line of text.split("\n")) {
      const open = line.match(/^\s*message (\w+)\s*\{/);
      if (open) {
        stack.push(open[1]);
        continue;
      }
      if (/^\s*enum \w+\s*\{/.test(line) || /^\s*oneof \w+\s*\{/.test(line)) {
        stack.push(null);
        continue;
      }
      if (/^\s*\}/.test(line)) {
        stack.pop();
        continue;
      }
      const msg = [...stack].reverse().find((x) => x);
      const f = line.match(/^\s*(?:repeated\s+)?([\w.]+)\s+(\w+)\s*=\s*\d+\s*;/);
      if (!msg || !f) continue;
      const [, type, orig] = f;
      const camel = orig.replace(/_([a-z0-9])/g, (_x, c) => c.toUpperCase());
      const key = `${pkgName}.${msg}`;
      jsonSchema[key] ??= { names: {}, messages: {}, enums: {} };
      if (camel !== orig) jsonSchema[key].names[camel] = orig;
      const scalar = /^(u?int(32|64)|s?fixed(32|64)|sint(32|64)|bool|string|bytes|double|float)$/.test(type);
      if (!scalar) jsonSchema[key].messages[camel] = type;
    }
  }
  // Resolve field types: messages stay in `messages`, enums move to `enums`
  // (JSON carries enum value names, which etcd spells in UPPER_SNAKE case
  // while the etcd3 package's protos spell them in PascalCase).
  const enumNames = new Set();
  for (const name of ["rpc.proto", "kv.proto", "auth.proto"]) {
    for (const m of readFileSync(join(work, name), "utf8").matchAll(/enum (\w+)\s*\{/g)) enumNames.add(m[1]);
  }
  for (const [msgKey, m] of Object.entries(jsonSchema)) {
    const pkgName = msgKey.slice(0, msgKey.indexOf("."));
    for (const [field, type] of Object.entries(m.messages)) {
      const full = type.includes(".") ? type : `${pkgName}.${type}`;
      const short = type.slice(type.lastIndexOf(".") + 1);
      if (jsonSchema[full]) m.messages[field] = full;
      else {
        delete m.messages[field];
        if (enumNames.has(short)) m.enums[field] = true;
      }
    }
  }

  writeFileSync(join(work, "buf.yaml"), "version: v2\n");
  const opts = [
    "outputServices=grpc-js",
    "env=node",
    "forceLong=bigint",
    "esModuleInterop=true",
    "importSuffix=.js",
    "useOptionals=none",
    "outputTypeRegistry=false",
    "exportCommonSymbols=false",
  ].join(",");
  writeFileSync(
    join(work, "buf.gen.yaml"),
    `version: v2\nplugins:\n  - local: ${JSON.stringify(tsProtoPlugin)}\n    out: gen\n    opt: ${JSON.stringify(opts)}\n`,
  );
  execFileSync(bufBin, ["generate"], { cwd: work, stdio: "inherit" });
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const name of ["rpc", "kv", "auth", "election", "lock"]) {
    copyFileSync(join(work, "gen", `${name}.ts`), join(outDir, `${name}.ts`));
  }
  writeFileSync(
    join(outDir, "gateway-routes.ts"),
    "// Generated by scripts/generate.mjs from etcd's google.api.http options and proto field names.\n" +
      "export interface GatewayRoute {\n  path: string;\n  service: string;\n  method: string;\n  request: string;\n  response: string;\n  clientStream: boolean;\n  serverStream: boolean;\n}\n" +
      `export const gatewayRoutes: ReadonlyArray<GatewayRoute> = ${JSON.stringify(routes, null, 2)};\n` +
      "/** Per message (package.Message): JSON names that differ from proto names, and message-typed fields. */\n" +
      "export const jsonSchema: Readonly<\n  Record<string, { names: Record<string, string>; messages: Record<string, string>; enums: Record<string, true> }>\n> = " +
      `${JSON.stringify(jsonSchema, null, 2)};\n`,
  );
  console.log(`etcd-api: generated ${routes.length} gateway routes and 5 proto modules into src/gen`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
