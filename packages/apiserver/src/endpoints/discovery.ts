import { createHash } from "node:crypto";
import { apiVersionOf, type ResourceDefinition, type SubresourceDefinition } from "../registry/resource-definition.js";

// Discovery as kube-apiserver 1.28 answers it: /api, /api/v1, /apis,
// /apis/<group>, /apis/<group>/<version>, and aggregated discovery
// (APIGroupDiscoveryList) on /api and /apis for clients that ask for it in
// Accept, as kubectl 1.26+ and client-go do first. Everything is derived
// from the resource table; subresources this server does not serve yet are
// left out.

export interface ApiGroupInfo {
  name: string;
  /** Preferred first. */
  versions: string[];
}

export type AggregatedVersion = "v2" | "v2beta1";

const byName =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

const served = (d: ResourceDefinition) => (d.subresources ?? []).filter((s) => s.served !== false);

/** APIResource entries of one group version, parents and their subresources sorted by name as kube lists them. */
function apiResources(defs: ResourceDefinition[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const d of defs) {
    out.push({
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
      ...(d.shortNames.length > 0 ? { shortNames: d.shortNames } : {}),
      ...(d.categories.length > 0 ? { categories: d.categories } : {}),
    });
    for (const s of served(d)) {
      out.push({
        name: `${d.resource}/${s.name}`,
        singularName: "",
        namespaced: d.namespaced,
        ...(s.group !== undefined ? { group: s.group } : {}),
        ...(s.version !== undefined ? { version: s.version } : {}),
        kind: s.kind ?? d.kind,
        verbs: s.verbs,
      });
    }
  }
  return out.sort(byName((r) => String(r.name)));
}

function responseKind(kind: string, s?: SubresourceDefinition) {
  return { group: s?.group ?? "", version: s?.version ?? "", kind };
}

/** One apidiscovery APIResourceDiscovery entry. */
function discoveryResource(d: ResourceDefinition): Record<string, unknown> {
  const subs = served(d);
  return {
    resource: d.resource,
    responseKind: responseKind(d.kind),
    scope: d.namespaced ? "Namespaced" : "Cluster",
    singularResource: d.singular,
    verbs: d.verbs,
    ...(d.shortNames.length > 0 ? { shortNames: d.shortNames } : {}),
    ...(d.categories.length > 0 ? { categories: d.categories } : {}),
    ...(subs.length > 0
      ? {
          subresources: subs.map((s) => ({
            subresource: s.name,
            responseKind: responseKind(s.kind ?? d.kind, s),
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

export class Discovery {
  constructor(
    private readonly defs: ResourceDefinition[],
    private readonly groups: ApiGroupInfo[],
  ) {}

  private resourcesOf(group: string, version: string): ResourceDefinition[] {
    return this.defs.filter((d) => d.group === group && d.version === version);
  }

  private groupVersions(g: ApiGroupInfo) {
    const versions = g.versions.map((version) => ({ groupVersion: `${g.name}/${version}`, version }));
    return { name: g.name, versions, preferredVersion: versions[0]! };
  }

  /** GET /api */
  apiVersions(): Record<string, unknown> {
    return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] };
  }

  /** GET /apis */
  groupList(): Record<string, unknown> {
    return { kind: "APIGroupList", apiVersion: "v1", groups: this.groups.map((g) => this.groupVersions(g)) };
  }

  /** GET /apis/<group>, or undefined when the group is not served. */
  group(name: string): Record<string, unknown> | undefined {
    const g = this.groups.find((x) => x.name === name);
    return g ? { kind: "APIGroup", apiVersion: "v1", ...this.groupVersions(g) } : undefined;
  }

  /** GET /api/v1 or /apis/<group>/<version>, or undefined when not served. */
  resourceList(group: string, version: string): Record<string, unknown> | undefined {
    const served =
      group === "" ? version === "v1" : this.groups.some((g) => g.name === group && g.versions.includes(version));
    if (!served) return undefined;
    const resources = apiResources(this.resourcesOf(group, version));
    // kube-apiserver's legacy /api/v1 list carries no apiVersion; the group lists do.
    return group === ""
      ? { kind: "APIResourceList", groupVersion: "v1", resources }
      : { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf({ group, version }), resources };
  }

  /** The aggregated discovery document of /api (core only) or /apis (every group). */
  aggregated(path: "/api" | "/apis", version: AggregatedVersion): Record<string, unknown> {
    const groups: ApiGroupInfo[] = path === "/api" ? [{ name: "", versions: ["v1"] }] : this.groups;
    return {
      kind: "APIGroupDiscoveryList",
      apiVersion: `apidiscovery.k8s.io/${version}`,
      metadata: {},
      items: groups.map((g) => ({
        metadata: { ...(g.name !== "" ? { name: g.name } : {}), creationTimestamp: null },
        versions: g.versions.map((v) => ({
          version: v,
          resources: this.resourcesOf(g.name, v)
            .map(discoveryResource)
            .sort(byName((r) => String(r.resource))),
          freshness: "Current",
        })),
      })),
    };
  }
}

/**
 * The aggregated discovery version the Accept header asks for first, if any:
 * `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`
 * (kubectl 1.30+) or `…;v=v2beta1;…` (kubectl 1.26–1.29).
 */
export function wantsAggregated(accept: string): AggregatedVersion | undefined {
  for (const part of accept.split(",")) {
    const [type, ...params] = part.split(";").map((p) => p.trim());
    if (type !== "application/json") continue;
    const p = Object.fromEntries(params.map((x) => x.split("=").map((y) => y.trim()) as [string, string]));
    if (p.g === "apidiscovery.k8s.io" && p.as === "APIGroupDiscoveryList" && (p.v === "v2" || p.v === "v2beta1")) {
      return p.v;
    }
  }
  return undefined;
}

/** The response headers of an aggregated discovery document: its media type, and an ETag clients may revalidate with. */
export function aggregatedHeaders(version: AggregatedVersion, body: string): Record<string, string> {
  return {
    "content-type": `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
    vary: "Accept",
    etag: `"${createHash("sha512").update(body).digest("hex").slice(0, 64).toUpperCase()}"`,
  };
}
