import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import * as api from "@wharf/etcd-api";
import { type GatewayRoute, gatewayRoutes, jsonSchema } from "@wharf/etcd-api";
import { toServiceError } from "./grpc-status.js";

// etcd's JSON gateway (grpc-gateway v1 as etcd configures it) over brain's
// own gRPC service implementations, called in-process: POST /v3/<service>/<op>
// (and the /v3beta/ aliases) with a JSON request body; responses use the proto
// field names, int64 as strings, bytes as base64 and omit default values.
// Streaming calls answer with one `{"result": …}` object per line.

interface Codec {
  fromJSON(o: unknown): object;
  toJSON(m: object): unknown;
}

type Handler = (...args: unknown[]) => void;

/** gRPC method path ("etcdserverpb.KV/Range") → the handler serving it. */
export type ServiceHandlers = Map<string, Handler>;

/** Collects the handlers of a service implementation under their gRPC method names. */
export function addHandlers(
  into: ServiceHandlers,
  def: Record<string, { path: string }>,
  impl: Record<string, unknown>,
): void {
  for (const [name, m] of Object.entries(def)) {
    const h = impl[name];
    if (typeof h === "function") into.set(m.path.slice(1), h as Handler);
  }
}

function codec(service: string, type: string): Codec | undefined {
  const ns = service.startsWith("v3electionpb.")
    ? (api.election as unknown as Record<string, Codec>)
    : service.startsWith("v3lockpb.")
      ? (api.lock as unknown as Record<string, Codec>)
      : (api as unknown as Record<string, Codec>);
  return ns[type];
}

/** etcd's grpc-gateway maps gRPC codes to these HTTP statuses. */
const httpStatus: Record<number, number> = {
  [status.OK]: 200,
  [status.CANCELLED]: 408,
  [status.UNKNOWN]: 500,
  [status.INVALID_ARGUMENT]: 400,
  [status.DEADLINE_EXCEEDED]: 504,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.PERMISSION_DENIED]: 403,
  [status.UNAUTHENTICATED]: 401,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.FAILED_PRECONDITION]: 412,
  [status.ABORTED]: 409,
  [status.OUT_OF_RANGE]: 400,
  [status.UNIMPLEMENTED]: 501,
  [status.INTERNAL]: 500,
  [status.UNAVAILABLE]: 503,
  [status.DATA_LOSS]: 500,
};

