import { createOnly } from "./define.js";

// authentication.k8s.io/v1: reviews answered on create, never stored.

export const selfsubjectreviews = createOnly(
  "authentication.k8s.io",
  "v1",
  "SelfSubjectReview",
  "selfsubjectreviews",
  false,
);
export const tokenreviews = createOnly("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", false);

export const authenticationResources = [selfsubjectreviews, tokenreviews];
