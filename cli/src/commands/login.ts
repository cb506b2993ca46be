import { defineCommand, jsonArg } from "../core/command.ts";
import { UserError } from "../core/errors.ts";
import { isInteractive } from "../core/io.ts";
import { withPrompter } from "../core/prompt.ts";
import { writeStoredConfig } from "../session/config-file.ts";
import { DEFAULT_API_URL, normalizeApiUrl } from "../session/index.ts";

export default defineCommand({
	meta: {
		description: "Log in to a Ferry platform with an API token (checked, then stored for your user only)",
		examples: ["ferry login", "ferry login --api-url https://api.ferry.example.com --token ferry_…"],
	},
	args: {
		"api-url": { type: "string", valueHint: "URL", description: `The platform's API (default: FERRY_API_URL, else ${DEFAULT_API_URL})` },
		token: { type: "string", valueHint: "TOKEN", description: "A tenant API token (asked for when interactive)" },
		...jsonArg,
	},
	async run({ args, io, out, session }) {
		let apiUrl = args["api-url"] ?? io.env.FERRY_API_URL;
		let token = args.token;
		if (!token) {
			if (!isInteractive(io))
				throw new UserError("no token: pass --token (create one with 'ferry tokens create', or ask your operator for a tenant)");
			[apiUrl, token] = await withPrompter(io, async (prompter) => [
				apiUrl ?? (await prompter.ask("Ferry API URL", DEFAULT_API_URL)),
				await prompter.secret("API token"),
			]);
			if (!token) throw new UserError("no token given: paste a tenant API token (it starts with ferry_)");
		}
		apiUrl = normalizeApiUrl(apiUrl ?? DEFAULT_API_URL);

		// Only a token the API accepts is stored.
		const who = await session.client(apiUrl, token).whoami();
		const file = writeStoredConfig(io.env, { api_url: apiUrl, token });
		if (io.env.FERRY_API_TOKEN) out.warn("FERRY_API_TOKEN is set: it takes precedence over the stored login while it is");
		if (args.json) return out.json({ api_url: apiUrl, tenant: who.tenant, token: who.token, config_path: file });
		out.success(`Logged in to ${apiUrl} as tenant ${who.tenant.name}`);
		out.fields([
			["Token", who.token.id],
			["Saved to", file],
		]);
	},
});
