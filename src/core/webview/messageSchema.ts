// Field-by-field validation of messages that arrive from a webview. A webview runs page script, so
// everything it posts is untrusted input: each message must match one known `type` exactly (no
// missing or extra fields, values of the right type and range) before the extension acts on it.

/** Every panel can be told that a message it sent was refused, and why. */
export interface RejectedMessage {
  type: 'rejected';
  reason: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Checks one value; `path` names it in the reason ("message.steps"). */
export type Field<T> = (value: unknown, path: string) => Validation<T>;

const ok = <T>(value: T): Validation<T> => ({ ok: true, value });
const fail = <T>(reason: string): Validation<T> => ({ ok: false, reason });

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `a string of ${value.length} characters` : `${typeof value} ${typeof value === 'object' ? '' : String(value)}`.trim();
}

export function string(options: { maxLength: number; minLength?: number }): Field<string> {
  return (value, path) => {
    if (typeof value !== 'string') return fail(`${path} must be a string, got ${describe(value)}`);
    if (value.length < (options.minLength ?? 0)) return fail(`${path} must have at least ${options.minLength} characters`);
    if (value.length > options.maxLength) return fail(`${path} must have at most ${options.maxLength} characters, got ${value.length}`);
    return ok(value);
  };
}

export function integer(min: number, max: number): Field<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) return fail(`${path} must be an integer, got ${describe(value)}`);
    if (value < min || value > max) return fail(`${path} must be between ${min} and ${max}, got ${value}`);
    return ok(value);
  };
}

export function number(min: number, max: number): Field<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`${path} must be a finite number, got ${describe(value)}`);
    if (value < min || value > max) return fail(`${path} must be between ${min} and ${max}, got ${value}`);
    return ok(value);
  };
}

export function boolean(): Field<boolean> {
  return (value, path) => (typeof value === 'boolean' ? ok(value) : fail(`${path} must be true or false, got ${describe(value)}`));
}

export function oneOf<const T extends string>(choices: readonly T[]): Field<T> {
  return (value, path) =>
    typeof value === 'string' && (choices as readonly string[]).includes(value) ? ok(value as T) : fail(`${path} must be one of ${choices.join(', ')}, got ${describe(value)}`);
}

/** The field may be absent (or undefined); when present it must pass `field`. */
export function optional<T>(field: Field<T>): Field<T | undefined> {
  return (value, path) => (value === undefined ? ok(undefined) : field(value, path));
}

type Shape = Record<string, Field<unknown>>;
type FieldType<F> = F extends Field<infer T> ? T : never;
/** Fields that accept undefined become optional properties. */
type Parsed<S extends Shape> = { [K in keyof S as undefined extends FieldType<S[K]> ? never : K]: FieldType<S[K]> } & {
  [K in keyof S as undefined extends FieldType<S[K]> ? K : never]?: FieldType<S[K]>;
};

/** A plain object with exactly these fields; unknown fields are rejected, not ignored. */
export function object<S extends Shape>(shape: S): Field<Parsed<S>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${path} must be an object, got ${describe(value)}`);
    const record = value as Record<string, unknown>;
    const extra = Object.keys(record).filter((key) => !Object.hasOwn(shape, key));
    if (extra.length) return fail(`${path} has unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`);
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const checked = field(record[key], `${path}.${key}`);
      if (!checked.ok) return checked;
      if (checked.value !== undefined) out[key] = checked.value;
    }
    return ok(out as Parsed<S>);
  };
}

/** Messages discriminated by `type`: `{ type: 'x', ...fields }` for each entry of `shapes`. */
export type MessageOf<M extends Record<string, Shape>> = { [K in keyof M]: { type: K } & Parsed<M[K]> }[keyof M];

export function messages<M extends Record<string, Shape>>(shapes: M): (value: unknown) => Validation<MessageOf<M>> {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`message must be an object, got ${describe(value)}`);
    const type = (value as { type?: unknown }).type;
    if (typeof type !== 'string' || !Object.hasOwn(shapes, type)) return fail(`message.type must be one of ${Object.keys(shapes).join(', ')}, got ${describe(type)}`);
    const checked = object({ ...shapes[type], type: oneOf([type]) })(value, 'message');
    return checked as Validation<MessageOf<M>>;
  };
}
