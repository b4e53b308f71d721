// The pieces every option check is made of: one message shape, one unknown-key check.

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

/** Throws the TypeError every bad option gets: `prof: option \`name\` must be …; got …`. */
export function fail(name: string, accepted: string, value: unknown): never {
  throw new TypeError(`prof: option \`${name}\` must be ${accepted}; got ${describe(value)}`);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** Throws on a key that is not an option, suggesting the nearest known one. */
export function rejectUnknown(obj: object, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const best = known
      .map((k) => [k, editDistance(key.toLowerCase(), k.toLowerCase())] as const)
      .sort((x, y) => x[1] - y[1])[0];
    const hint =
      best && best[1] <= Math.max(2, Math.floor(key.length / 3)) ? `; did you mean \`${prefix}${best[0]}\`?` : '';
    throw new TypeError(`prof: unknown option \`${prefix}${key}\`${hint} (known: ${known.join(', ')})`);
  }
}

export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
export const isInteger = (v: unknown, min: number, max = Number.POSITIVE_INFINITY): v is number =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** `value` when `ok` says so; otherwise the TypeError naming the option. */
export function check<T>(name: string, value: unknown, ok: (v: unknown) => boolean, accepted: string): T {
  if (!ok(value)) fail(name, accepted, value);
  return value as T;
}

/**
 * The object's own enumerable properties on a null prototype: options are read from here, so a
 * polluted `Object.prototype.outputDir` can neither add an option nor fill an unset one.
 */
export function ownOptions<T extends object>(obj: T): T {
  return Object.assign(Object.create(null) as object, obj) as T;
}

/** `defaults` with every option the user set (undefined and null mean unset) spread over them, once. */
export function withDefaults<D extends object, O extends object>(defaults: D, opts: O): WithDefaults<D, O> {
  const set = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined && v !== null));
  return ownOptions({ ...defaults, ...set }) as WithDefaults<D, O>;
}

/** The user's options over the defaults: a defaulted key has the user's type or the default's. */
export type WithDefaults<D, O> = Omit<O, keyof D> & {
  [K in keyof D]: K extends keyof O ? Exclude<O[K], undefined> | D[K] : D[K];
};
