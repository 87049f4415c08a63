// Pod security contexts, ephemeral containers and the smaller PodSpec fields,
// checked through the Pod strategy against kube-apiserver 1.28's causes.

import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { FieldPath } from "@wharf/apimachinery";
import {
  setAllowPrivileged,
  validateSeccompAnnotationsAndFields,
  validateSecurityAnnotations,
} from "../src/registry/strategies/pod-security.js";
import type { KubeObject } from "../src/registry/strategy.js";
import { type Cause, causes, create } from "./support/strategy-causes.js";

type J = Record<string, unknown>;

const ON_CREATE: Cause = ["FieldValueForbidden", "spec.ephemeralContainers", "Forbidden: cannot be set on create"];

/** Ephemeral containers reach a pod through its subresource; kube forbids them on create, which may be reported too. */
function withoutCreateForbid(cs: Cause[]): Cause[] {
  return cs.filter((c) => !(c[0] === ON_CREATE[0] && c[1] === ON_CREATE[1] && c[2] === ON_CREATE[2]));
}

const pod = (spec: J, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "default", uid: "u-1", ...(annotations ? { annotations } : {}) },
  spec,
});

const c = (name: string, extra: J = {}): J => ({ name, image: "busybox:1.36", ...extra });

const RANGE = "must be between 0 and 2147483647, inclusive";
const DNS_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QUALIFIED =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SYSCTL_REGEX = "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";
const EPHEMERAL = "Forbidden: cannot be set for an Ephemeral Container";
const WINDOWS = "Forbidden: cannot be set for a windows pod";

/** %#v of the container security context kube prints in the privilege-escalation errors. */
function goSC(set: string[]): string {
  const fields: [string, string][] = [
    ["Capabilities", "core.Capabilities"],
    ["Privileged", "bool"],
    ["SELinuxOptions", "core.SELinuxOptions"],
    ["WindowsOptions", "core.WindowsSecurityContextOptions"],
    ["RunAsUser", "int64"],
    ["RunAsGroup", "int64"],
    ["RunAsNonRoot", "bool"],
    ["ReadOnlyRootFilesystem", "bool"],
    ["AllowPrivilegeEscalation", "bool"],
    ["ProcMount", "core.ProcMountType"],
    ["SeccompProfile", "core.SeccompProfile"],
  ];
  const text = fields.map(([f, t]) => `${f}:(*${t})(${set.includes(f) ? "0xc000000000" : "nil"})`);
  return `core.SecurityContext{${text.join(", ")}}`;
}

afterEach(() => setAllowPrivileged(false));

describe("Pod security and small fields: a valid pod", () => {
  it("passes with every field this file checks set to good values", () => {
    const got = create(
      "/Pod",
      pod({
        hostNetwork: true,
        shareProcessNamespace: true,
        securityContext: {
          fsGroup: 2000,
          runAsUser: 0,
          runAsGroup: 2147483647,
          supplementalGroups: [0, 3000],
          fsGroupChangePolicy: "OnRootMismatch",
          seLinuxOptions: { level: "s0:c123,c456" },
          seccompProfile: { type: "Localhost", localhostProfile: "profiles/audit.json" },
          // Namespaced net.* sysctls with hostNetwork are only refused from 1.29 on.
          sysctls: [
            { name: "net.ipv4.ip_local_port_range", value: "1024 65535" },
            { name: "kernel.shm_rmid_forced", value: "1" },
            { name: "net/ipv4/conf/eth0.100/forwarding", value: "1" },
          ],
        },
        containers: [
          c("app", {
            ports: [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 9090 }],
            securityContext: {
              privileged: false,
              allowPrivilegeEscalation: false,
              capabilities: { add: ["NET_ADMIN"], drop: ["ALL"] },
              runAsUser: 1000,
              runAsGroup: 1000,
              runAsNonRoot: true,
              readOnlyRootFilesystem: true,
              seccompProfile: { type: "RuntimeDefault" },
            },
          }),
          c("sidecar", { securityContext: { seccompProfile: { type: "Unconfined" } } }),
        ],
        initContainers: [c("init", { securityContext: { runAsUser: 0 } })],
        imagePullSecrets: [{ name: "regcred" }],
        readinessGates: [{ conditionType: "example.com/feature-1" }],
        hostAliases: [
          { ip: "10.1.2.3", hostnames: ["foo.local", "bar.local"] },
          { ip: "010.001.002.003", hostnames: ["sloppy.local"] },
          { ip: "2001:db8::1", hostnames: ["v6.local"] },
        ],
        runtimeClassName: "gvisor",
        overhead: { cpu: "250m", memory: "120Mi" },
        os: { name: "linux" },
        schedulingGates: [{ name: "example.com/gate" }, { name: "other" }],
      }),
    );
    assert.deepEqual(got, []);
  });

  it("ignores hostUsers, which 1.28 drops before validating (UserNamespacesSupport is off)", () => {
    const got = create("/Pod", pod({ hostUsers: false, hostNetwork: true, hostPID: true, containers: [c("a")] }));
    assert.deepEqual(got, []);
  });
});

