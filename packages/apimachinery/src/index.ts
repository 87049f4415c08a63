// The public surface of @wharf/apimachinery.

export * from "./continue-token.js";
export * from "./go-quote.js";
export * from "./object-meta.js";
export * from "./resource-version.js";
export * from "./selectors/field-selector.js";
export * from "./selectors/label-selector.js";
export * from "./status.js";
export * from "./validation/field-error.js";
export * from "./validation/field-path.js";
export * from "./validation/go-value.js";
export * from "./validation/label-selector.js";
export * from "./validation/names.js";
export * from "./validation/object-meta.js";
export * from "./validation/quantity.js";
export * from "./validation/syntax.js";
