import { existsSync } from "node:fs";
import type { DeployResult } from "../../../workers/shared/api-client/types.ts";
import { formatBytes, formatMs } from "../../../workers/shared/format.ts";
import { DEFAULT_COMPATIBILITY_DATE } from "../../../workers/shared/limits.ts";
import { COMPATIBILITY_DATE, scriptNameProblem, VAR_NAME } from "../../../workers/shared/names.ts";
import { type ProjectAssets, projectAssets } from "../assets/config.ts";
import { type LocalAsset, readAssets } from "../assets/manifest.ts";
import { type AssetUpload, uploadAssets } from "../assets/upload.ts";
import { defineCommand, jsonArg } from "../core/command.ts";
import { CancelledError, UserError } from "../core/errors.ts";
import { deployProgress } from "../deploy/progress.ts";
import { encodeUpload, uploadStream, writeOutdir } from "../deploy/upload.ts";
import { type Bundle, bundleProject } from "../project/bundle.ts";
import { checkCompatibility, schedulesOf } from "../project/compatibility.ts";
import { configFile, findConfig, type ProjectConfig, projectArgs, readProjectConfig } from "../project/config.ts";
import { withResourceNames } from "../project/resources.ts";
import { bundleWasm, findWasmEntry } from "../project/wasm.ts";

/** `--var KEY:VALUE`, KEY a var name. */
const isVarFlag = (value: string) => value.includes(":") && VAR_NAME.test(value.slice(0, value.indexOf(":")));

function checkName(name: string, from: string): void {
	const problem = scriptNameProblem(name);
	if (problem) throw new UserError(`invalid script name '${name}' (${from}): ${problem}`);
}

