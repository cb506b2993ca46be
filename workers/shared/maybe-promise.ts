/**
 * The dispatcher's hot path gets cached facts (a route, plan limits) as plain values and only misses
 * as promises, so that a warm request goes from its Host header to the tenant without yielding once.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `next(value)`, right away for a plain value, once it resolves for a promise. */
export function continueWith<T, R>(value: MaybePromise<T>, next: (value: T) => R): R | Promise<Awaited<R>> {
	return value instanceof Promise ? (value.then(next) as Promise<Awaited<R>>) : next(value);
}
