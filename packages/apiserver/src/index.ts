export { type ApiServerOptions, KUBERNETES_VERSION, type RunningApiServer, startApiServer } from "./server.js";
export { EtcdStorage, type EtcdStorageOptions } from "./storage/etcd-storage.js";
export * from "./storage/storage.js";
