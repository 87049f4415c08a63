import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FieldPath, isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from "@wharf/apimachinery";
import {
  validateVolumeDevices,
  validateVolumeMounts,
  validateVolumes,
} from "../src/registry/strategies/pod-volumes.js";
import type { KubeObject } from "../src/registry/strategy.js";
import { type Cause, causes, create as createAs } from "./support/strategy-causes.js";

// Volume sources, volume mounts and volume devices of a PodSpec, checked as
// kube-apiserver 1.28 checks them: each case gives the exact causes (type,
// field, message) a Pod create answers with.

type J = Record<string, unknown>;

const INVALID = "FieldValueInvalid";
const REQUIRED = "FieldValueRequired";
const FORBIDDEN = "FieldValueForbidden";
const NOT_SUPPORTED = "FieldValueNotSupported";
const NOT_FOUND = "FieldValueNotFound";
const DUPLICATE = "FieldValueDuplicate";
const TOO_LONG = "FieldValueTooLong";

/** Creates a pod as the store does (defaults, prepareForCreate, validate) and returns the causes. */
const create = (obj: KubeObject): Cause[] => createAs("/Pod", obj);

function pod(volumes: J[], mounts: J[] = [], name = "p"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: "u-1" },
    spec: { containers: [{ name: "c", image: "nginx", volumeMounts: mounts }], volumes },
  };
}

/** The causes of a pod with these volumes. */
function vols(...volumes: J[]): Cause[] {
  return create(pod(volumes));
}

/** The causes of a pod with one volume "v" of this source. */
function one(source: J): Cause[] {
  return vols({ name: "v", ...source });
}

const V = "spec.volumes[0]";
const fileMode = "must be a number between 0 and 0777 (octal), both inclusive";
const more = "may not specify more than 1 volume type";

describe("Pod volumes: a valid pod", () => {
  it("accepts every kind of volume source and mount", () => {
    const volumes: J[] = [
      { name: "empty", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } },
      { name: "host", hostPath: { path: "/var/log", type: "Directory" } },
      { name: "git", gitRepo: { repository: "https://example.com/r.git", directory: "sub/dir" } },
      { name: "gce", gcePersistentDisk: { pdName: "disk", partition: 1 } },
      { name: "aws", awsElasticBlockStore: { volumeID: "vol-1", partition: 255 } },
      { name: "sec", secret: { secretName: "s", defaultMode: 0o400, items: [{ key: "k", path: "a/b", mode: 0o777 }] } },
      { name: "nfs", nfs: { server: "nfs.example.com", path: "/exports" } },
      {
        name: "iscsi",
        iscsi: {
          targetPortal: "10.0.0.1:3260",
          iqn: "iqn.2001-04.com.example:storage.disk1",
          lun: 0,
          chapAuthSession: true,
          secretRef: { name: "chap" },
          initiatorName: "iqn.1996-04.de.suse:01:19cdf1b1f5a",
        },
      },
      { name: "gluster", glusterfs: { endpoints: "ep", path: "vol" } },
      { name: "flocker", flocker: { datasetName: "ds" } },
      { name: "claim", persistentVolumeClaim: { claimName: "data" } },
      { name: "rbd", rbd: { monitors: ["10.0.0.1:6789"], image: "img" } },
      { name: "cinder", cinder: { volumeID: "id", secretRef: { name: "s" } } },
      { name: "ceph", cephfs: { monitors: ["10.0.0.1:6789"] } },
      { name: "quobyte", quobyte: { registry: "reg:7861,[::1]:7861", volume: "q" } },
      {
        name: "dapi",
        downwardAPI: {
          items: [
            { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
            { path: "team", fieldRef: { fieldPath: "metadata.annotations['Example.com/Team']" } },
            { path: "cpu", resourceFieldRef: { containerName: "c", resource: "limits.cpu", divisor: "1m" } },
            {
              path: "huge",
              resourceFieldRef: { containerName: "c", resource: "requests.hugepages-2Mi", divisor: "1Mi" },
            },
          ],
        },
      },
      { name: "fc", fc: { targetWWNs: ["500a0982991b8dc5"], lun: 2 } },
      { name: "fcid", fc: { wwids: ["3600508b400105e210000900000490000"] } },
      { name: "flex", flexVolume: { driver: "example.com/lvm", options: { "example.com/size": "1G", plain: "x" } } },
      { name: "cm", configMap: { name: "cm", items: [{ key: "k", path: "k.txt" }] } },
      { name: "afile", azureFile: { secretName: "s", shareName: "share" } },
      { name: "vsphere", vsphereVolume: { volumePath: "[ds] v.vmdk" } },
      { name: "photon", photonPersistentDisk: { pdID: "pd" } },
      { name: "pwx", portworxVolume: { volumeID: "pwx" } },
      { name: "adisk", azureDisk: { diskName: "d", diskURI: "https://a.blob.core.windows.net/c/d.vhd" } },
      {
        name: "amanaged",
        azureDisk: { diskName: "d", diskURI: "/subscriptions/x/resourceGroups/g/disks/d", kind: "Managed" },
      },
      { name: "sos", storageos: { volumeName: "vol", volumeNamespace: "ns", secretRef: { name: "s" } } },
      {
        name: "proj",
        projected: {
          sources: [
            { secret: { name: "s", items: [{ key: "a", path: "a" }] } },
            { configMap: { name: "c", items: [{ key: "b", path: "b" }] } },
            { downwardAPI: { items: [{ path: "name", fieldRef: { fieldPath: "metadata.name" } }] } },
            { serviceAccountToken: { path: "token", expirationSeconds: 600 } },
          ],
        },
      },
      { name: "sio", scaleIO: { gateway: "gw", system: "sys", secretRef: { name: "s" }, volumeName: "v" } },
      { name: "csi", csi: { driver: "Secrets-Store.csi.k8s.io", nodePublishSecretRef: { name: "creds" } } },
      {
        name: "scratch",
        ephemeral: {
          volumeClaimTemplate: {
            metadata: { labels: { app: "web" }, annotations: { "example.com/a": "b" } },
            spec: {
              accessModes: ["ReadWriteOncePod"],
              resources: { requests: { storage: "1Gi" } },
              storageClassName: "fast",
              dataSource: { kind: "PersistentVolumeClaim", name: "src" },
              dataSourceRef: { kind: "PersistentVolumeClaim", name: "src" },
            },
          },
        },
      },
    ];
    const mounts: J[] = [
      { name: "empty", mountPath: "/a" },
      { name: "host", mountPath: "/b", subPath: "x/y", mountPropagation: "HostToContainer" },
      { name: "git", mountPath: "/c", subPathExpr: "$(POD_NAME)", readOnly: true },
      { name: "scratch", mountPath: "/d", mountPropagation: "None" },
    ];
    assert.deepEqual(create(pod(volumes, mounts)), []);
  });
});

