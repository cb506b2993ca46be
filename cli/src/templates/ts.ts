import type { Template } from "./index.ts";

export default {
	description: "TypeScript",
	main: "src/index.ts",
	dependencies: {},
	devDependencies: {},
	files: {
		"src/index.ts": `interface Env {
	GREETING: string;
}

export default {
	async fetch(request: Request, env: Env): Promise<Response> {
		const { pathname } = new URL(request.url);
		return new Response(\`\${env.GREETING} from Ferry! You asked for \${pathname}\\n\`);
	},
};
`,
		"tsconfig.json": `${JSON.stringify(
			{
				compilerOptions: {
					target: "es2022",
					module: "es2022",
					moduleResolution: "bundler",
					lib: ["es2022", "webworker"],
					strict: true,
					noEmit: true,
				},
				include: ["src"],
			},
			null,
			2,
		)}\n`,
	},
} satisfies Template;
