import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The migrations drizzle-kit wrote, applied the way wrangler applies them (idempotent per database).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
