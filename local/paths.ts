/** Where the local platform finds the repository and keeps its state. */
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const DEFAULT_STATE_DIR = path.join(ROOT, ".ferry", "state");
