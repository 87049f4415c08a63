/** Who a request comes from, as Kubernetes' authenticators describe a user. */
export interface UserInfo {
  username: string;
  uid: string;
  groups: string[];
}

/** Every authenticated user is also in system:authenticated, as kube-apiserver adds it. */
export function withAuthenticatedGroup(u: UserInfo): UserInfo {
  return u.groups.includes("system:authenticated") ? u : { ...u, groups: [...u.groups, "system:authenticated"] };
}