describe("validatePodSpecSecurityContext", () => {
  it("checks user and group ids", () => {
    const got = create(
      "/Pod",
      pod({
        securityContext: { fsGroup: -1, runAsUser: 2147483648, runAsGroup: -5, supplementalGroups: [1, -2] },
        containers: [c("a")],
      }),
    );
    assert.deepEqual(got, [
      ["FieldValueInvalid", "spec.securityContext.fsGroup", `Invalid value: -1: ${RANGE}`],
      ["FieldValueInvalid", "spec.securityContext.runAsUser", `Invalid value: 2147483648: ${RANGE}`],
      ["FieldValueInvalid", "spec.securityContext.runAsGroup", `Invalid value: -5: ${RANGE}`],
      ["FieldValueInvalid", "spec.securityContext.supplementalGroups[1]", `Invalid value: -2: ${RANGE}`],
    ]);
  });

  it("refuses shareProcessNamespace with hostPID, at kube's internal path", () => {
    const got = create("/Pod", pod({ shareProcessNamespace: true, hostPID: true, containers: [c("a")] }));
    assert.deepEqual(got, [
      [
        "FieldValueInvalid",
        "spec.securityContext.shareProcessNamespace",
        "Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled",
      ],
    ]);
  });

  it("checks sysctl names: required, syntax and length, duplicates", () => {
    const long = "a".repeat(254);
    const got = create(
      "/Pod",
      pod({
        securityContext: {
          sysctls: [
            { name: "", value: "1" },
            { name: "kernel.msgmax", value: "1" },
            { name: "kernel.msgmax", value: "2" },
            { name: "Net.Bad", value: "1" },
            { name: long, value: "1" },
          ],
        },
        containers: [c("a")],
      }),
    );
    assert.deepEqual(got, [
      ["FieldValueRequired", "spec.securityContext.sysctls[0].name", "Required value"],
      ["FieldValueDuplicate", "spec.securityContext.sysctls[2].name", 'Duplicate value: "kernel.msgmax"'],
      [
        "FieldValueInvalid",
        "spec.securityContext.sysctls[3].name",
        `Invalid value: "Net.Bad": must have at most 253 characters and match regex ${SYSCTL_REGEX}`,
      ],
      [
        "FieldValueInvalid",
        "spec.securityContext.sysctls[4].name",
        `Invalid value: "${long}": must have at most 253 characters and match regex ${SYSCTL_REGEX}`,
      ],
    ]);
  });

  it("checks fsGroupChangePolicy", () => {
    const got = create("/Pod", pod({ securityContext: { fsGroupChangePolicy: "Sometimes" }, containers: [c("a")] }));
    assert.deepEqual(got, [
      [
        "FieldValueNotSupported",
        "spec.securityContext.fsGroupChangePolicy",
        'Unsupported value: "Sometimes": supported values: "Always", "OnRootMismatch"',
      ],
    ]);
  });

  it("checks seccomp profiles of the pod and its containers", () => {
    const got = create(
      "/Pod",
      pod({
        securityContext: { seccompProfile: { type: "" } },
        containers: [
          c("a", { securityContext: { seccompProfile: { type: "Bogus" } } }),
          c("b", { securityContext: { seccompProfile: { type: "Localhost" } } }),
          c("d", { securityContext: { seccompProfile: { type: "Localhost", localhostProfile: "/abs/../x.json" } } }),
          c("e", { securityContext: { seccompProfile: { type: "RuntimeDefault", localhostProfile: "x.json" } } }),
        ],
      }),
    );
    assert.deepEqual(got, [
      [
        "FieldValueNotSupported",
        "spec.containers[0].securityContext.seccompProfile.type",
        'Unsupported value: "Bogus": supported values: "Localhost", "RuntimeDefault", "Unconfined"',
      ],
      [
        "FieldValueRequired",
        "spec.containers[1].securityContext.seccompProfile.localhostProfile",
        "Required value: must be set when seccomp type is Localhost",
      ],
      [
        "FieldValueInvalid",
        "spec.containers[2].securityContext.seccompProfile.localhostProfile",
        'Invalid value: "/abs/../x.json": must be a relative path',
      ],
      [
        "FieldValueInvalid",
        "spec.containers[2].securityContext.seccompProfile.localhostProfile",
        "Invalid value: \"/abs/../x.json\": must not contain '..'",
      ],
      [
        "FieldValueInvalid",
        "spec.containers[3].securityContext.seccompProfile.localhostProfile",
        'Invalid value: core.SeccompProfile{Type:"RuntimeDefault", LocalhostProfile:(*string)(0xc000000000)}: can only be set when seccomp type is Localhost',
      ],
      [
        "FieldValueRequired",
        "spec.securityContext.seccompProfile.type",
        "Required value: type is required when seccompProfile is set",
      ],
    ]);
  });

  it("checks Windows options: gMSA credential spec and runAsUserName", () => {
    const user = (runAsUserName: string) =>
      c(`u${runAsUserName.length}`, {
        securityContext: { windowsOptions: { runAsUserName } },
      });
    const names = ["", "bad\u0001", ".dom\\user", "dom\\", "x".repeat(105), "...", "us@er", `${"d".repeat(256)}\\u`];
    const containers = names.map((n, i) => ({ ...user(n), name: `c${i}` }));
    const big = "x".repeat(64 * 1024 + 1);
    const got = create(
      "/Pod",
      pod({
        securityContext: {
          windowsOptions: { gmsaCredentialSpecName: "Bad_Name", gmsaCredentialSpec: "", runAsUserName: "a\\b\\c" },
        },
        containers: [...containers, c("g", { securityContext: { windowsOptions: { gmsaCredentialSpec: big } } })],
      }),
    );
    const ru = (i: number) => `spec.containers[${i}].securityContext.windowsOptions.runAsUserName`;
    assert.deepEqual(got, [
      ["FieldValueInvalid", ru(0), 'Invalid value: "": runAsUserName cannot be an empty string'],
      ["FieldValueInvalid", ru(1), 'Invalid value: "bad\\x01": runAsUserName cannot contain control characters'],
      [
        "FieldValueInvalid",
        ru(2),
        "Invalid value: \".dom\\\\user\": runAsUserName's Domain doesn't match the NetBios nor the DNS format",
      ],
      ["FieldValueInvalid", ru(3), 'Invalid value: "dom\\\\": runAsUserName\'s User cannot be empty'],
      [
        "FieldValueInvalid",
        ru(4),
        `Invalid value: "${"x".repeat(105)}": runAsUserName's User length must not be longer than 104 characters`,
      ],
      ["FieldValueInvalid", ru(5), 'Invalid value: "...": runAsUserName\'s User cannot contain only periods or spaces'],
      [
        "FieldValueInvalid",
        ru(6),
        'Invalid value: "us@er": runAsUserName\'s User cannot contain the following characters: "/\\:;|=,+*?<>@[]',
      ],
      [
        "FieldValueInvalid",
        ru(7),
        `Invalid value: "${"d".repeat(256)}\\\\u": runAsUserName's Domain length must be under 256 characters`,
      ],
      [
        "FieldValueInvalid",
        ru(7),
        `Invalid value: "${"d".repeat(256)}\\\\u": runAsUserName's Domain doesn't match the NetBios nor the DNS format`,
      ],
      [
        "FieldValueInvalid",
        "spec.containers[8].securityContext.windowsOptions.gmsaCredentialSpec",
        `Invalid value: "${big}": gmsaCredentialSpec size must be under 64 KiB`,
      ],
      [
        "FieldValueInvalid",
        "spec.securityContext.windowsOptions.gmsaCredentialSpecName",
        `Invalid value: "Bad_Name": ${DNS_SUBDOMAIN}`,
      ],
      [
        "FieldValueInvalid",
        "spec.securityContext.windowsOptions.gmsaCredentialSpec",
        'Invalid value: "": gmsaCredentialSpec cannot be an empty string',
      ],
      [
        "FieldValueInvalid",
        "spec.securityContext.windowsOptions.runAsUserName",
        'Invalid value: "a\\\\b\\\\c": runAsUserName cannot contain more than one backslash',
      ],
    ]);
  });
});

