import type { KubeObject } from "../strategy.js";
import { define, fieldAt, status } from "./define.js";

// certificates.k8s.io/v1. Approval (Approved/Denied conditions) changes only
// through /approval; /status keeps them (csrStatusStrategy).

type Condition = { type?: string };
const isApproval = (c: Condition) => c.type === "Approved" || c.type === "Denied";
const conditions = (o: KubeObject): Condition[] =>
  ((o.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];

function withConditions(o: KubeObject, list: Condition[]): void {
  const st = { ...((o.status as object) ?? {}) } as { conditions?: Condition[] };
  if (list.length > 0) st.conditions = list;
  else delete st.conditions;
  o.status = st;
}

export const certificatesigningrequests = define(
  "certificates.k8s.io",
  "v1",
  "CertificateSigningRequest",
  "certificatesigningrequests",
  {
    namespaced: false,
    shortNames: ["csr"],
    subresources: [{ name: "approval", verbs: ["get", "patch", "update"] }, status],
    metadataFields: ["metadata.name"],
    fieldSelectors: { "spec.signerName": fieldAt("spec.signerName") },
    prepareForStatusUpdate: (next, old) =>
      withConditions(next, [...conditions(old).filter(isApproval), ...conditions(next).filter((c) => !isApproval(c))]),
  },
);

/** /approval: the request's Approved/Denied conditions over the stored status. */
export function applyApproval(next: KubeObject, old: KubeObject): KubeObject {
  const out = structuredClone(old);
  out.metadata = next.metadata;
  withConditions(out, [...conditions(old).filter((c) => !isApproval(c)), ...conditions(next).filter(isApproval)]);
  return out;
}

export const certificatesResources = [certificatesigningrequests];