describe("Pod volumes: ValidateVolumes", () => {
  it("requires a DNS label name, once", () => {
    assert.deepEqual(vols({ emptyDir: {} }), [[REQUIRED, `${V}.name`, "Required value"]]);
    assert.deepEqual(vols({ name: "Bad_Name", emptyDir: {} }), [
      [INVALID, `${V}.name`, `Invalid value: "Bad_Name": ${isDNS1123Label("Bad_Name")[0]}`],
    ]);
    assert.deepEqual(vols({ name: "a", emptyDir: {} }, { name: "a", emptyDir: {} }), [
      [DUPLICATE, "spec.volumes[1].name", 'Duplicate value: "a"'],
    ]);
  });

  it("requires a volume type (the defaults add emptyDir to a pod; a bare spec has none)", () => {
    const { errs } = validateVolumes([{ name: "a" }], FieldPath.of("spec", "volumes"));
    assert.deepEqual(causes(errs), [[REQUIRED, V, "Required value: must specify a volume type"]]);
  });

  it("forbids a second source, on kube's field names", () => {
    assert.deepEqual(one({ emptyDir: {}, hostPath: { path: "/x" } }), [
      [FORBIDDEN, `${V}.hostPath`, `Forbidden: ${more}`],
    ]);
    assert.deepEqual(one({ secret: { secretName: "s" }, cephfs: { monitors: ["m"] } }), [
      [FORBIDDEN, `${V}.cephFS`, `Forbidden: ${more}`],
    ]);
    assert.deepEqual(one({ configMap: { name: "c" }, downwardAPI: {} }), [
      [FORBIDDEN, `${V}.configMap`, `Forbidden: ${more}`],
    ]);
    assert.deepEqual(one({ nfs: { server: "s", path: "/p" }, downwardAPI: {} }), [
      [FORBIDDEN, `${V}.downwarAPI`, `Forbidden: ${more}`],
    ]);
    // The second source is not validated.
    assert.deepEqual(one({ emptyDir: {}, gitRepo: {} }), [[FORBIDDEN, `${V}.gitRepo`, `Forbidden: ${more}`]]);
  });

  it("reports volumes that failed but keeps their names out of the mountable set", () => {
    assert.deepEqual(create(pod([{ name: "v", hostPath: {} }], [{ name: "v", mountPath: "/m" }])), [
      [REQUIRED, `${V}.hostPath.path`, "Required value"],
      [NOT_FOUND, "spec.containers[0].volumeMounts[0].name", 'Not found: "v"'],
    ]);
  });
});