export default defineCommand({
	meta: {
		description: "Bundle a Worker project with wrangler's bundler and deploy it, or deploy a WASI module (.wasm) served CGI-style",
		examples: [
			"ferry deploy                                  # the project in this directory (wrangler.toml / wrangler.jsonc)",
			"ferry deploy src/index.ts --name hello --compatibility-date 2026-11-01",
			"ferry deploy --var GREETING:hi --var MODE:prod",
			"ferry deploy --dry-run --outdir dist          # bundle only; see what would be uploaded",
			"ferry deploy app.wasm --name echo             # a WASI command module, served under the WAGI contract",
			'ferry deploy                                  # a project with assets = { directory = "./public" }: only new files are uploaded',
		],
	},
	args: {
		entry: {
			type: "positional",
			required: false,
			description: "The entry module, or a WASI module (.wasm) to deploy as it is (default: main in the config)",
		},
		name: { type: "string", valueHint: "NAME", description: "The script name (default: name in the config); it becomes the hostname" },
		var: { type: "string", multiple: true, valueHint: "KEY:VALUE", description: "A var for the Worker's env; overrides the config's vars" },
		"compatibility-date": {
			type: "string",
			valueHint: "YYYY-MM-DD",
			description: "The Workers compatibility date (default: the config's)",
		},
		...projectArgs,
		"dry-run": { type: "boolean", description: "Bundle and show what would be uploaded, without uploading" },
		outdir: { type: "string", valueHint: "DIR", description: "Also write the bundled modules and metadata.json here" },
		...jsonArg,
	},
	async run({ args, io, out, session, debug }) {
		const started = performance.now();
		if (!args.entry && !args.config && !findConfig(io.cwd))
			throw new UserError(
				"no wrangler.toml or wrangler.jsonc here or above: run this in a Worker project, name the entry (ferry deploy src/index.ts --name hello), or create a project with 'ferry init'",
			);
		if (args.name) checkName(args.name, "--name");
		const badVar = args.var.find((v) => !isVarFlag(v));
		if (badVar !== undefined) throw new UserError(`--var '${badVar}' is not KEY:VALUE (e.g. --var GREETING:hello)`);
		const date = args["compatibility-date"];
		if (date !== undefined && !COMPATIBILITY_DATE.test(date))
			throw new UserError(`--compatibility-date '${date}' is not a date: use YYYY-MM-DD (e.g. ${DEFAULT_COMPATIBILITY_DATE})`);
		// The config next: a key Ferry refuses stops the deploy before anything is bundled or sent.
		const projectOptions = { cwd: io.cwd, config: args.config, env: args.env };
		const config = await readProject(projectOptions, io.env);
		if (config) checkCompatibility(config, io.cwd);
		// Then credentials: a missing login, a token the API refuses or an API that cannot be reached
		// fails before a second of bundling and the upload (one GET /v1/whoami).
		const api = args["dry-run"] ? undefined : session.api();
		if (api) await api.whoami();

		const wasm = await findWasmEntry(args.entry, projectOptions);
		const assetsConfig = wasm || !config ? undefined : projectAssets(config);
		const project = assetsConfig && config ? { config, assets: assetsConfig } : undefined;
		// Assets only (no main): nothing to bundle, the deployment is its assets.
		const assetsOnly = project !== undefined && !args.entry && !project.config.main;
		const preparing = wasm ? "reading" : assetsOnly ? "reading assets" : "bundling";

		const progress = deployProgress(out);
		let phase: "bundling" | "uploading" | "sent" = "bundling";
		let deploymentId: string | undefined;
		let bundle: Bundle | undefined;
		let sentSchedules: { cron: string }[] | undefined;
		let assets: { local: LocalAsset[]; upload?: AssetUpload } | undefined;
		try {
			if (project) {
				// Limits and hashes first: a site over the limits is refused before a second of bundling or a byte sent.
				progress.step(`Reading the assets in ${project.assets.shownDirectory}`);
				const local = await readAssets(project.assets.directory, project.assets.shownDirectory);
				assets = { local };
				progress.done(`Read ${describeAssets(local)} from ${project.assets.shownDirectory}`);
			}
			if (!assetsOnly) progress.step(wasm ? `Reading ${wasm.file}` : "Bundling with wrangler");
			bundle = assetsOnly
				? assetsOnlyBundle(project.config, { name: args.name, compatibilityDate: date })
				: wasm
					? await bundleWasm(io.cwd, wasm, { name: args.name, vars: args.var, compatibilityDate: date })
					: withResourceNames(
							await bundleProject(io, {
								entry: args.entry,
								name: args.name,
								vars: args.var,
								compatibilityDate: date,
								env: args.env,
								config: args.config,
								...(debug ? { debug: (text: string) => out.debug(text) } : {}),
							}),
							config,
						);
			checkName(bundle.name, "the config's name");
			// The config's cron triggers travel with the upload; the platform checks the code has a scheduled handler.
			const schedules = schedulesOf(config);
			sentSchedules = schedules?.schedules;
			if (schedules) bundle = { ...bundle, metadata: { ...bundle.metadata, ...schedules } };
			const bundledMs = performance.now() - started;
			if (!assetsOnly)
				progress.done(
					`${wasm ? "Read" : "Bundled"} ${bundle.name} in ${formatMs(bundledMs)}: ${describeBundle(bundle)}${wasm ? ", a WASI module" : ""}`,
				);
			if (args.outdir) {
				await writeOutdir(args.outdir, bundle);
				out.log(`Wrote the modules and metadata.json to ${args.outdir}`);
			}
			if (!api) return dryRun(bundle, (await encodeUpload(bundle)).bytes.byteLength);

			phase = "uploading";
			if (project && assets) {
				progress.step(`Uploading the assets the platform lacks to ${api.baseUrl}`);
				assets.upload = await uploadAssets(api, bundle.name, assets.local);
				progress.done(
					`Uploaded ${assets.upload.newFiles.toLocaleString("en-US")} new of ${assets.upload.files.toLocaleString("en-US")} asset files (${formatBytes(assets.upload.newBytes)})`,
				);
				bundle = withAssets(bundle, { jwt: assets.upload.jwt, config: project.assets.config });
			}
			const upload = await encodeUpload(bundle);
			const size = formatBytes(upload.bytes.byteLength);
			progress.step(`Uploading ${size} to ${api.baseUrl}`);
			const body = uploadStream(upload.bytes, () => (phase = "sent"));
			const result = await api.deploy(bundle.name, { body, contentType: upload.contentType }, (event) => {
				if (!deploymentId) progress.done(`Uploaded ${size}`);
				deploymentId = event.deployment_id;
				progress.state(event.deployment_id, event);
			});
			progress.done(`Deployed ${bundle.name} in ${formatMs(performance.now() - started)}`);
			summary(result, performance.now() - started, bundledMs);
		} catch (error) {
			progress.stop();
			if (error instanceof CancelledError && phase !== "bundling") throw cancelledDuring(phase, bundle?.name, deploymentId);
			throw error;
		}

		function dryRun(bundle: Bundle, sizeBytes: number) {
			const assetFiles = assets ? { files: assets.local.length, bytes: assets.local.reduce((n, a) => n + a.size, 0) } : null;
			if (args.json)
				return out.json({
					dry_run: true,
					name: bundle.name,
					size_bytes: sizeBytes,
					metadata: bundle.metadata,
					modules: bundle.modules.map((m) => ({ name: m.name, type: m.type, size_bytes: m.bytes.byteLength })),
					...(assetFiles ? { assets: assetFiles } : {}),
				});
			out.table(
				["MODULE", "TYPE", "SIZE"],
				bundle.modules.map((m) => [m.name, m.type, formatBytes(m.bytes.byteLength)]),
				"no modules",
			);
			out.log(`Metadata: ${JSON.stringify(bundle.metadata)}`);
			if (assets) out.log(`Assets: ${describeAssets(assets.local)}`);
			out.log("Dry run: nothing was uploaded.");
		}

		function summary(result: DeployResult, totalMs: number, bundledMs: number) {
			const sent = assets?.upload;
			const assetsField = sent ? { files: sent.files, new_files: sent.newFiles, new_bytes: sent.newBytes } : null;
			if (args.json) return out.json({ ...result, assets: assetsField, duration_ms: Math.round(totalMs) });
			const d = result.deployment;
			out.fields([
				["URL", result.url],
				["Preview", result.preview_url],
				["Deployment", d.id],
				["Artifact", `${formatBytes(d.size_bytes)}, sha256 ${d.artifact_sha256.slice(0, 12)}`],
				...(sent
					? [
							[
								"Assets",
								`${sent.files.toLocaleString("en-US")} files, ${sent.newFiles.toLocaleString("en-US")} new (${formatBytes(sent.newBytes)})`,
							] as [string, string],
						]
					: []),
				// What the deploy did to the script's cron triggers (docs/cron.md): replaced by the config's, or left as they were.
				...(sentSchedules
					? [["Crons", sentSchedules.length ? sentSchedules.map((s) => s.cron).join(", ") : "none (removed)"] as [string, string]]
					: []),
				["Time", `${formatMs(totalMs)} (${preparing} ${formatMs(bundledMs)}, upload and deploy ${formatMs(totalMs - bundledMs)})`],
			]);
		}
	},
});

