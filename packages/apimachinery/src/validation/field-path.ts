// A field path as k8s.io/apimachinery/pkg/util/validation/field.Path prints it:
// "spec.containers[0].env[FOO]". Map keys print inside brackets without quotes,
// exactly as kube does, because the path text ends up in Status causes that
// clients (kubectl, controllers) display and sometimes match.

type Element = { kind: "child"; name: string } | { kind: "index"; index: number } | { kind: "key"; key: string };

export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly element: Element,
  ) {}

  /** A root path; several names make a dotted chain ("metadata", "name"). */
  static of(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(undefined, { kind: "child", name });
    for (const m of more) p = p.child(m);
    return p;
  }

  child(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(this, { kind: "child", name });
    for (const m of more) p = p.child(m);
    return p;
  }

  index(i: number): FieldPath {
    return new FieldPath(this, { kind: "index", index: i });
  }

  key(k: string): FieldPath {
    return new FieldPath(this, { kind: "key", key: k });
  }

  toString(): string {
    const chain: Element[] = [];
    for (let p: FieldPath | undefined = this; p; p = p.parent) chain.unshift(p.element);
    let out = "";
    for (const e of chain) {
      if (e.kind === "child") out += out === "" ? e.name : `.${e.name}`;
      else if (e.kind === "index") out += `[${e.index}]`;
      else out += `[${e.key}]`;
    }
    return out;
  }
}

/** Shorthand for FieldPath.of. */
export function fieldPath(name: string, ...more: string[]): FieldPath {
  return FieldPath.of(name, ...more);
}