describe("Pod volumes: sources", () => {
  it("emptyDir: a non-negative sizeLimit", () => {
    assert.deepEqual(one({ emptyDir: { sizeLimit: "-1Gi" } }), [
      [FORBIDDEN, `${V}.emptyDir.sizeLimit`, "Forbidden: SizeLimit field must be a valid resource quantity"],
    ]);
  });

  it("hostPath: path required, no backsteps, a known type", () => {
    assert.deepEqual(one({ hostPath: { path: "", type: "Bogus" } }), [
      [REQUIRED, `${V}.hostPath.path`, "Required value"],
    ]);
    assert.deepEqual(one({ hostPath: { path: "/a/../../b", type: "Bogus" } }), [
      [INVALID, `${V}.hostPath.path`, `Invalid value: "/a/../../b": must not contain '..'`],
      [
        NOT_SUPPORTED,
        `${V}.hostPath.type`,
        'Unsupported value: "Bogus": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
      ],
    ]);
  });

  it("gitRepo: repository required, directory relative without backsteps", () => {
    assert.deepEqual(one({ gitRepo: { directory: "/abs/../x" } }), [
      [REQUIRED, `${V}.gitRepo.repository`, "Required value"],
      [INVALID, `${V}.gitRepo.directory`, `Invalid value: "/abs/../x": must be a relative path`],
      [INVALID, `${V}.gitRepo.directory`, `Invalid value: "/abs/../x": must not contain '..'`],
    ]);
  });

  it("gcePersistentDisk (checked as persistentDisk) and awsElasticBlockStore: id and partition", () => {
    assert.deepEqual(one({ gcePersistentDisk: { partition: 256 } }), [
      [REQUIRED, `${V}.persistentDisk.pdName`, "Required value"],
      [INVALID, `${V}.persistentDisk.partition`, "Invalid value: 256: must be between 1 and 255, inclusive"],
    ]);
    assert.deepEqual(one({ awsElasticBlockStore: { partition: -1 } }), [
      [REQUIRED, `${V}.awsElasticBlockStore.volumeID`, "Required value"],
      [INVALID, `${V}.awsElasticBlockStore.partition`, "Invalid value: -1: must be between 1 and 255, inclusive"],
    ]);
  });

  it("secret: name, defaultMode and items", () => {
    assert.deepEqual(
      one({
        secret: {
          defaultMode: 0o1000,
          items: [{ mode: -1 }, { key: "k", path: "/abs" }, { key: "k", path: "a/../b" }, { key: "k", path: "..x" }],
        },
      }),
      [
        [REQUIRED, `${V}.secret.secretName`, "Required value"],
        [INVALID, `${V}.secret.defaultMode`, `Invalid value: 512: ${fileMode}`],
        [REQUIRED, `${V}.secret.items[0].key`, "Required value"],
        [REQUIRED, `${V}.secret.items[0].path`, "Required value"],
        [INVALID, `${V}.secret.items[0].mode`, `Invalid value: -1: ${fileMode}`],
        [INVALID, `${V}.secret.items[1].path`, `Invalid value: "/abs": must be a relative path`],
        [INVALID, `${V}.secret.items[2].path`, `Invalid value: "a/../b": must not contain '..'`],
        [INVALID, `${V}.secret.items[3].path`, `Invalid value: "..x": must not start with '..'`],
      ],
    );
  });

  it("configMap: name, defaultMode and items", () => {
    assert.deepEqual(one({ configMap: { defaultMode: 0o1000, items: [{ key: "k", path: "../x", mode: 0o1777 }] } }), [
      [REQUIRED, `${V}.configMap.name`, "Required value"],
      [INVALID, `${V}.configMap.defaultMode`, `Invalid value: 512: ${fileMode}`],
      [INVALID, `${V}.configMap.items[0].path`, `Invalid value: "../x": must not contain '..'`],
      [INVALID, `${V}.configMap.items[0].mode`, `Invalid value: 1023: ${fileMode}`],
    ]);
  });

  it("nfs: server and an absolute path", () => {
    assert.deepEqual(one({ nfs: {} }), [
      [REQUIRED, `${V}.nfs.server`, "Required value"],
      [REQUIRED, `${V}.nfs.path`, "Required value"],
      [INVALID, `${V}.nfs.path`, `Invalid value: "": must be an absolute path`],
    ]);
    assert.deepEqual(one({ nfs: { server: "s", path: "exports" } }), [
      [INVALID, `${V}.nfs.path`, `Invalid value: "exports": must be an absolute path`],
    ]);
  });

  it("iscsi: portal, iqn formats, lun, CHAP secret, initiator name", () => {
    assert.deepEqual(one({ iscsi: { iqn: "foo", lun: 256, chapAuthDiscovery: true } }), [
      [REQUIRED, `${V}.iscsi.targetPortal`, "Required value"],
      [INVALID, `${V}.iscsi.iqn`, `Invalid value: "foo": must be valid format starting with iqn, eui, or naa`],
      [INVALID, `${V}.iscsi.lun`, "Invalid value: 256: must be between 0 and 255, inclusive"],
      [REQUIRED, `${V}.iscsi.secretRef`, "Required value"],
    ]);
    assert.deepEqual(one({ iscsi: { targetPortal: "t", iqn: "iqn.2001-4.com" } }), [
      [INVALID, `${V}.iscsi.iqn`, `Invalid value: "iqn.2001-4.com": must be valid format`],
    ]);
    assert.deepEqual(one({ iscsi: { targetPortal: "t", iqn: "eui.0123" } }), [
      [INVALID, `${V}.iscsi.iqn`, `Invalid value: "eui.0123": must be valid format`],
    ]);
    assert.deepEqual(one({ iscsi: { targetPortal: "t", iqn: "eui.02004567A425678D", initiatorName: "bad" } }), [
      [
        INVALID,
        `${V}.iscsi.initiatorname`,
        `Invalid value: "bad": must be valid format starting with iqn, eui, or naa`,
      ],
    ]);
    assert.deepEqual(one({ iscsi: { targetPortal: "t", iqn: "iqn.2001-04.com.example:d", initiatorName: "naa.1" } }), [
      [INVALID, `${V}.iscsi.initiatorname`, `Invalid value: "naa.1": must be valid format`],
    ]);
    const portal = "1".repeat(63);
    assert.deepEqual(
      one({
        iscsi: { targetPortal: portal, iqn: "iqn.2001-04.com.example:d", initiatorName: "iqn.2001-04.com.example:i" },
      }),
      [
        [
          INVALID,
          `${V}.name`,
          'Invalid value: "v": Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.',
        ],
      ],
    );
  });

  it("glusterfs, rbd, cinder, cephfs: required fields", () => {
    assert.deepEqual(one({ glusterfs: {} }), [
      [REQUIRED, `${V}.glusterfs.endpoints`, "Required value"],
      [REQUIRED, `${V}.glusterfs.path`, "Required value"],
    ]);
    assert.deepEqual(one({ rbd: { monitors: [] } }), [
      [REQUIRED, `${V}.rbd.monitors`, "Required value"],
      [REQUIRED, `${V}.rbd.image`, "Required value"],
    ]);
    assert.deepEqual(one({ cinder: { secretRef: {} } }), [
      [REQUIRED, `${V}.cinder.volumeID`, "Required value"],
      [REQUIRED, `${V}.cinder.secretRef.name`, "Required value"],
    ]);
    assert.deepEqual(one({ cephfs: {} }), [[REQUIRED, `${V}.cephfs.monitors`, "Required value"]]);
  });

  it("flocker: exactly one dataset reference, no slash", () => {
    assert.deepEqual(one({ flocker: {} }), [
      [REQUIRED, `${V}.flocker`, "Required value: one of datasetName and datasetUUID is required"],
    ]);
    assert.deepEqual(one({ flocker: { datasetName: "a/b", datasetUUID: "u" } }), [
      [
        INVALID,
        `${V}.flocker`,
        `Invalid value: "resource": datasetName and datasetUUID can not be specified simultaneously`,
      ],
      [INVALID, `${V}.flocker.datasetName`, `Invalid value: "a/b": must not contain '/'`],
    ]);
  });

  it("quobyte: registry host:port pairs, tenant length, volume", () => {
    const msg = "must be a host:port pair or multiple pairs separated by commas";
    assert.deepEqual(one({ quobyte: {} }), [
      [REQUIRED, `${V}.quobyte.registry`, `Required value: ${msg}`],
      [REQUIRED, `${V}.quobyte.volume`, "Required value"],
    ]);
    assert.deepEqual(one({ quobyte: { registry: "a:1,b,c:d:3", volume: "q" } }), [
      [INVALID, `${V}.quobyte.registry`, `Invalid value: "a:1,b,c:d:3": ${msg}`],
      [INVALID, `${V}.quobyte.registry`, `Invalid value: "a:1,b,c:d:3": ${msg}`],
    ]);
    assert.deepEqual(one({ quobyte: { registry: "bad", tenant: "t".repeat(65), volume: "q" } }), [
      [REQUIRED, `${V}.quobyte.tenant`, "Required value: must be a UUID and may not exceed a length of 64 characters"],
    ]);
  });

  it("fc: targetWWNs or wwids, and a lun with targetWWNs", () => {
    assert.deepEqual(one({ fc: {} }), [
      [REQUIRED, `${V}.fc.targetWWNs`, "Required value: must specify either targetWWNs or wwids, but not both"],
    ]);
    assert.deepEqual(one({ fc: { targetWWNs: ["a", "b"], wwids: ["c"] } }), [
      [
        INVALID,
        `${V}.fc.targetWWNs`,
        `Invalid value: []string{"a", "b"}: targetWWNs and wwids can not be specified simultaneously`,
      ],
      [REQUIRED, `${V}.fc.lun`, "Required value: lun is required if targetWWNs is specified"],
    ]);
    assert.deepEqual(one({ fc: { targetWWNs: ["a"], lun: 256 } }), [
      [INVALID, `${V}.fc.lun`, "Invalid value: 256: must be between 0 and 255, inclusive"],
    ]);
  });

  it("flexVolume: a driver, no options in kubernetes.io or k8s.io", () => {
    assert.deepEqual(
      one({ flexVolume: { options: { "kubernetes.io/x": "1", "foo.k8s.io/y": "2", "k8s.iox/z": "3" } } }),
      [
        [REQUIRED, `${V}.flexVolume.driver`, "Required value"],
        [
          INVALID,
          `${V}.flexVolume.options[foo.k8s.io/y]`,
          `Invalid value: "foo.k8s.io/y": kubernetes.io and k8s.io namespaces are reserved`,
        ],
        [
          INVALID,
          `${V}.flexVolume.options[kubernetes.io/x]`,
          `Invalid value: "kubernetes.io/x": kubernetes.io and k8s.io namespaces are reserved`,
        ],
      ],
    );
  });

  it("azureFile, vsphereVolume, photonPersistentDisk, portworxVolume, scaleIO: required fields", () => {
    assert.deepEqual(one({ azureFile: {} }), [
      [REQUIRED, `${V}.azureFile.secretName`, "Required value"],
      [REQUIRED, `${V}.azureFile.shareName`, "Required value"],
    ]);
    assert.deepEqual(one({ vsphereVolume: {} }), [[REQUIRED, `${V}.vsphereVolume.volumePath`, "Required value"]]);
    assert.deepEqual(one({ photonPersistentDisk: {} }), [
      [REQUIRED, `${V}.photonPersistentDisk.pdID`, "Required value"],
    ]);
    assert.deepEqual(one({ portworxVolume: {} }), [[REQUIRED, `${V}.portworxVolume.volumeID`, "Required value"]]);
    assert.deepEqual(one({ scaleIO: { secretRef: { name: "s" } } }), [
      [REQUIRED, `${V}.scaleIO.gateway`, "Required value"],
      [REQUIRED, `${V}.scaleIO.system`, "Required value"],
      [REQUIRED, `${V}.scaleIO.volumeName`, "Required value"],
    ]);
  });

  it("azureDisk: name, URI, caching mode, kind and the URI form of the kind", () => {
    assert.deepEqual(one({ azureDisk: { cachingMode: "Bad", kind: "Bad" } }), [
      [REQUIRED, `${V}.azureDisk.diskName`, "Required value"],
      [REQUIRED, `${V}.azureDisk.diskURI`, "Required value"],
      [
        NOT_SUPPORTED,
        `${V}.azureDisk.cachingMode`,
        'Unsupported value: "Bad": supported values: "None", "ReadOnly", "ReadWrite"',
      ],
      [
        NOT_SUPPORTED,
        `${V}.azureDisk.kind`,
        'Unsupported value: "Bad": supported values: "Dedicated", "Managed", "Shared"',
      ],
      [
        NOT_SUPPORTED,
        `${V}.azureDisk.diskURI`,
        'Unsupported value: "": supported values: "https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"',
      ],
    ]);
    assert.deepEqual(one({ azureDisk: { diskName: "d", diskURI: "https://x", kind: "Managed" } }), [
      [
        NOT_SUPPORTED,
        `${V}.azureDisk.diskURI`,
        'Unsupported value: "https://x": supported values: "/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}"',
      ],
    ]);
  });

  it("storageos: DNS label names, secret name", () => {
    assert.deepEqual(one({ storageos: { secretRef: {} } }), [
      [REQUIRED, `${V}.storageos.volumeName`, "Required value"],
      [REQUIRED, `${V}.storageos.secretRef.name`, "Required value"],
    ]);
    assert.deepEqual(one({ storageos: { volumeName: "A", volumeNamespace: "b.c" } }), [
      [INVALID, `${V}.storageos.volumeName`, `Invalid value: "A": ${isDNS1123Label("A")[0]}`],
      [INVALID, `${V}.storageos.volumeNamespace`, 'Invalid value: "b.c": must not contain dots'],
    ]);
  });

  it("csi: the driver name rules and the node publish secret (reported on csi.name)", () => {
    assert.deepEqual(one({ csi: {} }), [
      [REQUIRED, `${V}.csi.driver`, "Required value"],
      [INVALID, `${V}.csi.driver`, `Invalid value: "": ${isDNS1123Subdomain("")[0]}`],
    ]);
    const long = `${"a".repeat(60)}.com`;
    assert.deepEqual(one({ csi: { driver: long } }), [
      [TOO_LONG, `${V}.csi.driver`, "Too long: must have at most 63 bytes"],
    ]);
    assert.deepEqual(one({ csi: { driver: "d_x", nodePublishSecretRef: { name: "Bad" } } }), [
      [INVALID, `${V}.csi.driver`, `Invalid value: "d_x": ${isDNS1123Subdomain("d_x")[0]}`],
      [INVALID, `${V}.csi.name`, `Invalid value: "Bad": ${isDNS1123Subdomain("Bad")[0]}`],
    ]);
    assert.deepEqual(one({ csi: { driver: "d", nodePublishSecretRef: {} } }), [
      [REQUIRED, `${V}.csi.nodePublishSecretRef.name`, "Required value"],
    ]);
  });

  it("persistentVolumeClaim: claimName", () => {
    assert.deepEqual(one({ persistentVolumeClaim: {} }), [
      [REQUIRED, `${V}.persistentVolumeClaim.claimName`, "Required value"],
    ]);
  });
});

