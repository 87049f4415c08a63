// Label selectors: the query-string grammar of k8s.io/apimachinery/pkg/labels
// ("a=b,c in (x,y),!d") and metav1.LabelSelector objects. The lexer and parser
// follow kube's token by token so that the same inputs are accepted and the
// same error texts come back; the apiserver answers them as 400 BadRequest.

import { goQuote } from "../go-quote.js";
import { badRequest } from "../status.js";
import { aggregate, type FieldError, invalidField, notSupportedField } from "../validation/field-error.js";
import { FieldPath } from "../validation/field-path.js";
import { isQualifiedName, isValidLabelValue } from "../validation/names.js";

export type LabelOperator = "=" | "==" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted and without repeats, as kube keeps them (a string set). */
  values: string[];
}

/** Parse or conversion failure; the message is kube's, the apiserver sends it as a 400. */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabelSelectorError";
  }
}

const binaryOperators = ["in", "notin", "=", "==", "!=", "gt", "lt"];

function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case "=":
    case "==":
    case "in":
      return has && r.values.includes(labels[r.key]!);
    case "!=":
    case "notin":
      return !has || !r.values.includes(labels[r.key]!);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has || r.values.length !== 1) return false;
      const lv = parseInt64(labels[r.key]!);
      const rv = parseInt64(r.values[0]!);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === "gt" ? lv > rv : lv < rv;
    }
  }
}

function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return n;
}