describe("ValidateSecurityContext (containers)", () => {
  it("refuses privileged containers: kube-apiserver's --allow-privileged defaults to false", () => {
    const got = create("/Pod", pod({ containers: [c("a", { securityContext: { privileged: true } })] }));
    assert.deepEqual(got, [
      [
        "FieldValueForbidden",
        "spec.containers[0].securityContext.privileged",
        "Forbidden: disallowed by cluster policy",
      ],
    ]);
    setAllowPrivileged(true);
    assert.deepEqual(create("/Pod", pod({ containers: [c("a", { securityContext: { privileged: true } })] })), []);
  });

  it("checks ids and privilege escalation, printing the context as kube does", () => {
    setAllowPrivileged(true);
    const got = create(
      "/Pod",
      pod({
        initContainers: [c("i", { securityContext: { runAsUser: -1, runAsGroup: 2147483648 } })],
        containers: [
          c("a", { securityContext: { privileged: true, allowPrivilegeEscalation: false } }),
          c("b", {
            securityContext: {
              allowPrivilegeEscalation: false,
              runAsUser: 10,
              capabilities: { add: ["CAP_SYS_ADMIN", "NET_RAW"] },
            },
          }),
          // Only a refused escalation conflicts with these.
          c("d", { securityContext: { allowPrivilegeEscalation: true, capabilities: { add: ["CAP_SYS_ADMIN"] } } }),
        ],
      }),
    );
    assert.deepEqual(got, [
      [
        "FieldValueInvalid",
        "spec.containers[0].securityContext",
        `Invalid value: ${goSC(["Privileged", "AllowPrivilegeEscalation"])}: cannot set \`allowPrivilegeEscalation\` to false and \`privileged\` to true`,
      ],
      [
        "FieldValueInvalid",
        "spec.containers[1].securityContext",
        `Invalid value: ${goSC(["Capabilities", "RunAsUser", "AllowPrivilegeEscalation"])}: cannot set \`allowPrivilegeEscalation\` to false and \`capabilities.Add\` CAP_SYS_ADMIN`,
      ],
      ["FieldValueInvalid", "spec.initContainers[0].securityContext.runAsUser", `Invalid value: -1: ${RANGE}`],
      ["FieldValueInvalid", "spec.initContainers[0].securityContext.runAsGroup", `Invalid value: 2147483648: ${RANGE}`],
    ]);
  });
});

