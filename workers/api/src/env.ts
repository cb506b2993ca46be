import { createFactory } from "hono/factory";
import type { Database } from "../../shared/db";

export interface TenantContext {
	id: string;
	name: string;
	plan: string;
	tokenId: string;
}

export interface AppEnv {
	Bindings: ApiEnv;
	Variables: {
		db: Database;
		tenant: TenantContext;
	};
}

export const factory = createFactory<AppEnv>();
