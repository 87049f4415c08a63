import {
  badRequest,
  formatTimestamp,
  invalid,
  invalidField,
  labelSelectorFromObject,
  methodNotSupported,
  notSupportedField,
  plainError,
  requiredField,
  type Status,
  StatusError,
} from "@wharf/apimachinery";
import { selfSubjectReview, userInfoOf } from "../auth/self-subject-review.js";
import type { UserInfo } from "../auth/user-info.js";
import type { GenericStore, KubeObject, ObjectMeta } from "../registry/generic-store.js";
import type { ResourceDefinition } from "../registry/resource-definition.js";

// The subresources and create-only resources that are more than a view of
// the stored object: scale (autoscaling/v1 Scale over a workload's replica
// count), pod binding, and the authentication/authorization reviews.

type Obj = Record<string, unknown>;

/** The label selector string kube puts in Scale.status.selector. */
function selectorString(def: ResourceDefinition, obj: KubeObject): string {
  const sel = (obj.spec as Obj | undefined)?.selector;
  // A ReplicationController's selector is a plain map (labels.SelectorFromSet).
  if (def.kind === "ReplicationController") {
    return Object.keys((sel as Record<string, string>) ?? {})
      .sort()
      .map((k) => `${k}=${(sel as Record<string, string>)[k]}`)
      .join(",");
  }
  try {
    return labelSelectorFromObject(sel as Parameters<typeof labelSelectorFromObject>[0]).toString();
  } catch {
    return "";
  }
}

/** GET …/scale: the workload as an autoscaling/v1 Scale (scaleFromDeployment and friends). */
export function toScale(def: ResourceDefinition, obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number };
  const st = (obj.status ?? {}) as { replicas?: number };
  return scaleObject(obj, spec.replicas ?? 0, st.replicas ?? 0, selectorString(def, obj));
}

/** An autoscaling/v1 Scale of an object: its identity, desired and observed replicas, and selector. */
export function scaleObject(
  obj: KubeObject,
  specReplicas: number,
  statusReplicas: number,
  selector: string,
): KubeObject {
  const meta = (obj.metadata ?? {}) as ObjectMeta;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: specReplicas !== 0 ? { replicas: specReplicas } : {},
    status: { replicas: statusReplicas, ...(selector !== "" ? { selector } : {}) },
  };
}

/** The replicas a written Scale asks for, after kube's Scale validation. */
export function scaleReplicas(scale: KubeObject): number {
  if (scale.kind !== undefined && scale.kind !== "Scale") {
    throw badRequest(
      `the API version in the data (${scale.apiVersion ?? ""}) does not match the expected API version (autoscaling/v1)`,
    );
  }
  const replicas = (scale.spec as { replicas?: number } | undefined)?.replicas ?? 0;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw invalid(
      { group: "autoscaling", kind: "Scale" },
      String((scale.metadata as ObjectMeta | undefined)?.name ?? ""),
      [invalidField("spec.replicas", replicas, "must be greater than or equal to 0")],
    );
  }
  return replicas;
}

/** PUT …/scale: the merge that sets the workload's spec.replicas from a Scale. */
export function scaleMerge(scale: KubeObject): (stored: KubeObject) => KubeObject {
  const replicas = scaleReplicas(scale);
  return (stored) => ({ ...stored, spec: { ...((stored.spec as Obj) ?? {}), replicas } });
}

/**
 * POST pods/<name>/binding or bindings: assigns the pod to a node once
 * (BindingREST.Create and setPodHostAndAnnotations).
 */
export async function bindPod(
  pods: GenericStore,
  namespace: string,
  urlName: string | undefined,
  binding: KubeObject,
  dryRun: boolean,
): Promise<Status> {
  const meta = (binding?.metadata ?? {}) as ObjectMeta;
  const name = meta.name ?? "";
  if (urlName !== undefined && urlName !== name) throw badRequest("name in URL does not match name in Binding object");
  if (meta.namespace && meta.namespace !== namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  const target = (binding.target ?? {}) as { kind?: string; name?: string };
  const errs = [];
  if (target.kind && target.kind !== "Node")
    errs.push(notSupportedField("target.kind", target.kind, ["Node", "<empty>"]));
  if (!target.name) errs.push(requiredField("target.name"));
  // ValidatePodBinding's errors are returned as a plain aggregate, which kube answers as a 500.
  if (errs.length > 0) {
    throw plainError(errs.length === 1 ? errs[0]!.toString() : `[${errs.map((e) => e.toString()).join(", ")}]`);
  }
  await pods.write(
    namespace,
    name,
    { metadata: { name, ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}) } },
    (_req, pod) => {
      const podMeta = pod.metadata as ObjectMeta;
      const spec = (pod.spec ?? {}) as { nodeName?: string };
      if (podMeta.deletionTimestamp) throw plainError(`pod ${name} is being deleted, cannot be assigned to a host`);
      if (spec.nodeName) {
        throw new StatusError({
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${spec.nodeName}"`,
          reason: "Conflict",
          details: { name, kind: "pods/binding" },
          code: 409,
        } as Status);
      }
      pod.spec = { ...spec, nodeName: target.name };
      if (meta.annotations) podMeta.annotations = { ...(podMeta.annotations ?? {}), ...meta.annotations };
      const st = (pod.status ?? {}) as { conditions?: Obj[] };
      const conditions = (st.conditions ?? []).filter((c) => c.type !== "PodScheduled");
      const old = (st.conditions ?? []).find((c) => c.type === "PodScheduled");
      conditions.push({
        type: "PodScheduled",
        status: "True",
        lastProbeTime: null,
        lastTransitionTime: old?.status === "True" ? old.lastTransitionTime : formatTimestamp(new Date()),
      });
      pod.status = { ...st, conditions };
      return pod;
    },
    dryRun,
  );
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 } as Status;
}