describe("validatePodHostNetworkDeps", () => {
  it("with hostNetwork, a pod's hostPort must equal its containerPort (regular containers only)", () => {
    const got = create(
      "/Pod",
      pod({
        hostNetwork: true,
        initContainers: [c("i", { ports: [{ containerPort: 90, hostPort: 9090 }] })],
        containers: [c("a", { ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] })],
      }),
    );
    assert.deepEqual(got, [
      [
        "FieldValueInvalid",
        "spec.containers[0].ports[0].hostPort",
        "Invalid value: 8080: must match `containerPort` when `hostNetwork` is true",
      ],
    ]);
  });

  it("says nothing without hostNetwork", () => {
    const got = create("/Pod", pod({ containers: [c("a", { ports: [{ containerPort: 80, hostPort: 8080 }] })] }));
    assert.deepEqual(got, []);
  });
});

describe("validateWindowsHostProcessPod", () => {
  it("needs every container to be hostProcess, consistently, and allowed by policy", () => {
    const got = create(
      "/Pod",
      pod({
        hostNetwork: true,
        securityContext: { windowsOptions: { hostProcess: true } },
        containers: [c("a"), c("b", { securityContext: { windowsOptions: { hostProcess: false } } })],
      }),
    );
    assert.deepEqual(got, [
      [
        "FieldValueInvalid",
        "spec.containers[1].securityContext.windowsOptions.hostProcess",
        "Invalid value: false: pod hostProcess value must be identical if both are specified, was true",
      ],
      [
        "FieldValueInvalid",
        "spec",
        'Invalid value: "": If pod contains any hostProcess containers then all containers must be HostProcess containers',
      ],
      ["FieldValueForbidden", "spec", "Forbidden: hostProcess containers are disallowed by cluster policy"],
    ]);
  });

  it("needs hostNetwork", () => {
    setAllowPrivileged(true);
    const got = create(
      "/Pod",
      pod({ containers: [c("a", { securityContext: { windowsOptions: { hostProcess: true } } })] }),
    );
    assert.deepEqual(got, [
      [
        "FieldValueInvalid",
        "spec.hostNetwork",
        "Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers",
      ],
    ]);
  });
});

