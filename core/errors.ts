/**
 * Domain errors. Services throw these; the console maps each to one HTTP status in a single
 * place, so a handler never builds a 4xx by hand. `code` is a stable machine identifier; the
 * human message is looked up in the caller's language from `code` and `params`.
 */

/** One field that failed validation: where, which rule, and optional values for the message. */
export type FieldProblem = {
  field: string;
  rule: string;
  params?: Record<string, string | number>;
};

export class DomainError extends Error {
  readonly code: string;
  readonly params: Record<string, string | number>;
  /** Structured facts a program can act on (e.g. every shortfall), sent beside the message. */
  details?: unknown;
  constructor(code: string, params: Record<string, string | number> = {}, message?: string) {
    super(message ?? code);
    this.code = code;
    this.params = params;
  }

  /** The same error carrying structured details. */
  with(details: unknown): this {
    this.details = details;
    return this;
  }
}

/** The thing does not exist, or the caller may not know that it does. */
export class NotFound extends DomainError {
  override readonly name = 'NotFound';
}

/** The request is well formed but clashes with the current state (duplicate, stale, illegal move). */
export class Conflict extends DomainError {
  override readonly name = 'Conflict';
}

/** The caller is known but not allowed to do this. */
export class Forbidden extends DomainError {
  override readonly name = 'Forbidden';
}

/** The caller is not (or no longer) authenticated. */
export class Unauthenticated extends DomainError {
  override readonly name = 'Unauthenticated';
}

/** The account is locked after repeated failed logins. */
export class Locked extends DomainError {
  override readonly name = 'Locked';
}

/** Input broke one or more rules; every failing field is listed. */
export class Invalid extends DomainError {
  override readonly name = 'Invalid';
  readonly fields: FieldProblem[];
  constructor(fields: FieldProblem[], code = 'invalid_input') {
    super(code, {}, fields.map((f) => `${f.field}: ${f.rule}`).join('; '));
    this.fields = fields;
  }
}
