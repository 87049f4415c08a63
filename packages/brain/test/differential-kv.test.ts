import { kvCases } from "./support/cases-kv.js";
import { differentialSuite } from "./support/differential.js";

// Each case runs the same calls against Debian's etcd and against brain, and
// the normalised answers must be equal field by field (up to the allow-list in
// support/etcd-differences.ts).
differentialSuite("differential: KV against a real etcd", "kv", kvCases);
