/**
 * SQL text split into its statements where SQLite itself would end them: the state machine of
 * SQLite's `sqlite3_complete()` (complete.c), which knows strings ('…', "…", `…`, […]), comments
 * (-- and /* *\/) and `CREATE [TEMP] TRIGGER … BEGIN …; END;`, whose inner semicolons end nothing.
 * wrangler's `d1 execute` splits a file with the same machine (workers-utils' splitSqlQuery), and
 * D1's query API answers one result per statement found so: `ferry d1 execute` and
 * `POST /v1/d1/:database/query` answer the same. Blank and comment-only statements are dropped.
 */

type Token = "semi" | "ws" | "other" | "explain" | "create" | "temp" | "trigger" | "end";

// States, as complete.c numbers them.
const INVALID = 0;
const START = 1;

/** complete.c's `trans[state][token]`. */
const TRANSITIONS: Record<Token, number>[] = [
	/* 0 INVALID */ { semi: 1, ws: 0, other: 2, explain: 3, create: 4, temp: 2, trigger: 2, end: 2 },
	/* 1 START   */ { semi: 1, ws: 1, other: 2, explain: 3, create: 4, temp: 2, trigger: 2, end: 2 },
	/* 2 NORMAL  */ { semi: 1, ws: 2, other: 2, explain: 2, create: 2, temp: 2, trigger: 2, end: 2 },
	/* 3 EXPLAIN */ { semi: 1, ws: 3, other: 3, explain: 2, create: 4, temp: 2, trigger: 2, end: 2 },
	/* 4 CREATE  */ { semi: 1, ws: 4, other: 2, explain: 2, create: 2, temp: 4, trigger: 5, end: 2 },
	/* 5 TRIGGER */ { semi: 6, ws: 5, other: 5, explain: 5, create: 5, temp: 5, trigger: 5, end: 5 },
	/* 6 SEMI    */ { semi: 6, ws: 6, other: 5, explain: 5, create: 5, temp: 5, trigger: 5, end: 7 },
	/* 7 END     */ { semi: 1, ws: 7, other: 5, explain: 5, create: 5, temp: 5, trigger: 5, end: 5 },
];

const KEYWORDS: Record<string, Token> = {
	explain: "explain",
	create: "create",
	temp: "temp",
	temporary: "temp",
	trigger: "trigger",
	end: "end",
};
const IDENTIFIER = /[A-Za-z0-9_$\u0080-\uffff]/;
const QUOTE_END: Record<string, string> = { "'": "'", '"': '"', "`": "`", "[": "]" };

export function sqlStatements(sql: string): string[] {
	const statements: string[] = [];
	let state = INVALID;
	let start = 0;
	/** Whether the current statement holds anything but whitespace and comments. */
	let useful = false;
	const finish = (end: number) => {
		const statement = sql.slice(start, end).trim();
		if (useful && statement.length > 0) statements.push(statement);
		start = end + 1;
		useful = false;
	};
	for (let i = 0; i < sql.length; i++) {
		const char = sql[i]!;
		let token: Token;
		if (char === ";") token = "semi";
		else if (/\s/.test(char)) token = "ws";
		else if (char === "/" && sql[i + 1] === "*") {
			const end = sql.indexOf("*/", i + 2);
			i = end === -1 ? sql.length : end + 1;
			token = "ws";
		} else if (char === "-" && sql[i + 1] === "-") {
			const end = sql.indexOf("\n", i + 2);
			i = end === -1 ? sql.length : end;
			token = "ws";
		} else if (char in QUOTE_END) {
			// An unterminated string runs to the end: SQLite will refuse the statement with its own message.
			const end = sql.indexOf(QUOTE_END[char]!, i + 1);
			i = end === -1 ? sql.length : end;
			token = "other";
		} else if (IDENTIFIER.test(char)) {
			let end = i;
			while (end + 1 < sql.length && IDENTIFIER.test(sql[end + 1]!)) end++;
			token = KEYWORDS[sql.slice(i, end + 1).toLowerCase()] ?? "other";
			i = end;
		} else token = "other";
		if (token !== "semi" && token !== "ws") useful = true;
		state = TRANSITIONS[state]![token];
		if (state === START && token === "semi") {
			finish(i);
			state = INVALID;
		}
	}
	finish(sql.length);
	return statements;
}
