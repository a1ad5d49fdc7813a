// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// Every object `kubectl kustomize` rendered (YAML on stdin) against the
// Kubernetes schemas (kubernetes-models, and the Prometheus Operator's for
// ServiceMonitor and PodMonitor). Prints one PASS/FAIL line per object; with
// a directory argument, writes each ConfigMap's files there for the agent's
// own --check-config.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Service } from "kubernetes-models/v1/Service";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";

const models = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "apps/v1/DaemonSet": DaemonSet,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor,
  "monitoring.coreos.com/v1/PodMonitor": PodMonitor,
};

const docs = yaml.loadAll(readFileSync(0, "utf8")).filter((d) => d);
let bad = 0;
for (const d of docs) {
  const key = `${d.apiVersion}/${d.kind}`;
  const name = `${d.kind} ${d.metadata?.namespace ?? ""}/${d.metadata?.name}`;
  const Model = models[key];
  if (!Model) {
    console.log(`FAIL ${name}: no schema known for ${key}`);
    bad++;
    continue;
  }
  try {
    new Model(d).validate();
    console.log(`PASS ${name} validates against ${key}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e.message}`);
    bad++;
  }
  if (d.kind === "ConfigMap" && process.argv[2]) {
    for (const [file, text] of Object.entries(d.data ?? {}))
      writeFileSync(join(process.argv[2], file), text);
  }
}
if (!docs.length) {
  console.log("FAIL no objects rendered");
  bad++;
}
process.exit(bad ? 1 : 0);