describe("validateEphemeralContainers", () => {
  it("checks names, target, the refused fields and subpaths", () => {
    const probe = { exec: { command: ["true"] } };
    const got = create(
      "/Pod",
      pod({
        volumes: [{ name: "v", emptyDir: {} }],
        initContainers: [c("i")],
        containers: [c("c")],
        ephemeralContainers: [
          {
            name: "c",
            image: " busybox",
            targetContainerName: "nope",
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: "1" } },
            restartPolicy: "Always",
            livenessProbe: probe,
            readinessProbe: probe,
            startupProbe: probe,
            lifecycle: { preStop: probe },
            volumeMounts: [
              { name: "v", mountPath: "/a", subPath: "s" },
              { name: "v", mountPath: "/b", subPathExpr: "$(POD_NAME)" },
            ],
          },
          { name: "i", image: "busybox", targetContainerName: "c" },
          { name: "debug", image: "busybox", targetContainerName: "i" },
          { name: "debug", image: "busybox" },
        ],
      }),
    );
    const e = "spec.ephemeralContainers";
    assert.deepEqual(withoutCreateForbid(got), [
      ["FieldValueInvalid", `${e}[0].image`, 'Invalid value: " busybox": must not have leading or trailing whitespace'],
      ["FieldValueDuplicate", `${e}[0].name`, 'Duplicate value: "c"'],
      ["FieldValueNotFound", `${e}[0].targetContainerName`, 'Not found: "nope"'],
      ["FieldValueForbidden", `${e}[0].ports`, EPHEMERAL],
      ["FieldValueForbidden", `${e}[0].resources`, EPHEMERAL],
      ["FieldValueForbidden", `${e}[0].restartPolicy`, EPHEMERAL],
      ["FieldValueForbidden", `${e}[0].livenessProbe`, EPHEMERAL],
      ["FieldValueForbidden", `${e}[0].readinessProbe`, EPHEMERAL],
      ["FieldValueForbidden", `${e}[0].startupProbe`, EPHEMERAL],
      ["FieldValueForbidden", `${e}[0].lifecycle`, EPHEMERAL],
      ["FieldValueForbidden", `${e}[0].volumeMounts[0].subPath`, EPHEMERAL],
      ["FieldValueForbidden", `${e}[0].volumeMounts[1].subPathExpr`, EPHEMERAL],
      ["FieldValueDuplicate", `${e}[1].name`, 'Duplicate value: "i"'],
      ["FieldValueDuplicate", `${e}[3].name`, 'Duplicate value: "debug"'],
    ]);
  });

  it("runs the common container checks on them", () => {
    const got = create(
      "/Pod",
      pod({
        containers: [c("c")],
        ephemeralContainers: [{ name: "Bad", image: "busybox", securityContext: { runAsUser: -1 } }],
      }),
    );
    assert.ok(got.some((x) => x[1] === "spec.ephemeralContainers[0].name" && x[0] === "FieldValueInvalid"));
    assert.ok(
      got.some(
        (x) =>
          x[1] === "spec.ephemeralContainers[0].securityContext.runAsUser" && x[2] === `Invalid value: -1: ${RANGE}`,
      ),
    );
  });
});

