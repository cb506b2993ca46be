/**
 * The platform modules a deployment's Worker Loader isolate gains for bindings whose JavaScript API
 * cannot cross Workers RPC as it is (docs/bindings.md): R2's objects (./r2-module.ts), D1's
 * statements (./d1-module.ts) and Durable Object ids and stubs (./durable-object-module.ts). The isolate's main module becomes a platform module that imports
 * them (each replaces its bindings in env, the one env object every handler and
 * `cloudflare:workers` see) and re-exports the tenant's main module unchanged. Tenant modules are
 * never rewritten; the stubs stay the only way to the data.
 */
import type { Manifest } from "../deployments/manifest";
import { d1Source } from "./d1-module";
import { durableObjectSource } from "./durable-object-module";
import { r2Source } from "./r2-module";

const MAIN_MODULE = "__ferry/main.js";

const resourcesOf = (type: string) => (manifest: Manifest) =>
	(manifest.resources ?? []).filter((r) => r.type === type).map((r) => r.binding);

const WRAPPERS = [
	{ bindings: resourcesOf("r2_bucket"), module: "__ferry/r2.js", source: r2Source },
	{ bindings: resourcesOf("d1"), module: "__ferry/d1.js", source: d1Source },
	{
		bindings: (manifest: Manifest) => (manifest.durableObjects?.bindings ?? []).map((b) => b.binding),
		module: "__ferry/durable-objects.js",
		source: durableObjectSource,
	},
] as const;

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
		const bindings = wrapper.bindings(manifest);
		if (bindings.length === 0) continue;
		extraModules[wrapper.module] = { js: wrapper.source(bindings) };
		imports.push(`import ${JSON.stringify(`./${wrapper.module.slice("__ferry/".length)}`)};`);
	}
	if (imports.length === 0) return undefined;
	const tenantMain = JSON.stringify(`../${main.name}`);
	extraModules[MAIN_MODULE] = { js: `${imports.join("\n")}\nexport * from ${tenantMain};\nexport { default } from ${tenantMain};\n` };
	return { extraModules, mainModule: MAIN_MODULE };
}
