/**
 * How often to try a Cloudflare API call again, and after how long. Pure, so the policy is tested
 * without waiting. What is retried is what ./errors.ts calls transient (rate limits, outages, no
 * answer at all). The wait is what `Retry-After` asks for when the API sent it, else exponential
 * backoff with full jitter.
 */

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	attempts: number;
	/** Backoff before the second attempt (then doubling), when the API did not say. */
	baseDelayMs: number;
	/** The longest backoff. */
	maxDelayMs: number;
	/**
	 * The longest wait Ferry accepts. A deploy is a request someone is waiting on: when Cloudflare asks
	 * for longer (its global limit blocks a token for up to five minutes), giving up now and saying
	 * when to retry beats holding the request.
	 */
	maxWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, maxWaitMs: 30_000 };

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
	if (header === null) return undefined;
	const value = header.trim();
	if (/^\d+$/.test(value)) return Number(value) * 1000;
	// An HTTP date names its weekday and month ("Tue, 24 Nov 2026 00:00:30 GMT"); Date.parse alone would take "-5".
	if (!/^[a-z]{3},? /i.test(value)) return undefined;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before attempt `attempt + 1` (attempt counts from 1), given what the API asked for. */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfter: number | undefined, random = Math.random): number {
	if (retryAfter !== undefined) return retryAfter;
	const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(random() * ceiling);
}
