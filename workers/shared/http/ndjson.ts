/**
 * Newline-delimited JSON: one JSON document per line. The API streams deploy progress in it to
 * clients that ask (`Accept: application/x-ndjson`); the ferry CLI asks and reads it.
 */
export const NDJSON = "application/x-ndjson";
