/**
 * Who the CLI talks to and as whom. Precedence: command flags (login only), then FERRY_API_URL /
 * FERRY_API_TOKEN, then the stored login, then the local platform's URL. Operator commands use the
 * admin token (--admin-token or FERRY_ADMIN_TOKEN), which is never stored.
 */
import { loopbackFetch } from "../../../loopback/index.ts";
import { FerryApi } from "../../../workers/shared/api-client/index.ts";
import { UserError } from "../core/errors.ts";
import type { Io } from "../core/io.ts";
import { readStoredConfig } from "./config-file.ts";

export const DEFAULT_API_URL = "http://api.localhost:8787";

export type Source = "flag" | "environment" | "config" | "default";

export interface Credentials {
	apiUrl: string;
	apiUrlSource: Source;
	token?: string;
	tokenSource?: Source;
}

/** "https://api.example.com/" and "…/v1" name the same API: the base URL without /v1. */
export function normalizeApiUrl(input: string): string {
	let url: URL;
	try {
		url = new URL(input);
	} catch {
		throw new UserError(`'${input}' is not a URL: give the API's address, e.g. ${DEFAULT_API_URL}`);
	}
	if (url.protocol !== "http:" && url.protocol !== "https:")
		throw new UserError(`the API URL must be http:// or https://, not '${url.protocol}'`);
	return `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "")}`;
}

export class Session {
	private readonly io: Io;

	constructor(io: Io) {
		this.io = io;
	}

	credentials(): Credentials {
		const env = this.io.env;
		const stored = env.FERRY_API_URL && env.FERRY_API_TOKEN ? undefined : readStoredConfig(env);
		const [apiUrl, apiUrlSource]: [string, Source] = env.FERRY_API_URL
			? [env.FERRY_API_URL, "environment"]
			: stored
				? [stored.api_url, "config"]
				: [DEFAULT_API_URL, "default"];
		const [token, tokenSource]: [string, Source] | [] = env.FERRY_API_TOKEN
			? [env.FERRY_API_TOKEN, "environment"]
			: stored
				? [stored.token, "config"]
				: [];
		return { apiUrl: normalizeApiUrl(apiUrl), apiUrlSource, token, tokenSource };
	}

	/** The API as the logged-in tenant. */
	api(): FerryApi {
		const { apiUrl, token } = this.credentials();
		if (!token) throw new UserError("not logged in: run 'ferry login' (or set FERRY_API_TOKEN)");
		return this.client(apiUrl, token);
	}

	/** The API as the operator. */
	admin(flagToken: string | undefined): FerryApi {
		const token = flagToken || this.io.env.FERRY_ADMIN_TOKEN;
		if (!token) throw new UserError("this is an operator command: pass --admin-token or set FERRY_ADMIN_TOKEN");
		return this.client(this.credentials().apiUrl, token);
	}

	client(apiUrl: string, token: string | undefined): FerryApi {
		return new FerryApi({ baseUrl: apiUrl, token, signal: this.io.signal, fetch: loopbackFetch });
	}
}
