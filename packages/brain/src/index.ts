// @wharf/brain: an etcd v3-compatible metadata store.

export {
  type CertificateAuthority,
  createCa,
  createCrl,
  issueCertificate,
  type PemPair,
  selfSignedCertificate,
} from "@wharf/pki";
export { Brain } from "./brain.js";
export { type BrainConfig, defaultConfig, defaultProtocolWorkers, type TlsConfig } from "./config.js";
export type { Engine, WriteBatch } from "./engine/engine.js";
export { LmdbEngine } from "./engine/lmdb-engine.js";
export { BrainError, ErrorCode } from "./errors.js";
export { MvccStore } from "./mvcc/store.js";
export { type RunningBrain, startBrainServer } from "./server/brain-server.js";
export { restoreSnapshot } from "./snapshot-restore.js";
