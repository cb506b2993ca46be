import { defineConfig } from "drizzle-kit";

// drizzle-kit writes plain SQL migrations that wrangler applies (`wrangler d1 migrations apply`).
export default defineConfig({
	dialect: "sqlite",
	schema: "./workers/shared/db/schema.ts",
	out: "./d1-migrations",
});
