import { clientCases } from "./support/cases-clients.js";
import { differentialSuite } from "./support/differential.js";

// The two clients the issue names, against Debian's etcd and brain: etcdctl
// -w json (maintenance, cluster, compaction, get options, txn scripts, leases)
// and the npm etcd3 client's builders. Answers must be equal after
// normalisation and the allow-list in support/etcd-differences.ts.
// Case numbers 300+ keep this suite's keys apart from the other suites'.
differentialSuite("differential: etcdctl and the etcd3 client against a real etcd", "clients", clientCases, {
  indexBase: 300,
});
