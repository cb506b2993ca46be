import { defineCommand, jsonArg } from "../core/command.ts";
import { formatTime } from "../core/output.ts";

export default defineCommand({
	meta: { description: "Show the tenant and token you are logged in with, and the API you talk to" },
	args: { ...jsonArg },
	async run({ args, out, session }) {
		const credentials = session.credentials();
		const who = await session.api().whoami();
		if (args.json)
			return out.json({
				api_url: credentials.apiUrl,
				api_url_source: credentials.apiUrlSource,
				token_source: credentials.tokenSource,
				...who,
			});
		out.log(`Tenant ${out.style("bold", who.tenant.name)} (${who.tenant.id})`);
		out.fields([
			["Plan", who.tenant.plan],
			["Created", formatTime(who.tenant.created_at)],
			["Token", `${who.token.id} (from ${credentials.tokenSource})`],
			["API", `${credentials.apiUrl} (from ${credentials.apiUrlSource})`],
		]);
	},
});
