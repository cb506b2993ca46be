/** The telemetry Worker's name (workers/telemetry/wrangler.toml): namespace scripts name it as their tail consumer. */
export const TELEMETRY_WORKER = "ferry-telemetry";
