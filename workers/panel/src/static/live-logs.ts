/**
 * The live log's script (served as /static/live-logs.js, loaded with the page's CSP nonce): it opens
 * the page's event stream (the panel's proxy of the API's live tail, same origin, the session's
 * cookie) and puts each invocation at the top of the list. Every value goes in as text
 * (textContent), never as HTML, so a console line of `<script>` shows as those characters.
 */
export const LIVE_LOGS_JS = `"use strict";
(() => {
	const list = document.getElementById("live-log");
	const status = document.getElementById("live-status");
	if (!list || !status) return;
	const line = (className, text) => {
		const element = document.createElement("div");
		element.className = className;
		element.textContent = text;
		return element;
	};
	const source = new EventSource(list.dataset.src);
	source.addEventListener("ready", () => {
		status.textContent = "Live: new requests appear here.";
	});
	source.addEventListener("invocation", (event) => {
		const record = JSON.parse(event.data);
		const item = document.createElement("li");
		item.className = "invocation";
		const what = record.event === "fetch" ? record.method + " " + record.path : record.event;
		const took = record.wall_ms === null ? "" : "  " + record.wall_ms + " ms";
		item.append(line("head", record.time.slice(11, 19) + "  " + (record.status ?? "---") + "  " + what + took));
		for (const entry of record.logs) item.append(line("line level-" + entry.level, entry.level + "  " + entry.message));
		if (record.exception) item.append(line("line level-error", record.exception.name + ": " + record.exception.message));
		list.prepend(item);
		while (list.children.length > 200) list.lastElementChild.remove();
	});
	source.addEventListener("skipped", (event) => {
		const { count } = JSON.parse(event.data);
		status.textContent = "Live: " + count + " requests not shown (too many a second); filter to see fewer.";
	});
	source.addEventListener("error", () => {
		status.textContent = "Live log interrupted; reconnecting…";
	});
})();
`;
