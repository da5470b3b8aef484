/** A refused answer: `field` is the flag (or argument) name, `rule` says what is allowed. */
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'ValidationError';
  }
}
