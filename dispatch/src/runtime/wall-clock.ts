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

/**
 * `response` (or a scheduled run's result), or a WallClockExceeded rejection once `limitMs` passed
 * without it. Runs on every request: one promise and one timer, settled by whichever comes first
 * (Promise.race with a timer's promise and a `finally` costs three more promises per request).
 */
export function withinWallClock<T>(response: Promise<T>, limitMs: number): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => reject(new WallClockExceeded(limitMs)), limitMs);
		response.then(
			(value) => {
				clearTimeout(timer);
				resolve(value);
			},
			(error: unknown) => {
				clearTimeout(timer);
				reject(error);
			},
		);
	});
}
