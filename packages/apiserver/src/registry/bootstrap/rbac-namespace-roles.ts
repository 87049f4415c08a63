import { type BindingSpec, eventsRule, type RoleSpec, roleBinding, rule } from "./rbac-builders.js";

// The Roles and RoleBindings kube-apiserver 1.28 creates in kube-system and
// kube-public, in creation order.

export interface NamespacedRoleSpec extends RoleSpec {
  namespace: string;
}

export function namespaceRoles(): NamespacedRoleSpec[] {
  const system = "kube-system";
  const leaderLocking = (component: string): NamespacedRoleSpec => ({
    namespace: system,
    name: `system::leader-locking-${component}`,
    rules: [
      rule("watch").groups("").resources("configmaps").build(),
      rule("get", "update").groups("").resources("configmaps").names(component).build(),
    ],
  });
  return [
    {
      namespace: system,
      name: "extension-apiserver-authentication-reader",
      rules: [
        rule("get", "list", "watch")
          .groups("")
          .resources("configmaps")
          .names("extension-apiserver-authentication")
          .build(),
      ],
    },
    {
      namespace: system,
      name: "system:controller:bootstrap-signer",
      rules: [rule("get", "list", "watch").groups("").resources("secrets").build()],
    },
    {
      namespace: system,
      name: "system:controller:cloud-provider",
      rules: [rule("create", "get", "list", "watch").groups("").resources("configmaps").build()],
    },
    {
      namespace: system,
      name: "system:controller:token-cleaner",
      rules: [rule("get", "list", "watch", "delete").groups("").resources("secrets").build(), eventsRule()],
    },
    leaderLocking("kube-controller-manager"),
    leaderLocking("kube-scheduler"),
    {
      namespace: "kube-public",
      name: "system:controller:bootstrap-signer",
      rules: [
        rule("get", "list", "watch").groups("").resources("configmaps").build(),
        rule("update").groups("").resources("configmaps").names("cluster-info").build(),
        eventsRule(),
      ],
    },
  ];
}

export function namespaceRoleBindings(): BindingSpec[] {
  const system = "kube-system";
  return [
    {
      // Named apart from its role, unlike the others.
      ...roleBinding("extension-apiserver-authentication-reader", system, (s) =>
        s.users("system:kube-controller-manager", "system:kube-scheduler"),
      ),
      name: "system::extension-apiserver-authentication-reader",
    },
    roleBinding("system::leader-locking-kube-controller-manager", system, (s) =>
      s.users("system:kube-controller-manager").sas(system, "kube-controller-manager"),
    ),
    roleBinding("system::leader-locking-kube-scheduler", system, (s) =>
      s.users("system:kube-scheduler").sas(system, "kube-scheduler"),
    ),
    roleBinding("system:controller:bootstrap-signer", system, (s) => s.sas(system, "bootstrap-signer")),
    roleBinding("system:controller:cloud-provider", system, (s) => s.sas(system, "cloud-provider")),
    roleBinding("system:controller:token-cleaner", system, (s) => s.sas(system, "token-cleaner")),
    roleBinding("system:controller:bootstrap-signer", "kube-public", (s) => s.sas(system, "bootstrap-signer")),
  ];
}
