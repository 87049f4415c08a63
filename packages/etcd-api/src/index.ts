// The etcd v3 wire API: message codecs and grpc-js service definitions,
// generated from etcd's protos by scripts/generate.mjs (run by `npm install`).
export * from "./gen/auth.js";
export * as election from "./gen/election.js";
export { type GatewayRoute, gatewayRoutes, jsonSchema } from "./gen/gateway-routes.js";
export * from "./gen/kv.js";
export * as lock from "./gen/lock.js";
export * from "./gen/rpc.js";
