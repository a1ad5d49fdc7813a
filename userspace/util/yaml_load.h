/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * YAML files the agent reads (config.yaml, the web config), loaded with
 * limits an operator's typo or an attacker cannot push past: the file's
 * size, the nesting depth (checked on the event stream, before libyaml
 * builds a tree), and no key given twice in one mapping.
 */
#ifndef NETOBS_UTIL_YAML_LOAD_H
#define NETOBS_UTIL_YAML_LOAD_H

#include <stddef.h>

#include <yaml.h>

#define YAML_MAX_BYTES (1 << 20)
#define YAML_MAX_DEPTH 16

/*
 * 0 with *doc loaded (yaml_document_delete() it), or -errno / -EINVAL with
 * one line in @err naming the file, the line and what is wrong.
 */
int yaml_load_file(const char *path, yaml_document_t *doc, char *err, size_t errlen);

#endif /* NETOBS_UTIL_YAML_LOAD_H */