export interface ReviewContext {
  user: UserInfo;
  /** The namespace of the URL (LocalSubjectAccessReview). */
  namespace?: string;
  /** Authenticates a bearer token as the server's own authenticator would (TokenReview). */
  reviewToken(token: string): UserInfo | undefined;
}

/** Every authenticated user may do everything until authorization (RBAC) arrives: reviews say allowed, with no reason. */
const ALLOWED = { allowed: true };

function checkAccessReviewSpec(def: ResourceDefinition, body: KubeObject, self: boolean): void {
  const spec = (body.spec ?? {}) as {
    resourceAttributes?: unknown;
    nonResourceAttributes?: unknown;
    user?: string;
    groups?: string[];
  };
  const errs = [];
  if (spec.resourceAttributes !== undefined && spec.nonResourceAttributes !== undefined) {
    errs.push(
      invalidField(
        "spec.nonResourceAttributes",
        spec.nonResourceAttributes,
        "cannot be specified in combination with resourceAttributes",
      ),
    );
  }
  if (spec.resourceAttributes === undefined && spec.nonResourceAttributes === undefined) {
    errs.push(
      invalidField(
        "spec.resourceAttributes",
        null,
        "exactly one of nonResourceAttributes or resourceAttributes must be specified",
      ),
    );
  }
  if (!self && !spec.user && (spec.groups ?? []).length === 0) {
    errs.push(invalidField("spec.user", spec.user ?? "", "at least one of user or group must be specified"));
  }
  if (errs.length > 0) throw invalid({ group: def.group, kind: def.kind }, "", errs);
}

/** POST on a create-only review resource: the request with its status filled in, never stored. */
export function review(def: ResourceDefinition, body: KubeObject, ctx: ReviewContext): KubeObject {
  const apiVersion = `${def.group}/${def.version}`;
  if (
    (body?.kind !== undefined && body.kind !== def.kind) ||
    (body?.apiVersion !== undefined && body.apiVersion !== apiVersion)
  ) {
    throw badRequest(
      `the API version in the data (${body?.apiVersion ?? ""}) does not match the expected API version (${apiVersion})`,
    );
  }
  const base: KubeObject = {
    kind: def.kind,
    apiVersion,
    metadata: { ...((body?.metadata as object) ?? {}), creationTimestamp: null } as unknown as ObjectMeta,
    spec: body?.spec ?? {},
  };
  switch (def.resource) {
    case "selfsubjectreviews":
      return selfSubjectReview(ctx.user) as KubeObject;
    case "tokenreviews": {
      const token = (body.spec as { token?: string } | undefined)?.token ?? "";
      const user = token ? ctx.reviewToken(token) : undefined;
      return { ...base, status: user ? { authenticated: true, user: userInfoOf(user) } : { user: {} } };
    }
    case "selfsubjectaccessreviews":
      checkAccessReviewSpec(def, body, true);
      return { ...base, status: ALLOWED };
    case "subjectaccessreviews":
      checkAccessReviewSpec(def, body, false);
      return { ...base, status: ALLOWED };
    case "localsubjectaccessreviews": {
      const attrs = (body.spec as { resourceAttributes?: { namespace?: string } } | undefined)?.resourceAttributes;
      if (attrs && attrs.namespace !== undefined && attrs.namespace !== "" && attrs.namespace !== ctx.namespace) {
        throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${ctx.namespace}`);
      }
      checkAccessReviewSpec(def, body, false);
      return {
        ...base,
        metadata: { ...(base.metadata as object), namespace: ctx.namespace },
        spec: { ...(base.spec as object), resourceAttributes: { ...(attrs ?? {}), namespace: ctx.namespace } },
        status: ALLOWED,
      };
    }
    case "selfsubjectrulesreviews":
      return {
        ...base,
        status: {
          resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
          nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
          incomplete: false,
        },
      };
    default:
      throw methodNotSupported({ group: def.group, resource: def.resource }, "create");
  }
}
