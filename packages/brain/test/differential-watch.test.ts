import { progressNotifyCases, watchCases } from "./support/cases-watch.js";
import { differentialSuite } from "./support/differential.js";

// The watch cases run the same streams against Debian's etcd and against
// brain; the normalised responses must be equal field by field (up to the
// allow-list in support/etcd-differences.ts).
differentialSuite("differential: Watch against a real etcd", "watch", watchCases, { indexBase: 100 });

differentialSuite(
  "differential: Watch progress_notify against a real etcd",
  "watch-progress-notify",
  progressNotifyCases,
  {
    indexBase: 200,
    etcdctl: false,
    args: ["--experimental-watch-progress-notify-interval=200ms"],
  },
);
