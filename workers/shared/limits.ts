/**
 * Upload limits, documented in docs/limits.md. Each is at most what Cloudflare allows (its Worker size
 * is 64 MiB uncompressed), so a deployment that passes them here is not refused there for its size.
 */
export const LIMITS = {
	/** The whole multipart request body. */
	uploadBytes: 10 * 1024 * 1024,
	/** Modules in one deployment. */
	modules: 500,
	/** The metadata part. */
	metadataBytes: 64 * 1024,
	/**
	 * A Worker's environment variables, bounded as Cloudflare bounds them
	 * (https://developers.cloudflare.com/workers/platform/limits/#environment-variables): at most 128
	 * per Worker, vars and secrets together, each value at most 5 KB (here 5 KiB of UTF-8). The same
	 * numbers apply locally and in production.
	 */
	vars: 128,
	varBytes: 5 * 1024,
	/** How long a new deployment may take to start in the Loaded probe. */
	loadTimeoutMs: 10_000,
	/**
	 * How long a request may wait for the tenant's response headers (Worker Loader runtime), so a
	 * request that awaits forever is cut off with the 504 page. The runtime's WALL_CLOCK_LIMIT_MS
	 * var overrides it. Cloudflare bounds CPU, not wall-clock time; 30 s is its own limit for a
	 * script's start and the idle timeout most clients and proxies give up at anyway.
	 */
	requestWallClockMs: 30_000,
	/**
	 * How long a quarantined deployment answers the "exceeded its limits" page, unless the tenant
	 * deploys the script again first (the new deployment is not quarantined).
	 */
	quarantineMs: 15 * 60_000,
	/**
	 * One WebAssembly module. Below the upload limit so a module always leaves room for the rest of
	 * its deployment (the WAGI shim, glue code), and small enough to compile well within the start-up
	 * limits of both runtimes.
	 */
	wasmModuleBytes: 8 * 1024 * 1024,
	/** The request body a WASI module reads on stdin; buffered whole, since WASI reads are synchronous. */
	wasiStdinBytes: 16 * 1024 * 1024,
	/** The CGI response a WASI module writes on stdout; buffered whole, then parsed. */
	wasiStdoutBytes: 16 * 1024 * 1024,
	/** What a WASI module's stderr puts in the log per request; the rest is counted, not kept. */
	wasiStderrLoggedBytes: 16 * 1024,
	/** Static assets of one deployment (Cloudflare's limit for a Worker version). */
	assetFiles: 20_000,
	/** One static asset file (Cloudflare's limit). */
	assetFileBytes: 25 * 1024 * 1024,
	/** An upload session's manifest (JSON; 20,000 entries of long paths fit). */
	assetManifestBytes: 8 * 1024 * 1024,
	/**
	 * One bucket upload's body: the API groups a session's files into buckets of at most
	 * `assetBucketBytes` (a larger file goes alone), sent base64 (4/3), plus the multipart framing.
	 */
	assetBucketBytes: 32 * 1024 * 1024,
	assetBucketFiles: 100,
	assetUploadBodyBytes: 48 * 1024 * 1024,
	/** How long an upload session's tokens (upload and completion) are valid, as Cloudflare's. */
	assetTokenTtlSeconds: 60 * 60,
	/**
	 * Cron triggers of one script (docs/cron.md). Cloudflare bounds them per account: 5 on Workers
	 * Free, 250 on Workers Paid (https://developers.cloudflare.com/workers/platform/limits/); a script
	 * here gets the smaller, so one script never needs more than any Cloudflare account may have.
	 */
	cronsPerScript: 5,
	/** One cron expression's length (five fields; the longest sensible ones are lists of values). */
	cronLength: 256,
} as const;

/** The compatibility date a deployment gets when its metadata names none. */
export const DEFAULT_COMPATIBILITY_DATE = "2026-11-01";
