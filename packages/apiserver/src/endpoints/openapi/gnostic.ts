import type { Schema } from "./definitions.js";

// The OpenAPI v2 document as gnostic's protobuf message (openapi.v2.Document
// of github.com/google/gnostic, openapiv2/OpenAPIv2.proto), which
// kube-apiserver answers /openapi/v2 with for
// `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and which
// kubectl asks for first. Only the messages a Kubernetes document uses are
// encoded; field numbers are those of OpenAPIv2.proto. Vendor extensions are
// `NamedAny`s whose `Any.yaml` holds the value as YAML text (JSON, a YAML
// subset, here), as gnostic stores them.

/** One protobuf message being written: its fields' encoded bytes, in order. */
class Message {
  private readonly parts: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): void {
    this.parts.push(b);
    this.size += b.length;
  }

  private key(field: number, wireType: number): void {
    this.push(varint(field * 8 + wireType));
  }

  string(field: number, v: unknown): this {
    if (typeof v === "string" && v !== "") {
      const b = Buffer.from(v, "utf8");
      this.key(field, 2);
      this.push(varint(b.length));
      this.push(b);
    }
    return this;
  }

  strings(field: number, v: unknown): this {
    if (Array.isArray(v)) for (const s of v) this.string(field, s);
    return this;
  }

  bool(field: number, v: unknown): this {
    if (v === true) {
      this.key(field, 0);
      this.push(Buffer.of(1));
    }
    return this;
  }

  double(field: number, v: unknown): this {
    if (typeof v === "number" && v !== 0) {
      this.key(field, 1);
      const b = Buffer.alloc(8);
      b.writeDoubleLE(v);
      this.push(b);
    }
    return this;
  }

  int64(field: number, v: unknown): this {
    if (typeof v === "number" && v !== 0) {
      this.key(field, 0);
      this.push(varint(v));
    }
    return this;
  }

  message(field: number, m: Message | undefined): this {
    if (m) {
      this.key(field, 2);
      this.push(varint(m.size));
      for (const p of m.parts) this.push(p);
    }
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

type Json = Record<string, unknown>;
const entries = (v: unknown): [string, unknown][] => (v && typeof v === "object" ? Object.entries(v) : []);

/** NamedAny: a vendor extension (or default value) as YAML text. */
function namedAny(name: string, value: unknown): Message {
  return new Message().string(1, name).message(2, anyValue(value));
}

function anyValue(value: unknown): Message {
  return new Message().string(2, `${JSON.stringify(value)}\n`);
}

function extensions(o: Json, field: number, m: Message): void {
  for (const [k, v] of Object.entries(o)) if (k.startsWith("x-")) m.message(field, namedAny(k, v));
}

function schema(s: Json): Message {
  const m = new Message().string(1, s.$ref).string(2, s.format).string(3, s.title).string(4, s.description);
  if (s.default !== undefined) m.message(5, anyValue(s.default));
  m.double(6, s.multipleOf).double(7, s.maximum).bool(8, s.exclusiveMaximum).double(9, s.minimum);
  m.bool(10, s.exclusiveMinimum).int64(11, s.maxLength).int64(12, s.minLength).string(13, s.pattern);
  m.int64(14, s.maxItems).int64(15, s.minItems).bool(16, s.uniqueItems);
  m.int64(17, s.maxProperties).int64(18, s.minProperties).strings(19, s.required);
  if (Array.isArray(s.enum)) for (const e of s.enum) m.message(20, anyValue(e));
  if (s.additionalProperties !== undefined) {
    const ap = new Message();
    if (typeof s.additionalProperties === "boolean") ap.bool(2, s.additionalProperties);
    else ap.message(1, schema(s.additionalProperties as Json));
    m.message(21, ap);
  }
  if (s.type !== undefined) m.message(22, new Message().strings(1, Array.isArray(s.type) ? s.type : [s.type]));
  if (s.items !== undefined) {
    const items = new Message();
    for (const i of Array.isArray(s.items) ? s.items : [s.items]) items.message(1, schema(i as Json));
    m.message(23, items);
  }
  if (Array.isArray(s.allOf)) for (const a of s.allOf) m.message(24, schema(a as Json));
  if (s.properties !== undefined) {
    const props = new Message();
    for (const [name, p] of entries(s.properties)) props.message(1, named(name, schema(p as Json)));
    m.message(25, props);
  }
  m.bool(27, s.readOnly);
  extensions(s, 31, m);
  return m;
}

const named = (name: string, value: Message) => new Message().string(1, name).message(2, value);

function parameter(p: Json): Message {
  if (p.$ref !== undefined) return new Message().message(2, new Message().string(1, p.$ref));
  let inner: Message;
  if (p.in === "body") {
    inner = new Message().message(
      1,
      new Message()
        .string(1, p.description)
        .string(2, p.name)
        .string(3, p.in)
        .bool(4, p.required)
        .message(5, p.schema ? schema(p.schema as Json) : undefined),
    );
  } else {
    // NonBodyParameter: header (1), formData (2), query (3) or path (4) sub-schema. The query and
    // formData sub-schemas have allowEmptyValue as field 5, shifting the later fields by one.
    const which = { header: 1, formData: 2, query: 3, path: 4 }[String(p.in)] ?? 3;
    const shift = which === 2 || which === 3 ? 1 : 0;
    const sub = new Message().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name);
    if (shift) sub.bool(5, p.allowEmptyValue);
    sub.string(5 + shift, p.type).string(6 + shift, p.format);
    sub.bool(19 + shift, p.uniqueItems);
    extensions(p, 22 + shift, sub);
    inner = new Message().message(2, new Message().message(which, sub));
  }
  return new Message().message(1, inner);
}

