import { createFactory } from "hono/factory";
import type { FerryApi } from "../../shared/api-client/index.ts";
import type { Database } from "../../shared/db";

/** A signed-in user, as the panel's pages see them: whose view, the form token, and the API as them. */
export interface Session {
	/** The row's id (sha256 of the cookie's secret). */
	id: string;
	kind: "tenant" | "operator";
	/** The tenant's name; "operator" for the operator. */
	who: string;
	/** What every form of this session carries (./session/secret.ts). */
	csrf: string;
	expiresAt: number;
}

export interface AppEnv {
	Bindings: PanelEnv;
	Variables: {
		db: Database;
		session: Session;
		/** The API as the signed-in user (their token, in memory for this request only). */
		api: FerryApi;
		/** A posted form's fields (./forms.ts). */
		form: Record<string, string>;
		/** Set by hono's secureHeaders: the nonce of this page's scripts. */
		secureHeadersNonce?: string;
	};
}

export const factory = createFactory<AppEnv>();
