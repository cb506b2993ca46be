import type { Template } from "./index.ts";

export default {
	description: "JavaScript",
	main: "src/index.js",
	dependencies: {},
	devDependencies: {},
	files: {
		"src/index.js": `export default {
	async fetch(request, env) {
		const { pathname } = new URL(request.url);
		return new Response(\`\${env.GREETING} from Ferry! You asked for \${pathname}\\n\`);
	},
};
`,
	},
} satisfies Template;