function operation(op: Json): Message {
  const m = new Message().strings(1, op.tags).string(2, op.summary).string(3, op.description);
  m.string(5, op.operationId).strings(6, op.produces).strings(7, op.consumes);
  if (Array.isArray(op.parameters)) for (const p of op.parameters) m.message(8, parameter(p as Json));
  const responses = new Message();
  for (const [code, r] of entries(op.responses)) {
    const resp = r as Json;
    const response = new Message()
      .string(1, resp.description)
      .message(2, resp.schema ? new Message().message(1, schema(resp.schema as Json)) : undefined);
    responses.message(1, named(code, new Message().message(1, response)));
  }
  m.message(9, responses);
  m.strings(10, op.schemes).bool(11, op.deprecated);
  extensions(op, 13, m);
  return m;
}

const METHODS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItem(item: Json): Message {
  const m = new Message();
  for (const [method, field] of Object.entries(METHODS)) {
    if (item[method]) m.message(field, operation(item[method] as Json));
  }
  if (Array.isArray(item.parameters)) for (const p of item.parameters) m.message(9, parameter(p as Json));
  extensions(item, 10, m);
  return m;
}

/** Encodes a Swagger 2.0 document as an openapi.v2.Document message. */
export function encodeDocument(doc: Schema): Buffer {
  const m = new Message().string(1, doc.swagger);
  const info = (doc.info ?? {}) as Json;
  m.message(2, new Message().string(1, info.title).string(2, info.version).string(3, info.description));
  m.string(3, doc.host)
    .string(4, doc.basePath)
    .strings(5, doc.schemes)
    .strings(6, doc.consumes)
    .strings(7, doc.produces);
  const paths = new Message();
  for (const [p, item] of entries(doc.paths)) paths.message(2, named(p, pathItem(item as Json)));
  m.message(8, paths);
  const defs = new Message();
  for (const [name, s] of entries(doc.definitions)) defs.message(1, named(name, schema(s as Json)));
  m.message(9, defs);
  if (Array.isArray(doc.security)) {
    for (const req of doc.security) {
      const r = new Message();
      for (const [name, scopes] of entries(req)) r.message(1, named(name, new Message().strings(1, scopes)));
      m.message(12, r);
    }
  }
  if (doc.securityDefinitions !== undefined) {
    const sd = new Message();
    for (const [name, d] of entries(doc.securityDefinitions)) {
      const def = d as Json;
      // Only apiKey schemes (field 2 of SecurityDefinitionsItem) are published.
      const apiKey = new Message().string(1, def.type).string(2, def.name).string(3, def.in).string(4, def.description);
      sd.message(1, named(name, new Message().message(2, apiKey)));
    }
    m.message(13, sd);
  }
  extensions(doc, 16, m);
  return m.bytes();
}