describe("Pod volumes: downwardAPI (items reported on the source's path)", () => {
  const D = `${V}.downwardAPI`;
  const item = (i: J) => one({ downwardAPI: { items: [i] } });

  it("path, mode and exactly one of fieldRef and resourceFieldRef", () => {
    assert.deepEqual(one({ downwardAPI: { defaultMode: 0o1000, items: [{ mode: 0o1000 }] } }), [
      [INVALID, `${D}.defaultMode`, `Invalid value: 512: ${fileMode}`],
      [REQUIRED, `${D}.path`, "Required value"],
      [REQUIRED, D, "Required value: one of fieldRef and resourceFieldRef is required"],
      [INVALID, `${D}.mode`, `Invalid value: 512: ${fileMode}`],
    ]);
    assert.deepEqual(
      item({
        path: "..a",
        fieldRef: { fieldPath: "metadata.name" },
        resourceFieldRef: { containerName: "c", resource: "limits.cpu" },
      }),
      [
        [INVALID, `${D}.path`, `Invalid value: "..a": must not start with '..'`],
        [INVALID, D, `Invalid value: "resource": fieldRef and resourceFieldRef can not be specified simultaneously`],
      ],
    );
  });

  it("fieldRef: the field paths a volume may project", () => {
    assert.deepEqual(item({ path: "a", fieldRef: { fieldPath: "spec.nodeName" } }), [
      [
        NOT_SUPPORTED,
        `${D}.fieldRef.fieldPath`,
        'Unsupported value: "spec.nodeName": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"',
      ],
    ]);
    assert.deepEqual(item({ path: "a", fieldRef: { fieldPath: "status.bogus" } }), [
      [
        INVALID,
        `${D}.fieldRef.fieldPath`,
        `Invalid value: "status.bogus": error converting fieldPath: field label not supported: status.bogus`,
      ],
    ]);
    assert.deepEqual(item({ path: "a", fieldRef: { fieldPath: "metadata.name['x']" } }), [
      [
        INVALID,
        `${D}.fieldRef.fieldPath`,
        `Invalid value: "metadata.name['x']": error converting fieldPath: field label does not support subscript: metadata.name['x']`,
      ],
    ]);
    assert.deepEqual(item({ path: "a", fieldRef: { apiVersion: "v2", fieldPath: "metadata.name" } }), [
      [
        INVALID,
        `${D}.fieldRef.fieldPath`,
        `Invalid value: "metadata.name": error converting fieldPath: unsupported pod version: v2`,
      ],
    ]);
    assert.deepEqual(item({ path: "a", fieldRef: { fieldPath: "metadata.labels['a b']" } }), [
      [INVALID, `${D}.fieldRef`, `Invalid value: "a b": ${isQualifiedName("a b")[0]}`],
    ]);
    assert.deepEqual(item({ path: "a", fieldRef: { apiVersion: "v1" } }), [
      [REQUIRED, `${D}.fieldRef.fieldPath`, "Required value"],
    ]);
  });

  it("resourceFieldRef: containerName, resource and divisor", () => {
    assert.deepEqual(item({ path: "a", resourceFieldRef: { resource: "limits.cpu", divisor: "2" } }), [
      [REQUIRED, `${D}.resourceFieldRef.containerName`, "Required value"],
      [
        INVALID,
        `${D}.resourceFieldRef.divisor`,
        `Invalid value: "limits.cpu": only divisor's values 1m and 1 are supported with the cpu resource`,
      ],
    ]);
    assert.deepEqual(item({ path: "a", resourceFieldRef: { containerName: "c" } }), [
      [REQUIRED, `${D}.resourceFieldRef.resource`, "Required value"],
    ]);
    assert.deepEqual(item({ path: "a", resourceFieldRef: { containerName: "c", resource: "limits.gpu" } }), [
      [
        NOT_SUPPORTED,
        `${D}.resourceFieldRef.resource`,
        'Unsupported value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"',
      ],
    ]);
    const bytes = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";
    assert.deepEqual(
      item({ path: "a", resourceFieldRef: { containerName: "c", resource: "requests.memory", divisor: "1m" } }),
      [
        [
          INVALID,
          `${D}.resourceFieldRef.divisor`,
          `Invalid value: "requests.memory": only divisor's values ${bytes} are supported with the memory resource`,
        ],
      ],
    );
    assert.deepEqual(
      item({ path: "a", resourceFieldRef: { containerName: "c", resource: "limits.ephemeral-storage", divisor: "3" } }),
      [
        [
          INVALID,
          `${D}.resourceFieldRef.divisor`,
          `Invalid value: "limits.ephemeral-storage": only divisor's values ${bytes} are supported with the local ephemeral storage resource`,
        ],
      ],
    );
    assert.deepEqual(
      item({ path: "a", resourceFieldRef: { containerName: "c", resource: "limits.hugepages-1Gi", divisor: "2Mi" } }),
      [
        [
          INVALID,
          `${D}.resourceFieldRef.divisor`,
          `Invalid value: "limits.hugepages-1Gi": only divisor's values ${bytes} are supported with the hugepages resource`,
        ],
      ],
    );
  });
});

