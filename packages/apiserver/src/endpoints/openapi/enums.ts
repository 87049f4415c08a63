// The enum types of Kubernetes 1.28's API, as kube-apiserver 1.28 publishes
// them in /openapi/v2 and /openapi/v3 (the OpenAPIEnums feature, on by
// default): for each `// +enum` string type of k8s.io/api and
// apiextensions-apiserver at v0.28.0, its cases in the order kube-openapi's
// generator writes their description lines (sorted), each with the text of the
// constant's comment, its name dropped and its whitespace collapsed. Cases are
// listed once per constant, so an enum whose constants are re-declared (the
// backward-compatible aliases of externalTrafficPolicy, admissionregistration
// v1beta1/v1alpha1's re-exported scopes) repeats its values, as 1.28 does
// (kube-openapi dropped repeats only in 2024).

/** One enum case: its value and the description kube-openapi gives it. */
export type EnumCase = readonly [value: string, text: string];

const T: Record<string, readonly EnumCase[]> = {
  "admissionregistration.v1.FailurePolicyType": [
    ["Fail", "means that an error calling the webhook causes the admission to fail."],
    ["Ignore", "means that an error calling the webhook is ignored."],
  ],
  "admissionregistration.v1.MatchPolicyType": [
    [
      "Equivalent",
      "means requests should be sent to the webhook if they modify a resource listed in rules via another API group or version.",
    ],
    ["Exact", "means requests should only be sent to the webhook if they exactly match a given rule."],
  ],
  "admissionregistration.v1.ReinvocationPolicyType": [
    [
      "IfNeeded",
      "indicates that the webhook may be called at least one additional time as part of the admission evaluation if the object being admitted is modified by other admission plugins after the initial webhook call.",
    ],
    ["Never", "indicates that the webhook must not be called more than once in a single admission evaluation."],
  ],
  "admissionregistration.v1.ScopeType": [
    ["*", "means that all scopes are included."],
    ["*", "means that all scopes are included."],
    ["*", "means that all scopes are included."],
    ["Cluster", "means that scope is limited to cluster-scoped objects. Namespace objects are cluster-scoped."],
    ["Cluster", "means that scope is limited to cluster-scoped objects. Namespace objects are cluster-scoped."],
    ["Cluster", "means that scope is limited to cluster-scoped objects. Namespace objects are cluster-scoped."],
    ["Namespaced", "means that scope is limited to namespaced objects."],
    ["Namespaced", "means that scope is limited to namespaced objects."],
    ["Namespaced", "means that scope is limited to namespaced objects."],
  ],
  "admissionregistration.v1.SideEffectClass": [
    ["None", "means that calling the webhook will have no side effects."],
    [
      "NoneOnDryRun",
      "means that calling the webhook will possibly have side effects, but if the request being reviewed has the dry-run attribute, the side effects will be suppressed.",
    ],
    [
      "Some",
      "means that calling the webhook will possibly have side effects. If a request with the dry-run attribute would trigger a call to this webhook, the request will instead fail.",
    ],
    [
      "Unknown",
      "means that no information is known about the side effects of calling the webhook. If a request with the dry-run attribute would trigger a call to this webhook, the request will instead fail.",
    ],
  ],
  "admissionregistration.v1alpha1.FailurePolicyType": [
    ["Fail", "means that an error calling the webhook causes the admission to fail."],
    ["Ignore", "means that an error calling the webhook is ignored."],
  ],
  "admissionregistration.v1alpha1.MatchPolicyType": [
    [
      "Equivalent",
      "means requests should be sent to the webhook if they modify a resource listed in rules via another API group or version.",
    ],
    ["Exact", "means requests should only be sent to the webhook if they exactly match a given rule."],
  ],
  "admissionregistration.v1alpha1.ParameterNotFoundActionType": [
    ["Allow", "Ignore means that an error finding params for a binding is ignored"],
    ["Deny", "Fail means that an error finding params for a binding is ignored"],
  ],
  "apiextensions.v1.FieldValueErrorReason": [
    ["FieldValueDuplicate", "is used to report collisions of values that must be unique (e.g. unique IDs)."],
    [
      "FieldValueForbidden",
      "is used to report valid (as per formatting rules) values which would be accepted under some conditions, but which are not permitted by the current conditions (such as security policy).",
    ],
    ["FieldValueInvalid", "is used to report malformed values (e.g. failed regex match, too long, out of bounds)."],
    [
      "FieldValueRequired",
      "is used to report required values that are not provided (e.g. empty strings, null values, or empty arrays).",
    ],
  ],
  "apps.v1.DaemonSetUpdateStrategyType": [
    ["OnDelete", "Replace the old daemons only when it's killed"],
    [
      "RollingUpdate",
      "Replace the old daemons by new ones using rolling update i.e replace them on each node one after the other.",
    ],
  ],
  "apps.v1.DeploymentStrategyType": [
    ["Recreate", "Kill all existing pods before creating new ones."],
    [
      "RollingUpdate",
      "Replace the old ReplicaSets by new one using rolling update i.e gradually scale down the old ReplicaSets and scale up the new one.",
    ],
  ],
  "apps.v1.PodManagementPolicyType": [
    [
      "OrderedReady",
      "will create pods in strictly increasing order on scale up and strictly decreasing order on scale down, progressing only when the previous pod is ready or terminated. At most one pod will be changed at any time.",
    ],
    [
      "Parallel",
      "will create and delete pods as soon as the stateful set replica count is changed, and will not wait for pods to be ready or complete termination.",
    ],
  ],
  "apps.v1.StatefulSetUpdateStrategyType": [
    [
      "OnDelete",
      "triggers the legacy behavior. Version tracking and ordered rolling restarts are disabled. Pods are recreated from the StatefulSetSpec when they are manually deleted. When a scale operation is performed with this strategy,specification version indicated by the StatefulSet's currentRevision.",
    ],
    [
      "RollingUpdate",
      "indicates that update will be applied to all Pods in the StatefulSet with respect to the StatefulSet ordering constraints. When a scale operation is performed with this strategy, new Pods will be created from the specification version indicated by the StatefulSet's updateRevision.",
    ],
  ],
  "autoscaling.v1.MetricSourceType": [
    [
      "ContainerResource",
      'is a resource metric known to Kubernetes, as specified in requests and limits, describing a single container in each pod in the current scale target (e.g. CPU or memory). Such metrics are built in to Kubernetes, and have special scaling options on top of those available to normal per-pod metrics (the "pods" source).',
    ],
    [
      "External",
      "is a global metric that is not associated with any Kubernetes object. It allows autoscaling based on information coming from components running outside of cluster (for example length of queue in cloud messaging service, or QPS from loadbalancer running outside of cluster).",
    ],
    ["Object", "is a metric describing a kubernetes object (for example, hits-per-second on an Ingress object)."],
    [
      "Pods",
      "is a metric describing each pod in the current scale target (for example, transactions-processed-per-second). The values will be averaged together before being compared to the target value.",
    ],
    [
      "Resource",
      'is a resource metric known to Kubernetes, as specified in requests and limits, describing each pod in the current scale target (e.g. CPU or memory). Such metrics are built in to Kubernetes, and have special scaling options on top of those available to normal per-pod metrics (the "pods" source).',
    ],
  ],
  "batch.v1.CompletionMode": [
    [
      "Indexed",
      "is a Job completion mode. In this mode, the Pods of a Job get an associated completion index from 0 to (.spec.completions - 1). The Job is considered complete when a Pod completes for each completion index.",
    ],
    [
      "NonIndexed",
      "is a Job completion mode. In this mode, the Job is considered complete when there have been .spec.completions successfully completed Pods. Pod completions are homologous to each other.",
    ],
  ],
  "batch.v1.ConcurrencyPolicy": [
    ["Allow", "allows CronJobs to run concurrently."],
    ["Forbid", "forbids concurrent runs, skipping next run if previous hasn't finished yet."],
    ["Replace", "cancels currently running job and replaces it with a new one."],
  ],
  "batch.v1.PodFailurePolicyAction": [
    [
      "Count",
      "This is an action which might be taken on a pod failure - the pod failure is handled in the default way - the counter towards .backoffLimit, represented by the job's .status.failed field, is incremented.",
    ],
    [
      "FailIndex",
      "This is an action which might be taken on a pod failure - mark the Job's index as failed to avoid restarts within this index. This action can only be used when backoffLimitPerIndex is set.",
    ],
    [
      "FailJob",
      "This is an action which might be taken on a pod failure - mark the pod's job as Failed and terminate all running pods.",
    ],
    [
      "Ignore",
      "This is an action which might be taken on a pod failure - the counter towards .backoffLimit, represented by the job's .status.failed field, is not incremented and a replacement pod is created.",
    ],
  ],
  "batch.v1.PodFailurePolicyOnExitCodesOperator": [
    ["In", ""],
    ["NotIn", ""],
  ],
  "batch.v1.PodReplacementPolicy": [
    [
      "Failed",
      "means to wait until a previously created Pod is fully terminated (has phase Failed or Succeeded) before creating a replacement Pod.",
    ],
    [
      "TerminatingOrFailed",
      "means that we recreate pods when they are terminating (has a metadata.deletionTimestamp) or failed.",
    ],
  ],
  "core.v1.AzureDataDiskCachingMode": [
    ["None", ""],
    ["ReadOnly", ""],
    ["ReadWrite", ""],
  ],
  "core.v1.AzureDataDiskKind": [
    ["Dedicated", ""],
    ["Managed", ""],
    ["Shared", ""],
  ],
  "core.v1.DNSPolicy": [
    [
      "ClusterFirst",
      "indicates that the pod should use cluster DNS first unless hostNetwork is true, if it is available, then fall back on the default (as determined by kubelet) DNS settings.",
    ],
    [
      "ClusterFirstWithHostNet",
      "indicates that the pod should use cluster DNS first, if it is available, then fall back on the default (as determined by kubelet) DNS settings.",
    ],
    ["Default", "indicates that the pod should use the default (as determined by kubelet) DNS settings."],
    [
      "None",
      "indicates that the pod should use empty DNS settings. DNS parameters such as nameservers and search paths should be defined via DNSConfig.",
    ],
  ],
  "core.v1.HostPathType": [
    ["", "For backwards compatible, leave it empty if unset"],
    ["BlockDevice", "A block device must exist at the given path"],
    ["CharDevice", "A character device must exist at the given path"],
    ["Directory", "A directory must exist at the given path"],
    [
      "DirectoryOrCreate",
      "If nothing exists at the given path, an empty directory will be created there as needed with file mode 0755, having the same group and ownership with Kubelet.",
    ],
    ["File", "A file must exist at the given path"],
    [
      "FileOrCreate",
      "If nothing exists at the given path, an empty file will be created there as needed with file mode 0644, having the same group and ownership with Kubelet.",
    ],
    ["Socket", "A UNIX socket must exist at the given path"],
  ],
  "core.v1.IPFamilyPolicy": [
    [
      "PreferDualStack",
      "indicates that this service prefers dual-stack when the cluster is configured for dual-stack. If the cluster is not configured for dual-stack the service will be assigned a single IPFamily. If the IPFamily is not set in service.spec.ipFamilies then the service will be assigned the default IPFamily configured on the cluster",
    ],
    [
      "RequireDualStack",
      "indicates that this service requires dual-stack. Using IPFamilyPolicyRequireDualStack on a single stack cluster will result in validation errors. The IPFamilies (and their order) assigned to this service is based on service.spec.ipFamilies. If service.spec.ipFamilies was not provided then it will be assigned according to how they are configured on the cluster. If service.spec.ipFamilies has only one entry then the alternative IPFamily will be added by apiserver",
    ],
    [
      "SingleStack",
      "indicates that this service is required to have a single IPFamily. The IPFamily assigned is based on the default IPFamily used by the cluster or as identified by service.spec.ipFamilies field",
    ],
  ],
  "core.v1.MountPropagationMode": [
    [
      "Bidirectional",
      'means that the volume in a container will receive new mounts from the host or other containers, and its own mounts will be propagated from the container to the host or other containers. Note that this mode is recursively applied to all mounts in the volume ("rshared" in Linux terminology).',
    ],
    [
      "HostToContainer",
      'means that the volume in a container will receive new mounts from the host or other containers, but filesystems mounted inside the container won\'t be propagated to the host or other containers. Note that this mode is recursively applied to all mounts in the volume ("rslave" in Linux terminology).',
    ],
    [
      "None",
      'means that the volume in a container will not receive new mounts from the host or other containers, and filesystems mounted inside the container won\'t be propagated to the host or other containers. Note that this mode corresponds to "private" in Linux terminology.',
    ],
  ],
  "core.v1.NamespacePhase": [
    ["Active", "means the namespace is available for use in the system"],
    ["Terminating", "means the namespace is undergoing graceful termination"],
  ],
  "core.v1.NodeInclusionPolicy": [
    ["Honor", "means use this scheduling directive when calculating pod topology spread skew."],
    ["Ignore", "means ignore this scheduling directive when calculating pod topology spread skew."],
  ],
  "core.v1.NodePhase": [
    ["Pending", "means the node has been created/added by the system, but not configured."],
    ["Running", "means the node has been configured and has Kubernetes components running."],
    ["Terminated", "means the node has been removed from the cluster."],
  ],
  "core.v1.NodeSelectorOperator": [
    ["DoesNotExist", ""],
    ["Exists", ""],
    ["Gt", ""],
    ["In", ""],
    ["Lt", ""],
    ["NotIn", ""],
  ],
  "core.v1.PersistentVolumeClaimPhase": [
    ["Bound", "used for PersistentVolumeClaims that are bound"],
    [
      "Lost",
      "used for PersistentVolumeClaims that lost their underlying PersistentVolume. The claim was bound to a PersistentVolume and this volume does not exist any longer and all data on it was lost.",
    ],
    ["Pending", "used for PersistentVolumeClaims that are not yet bound"],
  ],
  "core.v1.PersistentVolumeMode": [
    ["Block", "means the volume will not be formatted with a filesystem and will remain a raw block device."],
    ["Filesystem", "means the volume will be or is formatted with a filesystem."],
  ],
  "core.v1.PersistentVolumePhase": [
    [
      "Available",
      "used for PersistentVolumes that are not yet bound Available volumes are held by the binder and matched to PersistentVolumeClaims",
    ],
    ["Bound", "used for PersistentVolumes that are bound"],
    [
      "Failed",
      "used for PersistentVolumes that failed to be correctly recycled or deleted after being released from a claim",
    ],
    ["Pending", "used for PersistentVolumes that are not available"],
    [
      "Released",
      "used for PersistentVolumes where the bound PersistentVolumeClaim was deleted released volumes must be recycled before becoming available again this phase is used by the persistent volume claim binder to signal to another process to reclaim the resource",
    ],
  ],
  "core.v1.PersistentVolumeReclaimPolicy": [
    [
      "Delete",
      "means the volume will be deleted from Kubernetes on release from its claim. The volume plugin must support Deletion.",
    ],
    [
      "Recycle",
      "means the volume will be recycled back into the pool of unbound persistent volumes on release from its claim. The volume plugin must support Recycling.",
    ],
    [
      "Retain",
      "means the volume will be left in its current phase (Released) for manual reclamation by the administrator. The default policy is Retain.",
    ],
  ],
  "core.v1.PodFSGroupChangePolicy": [
    [
      "Always",
      "indicates that volume's ownership and permissions should always be changed whenever volume is mounted inside a Pod. This the default behavior.",
    ],
    [
      "OnRootMismatch",
      "indicates that volume's ownership and permissions will be changed only when permission and ownership of root directory does not match with expected permissions on the volume. This can help shorten the time it takes to change ownership and permissions of a volume.",
    ],
  ],
  "core.v1.PodPhase": [
    [
      "Failed",
      "means that all containers in the pod have terminated, and at least one container has terminated in a failure (exited with a non-zero exit code or was stopped by the system).",
    ],
    [
      "Pending",
      "means the pod has been accepted by the system, but one or more of the containers has not been started. This includes time before being bound to a node, as well as time spent pulling images onto the host.",
    ],
    [
      "Running",
      "means the pod has been bound to a node and all of the containers have been started. At least one container is still running or is in the process of being restarted.",
    ],
    [
      "Succeeded",
      "means that all containers in the pod have voluntarily terminated with a container exit code of 0, and the system is not going to restart any of these containers.",
    ],
    [
      "Unknown",
      "means that for some reason the state of the pod could not be obtained, typically due to an error in communicating with the host of the pod. Deprecated: It isn't being set since 2015 (74da3b14b0c0f658b3bb8d2def5094686d0e9095)",
    ],
  ],
  "core.v1.PodQOSClass": [
    ["BestEffort", "is the BestEffort qos class."],
    ["Burstable", "is the Burstable qos class."],
    ["Guaranteed", "is the Guaranteed qos class."],
  ],
  "core.v1.PreemptionPolicy": [
    ["Never", "means that pod never preempts other pods with lower priority."],
    ["PreemptLowerPriority", "means that pod can preempt other pods with lower priority."],
  ],
  "core.v1.ProcMountType": [
    [
      "Default",
      "uses the container runtime defaults for readonly and masked paths for /proc. Most container runtimes mask certain paths in /proc to avoid accidental security exposure of special devices or information.",
    ],
    [
      "Unmasked",
      "bypasses the default masking behavior of the container runtime and ensures the newly created /proc the container stays in tact with no modifications.",
    ],
  ],
  "core.v1.Protocol": [
    ["SCTP", "is the SCTP protocol."],
    ["TCP", "is the TCP protocol."],
    ["UDP", "is the UDP protocol."],
  ],
  "core.v1.PullPolicy": [
    ["Always", "means that kubelet always attempts to pull the latest image. Container will fail If the pull fails."],
    [
      "IfNotPresent",
      "means that kubelet pulls if the image isn't present on disk. Container will fail if the image isn't present and the pull fails.",
    ],
    [
      "Never",
      "means that kubelet never pulls an image, but only uses a local image. Container will fail if the image isn't present",
    ],
  ],
  "core.v1.ResourceQuotaScope": [
    ["BestEffort", "Match all pod objects that have best effort quality of service"],
    ["CrossNamespacePodAffinity", "Match all pod objects that have cross-namespace pod (anti)affinity mentioned."],
    ["NotBestEffort", "Match all pod objects that do not have best effort quality of service"],
    ["NotTerminating", "Match all pod objects where spec.activeDeadlineSeconds is nil"],
    ["PriorityClass", "Match all pod objects that have priority class mentioned"],
    ["Terminating", "Match all pod objects where spec.activeDeadlineSeconds >=0"],
  ],
  "core.v1.RestartPolicy": [
    ["Always", ""],
    ["Never", ""],
    ["OnFailure", ""],
  ],
  "core.v1.ScopeSelectorOperator": [
    ["DoesNotExist", ""],
    ["Exists", ""],
    ["In", ""],
    ["NotIn", ""],
  ],
  "core.v1.SeccompProfileType": [
    [
      "Localhost",
      "indicates a profile defined in a file on the node should be used. The file's location relative to <kubelet-root-dir>/seccomp.",
    ],
    ["RuntimeDefault", "represents the default container runtime seccomp profile."],
    ["Unconfined", "indicates no seccomp profile is applied (A.K.A. unconfined)."],
  ],
  "core.v1.ServiceAffinity": [
    ["ClientIP", "is the Client IP based."],
    ["None", "- no session affinity."],
  ],
  "core.v1.ServiceExternalTrafficPolicy": [
    ["Cluster", ""],
    ["Cluster", "routes traffic to all endpoints."],
    ["Local", ""],
    [
      "Local",
      "preserves the source IP of the traffic by routing only to endpoints on the same node as the traffic was received on (dropping the traffic if there are no local endpoints).",
    ],
  ],
  "core.v1.ServiceInternalTrafficPolicy": [
    ["Cluster", "routes traffic to all endpoints."],
    [
      "Local",
      "routes traffic only to endpoints on the same node as the client pod (dropping the traffic if there are no local endpoints).",
    ],
  ],
  "core.v1.ServiceType": [
    ["ClusterIP", "means a service will only be accessible inside the cluster, via the cluster IP."],
    [
      "ExternalName",
      "means a service consists of only a reference to an external name that kubedns or equivalent will return as a CNAME record, with no exposing or proxying of any pods involved.",
    ],
    [
      "LoadBalancer",
      "means a service will be exposed via an external load balancer (if the cloud provider supports it), in addition to 'NodePort' type.",
    ],
    ["NodePort", "means a service will be exposed on one port of every node, in addition to 'ClusterIP' type."],
  ],
  "core.v1.TaintEffect": [
    [
      "NoExecute",
      "Evict any already-running pods that do not tolerate the taint. Currently enforced by NodeController.",
    ],
    [
      "NoSchedule",
      "Do not allow new pods to schedule onto the node unless they tolerate the taint, but allow all pods submitted to Kubelet without going through the scheduler to start, and allow all already-running pods to continue running. Enforced by the scheduler.",
    ],
    [
      "PreferNoSchedule",
      "Like TaintEffectNoSchedule, but the scheduler tries not to schedule new pods onto the node, rather than prohibiting new pods from scheduling onto the node entirely. Enforced by the scheduler.",
    ],
  ],
  "core.v1.TerminationMessagePolicy": [
    [
      "FallbackToLogsOnError",
      "will read the most recent contents of the container logs for the container status message when the container exits with an error and the terminationMessagePath has no contents.",
    ],
    [
      "File",
      "is the default behavior and will set the container status message to the contents of the container's terminationMessagePath when the container exits.",
    ],
  ],
  "core.v1.TolerationOperator": [
    ["Equal", ""],
    ["Exists", ""],
  ],
  "core.v1.URIScheme": [
    ["HTTP", "means that the scheme used will be http://"],
    ["HTTPS", "means that the scheme used will be https://"],
  ],
  "core.v1.UnsatisfiableConstraintAction": [
    ["DoNotSchedule", "instructs the scheduler not to schedule the pod when constraints are not satisfied."],
    ["ScheduleAnyway", "instructs the scheduler to schedule the pod even if constraints are not satisfied."],
  ],
  "discovery.v1.AddressType": [
    ["FQDN", "represents a FQDN."],
    ["IPv4", "represents an IPv4 Address."],
    ["IPv6", "represents an IPv6 Address."],
  ],
  "networking.v1.PathType": [
    ["Exact", "matches the URL path exactly and with case sensitivity."],
    [
      "ImplementationSpecific",
      "matching is up to the IngressClass. Implementations can treat this as a separate PathType or treat it identically to Prefix or Exact path types.",
    ],
    [
      "Prefix",
      "matches based on a URL path prefix split by '/'. Matching is case sensitive and done on a path element by element basis. A path element refers to the list of labels in the path split by the '/' separator. A request is a match for path p if every p is an element-wise prefix of p of the request path. Note that if the last element of the path is a substring of the last element in request path, it is not a match (e.g. /foo/bar matches /foo/bar/baz, but does not match /foo/barbaz). If multiple matching paths exist in an Ingress spec, the longest matching path is given priority. Examples: - /foo/bar does not match requests to /foo/barbaz - /foo/bar matches request to /foo/bar and /foo/bar/baz - /foo and /foo/ both match requests to /foo and /foo/. If both paths are present in an Ingress spec, the longest matching path (/foo/) is given priority.",
    ],
  ],
  "policy.v1.UnhealthyPodEvictionPolicyType": [
    [
      "AlwaysAllow",
      'policy means that all running pods (status.phase="Running"), but not yet healthy are considered disrupted and can be evicted regardless of whether the criteria in a PDB is met. This means perspective running pods of a disrupted application might not get a chance to become healthy. Healthy pods will be subject to the PDB for eviction.',
    ],
    [
      "IfHealthyBudget",
      'policy means that running pods (status.phase="Running"), but not yet healthy can be evicted only if the guarded application is not disrupted (status.currentHealthy is at least equal to status.desiredHealthy). Healthy pods will be subject to the PDB for eviction.',
    ],
  ],
  "policy.v1beta1.UnhealthyPodEvictionPolicyType": [
    [
      "AlwaysAllow",
      'policy means that all running pods (status.phase="Running"), but not yet healthy are considered disrupted and can be evicted regardless of whether the criteria in a PDB is met. This means perspective running pods of a disrupted application might not get a chance to become healthy. Healthy pods will be subject to the PDB for eviction.',
    ],
    [
      "IfHealthyBudget",
      'policy means that running pods (status.phase="Running"), but not yet healthy can be evicted only if the guarded application is not disrupted (status.currentHealthy is at least equal to status.desiredHealthy). Healthy pods will be subject to the PDB for eviction.',
    ],
  ],
  "storage.v1.VolumeBindingMode": [
    [
      "Immediate",
      "indicates that PersistentVolumeClaims should be immediately provisioned and bound. This is the default mode.",
    ],
    [
      "WaitForFirstConsumer",
      "indicates that PersistentVolumeClaims should not be provisioned and bound until the first Pod is created that references the PeristentVolumeClaim. The volume provisioning and binding will occur during Pod scheduing.",
    ],
  ],
};

