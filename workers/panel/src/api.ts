/**
 * The API as the signed-in user: the one API client (workers/shared/api-client/, the CLI's too),
 * its calls carried by the API service binding. The base URL is the API's host on the scheme and
 * port the browser reached the panel with, so the URLs the API builds (live and preview URLs) are
 * the ones the user can open.
 */
import { FerryApi } from "../../shared/api-client/index.ts";
import { platformOrigin } from "../../shared/hosts";

export function apiAs(env: PanelEnv, requestUrl: string, token: string): FerryApi {
	return new FerryApi({
		baseUrl: platformOrigin("api", env.PLATFORM_DOMAIN, new URL(requestUrl)),
		token,
		fetch: (url, init) => env.API.fetch(url, init),
	});
}
