import { createOnly } from "./define.js";

// authorization.k8s.io/v1: reviews answered on create, never stored.

const g = "authorization.k8s.io";

export const localsubjectaccessreviews = createOnly(
  g,
  "v1",
  "LocalSubjectAccessReview",
  "localsubjectaccessreviews",
  true,
);
export const selfsubjectaccessreviews = createOnly(
  g,
  "v1",
  "SelfSubjectAccessReview",
  "selfsubjectaccessreviews",
  false,
);
export const selfsubjectrulesreviews = createOnly(g, "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false);
export const subjectaccessreviews = createOnly(g, "v1", "SubjectAccessReview", "subjectaccessreviews", false);

export const authorizationResources = [
  localsubjectaccessreviews,
  selfsubjectaccessreviews,
  selfsubjectrulesreviews,
  subjectaccessreviews,
];