describe("Pod volumes: projected", () => {
  const P = `${V}.projected`;
  const proj = (sources: J[], extra: J = {}) => one({ projected: { sources, ...extra } });

  it("defaultMode and one kind per source", () => {
    assert.deepEqual(proj([{ secret: { name: "s" }, configMap: { name: "c" } }], { defaultMode: -1 }), [
      [INVALID, `${P}.defaultMode`, `Invalid value: -1: ${fileMode}`],
      [FORBIDDEN, `${P}.sources[0]`, `Forbidden: ${more}`],
    ]);
  });

  it("secret and configMap: name and items", () => {
    assert.deepEqual(
      proj([{ secret: { items: [{ key: "k", path: "/a" }] } }, { configMap: { items: [{ path: "b" }] } }]),
      [
        [REQUIRED, `${P}.sources[0].secret.name`, "Required value"],
        [INVALID, `${P}.sources[0].secret.items[0].path`, `Invalid value: "/a": must be a relative path`],
        [REQUIRED, `${P}.sources[1].configMap.name`, "Required value"],
        [REQUIRED, `${P}.sources[1].configMap.items[0].key`, "Required value"],
      ],
    );
  });

  it("duplicate paths across sources, reported on the projected path", () => {
    assert.deepEqual(
      proj([
        { secret: { name: "s", items: [{ key: "k", path: "x" }] } },
        { configMap: { name: "c", items: [{ key: "k", path: "x" }] } },
        { downwardAPI: { items: [{ path: "x", fieldRef: { fieldPath: "metadata.uid" } }] } },
      ]),
      [
        [INVALID, P, 'Invalid value: "c": conflicting duplicate paths'],
        [INVALID, P, 'Invalid value: "x": conflicting duplicate paths'],
      ],
    );
  });

  it("downwardAPI items, on the source's path", () => {
    assert.deepEqual(proj([{ downwardAPI: { items: [{ path: "a" }] } }]), [
      [REQUIRED, `${P}.sources[0].downwardAPI`, "Required value: one of fieldRef and resourceFieldRef is required"],
    ]);
  });

  it("serviceAccountToken: expiration between 10 minutes and 2^32 seconds, a path (on projected.path)", () => {
    assert.deepEqual(proj([{ serviceAccountToken: { expirationSeconds: 599 } }]), [
      [
        INVALID,
        `${P}.sources[0].serviceAccountToken.expirationSeconds`,
        "Invalid value: 599: may not specify a duration less than 10 minutes",
      ],
      [REQUIRED, `${P}.path`, "Required value"],
    ]);
    assert.deepEqual(proj([{ serviceAccountToken: { path: "t", expirationSeconds: 2 ** 32 + 1 } }]), [
      [
        INVALID,
        `${P}.sources[0].serviceAccountToken.expirationSeconds`,
        "Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds",
      ],
    ]);
  });
});

