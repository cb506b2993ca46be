/**
 * The wall-clock limit per request of the Worker Loader runtime: the tenant's response headers must
 * come within it, or the request is cut off with the 504 page. workerd bounds neither wall-clock nor
 * (locally) CPU time, so a handler that awaits something that never settles would otherwise hold
 * its client, and the connection through the platform, forever.
 */

/** The limit passed; the failure pages tell it apart by class, never by message. */
export class WallClockExceeded extends Error {
	override name = "WallClockExceeded";
	readonly limitMs: number;

	constructor(limitMs: number) {
		super(`the response did not start within ${limitMs} ms`);
		this.limitMs = limitMs;
	}
}

/** `response` (or a scheduled run's result), or a WallClockExceeded rejection once `limitMs` passed without it. */
export function withinWallClock<T>(response: Promise<T>, limitMs: number): Promise<T> {
	let timer: number | null = null;
	const limit = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new WallClockExceeded(limitMs)), limitMs);
	});
	return Promise.race([response, limit]).finally(() => clearTimeout(timer));
}
