// Fails when `npm install` resolved a different version of any package than the committed lockfile,
// or added/removed a package that is not an optional platform build. The registry reachable from
// these machines sometimes lists workerd's darwin/windows builds and sometimes not, so those
// optional entries may come and go without changing what this machine runs.
// Usage: node .ci/locked-versions.mjs <committed-lockfile> <installed-lockfile>
import { readFileSync } from "node:fs";

const [committedPath, installedPath] = process.argv.slice(2);
const packagesOf = (file) => JSON.parse(readFileSync(file, "utf8")).packages ?? {};
const committed = packagesOf(committedPath);
const installed = packagesOf(installedPath);

const problems = [];
for (const name of new Set([...Object.keys(committed), ...Object.keys(installed)])) {
	const before = committed[name];
	const after = installed[name];
	if (before && after) {
		if (before.version !== after.version) problems.push(`${name}: locked ${before.version}, installed ${after.version}`);
	} else if (!(before ?? after).optional) {
		problems.push(`${name}: ${before ? "removed by" : "added by"} npm install`);
	}
}
if (problems.length > 0) {
	console.error(`package-lock.json is out of date (run npm install and commit it):\n  ${problems.join("\n  ")}`);
	process.exit(1);
}