function requirementString(r: LabelRequirement): string {
  switch (r.operator) {
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
    case "in":
    case "notin":
      return `${r.key} ${r.operator} (${r.values.join(",")})`;
    case "gt":
      return `${r.key}>${r.values[0]}`;
    case "lt":
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** A parsed selector: requirements ANDed, sorted by key as kube sorts them. */
export class LabelSelector {
  private constructor(
    readonly requirements: readonly LabelRequirement[],
    /** The selector that selects nothing (a nil metav1.LabelSelector). */
    private readonly nothing = false,
  ) {}

  static everything(): LabelSelector {
    return new LabelSelector([]);
  }

  static nothing(): LabelSelector {
    return new LabelSelector([], true);
  }

  static of(requirements: readonly LabelRequirement[]): LabelSelector {
    // A stable sort keeps repeated keys in input order; kube's sort.Sort does not promise that.
    return new LabelSelector([...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }

  /** Whether it selects everything (no requirements). */
  empty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  matches(labels: Record<string, string>): boolean {
    if (this.nothing) return false;
    return this.requirements.every((r) => requirementMatches(r, labels));
  }

  /** The canonical query-string form ("a=b,c in (x,y)"). */
  toString(): string {
    return this.requirements.map(requirementString).join(",");
  }
}

/**
 * labels.NewRequirement: checks a requirement and normalises its values;
 * throws LabelSelectorError with kube's aggregated field errors.
 */
export function newRequirement(key: string, operator: LabelOperator, values: readonly string[]): LabelRequirement {
  const errs: FieldError[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalidField("key", key, keyErrs.join("; ")));
  const valuePath = FieldPath.of("values");
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0) {
        errs.push(invalidField(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1) {
        errs.push(invalidField(valuePath, values, "exact-match compatibility requires one single value"));
      }
      break;
    case "exists":
    case "!":
      if (values.length !== 0) {
        errs.push(invalidField(valuePath, values, "values set must be empty for exists and does not exist"));
      }
      break;
    case "gt":
    case "lt":
      if (values.length !== 1) {
        errs.push(invalidField(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalidField(valuePath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(notSupportedField("operator", operator, ["=", "==", "!=", "in", "notin", "exists", "!", "gt", "lt"]));
  }
  values.forEach((v, i) => {
    const m = isValidLabelValue(v);
    if (m.length > 0) errs.push(invalidField(valuePath.index(i).key(key), v, m.join("; ")));
  });
  if (errs.length > 0) throw new LabelSelectorError(aggregate(errs));
  return { key, operator, values: [...new Set(values)].sort() };
}

// ---- lexer ----

const Tok = {
  Error: 0,
  EndOfString: 1,
  ClosedPar: 2,
  Comma: 3,
  DoesNotExist: 4,
  DoubleEquals: 5,
  Equals: 6,
  GreaterThan: 7,
  Identifier: 8,
  In: 9,
  LessThan: 10,
  NotEquals: 11,
  NotIn: 12,
  OpenPar: 13,
} as const;
type Tok = (typeof Tok)[keyof typeof Tok];

const keywords: Record<string, Tok> = {
  ")": Tok.ClosedPar,
  ",": Tok.Comma,
  "!": Tok.DoesNotExist,
  "==": Tok.DoubleEquals,
  "=": Tok.Equals,
  ">": Tok.GreaterThan,
  in: Tok.In,
  "<": Tok.LessThan,
  "!=": Tok.NotEquals,
  notin: Tok.NotIn,
  "(": Tok.OpenPar,
};

function isWhitespace(c: string): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n";
}

function isSpecial(c: string): boolean {
  return "=!(),><".includes(c);
}

interface Scanned {
  tok: Tok;
  lit: string;
}

/** Splits the input into tokens as kube's labels.Lexer does (whitespace separates, symbols are greedy). */
function lex(s: string): Scanned[] {
  const out: Scanned[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos]!)) pos++;
    if (pos >= s.length) {
      out.push({ tok: Tok.EndOfString, lit: "" });
      return out;
    }
    if (isSpecial(s[pos]!)) {
      // Longest run of symbols that still forms a token: "!=" is one token, "=(" two.
      let buf = "";
      let last: Scanned | undefined;
      while (pos < s.length && isSpecial(s[pos]!)) {
        buf += s[pos];
        const t = keywords[buf];
        if (t !== undefined) last = { tok: t, lit: buf };
        else if (last) break;
        pos++;
      }
      out.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` });
      continue;
    }
    let buf = "";
    while (pos < s.length && !isSpecial(s[pos]!) && !isWhitespace(s[pos]!)) buf += s[pos++];
    out.push({ tok: Object.hasOwn(keywords, buf) ? keywords[buf]! : Tok.Identifier, lit: buf });
  }
}

// ---- parser ----

class Parser {
  private pos = 0;
  constructor(private readonly items: Scanned[]) {}

  /** In value position "in" and "notin" are ordinary identifiers. */
  private asValue(s: Scanned): Scanned {
    return s.tok === Tok.In || s.tok === Tok.NotIn ? { tok: Tok.Identifier, lit: s.lit } : s;
  }

  lookahead(values: boolean): Scanned {
    const s = this.items[this.pos]!;
    return values ? this.asValue(s) : s;
  }

  consume(values: boolean): Scanned {
    const s = this.lookahead(values);
    if (this.pos < this.items.length - 1) this.pos++;
    return s;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      if (tok === Tok.Identifier || tok === Tok.DoesNotExist) {
        let r: LabelRequirement;
        try {
          r = this.parseRequirement();
        } catch (e) {
          if (e instanceof LabelSelectorError)
            throw new LabelSelectorError(`unable to parse requirement: ${e.message}`);
          throw e;
        }
        reqs.push(r);
        const t = this.consume(true);
        if (t.tok === Tok.EndOfString) return reqs;
        if (t.tok === Tok.Comma) {
          const t2 = this.lookahead(true);
          if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist) {
            throw new LabelSelectorError(`found '${t2.lit}', expected: identifier after ','`);
          }
        } else {
          throw new LabelSelectorError(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
      } else if (tok === Tok.EndOfString) {
        return reqs;
      } else {
        throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const [key, unary] = this.parseKeyAndInferOperator();
    if (unary) return newRequirement(key, unary, []);
    const op = this.parseOperator();
    const values = op === "in" || op === "notin" ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, values);
  }

  private parseKeyAndInferOperator(): [string, "exists" | "!" | undefined] {
    let op: "exists" | "!" | undefined;
    let t = this.consume(true);
    if (t.tok === Tok.DoesNotExist) {
      op = "!";
      t = this.consume(true);
    }
    if (t.tok !== Tok.Identifier) throw new LabelSelectorError(`found '${t.lit}', expected: identifier`);
    const keyErrs = isQualifiedName(t.lit);
    if (keyErrs.length > 0) {
      // Kube validates the key here with a nil field path, which Go prints as "<nil>".
      throw new LabelSelectorError(invalidField("<nil>", t.lit, keyErrs.join("; ")).toString());
    }
    const next = this.lookahead(true).tok;
    if ((next === Tok.EndOfString || next === Tok.Comma) && op === undefined) op = "exists";
    return [t.lit, op];
  }

  private parseOperator(): LabelOperator {
    const t = this.consume(false);
    switch (t.tok) {
      case Tok.In:
        return "in";
      case Tok.NotIn:
        return "notin";
      case Tok.Equals:
        return "=";
      case Tok.DoubleEquals:
        return "==";
      case Tok.NotEquals:
        return "!=";
      case Tok.GreaterThan:
        return "gt";
      case Tok.LessThan:
        return "lt";
      default:
        throw new LabelSelectorError(`found '${t.lit}', expected: ${binaryOperators.join(", ")}`);
    }
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.tok !== Tok.OpenPar) throw new LabelSelectorError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    if (tok === Tok.Identifier || tok === Tok.Comma) {
      const s = this.parseIdentifiersList();
      if (this.consume(true).tok !== Tok.ClosedPar) throw new LabelSelectorError(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === Tok.ClosedPar) {
      // "()" is the set holding the empty string, not an empty set.
      this.consume(true);
      return [""];
    }
    throw new LabelSelectorError(`found '${lit}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): string[] {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(true);
      if (tok === Tok.Identifier) {
        s.add(lit);
        const t2 = this.lookahead(true);
        if (t2.tok === Tok.Comma) continue;
        if (t2.tok === Tok.ClosedPar) return [...s];
        throw new LabelSelectorError(`found '${t2.lit}', expected: ',' or ')'`);
      }
      if (tok === Tok.Comma) {
        // Empty elements ("(,a", "a,)", "a,,b") stand for the empty value.
        if (s.size === 0) s.add("");
        const t2 = this.lookahead(true);
        if (t2.tok === Tok.ClosedPar) {
          s.add("");
          return [...s];
        }
        if (t2.tok === Tok.Comma) {
          this.consume(true);
          s.add("");
        }
        continue;
      }
      throw new LabelSelectorError(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): string[] {
    const t = this.lookahead(true);
    if (t.tok === Tok.EndOfString || t.tok === Tok.Comma) return [""];
    const v = this.consume(true);
    if (v.tok === Tok.Identifier) return [v.lit];
    throw new LabelSelectorError(`found '${v.lit}', expected: identifier`);
  }
}

/** labels.Parse: throws LabelSelectorError with kube's message. */
export function parseLabelSelectorOrThrow(selector: string): LabelSelector {
  return LabelSelector.of(new Parser(lex(selector)).parse());
}

/** Parses a labelSelector query parameter; bad input is a 400 BadRequest StatusError. */
export function parseLabelSelector(selector: string): LabelSelector {
  try {
    return parseLabelSelectorOrThrow(selector);
  } catch (e) {
    if (e instanceof LabelSelectorError) throw badRequest(e.message);
    throw e;
  }
}

/** metav1.LabelSelector as it appears in object specs. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const expressionOperators: Record<string, LabelOperator> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

/**
 * metav1.LabelSelectorAsSelector: a missing selector selects nothing, an empty
 * one everything. Throws LabelSelectorError with kube's message.
 */
export function labelSelectorFromObject(ls: LabelSelectorObject | null | undefined): LabelSelector {
  if (ls === null || ls === undefined) return LabelSelector.nothing();
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push(newRequirement(k, "=", [v]));
  for (const e of ls.matchExpressions ?? []) {
    const op = Object.hasOwn(expressionOperators, e.operator) ? expressionOperators[e.operator] : undefined;
    if (op === undefined) throw new LabelSelectorError(`${goQuote(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, e.values ?? []));
  }
  return LabelSelector.of(reqs);
}
