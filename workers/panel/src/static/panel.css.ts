/** The panel's stylesheet (served at /static/panel.css by ./routes.ts). Colours keep WCAG AA contrast. */
export const PANEL_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4d5661; --line: #d0d7de; --accent: #0b57d0; --bad: #b3261e; --ok: #146c2e; --bg: #ffffff; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 "Liberation Sans", system-ui, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
code { font: 0.9em "Liberation Mono", ui-monospace, monospace; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: 0.5rem; }
.top { display: flex; align-items: center; gap: 1.5rem; padding: 0.75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { font-weight: 700; text-decoration: none; color: var(--ink); }
.top nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
.sign-out { margin-left: auto; display: flex; align-items: center; gap: 0.75rem; }
.who { color: var(--muted); }
main { max-width: 72rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.75rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 0 0 0.5rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; color: var(--muted); padding-bottom: 0.5rem; }
th, td { text-align: left; padding: 0.4rem 0.75rem 0.4rem 0; border-bottom: 1px solid var(--line); vertical-align: top; }
td.number { font-variant-numeric: tabular-nums; }
.budgets meter { width: 12rem; vertical-align: middle; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 0.75rem; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.deployments { list-style: none; padding: 0; }
.deployment { border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; margin-bottom: 0.75rem; }
.state { display: inline-block; font-size: 0.8rem; font-weight: 700; padding: 0 0.4rem; border-radius: 4px; background: var(--panel); border: 1px solid var(--line); }
.state-deployed { color: var(--ok); }
.state-error { color: var(--bad); }
.live { display: inline-block; font-size: 0.8rem; font-weight: 700; padding: 0 0.4rem; border-radius: 4px; background: var(--ok); color: #fff; }
.timeline { margin: 0.5rem 0; padding-left: 1.25rem; color: var(--muted); font-size: 0.9rem; }
.problem { color: var(--bad); border-left: 4px solid var(--bad); padding-left: 0.75rem; overflow-wrap: anywhere; }
.notice { border-left: 4px solid var(--ok); padding-left: 0.75rem; }
.stack { display: grid; gap: 0.5rem; max-width: 32rem; }
.actions { display: flex; gap: 1rem; align-items: center; }
input, select, textarea { font: inherit; padding: 0.4rem 0.5rem; border: 1px solid var(--muted); border-radius: 4px; }
button, .button { font: inherit; display: inline-block; padding: 0.4rem 0.9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; text-decoration: none; cursor: pointer; }
.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
.sign-out button { background: var(--bg); color: var(--accent); }
.invocations { list-style: none; padding: 0; font: 0.9em "Liberation Mono", ui-monospace, monospace; }
.invocation { border-bottom: 1px solid #e3e3e3; padding: 0.3rem 0; }
.invocation .line { padding-left: 1.5rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.level-error { color: var(--bad); }
.level-warn { color: #7a5900; }
.filters label { margin-right: 0.5rem; }
.chart { margin: 1rem 0; }
.chart > svg { width: 100%; height: 140px; }
.chart .key { margin-right: 0.75rem; white-space: nowrap; }
.chart .legend, .chart .max { color: var(--muted); font-size: 0.9em; }
`;
