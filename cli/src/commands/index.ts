/**
 * Every command, in one table: noun-verb names to lazily imported command files (only the command
 * that runs is loaded). The names here are the names users type and docs/cli.md lists.
 */
import type { Command } from "../core/command.ts";

export type LoadCommand = () => Promise<{ default: Command }>;

export interface CommandGroup {
	description: string;
	commands: Record<string, LoadCommand>;
}

export const COMMANDS: Record<string, LoadCommand | CommandGroup> = {
	login: () => import("./login.ts"),
	logout: () => import("./logout.ts"),
	whoami: () => import("./whoami.ts"),
	init: () => import("./init.ts"),
	deploy: () => import("./deploy.ts"),
	rollback: () => import("./rollback.ts"),
	logs: () => import("./logs.ts"),
	tail: () => import("./tail.ts"),
	metrics: () => import("./metrics.ts"),
	usage: () => import("./usage.ts"),
	events: () => import("./events.ts"),
	scripts: {
		description: "Your scripts",
		commands: {
			list: () => import("./scripts/list.ts"),
			delete: () => import("./scripts/delete.ts"),
		},
	},
	secret: {
		description: "A script's secrets: sealed at rest, in env as strings (docs/secrets.md)",
		commands: {
			put: () => import("./secret/put.ts"),
			list: () => import("./secret/list.ts"),
			delete: () => import("./secret/delete.ts"),
			bulk: () => import("./secret/bulk.ts"),
		},
	},
	deployments: {
		description: "A script's deployments and their state events",
		commands: {
			list: () => import("./deployments/list.ts"),
			view: () => import("./deployments/view.ts"),
		},
	},
	schedules: {
		description: "A script's cron triggers and their last runs",
		commands: {
			list: () => import("./schedules/list.ts"),
		},
	},
	resources: {
		description: "Your resources (KV namespaces, R2 buckets, D1 databases), provisioned by the deployments that bind them",
		commands: {
			list: () => import("./resources/list.ts"),
		},
	},
	kv: {
		description: "Your KV namespaces' keys (wrangler's words: --binding reads the project's config)",
		commands: {
			"key get": () => import("./kv/key/get.ts"),
			"key put": () => import("./kv/key/put.ts"),
			"key list": () => import("./kv/key/list.ts"),
			"key delete": () => import("./kv/key/delete.ts"),
			"namespace delete": () => import("./kv/namespace/delete.ts"),
		},
	},
	r2: {
		description: "Your R2 buckets' objects (wrangler's words: BUCKET/KEY)",
		commands: {
			"object get": () => import("./r2/object/get.ts"),
			"object put": () => import("./r2/object/put.ts"),
			"object delete": () => import("./r2/object/delete.ts"),
			"bucket delete": () => import("./r2/bucket/delete.ts"),
		},
	},
	d1: {
		description: "Your D1 databases (wrangler's words: d1 execute DB --command | --file, d1 migrations list|apply DB)",
		commands: {
			execute: () => import("./d1/execute.ts"),
			"migrations list": () => import("./d1/migrations/list.ts"),
			"migrations apply": () => import("./d1/migrations/apply.ts"),
			delete: () => import("./d1/delete.ts"),
		},
	},
	tokens: {
		description: "Your API tokens",
		commands: {
			create: () => import("./tokens/create.ts"),
			list: () => import("./tokens/list.ts"),
			revoke: () => import("./tokens/revoke.ts"),
		},
	},
	tenants: {
		description: "Tenants (operator: needs the admin token)",
		commands: {
			create: () => import("./tenants/create.ts"),
		},
	},
};

export const isGroup = (entry: LoadCommand | CommandGroup): entry is CommandGroup => typeof entry !== "function";

/** Every command as [its name, its loader], in table order. */
export function allCommands(): [name: string, load: LoadCommand][] {
	return Object.entries(COMMANDS).flatMap(([noun, entry]) =>
		isGroup(entry)
			? Object.entries(entry.commands).map(([verb, load]) => [`${noun} ${verb}`, load] as [string, LoadCommand])
			: [[noun, entry]],
	);
}
