/**
 * The platform modules a deployment's Worker Loader isolate gains for bindings whose JavaScript API
 * cannot cross Workers RPC as it is (docs/bindings.md): R2's objects (./r2-module.ts), D1's
 * statements (./d1-module.ts) and Durable Object ids and stubs (./durable-object-module.ts). The isolate's main module becomes a platform module that imports
 * them (each replaces its bindings in env, the one env object every handler and
 * `cloudflare:workers` see) and re-exports the tenant's main module unchanged, but for its bound
 * Durable Object classes, each exported as a subclass that gives its objects the platform's alarms.
 * Tenant modules are never rewritten; the stubs stay the only way to the data.
 */
import type { Manifest } from "../deployments/manifest";
import { d1Source } from "./d1-module";
import { durableObjectSource } from "./durable-object-module";
import { r2Source } from "./r2-module";

const MAIN_MODULE = "__ferry/main.js";

const resourcesOf = (manifest: Manifest, type: string) => (manifest.resources ?? []).filter((r) => r.type === type).map((r) => r.binding);

/** Each platform module's source for a manifest, or null when the deployment has no binding it serves. */
const WRAPPERS: { module: string; source(manifest: Manifest): string | null }[] = [
	{ module: "__ferry/r2.js", source: (m) => nonEmpty(resourcesOf(m, "r2_bucket"), r2Source) },
	{ module: "__ferry/d1.js", source: (m) => nonEmpty(resourcesOf(m, "d1"), d1Source) },
	{
		module: "__ferry/durable-objects.js",
		source: (m) => nonEmpty(m.durableObjects?.bindings ?? [], (b) => durableObjectSource(b, m.compatibilityDate)),
	},
];

const nonEmpty = <T>(bindings: T[], source: (bindings: T[]) => string) => (bindings.length === 0 ? null : source(bindings));

/**
 * The modules and main module that give a deployment's isolate the APIs of its bindings; none when
 * it binds nothing that needs one. A CommonJS main module keeps the stubs' own answers (no wrapper).
 */
export function bindingModules(manifest: Manifest): { extraModules: Record<string, WorkerLoaderModule>; mainModule: string } | undefined {
	const main = manifest.modules.find((m) => m.name === manifest.mainModule);
	if (main?.kind !== "esm") return undefined;
	const extraModules: Record<string, WorkerLoaderModule> = {};
	const imports: string[] = [];
	for (const wrapper of WRAPPERS) {
		const source = wrapper.source(manifest);
		if (source === null) continue;
		extraModules[wrapper.module] = { js: source };
		imports.push(`import ${JSON.stringify(`./${wrapper.module.slice("__ferry/".length)}`)};`);
	}
	if (imports.length === 0) return undefined;
	const tenantMain = JSON.stringify(`../${main.name}`);
	extraModules[MAIN_MODULE] = {
		js: [
			...imports,
			...objectClasses(manifest, tenantMain),
			`export * from ${tenantMain};`,
			`export { default } from ${tenantMain};`,
			"",
		].join("\n"),
	};
	return { extraModules, mainModule: MAIN_MODULE };
}

/**
 * Each bound Durable Object class through withAlarms (./durable-object-module.ts), exported under
 * its own name, which shadows the tenant's in `export *`. Class names only appear as export names
 * and property keys, so none can clash with this module's own.
 */
function objectClasses(manifest: Manifest, tenantMain: string): string[] {
	const classes = [...new Set((manifest.durableObjects?.bindings ?? []).map((b) => b.className))].filter((name) => name !== "default");
	if (classes.length === 0) return [];
	return [
		`import { withAlarms as __ferry_withAlarms } from "./durable-objects.js";`,
		`import * as __ferry_tenant from ${tenantMain};`,
		...classes.flatMap((name, i) => [
			`const __ferry_class${i} = __ferry_withAlarms(__ferry_tenant[${JSON.stringify(name)}], ${JSON.stringify(name)});`,
			`export { __ferry_class${i} as ${name} };`,
		]),
	];
}
