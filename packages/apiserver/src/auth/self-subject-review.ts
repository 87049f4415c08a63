import type { UserInfo } from "./user-info.js";

/** authentication.k8s.io/v1 SelfSubjectReview: tells the caller who the server thinks it is (`kubectl auth whoami`). */
export function selfSubjectReview(user: UserInfo): Record<string, unknown> {
  return {
    kind: "SelfSubjectReview",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { creationTimestamp: null },
    status: { userInfo: userInfoOf(user) },
  };
}

/** authentication.k8s.io/v1 UserInfo as kube serializes it (empty fields omitted). */
export function userInfoOf(user: UserInfo): Record<string, unknown> {
  return {
    username: user.username,
    ...(user.uid ? { uid: user.uid } : {}),
    ...(user.groups.length > 0 ? { groups: user.groups } : {}),
  };
}
