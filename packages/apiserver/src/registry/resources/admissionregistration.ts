import { define } from "./define.js";

// admissionregistration.k8s.io/v1 (ValidatingAdmissionPolicy is beta and
// off by default in 1.28). The webhook configurations' strategies track
// generation (their "webhooks" list is the spec).

const g = "admissionregistration.k8s.io";

export const mutatingwebhookconfigurations = define(
  g,
  "v1",
  "MutatingWebhookConfiguration",
  "mutatingwebhookconfigurations",
  {
    namespaced: false,
    categories: ["api-extensions"],
    generation: true,
  },
);

export const validatingwebhookconfigurations = define(
  g,
  "v1",
  "ValidatingWebhookConfiguration",
  "validatingwebhookconfigurations",
  { namespaced: false, categories: ["api-extensions"], generation: true },
);

export const admissionregistrationResources = [mutatingwebhookconfigurations, validatingwebhookconfigurations];