/** The enum-typed fields of each definition: definition name → field → enum type. */
const F: Record<string, Record<string, string>> = {
  "io.k8s.api.admissionregistration.v1.MutatingWebhook": {
    failurePolicy: "admissionregistration.v1.FailurePolicyType",
    matchPolicy: "admissionregistration.v1.MatchPolicyType",
    sideEffects: "admissionregistration.v1.SideEffectClass",
    reinvocationPolicy: "admissionregistration.v1.ReinvocationPolicyType",
  },
  "io.k8s.api.admissionregistration.v1.Rule": { scope: "admissionregistration.v1.ScopeType" },
  "io.k8s.api.admissionregistration.v1.RuleWithOperations": { scope: "admissionregistration.v1.ScopeType" },
  "io.k8s.api.admissionregistration.v1.ValidatingWebhook": {
    failurePolicy: "admissionregistration.v1.FailurePolicyType",
    matchPolicy: "admissionregistration.v1.MatchPolicyType",
    sideEffects: "admissionregistration.v1.SideEffectClass",
  },
  "io.k8s.api.admissionregistration.v1alpha1.MatchResources": {
    matchPolicy: "admissionregistration.v1alpha1.MatchPolicyType",
  },
  "io.k8s.api.admissionregistration.v1alpha1.NamedRuleWithOperations": { scope: "admissionregistration.v1.ScopeType" },
  "io.k8s.api.admissionregistration.v1alpha1.ParamRef": {
    parameterNotFoundAction: "admissionregistration.v1alpha1.ParameterNotFoundActionType",
  },
  "io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicySpec": {
    failurePolicy: "admissionregistration.v1alpha1.FailurePolicyType",
  },
  "io.k8s.api.admissionregistration.v1beta1.NamedRuleWithOperations": { scope: "admissionregistration.v1.ScopeType" },
  "io.k8s.api.apps.v1.DaemonSetUpdateStrategy": { type: "apps.v1.DaemonSetUpdateStrategyType" },
  "io.k8s.api.apps.v1.DeploymentStrategy": { type: "apps.v1.DeploymentStrategyType" },
  "io.k8s.api.apps.v1.StatefulSetSpec": { podManagementPolicy: "apps.v1.PodManagementPolicyType" },
  "io.k8s.api.apps.v1.StatefulSetUpdateStrategy": { type: "apps.v1.StatefulSetUpdateStrategyType" },
  "io.k8s.api.autoscaling.v1.MetricSpec": { type: "autoscaling.v1.MetricSourceType" },
  "io.k8s.api.autoscaling.v1.MetricStatus": { type: "autoscaling.v1.MetricSourceType" },
  "io.k8s.api.batch.v1.CronJobSpec": { concurrencyPolicy: "batch.v1.ConcurrencyPolicy" },
  "io.k8s.api.batch.v1.JobSpec": {
    completionMode: "batch.v1.CompletionMode",
    podReplacementPolicy: "batch.v1.PodReplacementPolicy",
  },
  "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement": {
    operator: "batch.v1.PodFailurePolicyOnExitCodesOperator",
  },
  "io.k8s.api.batch.v1.PodFailurePolicyRule": { action: "batch.v1.PodFailurePolicyAction" },
  "io.k8s.api.core.v1.AzureDiskVolumeSource": {
    cachingMode: "core.v1.AzureDataDiskCachingMode",
    kind: "core.v1.AzureDataDiskKind",
  },
  "io.k8s.api.core.v1.Container": {
    terminationMessagePolicy: "core.v1.TerminationMessagePolicy",
    imagePullPolicy: "core.v1.PullPolicy",
  },
  "io.k8s.api.core.v1.ContainerPort": { protocol: "core.v1.Protocol" },
  "io.k8s.api.core.v1.EndpointPort": { protocol: "core.v1.Protocol" },
  "io.k8s.api.core.v1.EphemeralContainer": {
    terminationMessagePolicy: "core.v1.TerminationMessagePolicy",
    imagePullPolicy: "core.v1.PullPolicy",
  },
  "io.k8s.api.core.v1.EphemeralContainerCommon": {
    terminationMessagePolicy: "core.v1.TerminationMessagePolicy",
    imagePullPolicy: "core.v1.PullPolicy",
  },
  "io.k8s.api.core.v1.HTTPGetAction": { scheme: "core.v1.URIScheme" },
  "io.k8s.api.core.v1.HostPathVolumeSource": { type: "core.v1.HostPathType" },
  "io.k8s.api.core.v1.NamespaceStatus": { phase: "core.v1.NamespacePhase" },
  "io.k8s.api.core.v1.NodeSelectorRequirement": { operator: "core.v1.NodeSelectorOperator" },
  "io.k8s.api.core.v1.NodeStatus": { phase: "core.v1.NodePhase" },
  "io.k8s.api.core.v1.PersistentVolumeClaimSpec": { volumeMode: "core.v1.PersistentVolumeMode" },
  "io.k8s.api.core.v1.PersistentVolumeClaimStatus": { phase: "core.v1.PersistentVolumeClaimPhase" },
  "io.k8s.api.core.v1.PersistentVolumeSpec": {
    persistentVolumeReclaimPolicy: "core.v1.PersistentVolumeReclaimPolicy",
    volumeMode: "core.v1.PersistentVolumeMode",
  },
  "io.k8s.api.core.v1.PersistentVolumeStatus": { phase: "core.v1.PersistentVolumePhase" },
  "io.k8s.api.core.v1.PodSecurityContext": { fsGroupChangePolicy: "core.v1.PodFSGroupChangePolicy" },
  "io.k8s.api.core.v1.PodSpec": {
    restartPolicy: "core.v1.RestartPolicy",
    dnsPolicy: "core.v1.DNSPolicy",
    preemptionPolicy: "core.v1.PreemptionPolicy",
  },
  "io.k8s.api.core.v1.PodStatus": { phase: "core.v1.PodPhase", qosClass: "core.v1.PodQOSClass" },
  "io.k8s.api.core.v1.PortStatus": { protocol: "core.v1.Protocol" },
  "io.k8s.api.core.v1.ScopedResourceSelectorRequirement": {
    scopeName: "core.v1.ResourceQuotaScope",
    operator: "core.v1.ScopeSelectorOperator",
  },
  "io.k8s.api.core.v1.SeccompProfile": { type: "core.v1.SeccompProfileType" },
  "io.k8s.api.core.v1.SecurityContext": { procMount: "core.v1.ProcMountType" },
  "io.k8s.api.core.v1.ServicePort": { protocol: "core.v1.Protocol" },
  "io.k8s.api.core.v1.ServiceSpec": {
    type: "core.v1.ServiceType",
    sessionAffinity: "core.v1.ServiceAffinity",
    externalTrafficPolicy: "core.v1.ServiceExternalTrafficPolicy",
    ipFamilyPolicy: "core.v1.IPFamilyPolicy",
    internalTrafficPolicy: "core.v1.ServiceInternalTrafficPolicy",
  },
  "io.k8s.api.core.v1.Taint": { effect: "core.v1.TaintEffect" },
  "io.k8s.api.core.v1.Toleration": { operator: "core.v1.TolerationOperator", effect: "core.v1.TaintEffect" },
  "io.k8s.api.core.v1.TopologySpreadConstraint": {
    whenUnsatisfiable: "core.v1.UnsatisfiableConstraintAction",
    nodeAffinityPolicy: "core.v1.NodeInclusionPolicy",
    nodeTaintsPolicy: "core.v1.NodeInclusionPolicy",
  },
  "io.k8s.api.core.v1.VolumeMount": { mountPropagation: "core.v1.MountPropagationMode" },
  "io.k8s.api.discovery.v1.EndpointPort": { protocol: "core.v1.Protocol" },
  "io.k8s.api.discovery.v1.EndpointSlice": { addressType: "discovery.v1.AddressType" },
  "io.k8s.api.discovery.v1beta1.EndpointPort": { protocol: "core.v1.Protocol" },
  "io.k8s.api.extensions.v1beta1.IngressPortStatus": { protocol: "core.v1.Protocol" },
  "io.k8s.api.extensions.v1beta1.NetworkPolicyPort": { protocol: "core.v1.Protocol" },
  "io.k8s.api.networking.v1.HTTPIngressPath": { pathType: "networking.v1.PathType" },
  "io.k8s.api.networking.v1.IngressPortStatus": { protocol: "core.v1.Protocol" },
  "io.k8s.api.networking.v1.NetworkPolicyPort": { protocol: "core.v1.Protocol" },
  "io.k8s.api.networking.v1beta1.IngressPortStatus": { protocol: "core.v1.Protocol" },
  "io.k8s.api.policy.v1.PodDisruptionBudgetSpec": {
    unhealthyPodEvictionPolicy: "policy.v1.UnhealthyPodEvictionPolicyType",
  },
  "io.k8s.api.policy.v1beta1.PodDisruptionBudgetSpec": {
    unhealthyPodEvictionPolicy: "policy.v1beta1.UnhealthyPodEvictionPolicyType",
  },
  "io.k8s.api.scheduling.v1.PriorityClass": { preemptionPolicy: "core.v1.PreemptionPolicy" },
  "io.k8s.api.scheduling.v1alpha1.PriorityClass": { preemptionPolicy: "core.v1.PreemptionPolicy" },
  "io.k8s.api.scheduling.v1beta1.PriorityClass": { preemptionPolicy: "core.v1.PreemptionPolicy" },
  "io.k8s.api.storage.v1.StorageClass": {
    reclaimPolicy: "core.v1.PersistentVolumeReclaimPolicy",
    volumeBindingMode: "storage.v1.VolumeBindingMode",
  },
  "io.k8s.api.storage.v1beta1.StorageClass": { reclaimPolicy: "core.v1.PersistentVolumeReclaimPolicy" },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule": {
    reason: "apiextensions.v1.FieldValueErrorReason",
  },
};

/** The enum cases of a definition's field, or undefined when the field is not of an enum type. */
export function enumCases(definition: string, field: string): readonly EnumCase[] | undefined {
  const type = F[definition]?.[field];
  return type === undefined ? undefined : T[type];
}
