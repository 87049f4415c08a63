import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { gzipSync } from "node:zlib";
import { internalError, StatusError, unauthorized } from "@wharf/apimachinery";
import type { UserInfo } from "../auth/user-info.js";
import { builtinResources } from "../registry/builtin-resources.js";
import type { ResourceDefinition } from "../registry/resource-definition.js";
import type { ApiGroupInfo } from "./discovery.js";
import { buildCrdDocuments, type CrdOpenApiSource } from "./openapi/crd-documents.js";
import { Definitions } from "./openapi/definitions.js";
import { buildDocuments, type OpenApiDocuments } from "./openapi/documents.js";
import { encodeDocument } from "./openapi/gnostic.js";
import { strategicMergePatch } from "./openapi/strategic-merge.js";

// /openapi/v2 and /openapi/v3 as kube-apiserver serves them (kube-openapi's
// handler and handler3):
// - /openapi/v2: the Swagger 2.0 document of the served API, as JSON or, for
//   `application/com.github.proto-openapi.spec.v2[@.]v1.0+protobuf`, as
//   gnostic's protobuf message; one ETag for both (the JSON's SHA-512),
//   `If-None-Match`/`If-Modified-Since` answered with 304, gzip when accepted.
// - /openapi/v3: the index of the per-group-version documents, each URL with
//   `?hash=<ETag>`; /openapi/v3/<path> answers a document, immutable-cached
//   when the hash matches and redirected (301) to the current hash when not.
// The documents come from the resource table (openapi/documents.ts) and the
// established CRDs (openapi/crd-documents.ts), so they list what discovery
// lists and nothing else. Strategic merge patch uses the same definitions.

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

const V2_PROTO = "com.github.proto-openapi.spec.v2.v1.0+protobuf";
const V2_PROTO_DEPRECATED = "com.github.proto-openapi.spec.v2@v1.0+protobuf";

/** A representation ready to send: its bytes, gzipped bytes once asked for, and validators. */
class Representation {
  private gz?: Buffer;

  constructor(
    readonly body: Buffer,
    readonly contentType: string,
    readonly etag: string,
    readonly lastModified: Date,
  ) {}

  gzipped(): Buffer {
    this.gz ??= gzipSync(this.body);
    return this.gz;
  }
}

const etagOf = (b: Buffer) => createHash("sha512").update(b).digest("hex").toUpperCase();

interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
}

/** Accept header clauses, most preferred first (by q, then specificity), as goautoneg orders them. */
function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of (header === "" ? "*/*" : header).split(",")) {
    const [range, ...params] = part.split(";").map((s) => s.trim());
    if (!range) continue;
    const [type, subtype = "*"] = range.split("/");
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split("=").map((s) => s.trim());
      if (k === "q") q = Number(v);
    }
    clauses.push({ type: type!, subtype, q: Number.isNaN(q) ? 0 : q });
  }
  const specificity = (c: AcceptClause) => (c.type === "*" ? 0 : c.subtype === "*" ? 1 : 2);
  return clauses.filter((c) => c.q > 0).sort((a, b) => b.q - a.q || specificity(b) - specificity(a));
}

/** The first of `offered` (application/<subtype>) the Accept header takes. */
function negotiate(accept: string, offered: string[]): string | undefined {
  for (const c of parseAccept(accept)) {
    for (const subtype of offered) {
      if ((c.type === "application" || c.type === "*") && (c.subtype === subtype || c.subtype === "*")) return subtype;
    }
  }
  return undefined;
}

