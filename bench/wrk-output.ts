/**
 * Reading wrk's report (`wrk --latency`): requests per second, the latency percentiles and anything
 * that went wrong. Pure, so test/node/bench.test.ts pins it to real wrk output.
 */

export interface LoadResult {
	requestsPerSecond: number;
	requests: number;
	/** Milliseconds. */
	p50: number;
	p99: number;
	/** Answers that were not 2xx/3xx (a 404 means a route was missing, so the run measured the wrong thing). */
	non2xx: number;
	/** connect + read + write + timeout errors. */
	socketErrors: number;
}

const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** wrk prints times as `512.00us`, `1.20ms`, `2.00s`. */
export function parseWrkTime(text: string): number {
	const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
	if (!match) throw new Error(`not a wrk time: '${text}'`);
	return Number(match[1]) * TIME_UNITS_MS[match[2]!]!;
}

export function parseWrkOutput(output: string): LoadResult {
	const need = (pattern: RegExp, what: string): RegExpExecArray => {
		const match = pattern.exec(output);
		if (!match) throw new Error(`wrk's output has no ${what} (was --latency given?):\n${output}`);
		return match;
	};
	const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
	return {
		requestsPerSecond: Number(need(/^Requests\/sec:\s+([\d.]+)/m, "Requests/sec")[1]),
		requests: Number(need(/^\s*(\d+) requests in /m, "request count")[1]),
		p50: parseWrkTime(need(/^\s+50%\s+(\S+)/m, "50th percentile")[1]!),
		p99: parseWrkTime(need(/^\s+99%\s+(\S+)/m, "99th percentile")[1]!),
		non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
		socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
	};
}
