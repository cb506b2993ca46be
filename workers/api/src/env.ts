import { createFactory } from "hono/factory";
import type { Database } from "../../shared/db";

export interface TenantContext {
	id: string;
	name: string;
	plan: string;
	tokenId: string;
}

/** A binding no config declares: the local platform sets it for tests only (deploy/test-hold.ts). */
export interface TestBindings {
	FERRY_TEST_DEPLOY_HOLD?: string;
}

export interface AppEnv {
	Bindings: ApiEnv & TestBindings;
	Variables: {
		db: Database;
		tenant: TenantContext;
	};
}

export const factory = createFactory<AppEnv>();