describe("Pod volumes: ephemeral", () => {
  const E = `${V}.ephemeral.volumeClaimTemplate`;
  const claim = (spec: J, metadata: J = {}) => one({ ephemeral: { volumeClaimTemplate: { metadata, spec } } });
  const good = { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } };

  it("requires a claim template", () => {
    assert.deepEqual(one({ ephemeral: {} }), [[REQUIRED, E, "Required value"]]);
  });

  it("template metadata: labels and annotations only", () => {
    assert.deepEqual(claim(good, { name: "x", uid: "u", labels: { "a b": "c" }, finalizers: [], generation: 2 }), [
      [INVALID, `${E}.metadata.labels`, `Invalid value: "a b": ${isQualifiedName("a b")[0]}`],
      [FORBIDDEN, `${E}.metadata.name`, "Forbidden: cannot be set"],
      [FORBIDDEN, `${E}.metadata.uID`, "Forbidden: cannot be set"],
      [FORBIDDEN, `${E}.metadata.generation`, "Forbidden: cannot be set"],
      [FORBIDDEN, `${E}.metadata.finalizers`, "Forbidden: cannot be set"],
    ]);
  });

  it("template spec: access modes, storage, class, volume mode", () => {
    assert.deepEqual(claim({}), [
      [REQUIRED, `${E}.spec.accessModes`, "Required value: at least 1 access mode is required"],
      [REQUIRED, `${E}.spec.resources[storage]`, "Required value"],
    ]);
    assert.deepEqual(
      claim({
        accessModes: ["ReadWriteOncePod", "ReadWriteOnce", "Bogus"],
        resources: { requests: { storage: "0" } },
        storageClassName: "Fast",
        volumeMode: "Raw",
        selector: { matchLabels: { "a b": "x" } },
      }),
      [
        [INVALID, `${E}.spec.selector.matchLabels`, `Invalid value: "a b": ${isQualifiedName("a b")[0]}`],
        [
          NOT_SUPPORTED,
          `${E}.spec.accessModes`,
          'Unsupported value: "Bogus": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
        ],
        [FORBIDDEN, `${E}.spec.accessModes`, "Forbidden: may not use ReadWriteOncePod with other access modes"],
        [INVALID, `${E}.spec.resources[storage]`, 'Invalid value: "0": must be greater than zero'],
        [INVALID, `${E}.spec.storageClassName`, `Invalid value: "Fast": ${isDNS1123Subdomain("Fast")[0]}`],
        [NOT_SUPPORTED, `${E}.spec.volumeMode`, 'Unsupported value: "Raw": supported values: "Block", "Filesystem"'],
      ],
    );
  });

  it("template spec: data sources", () => {
    assert.deepEqual(
      claim({ ...good, dataSource: { kind: "Secret" }, dataSourceRef: { apiGroup: "x.io", name: "n" } }),
      [
        [REQUIRED, `${E}.spec.dataSource.name`, "Required value"],
        [INVALID, `${E}.spec.dataSource`, 'Invalid value: "Secret"'],
        [REQUIRED, `${E}.spec.dataSourceRef.kind`, "Required value"],
        [
          INVALID,
          `${E}.spec`,
          'Invalid value: field.Path{name:"dataSource", index:"", parent:(*field.Path)(0xc000000000)}: must match dataSourceRef',
        ],
      ],
    );
  });

  it("the claim a pod creates must have a valid name, and no other volume may use it (given the pod's name)", () => {
    // Pods pass their name to validateVolumes; templates do not, and skip these checks.
    const name = "p".repeat(250);
    const ephemeral = {
      name: "data",
      ephemeral: { volumeClaimTemplate: { spec: { ...good, volumeMode: "Filesystem" } } },
    };
    const path = FieldPath.of("spec", "volumes");
    assert.deepEqual(causes(validateVolumes([ephemeral], path, name).errs), [
      [
        INVALID,
        `${V}.name`,
        `Invalid value: "data": PVC name "${name}-data": ${isDNS1123Subdomain(`${name}-data`)[0]}`,
      ],
    ]);
    const volumes = [ephemeral, { name: "c", persistentVolumeClaim: { claimName: "p-data" } }];
    assert.deepEqual(causes(validateVolumes(volumes, path, "p").errs), [
      [
        INVALID,
        "spec.volumes[1].persistentVolumeClaim.claimName",
        'Invalid value: "p-data": must not reference a PVC that gets created for an ephemeral volume',
      ],
    ]);
    assert.deepEqual(causes(validateVolumes(volumes, path).errs), []);
  });
});