function acceptsGzip(header: string): boolean {
  return header.split(",").some((part) => {
    const [coding, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    return (coding === "gzip" || coding === "*") && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** Whether the request's validators match: 304 instead of the body (net/http's ServeContent rules). */
function notModified(req: Req, rep: Representation): boolean {
  const inm = req.headers["if-none-match"];
  if (inm !== undefined) {
    const tags = String(inm)
      .split(",")
      .map((t) => t.trim().replace(/^W\//, ""));
    return tags.includes("*") || tags.includes(`"${rep.etag}"`);
  }
  const ims = req.headers["if-modified-since"];
  if (ims !== undefined) {
    const since = Date.parse(String(ims));
    return !Number.isNaN(since) && Math.floor(rep.lastModified.getTime() / 1000) * 1000 <= since;
  }
  return false;
}

function send(req: Req, res: Res, rep: Representation, extra: Record<string, string> = {}): void {
  const headers: Record<string, string> = {
    vary: "Accept, Accept-Encoding",
    etag: `"${rep.etag}"`,
    "last-modified": rep.lastModified.toUTCString(),
    ...extra,
  };
  if (notModified(req, rep)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = acceptsGzip(String(req.headers["accept-encoding"] ?? ""));
  const body = gzip ? rep.gzipped() : rep.body;
  res.writeHead(200, {
    ...headers,
    "content-type": rep.contentType,
    "content-length": String(body.length),
    ...(gzip ? { "content-encoding": "gzip" } : {}),
  });
  if (req.method === "HEAD") res.end();
  else res.end(body);
}

function writeStatus(res: Res, e: unknown): void {
  const err = e instanceof StatusError ? e : internalError(e instanceof Error ? e : new Error(String(e)));
  const text = JSON.stringify(err.status);
  res.writeHead(err.status.code, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function plain(res: Res, code: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(text);
}

const sortKeys = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const definitionsCache = new WeakMap<ResourceDefinition[], Definitions>();

/** The OpenAPI definitions of a resource table, built once per table. */
function definitionsFor(resources: ResourceDefinition[]): Definitions {
  let d = definitionsCache.get(resources);
  if (!d) {
    d = new Definitions(resources);
    definitionsCache.set(resources, d);
  }
  return d;
}

/**
 * Applies a strategic merge patch to a served object of a built-in kind,
 * merging lists by the patch strategies and merge keys of its schema (an
 * object of an unknown kind merges without patch metadata).
 */
export function applyStrategicMergePatch(current: unknown, patch: unknown): unknown {
  const defs = definitionsFor(builtinResources);
  const o = (current ?? {}) as { apiVersion?: string; kind?: string };
  const [group, version] = String(o.apiVersion ?? "").includes("/")
    ? String(o.apiVersion).split("/")
    : ["", String(o.apiVersion ?? "")];
  return strategicMergePatch(defs, defs.nameOf(group!, version!, String(o.kind ?? "")), current, patch);
}

export interface OpenApiOptions {
  resources: ResourceDefinition[];
  groups: ApiGroupInfo[];
  /** The version the documents' info carries (the server's gitVersion). */
  version: string;
  /** Established CRDs, published beside the built-in API as they change. */
  customResources?: CrdOpenApiSource;
}

interface Built {
  v2: Representation;
  v2proto: Representation;
  v3: Map<string, Representation>;
  index: Representation;
}

const v3Representation = (doc: unknown, now: Date) => {
  const body = Buffer.from(JSON.stringify(doc));
  return new Representation(body, "application/json", etagOf(body), now);
};

/**
 * Serves /openapi/v2 and /openapi/v3 from documents built on first use: the
 * built-in ones once, the CRD parts again when the CRDs change (a changed
 * document gets a new ETag and hash; unchanged ones keep theirs).
 */
export class OpenApiService {
  private static?: { docs: OpenApiDocuments; v3: Map<string, Representation> };
  private built?: Built;
  /** The CRD generation `built` reflects, and a digest of its CRD parts. */
  private crdGeneration = -1;
  private crdDigest = "";
  private readonly crdV3 = new Map<string, Representation>();

  constructor(private readonly o: OpenApiOptions) {}

  private get state(): Built {
    const crds = this.o.customResources;
    if (this.built && (!crds || crds.generation === this.crdGeneration)) return this.built;
    if (!this.static) {
      const docs = buildDocuments(this.o.resources, this.o.groups, this.o.version, definitionsFor(this.o.resources));
      const now = new Date();
      this.static = { docs, v3: new Map([...docs.v3].map(([k, d]) => [k, v3Representation(d, now)])) };
    }
    const { docs } = this.static;
    const generation = crds?.generation ?? -1;
    const crdDocs = crds ? buildCrdDocuments(crds.established(), docs.definitions) : undefined;
    const digest = crdDocs
      ? etagOf(Buffer.from(JSON.stringify([crdDocs.v2Paths, crdDocs.v2Definitions, [...crdDocs.v3]])))
      : "";
    if (this.built && digest === this.crdDigest) {
      this.crdGeneration = generation;
      return this.built;
    }
    const now = new Date();
    // The built-in document wins a clash, as kube merges CRD specs under the static one.
    const v2doc = crdDocs
      ? {
          ...docs.v2,
          paths: sortKeys({ ...crdDocs.v2Paths, ...(docs.v2.paths as Record<string, unknown>) }),
          definitions: sortKeys({ ...crdDocs.v2Definitions, ...(docs.v2.definitions as Record<string, unknown>) }),
        }
      : docs.v2;
    const v2json = Buffer.from(JSON.stringify(v2doc));
    const etag = etagOf(v2json);
    const v3 = new Map(this.static.v3);
    for (const [key, doc] of crdDocs?.v3 ?? []) {
      if (v3.has(key)) continue;
      const rep = v3Representation(doc, now);
      const old = this.crdV3.get(key);
      v3.set(key, old && old.etag === rep.etag ? old : rep);
    }
    this.crdV3.clear();
    for (const [key, rep] of v3) if (!this.static.v3.has(key)) this.crdV3.set(key, rep);
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [key, rep] of v3) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${rep.etag}` };
    const index = Buffer.from(JSON.stringify({ paths }));
    this.built = {
      v2: new Representation(v2json, "application/json", etag, now),
      v2proto: new Representation(encodeDocument(v2doc), `application/${V2_PROTO}`, etag, now),
      v3,
      index: new Representation(index, "application/json", etagOf(index), now),
    };
    this.crdGeneration = generation;
    this.crdDigest = digest;
    return this.built;
  }

  /** Answers GET and HEAD on /openapi/v2 and /openapi/v3[/…]; false for other requests. */
  serve(req: Req, res: Res): boolean {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname;
    const accept = String(req.headers.accept ?? "");
    if (path === "/openapi/v2") {
      const type = negotiate(accept, ["json", V2_PROTO, V2_PROTO_DEPRECATED]);
      if (!type) plain(res, 406, "", { vary: "Accept" });
      else send(req, res, type === "json" ? this.state.v2 : this.state.v2proto);
      return true;
    }
    if (path === "/openapi/v3" || path === "/openapi/v3/") {
      send(req, res, this.state.index);
      return true;
    }
    if (!path.startsWith("/openapi/v3/")) return false;
    const key = path.slice("/openapi/v3/".length);
    const rep = this.state.v3.get(key);
    if (!rep) {
      plain(res, 404, "404 page not found\n");
      return true;
    }
    // Only the JSON form is served; clients that take nothing else get 406.
    if (!negotiate(accept, ["json"])) {
      plain(res, 406, "", { vary: "Accept" });
      return true;
    }
    const hash = url.searchParams.get("hash");
    if (hash !== null && hash !== "") {
      if (hash !== rep.etag) {
        const location = `/openapi/v3/${key}?hash=${rep.etag}`;
        plain(res, 301, `<a href="${location}">Moved Permanently</a>.\n`, {
          location,
          vary: "Accept",
          etag: `"${rep.etag}"`,
        });
        return true;
      }
      const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
      send(req, res, rep, { "cache-control": "public, immutable", expires });
      return true;
    }
    send(req, res, rep);
    return true;
  }
}

/**
 * Puts /openapi/v2 and /openapi/v3 in front of the API handler: the same
 * authentication (401 without valid credentials), then the documents;
 * every other request goes to `next`.
 */
export function withOpenApi(
  next: (req: Req, res: Res) => void,
  o: OpenApiOptions & { authenticate(req: Req): UserInfo | undefined },
): (req: Req, res: Res) => void {
  const service = new OpenApiService(o);
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path !== "/openapi/v2" && path !== "/openapi/v3" && !path.startsWith("/openapi/v3/")) return next(req, res);
    try {
      if (!o.authenticate(req)) throw unauthorized();
      if (!service.serve(req, res)) next(req, res);
    } catch (e) {
      if (!res.headersSent) writeStatus(res, e);
      else res.end();
    }
  };
}