describe("the smaller PodSpec fields", () => {
  it("readinessGates: condition types are qualified names", () => {
    const got = create("/Pod", pod({ containers: [c("a")], readinessGates: [{ conditionType: "bad type" }] }));
    assert.deepEqual(got, [
      ["FieldValueInvalid", "spec.readinessGates[0].conditionType", `Invalid value: "bad type": ${QUALIFIED}`],
    ]);
  });

  it("hostAliases: a valid IP and DNS subdomains, at 1.28's unindexed paths", () => {
    const got = create(
      "/Pod",
      pod({
        containers: [c("a")],
        hostAliases: [
          { ip: "10.0.0.1", hostnames: ["ok.example", "Bad_Host"] },
          { ip: "not-an-ip", hostnames: [] },
          { ip: "256.1.1.1" },
        ],
      }),
    );
    assert.deepEqual(got, [
      ["FieldValueInvalid", "spec.hostAliases.hostnames", `Invalid value: "Bad_Host": ${DNS_SUBDOMAIN}`],
      ["FieldValueInvalid", "spec.hostAliases.ip", 'Invalid value: "not-an-ip": must be valid IP address'],
      ["FieldValueInvalid", "spec.hostAliases.ip", 'Invalid value: "256.1.1.1": must be valid IP address'],
    ]);
  });

  it("runtimeClassName: a DNS subdomain", () => {
    const got = create("/Pod", pod({ containers: [c("a")], runtimeClassName: "Bad_Class" }));
    assert.deepEqual(got, [
      ["FieldValueInvalid", "spec.runtimeClassName", `Invalid value: "Bad_Class": ${DNS_SUBDOMAIN}`],
    ]);
  });

  it("overhead: checked as container limits, under limits", () => {
    const got = create("/Pod", pod({ containers: [c("a")], overhead: { cpu: "-1", pods: "1" } }));
    assert.deepEqual(got, [
      ["FieldValueInvalid", "spec.overhead.limits[cpu]", 'Invalid value: "-1": must be greater than or equal to 0'],
      [
        "FieldValueInvalid",
        "spec.overhead.limits[pods]",
        'Invalid value: "pods": must be a standard resource for containers',
      ],
    ]);
  });

  it("schedulingGates: qualified names, no duplicates", () => {
    const got = create(
      "/Pod",
      pod({
        containers: [c("a")],
        schedulingGates: [{ name: "example.com/gate" }, { name: "example.com/gate" }, { name: "bad gate" }],
      }),
    );
    assert.deepEqual(got, [
      ["FieldValueDuplicate", "spec.schedulingGates[1]", 'Duplicate value: "example.com/gate"'],
      ["FieldValueInvalid", "spec.schedulingGates[2]", `Invalid value: "bad gate": ${QUALIFIED}`],
    ]);
  });

  it("imagePullSecrets: names only, which is all v1 can carry", () => {
    assert.deepEqual(
      create("/Pod", pod({ containers: [c("a")], imagePullSecrets: [{ name: "a" }, { name: "b" }] })),
      [],
    );
  });
});

