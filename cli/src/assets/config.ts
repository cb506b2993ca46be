/**
 * The `assets` section of a project's wrangler config, as wrangler reads it: the directory
 * (relative to the config file), the binding, and the routing keys sent with the deploy.
 */
import path from "node:path";
import { UserError } from "../core/errors.ts";
import type { ProjectConfig } from "../project/config.ts";

export interface ProjectAssets {
	/** Absolute. */
	directory: string;
	/** As the config says it, for messages. */
	shownDirectory: string;
	binding: string | null;
	/** `metadata.assets.config`: only the keys the config sets. */
	config: Record<string, unknown>;
}

export function projectAssets(config: ProjectConfig): ProjectAssets | undefined {
	const assets = config.assets;
	if (!assets) return undefined;
	if (!assets.directory) throw new UserError(`${config.configPath ?? "the config"}: assets needs a directory (assets.directory)`);
	const base = config.configPath ? path.dirname(config.configPath) : process.cwd();
	const routing = assets as { html_handling?: string; not_found_handling?: string; run_worker_first?: boolean | string[] };
	const config_ = Object.fromEntries(
		Object.entries({
			html_handling: routing.html_handling,
			not_found_handling: routing.not_found_handling,
			run_worker_first: routing.run_worker_first,
		}).filter(([, value]) => value !== undefined),
	);
	return {
		directory: path.resolve(base, assets.directory),
		shownDirectory: assets.directory,
		binding: assets.binding ?? null,
		config: config_,
	};
}
