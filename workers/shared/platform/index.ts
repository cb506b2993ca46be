/**
 * The request path's reads for a Worker's env: its own D1 and R2 (production, and the workerd tests),
 * or the PLATFORM service binding of a local runtime process (an RPC stub of the control process's
 * PlatformServices, which runs ./d1.ts there). One adapter per env object, built on first use.
 */
import { D1PlatformReads } from "./d1";
import type { PlatformReads } from "./reads";

export type { DeploymentCode, PlatformReads } from "./reads";

/** The bindings a Worker on the request path has: storage, or the RPC binding that stands for it. */
export interface PlatformBindings {
	DB?: D1Database;
	ARTIFACTS?: R2Bucket;
	/** A service binding to PlatformServices (local runtime processes only). */
	PLATFORM?: Fetcher;
	/** Opens deployments' secrets (docs/secrets.md); only where the storage bindings are. */
	FERRY_SECRETS_KEY?: string;
}

const readers = new WeakMap<PlatformBindings, PlatformReads>();

export function platformReads(env: PlatformBindings): PlatformReads {
	let reads = readers.get(env);
	if (!reads) {
		reads = createReads(env);
		readers.set(env, reads);
	}
	return reads;
}

function createReads(env: PlatformBindings): PlatformReads {
	// The binding's generated type is a plain Fetcher; its entrypoint implements PlatformReads.
	if (env.PLATFORM) return env.PLATFORM as unknown as PlatformReads;
	if (env.DB && env.ARTIFACTS) return new D1PlatformReads(env.DB, env.ARTIFACTS, env.FERRY_SECRETS_KEY);
	throw new Error("the request path needs either the DB and ARTIFACTS bindings or the PLATFORM binding");
}