describe("validateOS, validateLinux, validateWindows", () => {
  it("requires a supported name", () => {
    assert.deepEqual(create("/Pod", pod({ containers: [c("a")], os: { name: "" } })), [
      ["FieldValueRequired", "spec.os.name", "Required value: cannot be empty"],
    ]);
    assert.deepEqual(create("/Pod", pod({ containers: [c("a")], os: { name: "mac" } })), [
      ["FieldValueNotSupported", "spec.os", 'Unsupported value: "mac": supported values: "linux", "windows"'],
    ]);
  });

  it("refuses Windows options on a linux pod", () => {
    const wo = { windowsOptions: { runAsUserName: "ContainerUser" } };
    const got = create(
      "/Pod",
      pod({
        os: { name: "linux" },
        securityContext: wo,
        initContainers: [c("i", { securityContext: wo })],
        containers: [c("a", { securityContext: wo }), c("b")],
      }),
    );
    const msg = "Forbidden: windows options cannot be set for a linux pod";
    assert.deepEqual(got, [
      ["FieldValueForbidden", "spec.securityContext.windowsOptions", msg],
      ["FieldValueForbidden", "spec.initContainers[0].securityContext.windowsOptions", msg],
      ["FieldValueForbidden", "spec.containers[0].securityContext.windowsOptions", msg],
    ]);
  });

  it("refuses Linux-only settings on a windows pod", () => {
    const got = create(
      "/Pod",
      pod({
        os: { name: "windows" },
        hostPID: true,
        hostIPC: true,
        shareProcessNamespace: false,
        securityContext: {
          seLinuxOptions: { level: "s0" },
          seccompProfile: { type: "RuntimeDefault" },
          fsGroup: 1,
          fsGroupChangePolicy: "Always",
          sysctls: [{ name: "kernel.msgmax", value: "1" }],
          runAsUser: 1,
          runAsGroup: 1,
          supplementalGroups: [],
        },
        initContainers: [c("i", { securityContext: { runAsUser: 1 } })],
        containers: [
          c("a", {
            securityContext: {
              seLinuxOptions: { level: "s0" },
              seccompProfile: { type: "RuntimeDefault" },
              capabilities: {},
              readOnlyRootFilesystem: false,
              privileged: false,
              allowPrivilegeEscalation: true,
              runAsUser: 1,
              runAsGroup: 1,
              windowsOptions: { runAsUserName: "ContainerUser" },
            },
          }),
        ],
      }),
    );
    const sc = "spec.securityContext";
    const csc = "spec.containers[0].securityContext";
    assert.deepEqual(got, [
      ["FieldValueForbidden", `${sc}.seLinuxOptions`, WINDOWS],
      ["FieldValueForbidden", "spec.hostPID", WINDOWS],
      ["FieldValueForbidden", "spec.hostIPC", WINDOWS],
      ["FieldValueForbidden", `${sc}.seccompProfile`, WINDOWS],
      ["FieldValueForbidden", `${sc}.fsGroup`, WINDOWS],
      ["FieldValueForbidden", `${sc}.fsGroupChangePolicy`, WINDOWS],
      ["FieldValueForbidden", `${sc}.sysctls`, WINDOWS],
      ["FieldValueForbidden", "spec.shareProcessNamespace", WINDOWS],
      ["FieldValueForbidden", `${sc}.runAsUser`, WINDOWS],
      ["FieldValueForbidden", `${sc}.runAsGroup`, WINDOWS],
      ["FieldValueForbidden", `${sc}.supplementalGroups`, WINDOWS],
      ["FieldValueForbidden", "spec.initContainers[0].securityContext.runAsUser", WINDOWS],
      ["FieldValueForbidden", `${csc}.seLinuxOptions`, WINDOWS],
      ["FieldValueForbidden", `${csc}.seccompProfile`, WINDOWS],
      ["FieldValueForbidden", `${csc}.capabilities`, WINDOWS],
      ["FieldValueForbidden", `${csc}.readOnlyRootFilesystem`, WINDOWS],
      ["FieldValueForbidden", `${csc}.privileged`, WINDOWS],
      ["FieldValueForbidden", `${csc}.allowPrivilegeEscalation`, WINDOWS],
      ["FieldValueForbidden", `${csc}.runAsUser`, WINDOWS],
      ["FieldValueForbidden", `${csc}.runAsGroup`, WINDOWS],
    ]);
  });
});

