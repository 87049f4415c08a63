import { leaseCases } from "./support/cases-lease.js";
import { differentialSuite } from "./support/differential.js";

// The Lease service against Debian's etcd: the same calls on both servers,
// normalised answers equal field by field (up to the allow-list).
// Case numbers 100+ keep this suite's keys apart from the KV suite's.
differentialSuite("differential: Lease against a real etcd", "lease", leaseCases, { indexBase: 100 });
