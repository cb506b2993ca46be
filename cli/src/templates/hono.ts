import type { Template } from "./index.ts";
import ts from "./ts.ts";

export default {
	description: "TypeScript and the Hono router, an npm dependency",
	main: "src/index.ts",
	dependencies: { hono: "4.13.19" },
	devDependencies: {},
	files: {
		"src/index.ts": `import { Hono } from "hono";

type Bindings = { GREETING: string };

const app = new Hono<{ Bindings: Bindings }>();

app.get("/", (c) => c.text(\`\${c.env.GREETING} from Hono on Ferry!\\n\`));
app.get("/api/time", (c) => c.json({ now: new Date().toISOString() }));

export default app;
`,
		"tsconfig.json": ts.files["tsconfig.json"],
	},
} satisfies Template;