describe("seccomp and AppArmor annotations (ValidatePodSpecificAnnotations' tail)", () => {
  const spec = { containers: [c("c")], initContainers: [c("i")], ephemeralContainers: [c("e")] };
  const path = FieldPath.of("metadata", "annotations");

  it("accepts kube's known profiles", () => {
    const got = validateSecurityAnnotations(
      {
        "seccomp.security.alpha.kubernetes.io/pod": "runtime/default",
        "container.seccomp.security.alpha.kubernetes.io/c": "docker/default",
        "container.seccomp.security.alpha.kubernetes.io/i": "localhost/profiles/a.json",
        "container.seccomp.security.alpha.kubernetes.io/e": "unconfined",
        "container.apparmor.security.beta.kubernetes.io/c": "runtime/default",
        "container.apparmor.security.beta.kubernetes.io/i": "localhost/k8s-apparmor",
        "container.apparmor.security.beta.kubernetes.io/e": "unconfined",
      },
      spec,
      path,
    );
    assert.deepEqual(causes(got), []);
  });

  it("reports bad profiles and unknown containers, at kube's (mixed) paths", () => {
    const got = validateSecurityAnnotations(
      {
        "seccomp.security.alpha.kubernetes.io/pod": "bogus",
        "container.seccomp.security.alpha.kubernetes.io/c": "localhost/../x",
        "container.apparmor.security.beta.kubernetes.io/missing": "bad-profile",
        "container.apparmor.security.beta.kubernetes.io/c": "",
      },
      spec,
      path,
    );
    assert.deepEqual(causes(got), [
      [
        "FieldValueInvalid",
        "metadata.annotations.seccomp.security.alpha.kubernetes.io/pod",
        'Invalid value: "bogus": must be a valid seccomp profile',
      ],
      [
        "FieldValueInvalid",
        "metadata.annotations.container.seccomp.security.alpha.kubernetes.io/c",
        "Invalid value: \"../x\": must not contain '..'",
      ],
      [
        "FieldValueInvalid",
        "metadata.annotations[container.apparmor.security.beta.kubernetes.io/missing]",
        'Invalid value: "missing": container not found',
      ],
      [
        "FieldValueInvalid",
        "metadata.annotations[container.apparmor.security.beta.kubernetes.io/missing]",
        'Invalid value: "bad-profile": invalid AppArmor profile name: "bad-profile"',
      ],
    ]);
  });

  it("on create, an annotation and its seccomp field must agree", () => {
    const s = {
      securityContext: { seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        c("a", { securityContext: { seccompProfile: { type: "Localhost", localhostProfile: "a.json" } } }),
        c("b", { securityContext: { seccompProfile: { type: "Localhost", localhostProfile: "b.json" } } }),
        c("d", { securityContext: { seccompProfile: { type: "Unconfined" } } }),
      ],
    };
    const annotations = {
      "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
      "container.seccomp.security.alpha.kubernetes.io/a": "localhost/other.json",
      "container.seccomp.security.alpha.kubernetes.io/b": "runtime/default",
      "container.seccomp.security.alpha.kubernetes.io/d": "unconfined",
    };
    assert.deepEqual(causes(validateSeccompAnnotationsAndFields(annotations, s, FieldPath.of("spec"))), [
      [
        "FieldValueForbidden",
        "spec.securityContext.seccompProfile.type",
        "Forbidden: seccomp type in annotation and field must match",
      ],
      [
        "FieldValueForbidden",
        "spec.containers[0].securityContext.seccompProfile.localhostProfile",
        "Forbidden: seccomp profile in annotation and field must match",
      ],
      [
        "FieldValueForbidden",
        "spec.containers[1].securityContext.seccompProfile.type",
        "Forbidden: seccomp type in annotation and field must match",
      ],
    ]);
  });
});