describe("Pod volumes: ValidateVolumeMounts", () => {
  const M = "spec.containers[0].volumeMounts";
  const mounts = (...m: J[]) => create(pod([{ name: "v", emptyDir: {} }], m));

  it("name and mountPath required, the volume must exist, paths unique", () => {
    assert.deepEqual(mounts({}, { name: "nope", mountPath: "/a" }, { name: "v", mountPath: "/a" }), [
      [REQUIRED, `${M}[0].name`, "Required value"],
      [NOT_FOUND, `${M}[0].name`, 'Not found: ""'],
      [REQUIRED, `${M}[0].mountPath`, "Required value"],
      [NOT_FOUND, `${M}[1].name`, 'Not found: "nope"'],
      [INVALID, `${M}[2].mountPath`, 'Invalid value: "/a": must be unique'],
    ]);
  });

  it("subPath and subPathExpr: relative, no backsteps, not both (reported on the list's path)", () => {
    assert.deepEqual(mounts({ name: "v", mountPath: "/a", subPath: "/x/..", subPathExpr: "../$(X)" }), [
      [INVALID, `${M}.subPath`, 'Invalid value: "/x/..": must be a relative path'],
      [INVALID, `${M}.subPath`, `Invalid value: "/x/..": must not contain '..'`],
      [INVALID, `${M}[0].subPathExpr`, 'Invalid value: "../$(X)": subPathExpr and subPath are mutually exclusive'],
      [INVALID, `${M}.subPathExpr`, `Invalid value: "../$(X)": must not contain '..'`],
    ]);
  });

  it("mountPropagation: a known mode", () => {
    assert.deepEqual(mounts({ name: "v", mountPath: "/a", mountPropagation: "Shared" }), [
      [
        NOT_SUPPORTED,
        `${M}.mountPropagation`,
        'Unsupported value: "Shared": supported values: "Bidirectional", "HostToContainer", "None"',
      ],
    ]);
  });

  it("Bidirectional only for privileged containers, and no clash with volumeDevices (given the container)", () => {
    const { names } = validateVolumes(
      [
        { name: "v", emptyDir: {} },
        { name: "blk", persistentVolumeClaim: { claimName: "c" } },
      ],
      FieldPath.of("spec", "volumes"),
    );
    const path = FieldPath.of("spec", "containers").index(0).child("volumeMounts");
    const container = {
      volumeMounts: [
        { name: "v", mountPath: "/a", mountPropagation: "Bidirectional" },
        { name: "blk", mountPath: "/dev/b" },
      ],
      volumeDevices: [{ name: "blk", devicePath: "/dev/b" }],
    };
    assert.deepEqual(causes(validateVolumeMounts(container.volumeMounts, names, path, container)), [
      [
        FORBIDDEN,
        `${M}.mountPropagation`,
        "Forbidden: Bidirectional mount propagation is available only to privileged containers",
      ],
      [INVALID, `${M}[1].name`, 'Invalid value: "blk": must not already exist in volumeDevices'],
      [INVALID, `${M}[1].mountPath`, 'Invalid value: "/dev/b": must not already exist as a path in volumeDevices'],
    ]);
    const privileged = { ...container, securityContext: { privileged: true }, volumeDevices: [] };
    assert.deepEqual(causes(validateVolumeMounts(container.volumeMounts, names, path, privileged)), []);
  });
});

