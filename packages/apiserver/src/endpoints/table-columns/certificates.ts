// Table columns of certificates.k8s.io kinds, as kube-apiserver 1.28 prints them.

import { humanDuration } from "./human-duration.js";
import { ageColumn, ageOf, at, column, doc, list, nameColumn, nameOf, type Obj, type Printer, str } from "./object.js";

/** CONDITION: Approved, Denied or Pending, then ",Failed" and ",Issued" when they apply. */
function csrCondition(o: Obj): string {
  let approved = false;
  let denied = false;
  let failed = false;
  for (const c of list(at(o, "status", "conditions"))) {
    const type = str(at(c, "type"));
    if (type === "Approved") approved = true;
    else if (type === "Denied") denied = true;
    else if (type === "Failed") failed = true;
  }
  let status = denied ? "Denied" : approved ? "Approved" : "Pending";
  if (failed) status += ",Failed";
  if (str(at(o, "status", "certificate")) !== "") status += ",Issued";
  return status;
}

export const certificateSigningRequest: Printer = {
  columns: [
    nameColumn(),
    ageColumn(),
    column("SignerName", "string", doc("certificates/v1beta1.CertificateSigningRequestSpec.signerName")),
    column("Requestor", "string", doc("certificates/v1beta1.CertificateSigningRequestSpec.request")),
    column("RequestedDuration", "string", doc("certificates/v1beta1.CertificateSigningRequestSpec.expirationSeconds")),
    column("Condition", "string", doc("certificates/v1beta1.CertificateSigningRequestStatus.conditions")),
  ],
  cells(o, now) {
    const seconds = at(o, "spec", "expirationSeconds");
    return [
      nameOf(o),
      ageOf(o, now),
      str(at(o, "spec", "signerName")) || "<none>",
      str(at(o, "spec", "username")),
      typeof seconds === "number" ? humanDuration(seconds * 1000) : "<none>",
      csrCondition(o),
    ];
  },
};

export const clusterTrustBundle: Printer = {
  columns: [
    nameColumn(),
    column("SignerName", "string", doc("certificates/v1alpha1.ClusterTrustBundleSpec.signerName")),
  ],
  cells: (o) => [nameOf(o), str(at(o, "spec", "signerName")) || "<none>"],
};