/** "NotEqual" → "NOT_EQUAL": etcd's enum value names (the etcd3 package's protos PascalCase them). */
function upperSnake(name: string): string {
  return name === "UNRECOGNIZED" ? name : name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** "NOT_EQUAL" → "NotEqual"; names not in upper case are left alone. */
function pascal(name: string): string {
  if (name !== name.toUpperCase()) return name;
  return name
    .toLowerCase()
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

/** Renames a message's JSON keys (and its nested messages') to the proto field names and enum values to etcd's. */
function origNames(v: unknown, type: string): unknown {
  if (Array.isArray(v)) return v.map((x) => origNames(x, type));
  const schema = jsonSchema[type];
  if (!schema || !v || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const nested = schema.messages[k];
    const name = schema.names[k] ?? k;
    if (nested) out[name] = origNames(x, nested);
    else if (schema.enums[k] && typeof x === "string") out[name] = upperSnake(x);
    else if (schema.enums[k] && Array.isArray(x)) out[name] = x.map((e) => (typeof e === "string" ? upperSnake(e) : e));
    else out[name] = x;
  }
  return out;
}

/** JSON name of a field given either its proto or its JSON name. */
const jsonNameOf: Record<string, Record<string, string>> = Object.fromEntries(
  Object.entries(jsonSchema).map(([t, s]) => [t, Object.fromEntries(Object.entries(s.names).map(([j, o]) => [o, j]))]),
);

/** Prepares request JSON for the generated decoders: enum values as the generated code spells them. */
function requestEnums(v: unknown, type: string): unknown {
  if (Array.isArray(v)) return v.map((x) => requestEnums(x, type));
  const schema = jsonSchema[type];
  if (!schema || !v || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const j = jsonNameOf[type]?.[k] ?? k;
    const nested = schema.messages[j];
    if (nested) out[k] = requestEnums(x, nested);
    else if (schema.enums[j] && typeof x === "string") out[k] = pascal(x);
    else out[k] = x;
  }
  return out;
}

function packageOf(service: string): string {
  return service.slice(0, service.indexOf("."));
}

const MAX_BODY = 16 * 1024 * 1024;

export class JsonGateway {
  private readonly routes = new Map<string, GatewayRoute>();

  constructor(
    private readonly handlers: ServiceHandlers,
    private readonly maxRequestBytes: number,
  ) {
    for (const r of gatewayRoutes) {
      this.routes.set(r.path, r);
      this.routes.set(r.path.replace(/^\/v3\//, "/v3beta/"), r);
    }
  }

  /** Serves the request if its path is a gateway route; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const route = this.routes.get(path);
    if (!route) return false;
    if (req.method !== "POST") {
      res.writeHead(405, { "content-type": "text/plain" });
      res.end("Method Not Allowed\n");
      return true;
    }
    const handler = this.handlers.get(`${route.service}/${route.method}`);
    const reqCodec = codec(route.service, route.request);
    const resCodec = codec(route.service, route.response);
    if (!handler || !reqCodec || !resCodec) {
      this.fail(res, {
        code: status.UNIMPLEMENTED,
        details: `unknown method ${route.method} for service ${route.service}`,
      });
      return true;
    }
    const limit = Math.min(MAX_BODY, this.maxRequestBytes * 4);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        this.fail(res, { code: status.INVALID_ARGUMENT, details: "etcdserver: request is too large" });
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (res.headersSent || res.writableEnded) return;
      let messages: object[];
      try {
        const inType = `${packageOf(route.service)}.${route.request}`;
        messages = parseBodies(Buffer.concat(chunks).toString("utf8")).map((o) =>
          reqCodec.fromJSON(requestEnums(o, inType)),
        );
      } catch (e) {
        // Go's decoder, behind etcd's gateway, reports a truncated body as "unexpected EOF".
        const m = (e as Error).message;
        this.fail(res, { code: status.INVALID_ARGUMENT, details: /end of JSON input/.test(m) ? "unexpected EOF" : m });
        return;
      }
      const outType = `${packageOf(route.service)}.${route.response}`;
      if (!route.clientStream && !route.serverStream) {
        this.unary(handler, messages[0] ?? reqCodec.fromJSON({}), resCodec, outType, res);
      } else this.stream(route, handler, messages, resCodec, outType, req, res);
    });
    return true;
  }

  private unary(handler: Handler, request: object, out: Codec, outType: string, res: ServerResponse): void {
    // Stands in for grpc-js's ServerUnaryCall: a client that disconnects cancels the call.
    const call = Object.assign(new EventEmitter(), {
      request,
      metadata: new Metadata(),
      cancelled: false,
      getPeer: () => "gateway",
    });
    res.once("close", () => {
      if (res.writableFinished) return;
      call.cancelled = true;
      call.emit("cancelled");
    });
    try {
      handler(call, (e: Partial<ServiceError> | null, r?: object) => {
        if (res.writableEnded) return;
        if (e) return this.fail(res, e);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(origNames(out.toJSON(r ?? {}), outType)));
      });
    } catch (e) {
      this.fail(res, toServiceError(e));
    }
  }

  private stream(
    route: GatewayRoute,
    handler: Handler,
    messages: object[],
    out: Codec,
    outType: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const call = new GatewayStreamCall(res, out, outType, messages[0] ?? {});
    res.writeHead(200, { "content-type": "application/json" });
    res.flushHeaders();
    const gone = () => {
      if (res.writableEnded) return;
      call.cancelled = true;
      call.emit("cancelled");
      call.emit("close");
    };
    req.socket.once("close", gone);
    res.once("close", gone);
    try {
      handler(call);
    } catch (e) {
      call.emit("error", e);
      return;
    }
    if (route.clientStream) {
      for (const m of messages) call.emit("data", m);
      // The Watch stream keeps running after the client's half-close, as over gRPC.
      if (route.service !== "etcdserverpb.Watch") call.emit("end");
    }
  }

  private fail(res: ServerResponse, e: Partial<ServiceError>): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const code = e.code ?? status.UNKNOWN;
    const message = e.details ?? e.message ?? "";
    res.writeHead(httpStatus[code] ?? 500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: message, message, code }));
  }
}

/** A request body holds one JSON object, or several in a row for client-streaming calls. */
function parseBodies(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  try {
    return [JSON.parse(trimmed)];
  } catch {
    // Several concatenated objects: split at top-level boundaries.
    const out: unknown[] = [];
    let depth = 0;
    let start = -1;
    let inString = false;
    for (let i = 0; i < trimmed.length; i++) {
      const ch = trimmed[i];
      if (inString) {
        if (ch === "\\") i++;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === "{") {
        if (depth++ === 0) start = i;
      } else if (ch === "}" && --depth === 0) out.push(JSON.parse(trimmed.slice(start, i + 1)));
    }
    if (depth !== 0 || out.length === 0) throw new Error("Unexpected end of JSON input");
    return out;
  }
}

/**
 * Stands in for a grpc-js server stream: what the service writes goes to the
 * HTTP response as `{"result": …}` lines; an error ends it with `{"error": …}`.
 */
class GatewayStreamCall extends EventEmitter {
  cancelled = false;
  readonly metadata = new Metadata();

  constructor(
    private readonly res: ServerResponse,
    private readonly out: Codec,
    private readonly outType: string,
    readonly request: object,
  ) {
    super();
    res.on("drain", () => super.emit("drain"));
  }

  getPeer(): string {
    return "gateway";
  }

  write(message: object): boolean {
    if (this.res.writableEnded) return true;
    return this.res.write(`${JSON.stringify({ result: origNames(this.out.toJSON(message), this.outType) })}\n`);
  }

  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== "error") return super.emit(event, ...args);
    const raw = args[0] as Partial<ServiceError>;
    const e = (typeof raw?.code === "number" ? raw : toServiceError(raw)) as ServiceError;
    if (!this.res.writableEnded) {
      const code = e.code ?? status.UNKNOWN;
      this.res.end(
        `${JSON.stringify({ error: { grpc_code: code, http_code: httpStatus[code] ?? 500, message: e.details, http_status: "" } })}\n`,
      );
    }
    return true;
  }
}