/** The project's config as wrangler reads it, when there is one (a deploy of a named entry may have none). */
async function readProject(options: { cwd: string; config?: string; env?: string }, env: Record<string, string | undefined>) {
	const file = configFile(options);
	if (!file) return undefined;
	if (!existsSync(file)) throw new UserError(`no config file at ${options.config}`);
	return readProjectConfig(file, options, env);
}

/** An assets-only project: no module, the config's name and compatibility settings. */
function assetsOnlyBundle(config: ProjectConfig, options: { name?: string; compatibilityDate?: string }): Bundle {
	const name = options.name ?? config.name;
	if (!name) throw new UserError('name the script: add name = "…" to the config or pass --name');
	const compatibilityDate = options.compatibilityDate ?? config.compatibility_date;
	return {
		name,
		metadata: {
			...(compatibilityDate ? { compatibility_date: compatibilityDate } : {}),
			compatibility_flags: config.compatibility_flags ?? [],
		},
		modules: [],
	};
}

/** The upload's metadata with Cloudflare's `assets: {jwt, config}` (for assets only, beside the compatibility settings alone). */
const withAssets = (bundle: Bundle, assets: { jwt: string; config: ProjectAssets["config"] }): Bundle => ({
	...bundle,
	metadata: { ...bundle.metadata, assets },
});

/** "1,000 asset files, 2.1 MiB" */
function describeAssets(assets: readonly LocalAsset[]): string {
	const bytes = assets.reduce((n, a) => n + a.size, 0);
	return `${assets.length.toLocaleString("en-US")} asset file${assets.length === 1 ? "" : "s"}, ${formatBytes(bytes)}`;
}

/** "2 modules, 62.5 KiB (gzip 16 KiB), plus a 118.9 KiB source map" */
function describeBundle(bundle: Bundle): string {
	const isMap = (m: Bundle["modules"][number]) => m.type === "application/source-map";
	const code = bundle.modules.filter((m) => !isMap(m));
	const bytes = (list: Bundle["modules"]) => list.reduce((n, m) => n + m.bytes.byteLength, 0);
	const maps = bytes(bundle.modules.filter(isMap));
	const gzip = bundle.gzipBytes === undefined ? "" : ` (gzip ${formatBytes(bundle.gzipBytes)})`;
	return `${code.length} module${code.length === 1 ? "" : "s"}, ${formatBytes(bytes(code))}${gzip}${maps ? `, plus a ${formatBytes(maps)} source map` : ""}`;
}

/** What Ctrl-C left on the platform, by how far the upload got (see docs/cli.md, "Ctrl-C"). */
function cancelledDuring(phase: "uploading" | "sent", script = "the script", deploymentId?: string): CancelledError {
	if (phase === "uploading")
		return new CancelledError(
			`cancelled during the upload: the platform stores nothing from an incomplete upload, so ${script} still serves what it served before`,
		);
	const follow = deploymentId ? `ferry deployments view ${deploymentId}` : `ferry deployments list ${script}`;
	return new CancelledError(
		`stopped waiting: the upload was complete, so the platform finishes this deployment on its own (if it fails, the previous one keeps serving); follow it with '${follow}'`,
	);
}
