import { defineCommand, jsonArg } from "../../core/command.ts";

export default defineCommand({
	meta: {
		description: "Create a tenant and its first API token (operator: needs the admin token)",
		examples: ["FERRY_ADMIN_TOKEN=… ferry tenants create acme", "ferry tenants create acme --plan pro --admin-token …"],
	},
	args: {
		name: { type: "positional", description: "The tenant's name (1-63 of a-z, 0-9 and '-')" },
		plan: { type: "string", valueHint: "PLAN", description: "The tenant's plan (default: the platform's default, free)" },
		"admin-token": { type: "string", valueHint: "TOKEN", description: "The operator's admin token (default: FERRY_ADMIN_TOKEN)" },
		...jsonArg,
	},
	async run({ args, out, session }) {
		const api = session.admin(args["admin-token"]);
		const { tenant, token } = await api.createTenant(args.name, args.plan);
		if (args.json) return out.json({ tenant, token });
		out.success(`Created tenant ${tenant.name} (${tenant.id}, plan ${tenant.plan})`);
		out.log("Its first API token, shown this once; hand it to the tenant:");
		out.log(`  ${token.token}`);
		out.log("");
		out.log(`They log in with: ferry login --api-url ${api.baseUrl} --token ${token.token}`);
	},
});
