/** SQL split where SQLite ends a statement (workers/shared/resources/sql-statements.ts): what `ferry d1 execute` and the query API answer one result for. */
import { describe, expect, it } from "vitest";
import { sqlStatements } from "../../workers/shared/resources/sql-statements.ts";

describe("sqlStatements", () => {
	it("ends a statement at a ';' outside strings, quoted names and comments", () => {
		expect(
			sqlStatements(`CREATE TABLE a (x TEXT); -- a;comment
INSERT INTO a VALUES ('x;y'), ("q;"), ('it''s;'); /* block ; */ SELECT [x;y], \`a;b\` FROM a;; SELECT 1`),
		).toEqual([
			"CREATE TABLE a (x TEXT)",
			`-- a;comment\nINSERT INTO a VALUES ('x;y'), ("q;"), ('it''s;')`,
			"/* block ; */ SELECT [x;y], `a;b` FROM a",
			"SELECT 1",
		]);
	});

	it("keeps a trigger's body whole, up to its END, a CASE … END inside it too", () => {
		expect(
			sqlStatements(
				"CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = CASE WHEN 1 THEN 2 END; INSERT INTO b VALUES (1); END; SELECT 2",
			),
		).toEqual([
			"CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = CASE WHEN 1 THEN 2 END; INSERT INTO b VALUES (1); END",
			"SELECT 2",
		]);
	});

	it("drops blank and comment-only statements; an unterminated string runs to the end", () => {
		expect(sqlStatements("  ;\n-- only a comment\n;")).toEqual([]);
		expect(sqlStatements("SELECT 1; -- trailing")).toEqual(["SELECT 1"]);
		expect(sqlStatements("SELECT 'open; SELECT 2")).toEqual(["SELECT 'open; SELECT 2"]);
	});
});
