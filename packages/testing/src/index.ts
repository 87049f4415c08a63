// Test helpers: real etcd and brain processes on free ports in temp dirs.
export { type BrainProcessOptions, startBrain } from "./brain.js";
export { type EtcdOptions, startEtcd } from "./etcd.js";
export { eventually } from "./eventually.js";
export { dispatchedKubectls, KUBECTL, kubectlMinor } from "./kubectl.js";
export { freePort } from "./ports.js";
export type { ClientCertificate, ProcessServer } from "./process-server.js";
export { ETCD_BIN, ETCDCTL_BIN, requireProgram } from "./services.js";
export { type TempDir, tempDir } from "./temp-dir.js";
