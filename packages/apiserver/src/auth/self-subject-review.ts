import type { UserInfo } from "./user-info.js";

/** authentication.k8s.io/v1 SelfSubjectReview: tells the caller who the server thinks it is (`kubectl auth whoami`). */
export function selfSubjectReview(user: UserInfo): Record<string, unknown> {
  return {
    kind: "SelfSubjectReview",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { creationTimestamp: null },
    status: {
      userInfo: {
        username: user.username,
        ...(user.uid ? { uid: user.uid } : {}),
        ...(user.groups.length > 0 ? { groups: user.groups } : {}),
      },
    },
  };
}

/** The authentication.k8s.io group as discovery lists it. */
export const authenticationGroup = {
  name: "authentication.k8s.io",
  versions: [{ groupVersion: "authentication.k8s.io/v1", version: "v1" }],
  preferredVersion: { groupVersion: "authentication.k8s.io/v1", version: "v1" },
};

export const authenticationResources = {
  kind: "APIResourceList",
  apiVersion: "v1",
  groupVersion: "authentication.k8s.io/v1",
  resources: [
    {
      name: "selfsubjectreviews",
      singularName: "selfsubjectreview",
      namespaced: false,
      kind: "SelfSubjectReview",
      verbs: ["create"],
    },
  ],
};
