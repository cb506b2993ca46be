/**
 * What the Cloudflare tests share: the platform on production's runtime (the dispatch-namespace
 * publisher against the fake Cloudflare API, the dispatcher through the stand-in namespace), deploys
 * read back as JSON, the platform's log lines, hand-made Built deployments and publishers driven
 * directly.
 */
import { env } from "cloudflare:workers";
import { onTestFinished, vi } from "vitest";
import type { BuiltDeployment } from "../../../workers/api/src/publish";
import { DispatchNamespacePublisher } from "../../../workers/api/src/publish/dispatch-namespace";
import type { CloudflareApiOptions } from "../../../workers/api/src/publish/dispatch-namespace/api";
import type { Manifest } from "../../../workers/shared/deployments/manifest";
import { newId, sha256Hex } from "../../../workers/shared/ids";
import type { FakeCloudflareApi } from "../../support/cloudflare-api/control";
import { scriptMetadataSchema } from "../../support/cloudflare-api/schema";
import { hello, uniqueName } from "../platform";
import { type CloudflarePlatform, cloudflarePlatform } from "../runtime/platforms";

export type DeploymentView = { id: string; state: string; error: { stage: string; message: string } | null };

export function cloudflareTestPlatform(options?: Parameters<typeof cloudflarePlatform>[0]) {
	const p: CloudflarePlatform = cloudflarePlatform(options);

	async function deploy(
		token: string,
		name: string,
		source: Parameters<CloudflarePlatform["deploy"]>[2],
		metadata?: Record<string, unknown>,
	) {
		const res = await p.deploy(token, name, source, metadata);
		const body = (await res.json()) as { deployment: DeploymentView; error?: { code: string; message: string } };
		return { status: res.status, ...body };
	}

	/** A tenant with a script whose first deployment serves. */
	async function liveScript(source = hello("v1")) {
		const tenant = await p.newTenant();
		const name = uniqueName("cf");
		const first = await deploy(tenant.token, name, source);
		if (first.status !== 200) throw new Error(`deploy failed: ${JSON.stringify(first)}`);
		return { tenant, name, first: first.deployment, scriptId: await scriptIdOf(name) };
	}

	/** The bindings of the namespace script the deployment was uploaded as, parsed with the documented schema. */
	async function uploadedBindings(deploymentId: string) {
		const [upload] = await p.cloudflare.requests({ script: deploymentId });
		return scriptMetadataSchema.parse(upload!.metadata).bindings;
	}

	/** The requests that created a resource at the account path ending in `path` (the tests' own list reads are GETs). */
	const creations = async (path: string) => (await p.cloudflare.requests({})).filter((r) => r.method === "POST" && r.path.endsWith(path));

	return { p, cloudflare: p.cloudflare, deploy, liveScript, uploadedBindings, creations };
}

/** The Cloudflare id D1 keeps for the tenant's resource (`resources.production_id`). */
export const productionId = async (type: string, tenantId: string, name: string) =>
	(
		await env.DB.prepare("SELECT production_id FROM resources WHERE tenant_id = ? AND type = ? AND name = ?")
			.bind(tenantId, type, name)
			.first<{ production_id: string | null }>()
	)?.production_id;

/** The id of the live script named `name` (namespace scripts are tagged with it). */
export async function scriptIdOf(name: string): Promise<string> {
	const row = await env.DB.prepare("SELECT id FROM scripts WHERE name = ? AND deleted_at IS NULL").bind(name).first<{ id: string }>();
	if (!row) throw new Error(`no live script ${name}`);
	return row.id;
}

/** Structured log lines the platform writes at `level` from now on, as a function reading them. */
export function captureLogs(level: "info" | "warn" | "error") {
	const spy = vi.spyOn(console, level);
	// Restored when the test ends. Not a module-level afterEach: the workers project's files share one
	// module graph (isolate: false), so such a hook would be registered by the first importing file only.
	onTestFinished(() => spy.mockRestore());
	return () => spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
}

/** A Built deployment made by hand, for driving the publisher without the pipeline. */
export async function builtDeployment(source: string): Promise<BuiltDeployment> {
	const bytes = new TextEncoder().encode(source).buffer as ArrayBuffer;
	const sha256 = await sha256Hex(bytes);
	const manifest: Manifest = {
		version: 1,
		deploymentId: newId(),
		scriptName: uniqueName("direct"),
		tenantId: newId(),
		mainModule: "index.js",
		compatibilityDate: "2026-11-01",
		compatibilityFlags: [],
		vars: { MODE: "test" },
		modules: [{ name: "index.js", kind: "esm", sha256, size: bytes.byteLength }],
	};
	return { manifest, blobs: new Map([[sha256, bytes]]), scriptId: newId(), secrets: {} };
}

/** The publisher on its own, against the fake; `token`/`namespace` replace the configured ones. */
export function directPublisher(
	cloudflare: FakeCloudflareApi,
	{ token, namespace, ...options }: CloudflareApiOptions & { token?: string; namespace?: string } = {},
) {
	const { url, accountId, apiToken } = cloudflare.info;
	return new DispatchNamespacePublisher(
		{ apiUrl: url, accountId, apiToken: token ?? apiToken, namespace: namespace ?? cloudflare.info.namespace },
		options,
	);
}

/** A failed Cloudflare answer in its envelope. */
export const cloudflareError = (status: number, code: number, message: string, headers?: Record<string, string>) => ({
	status,
	...(headers ? { headers } : {}),
	body: { success: false, errors: [{ code, message }], messages: [], result: null },
});