describe("Pod volumes: ValidateVolumeDevices", () => {
  const D = "spec.containers[0].volumeDevices";
  const { names } = validateVolumes(
    [
      { name: "v", emptyDir: {} },
      { name: "blk", persistentVolumeClaim: { claimName: "c" } },
      {
        name: "eph",
        ephemeral: {
          volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1" } } } },
        },
      },
    ],
    FieldPath.of("spec", "volumes"),
  );
  const path = FieldPath.of("spec", "containers").index(0).child("volumeDevices");

  it("accepts claim-backed devices", () => {
    const devices = [
      { name: "blk", devicePath: "/dev/b" },
      { name: "eph", devicePath: "/dev/e" },
    ];
    assert.deepEqual(causes(validateVolumeDevices(devices, [], names, path)), []);
  });

  it("name, path, uniqueness, claim-backed volumes, backsteps, no clash with mounts", () => {
    const devices = [
      {},
      { name: "v", devicePath: "/dev/../x" },
      { name: "nope", devicePath: "/dev/m" },
      { name: "blk", devicePath: "/dev/b" },
      { name: "blk", devicePath: "/dev/b" },
    ];
    const mounts = [{ name: "blk", mountPath: "/dev/m" }];
    assert.deepEqual(causes(validateVolumeDevices(devices, mounts, names, path)), [
      [REQUIRED, `${D}[0].name`, "Required value"],
      [NOT_FOUND, `${D}[0].name`, 'Not found: ""'],
      [REQUIRED, `${D}[0].devicePath`, "Required value"],
      [
        INVALID,
        `${D}[1].name`,
        'Invalid value: "v": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode',
      ],
      [INVALID, `${D}[1].devicePath`, `Invalid value: "/dev/../x": can not contain backsteps ('..')`],
      [NOT_FOUND, `${D}[2].name`, 'Not found: "nope"'],
      [INVALID, `${D}[2].devicePath`, 'Invalid value: "/dev/m": must not already exist as a path in volumeMounts'],
      [INVALID, `${D}[3].name`, 'Invalid value: "blk": must not already exist in volumeMounts'],
      [INVALID, `${D}[4].name`, 'Invalid value: "blk": must be unique'],
      [INVALID, `${D}[4].devicePath`, 'Invalid value: "/dev/b": must be unique'],
      [INVALID, `${D}[4].name`, 'Invalid value: "blk": must not already exist in volumeMounts'],
    ]);
  });
});
