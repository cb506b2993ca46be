/**
 * Cloudflare's global API rate limit, per token: `quota` requests per window; past it, every call is
 * refused with 429 until the window that began with the excess has passed (Cloudflare: "all API calls
 * for the next five minutes will be blocked"). Every answer carries the IETF draft headers Cloudflare
 * sends (`Ratelimit`, `Ratelimit-Policy`); a refusal adds `retry-after` in whole seconds.
 */
import { ApiError, CLOUDFLARE_LIMITS } from "./schema.ts";

export interface RateLimitPolicy {
	quota: number;
	windowSeconds: number;
}

interface TokenWindow {
	startedAt: number;
	used: number;
	lockedUntil: number;
}

export class RateLimiter {
	private readonly windows = new Map<string, TokenWindow>();
	private readonly policies = new Map<string, RateLimitPolicy>();
	private readonly now: () => number;

	constructor(now: () => number = Date.now) {
		this.now = now;
	}

	/** Gives `token` its own policy (default: Cloudflare's). */
	setPolicy(token: string, policy: RateLimitPolicy): void {
		this.policies.set(token, policy);
	}

	/** Counts one request of `token`: its headers, or an ApiError (429) carrying them. */
	take(token: string): Record<string, string> {
		const policy = this.policies.get(token) ?? {
			quota: CLOUDFLARE_LIMITS.requestQuota,
			windowSeconds: CLOUDFLARE_LIMITS.requestWindowSeconds,
		};
		const now = this.now();
		const windowMs = policy.windowSeconds * 1000;
		let window = this.windows.get(token);
		if (!window || (now >= window.startedAt + windowMs && now >= window.lockedUntil)) {
			window = { startedAt: now, used: 0, lockedUntil: 0 };
			this.windows.set(token, window);
		}
		const seconds = (until: number) => String(Math.max(1, Math.ceil((until - now) / 1000)));
		const headers = {
			ratelimit: `"default";r=${Math.max(0, policy.quota - window.used - 1)};t=${seconds(Math.max(window.startedAt + windowMs, window.lockedUntil))}`,
			"ratelimit-policy": `"default";q=${policy.quota};w=${policy.windowSeconds}`,
		};
		if (now < window.lockedUntil || window.used >= policy.quota) {
			if (now >= window.lockedUntil) window.lockedUntil = now + windowMs;
			throw new ApiError(429, [{ code: 971, message: "Please wait and consider throttling your request speed" }], {
				...headers,
				ratelimit: `"default";r=0;t=${seconds(window.lockedUntil)}`,
				"retry-after": seconds(window.lockedUntil),
			});
		}
		window.used++;
		return headers;
	}
}
