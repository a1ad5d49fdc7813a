// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// The Grafana dashboards checked offline: each one type-checked by tsc as a
// literal of @grafana/schema's Dashboard type, and every panel query parsed
// by Prometheus' own PromQL grammar (@prometheus-io/lezer-promql) with the
// dashboard's variables substituted. One PASS/FAIL line per check.
// usage: node check_dashboards.mjs DASHBOARD.json...
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, dirname } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parser } from "@prometheus-io/lezer-promql";

const here = dirname(fileURLToPath(import.meta.url));
const files = process.argv.slice(2);
// Beside node_modules, so that tsc resolves @grafana/schema from there.
const work = join(here, ".check");
mkdirSync(work, { recursive: true });
let bad = 0;

// What Grafana puts in place of its variables when it runs a query.
export function substitute(expr) {
  return expr
    .replaceAll("$__rate_interval", "1m")
    .replaceAll("$__range", "1h")
    .replace(/\$\{?(instance|interface|role|server_port)\}?/g, ".*");
}

for (const f of files) {
  const d = JSON.parse(readFileSync(f, "utf8"));
  const name = basename(f, ".json");
  const ts = join(work, `${name}.ts`);
  writeFileSync(ts, `import type { Dashboard } from "@grafana/schema";\n` +
    `export const dashboard: Dashboard = ${JSON.stringify(d, null, 2)};\n`);
  try {
    execFileSync(join(here, "node_modules/.bin/tsc"), ["--noEmit", "--strict", "--module",
      "nodenext", "--moduleResolution", "nodenext", "--skipLibCheck", ts],
      { cwd: here, stdio: "pipe" });
    console.log(`PASS ${name}: type-checks as @grafana/schema's Dashboard`);
  } catch (e) {
    console.log(`FAIL ${name}: tsc\n${e.stdout}${e.stderr}`);
    bad++;
  }
  let n = 0;
  for (const p of d.panels)
    for (const t of p.targets ?? []) {
      const tree = parser.parse(substitute(t.expr));
      let err = null;
      tree.iterate({ enter: (node) => { if (node.type.isError && !err) err = node.from; } });
      if (err !== null) {
        console.log(`FAIL ${name}: panel "${p.title}" ${t.refId}: PromQL error at ${err}: ${t.expr}`);
        bad++;
      }
      n++;
    }
  console.log(`PASS ${name}: ${n} panel queries checked by the PromQL grammar`);
}
process.exit(bad ? 1 : 0);
