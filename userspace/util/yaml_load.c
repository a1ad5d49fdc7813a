// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/yaml_load.h"

static int read_all(const char *path, unsigned char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	int e;

	if (!f) {
		e = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return e;
	}
	*buf = malloc(YAML_MAX_BYTES + 1);
	if (!*buf) {
		fclose(f);
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	n = fread(*buf, 1, YAML_MAX_BYTES + 1, f);
	e = ferror(f) ? -EIO : 0;
	fclose(f);
	if (e) {
		snprintf(err, errlen, "%s: read error", path);
	} else if (n > YAML_MAX_BYTES) {
		snprintf(err, errlen, "%s: larger than %d bytes: not a config file", path,
			 YAML_MAX_BYTES);
		e = -EFBIG;
	}
	if (e) {
		free(*buf);
		*buf = NULL;
		return e;
	}
	*len = n;
	return 0;
}

/* The event stream only: depth is known before a tree of any size exists. */
static int check_depth(const char *path, const unsigned char *buf, size_t len, char *err,
		       size_t errlen)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, rc = 0, done = 0;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, buf, len);
	while (!done && !rc) {
		if (!yaml_parser_parse(&p, &ev)) {
			snprintf(err, errlen, "%s:%zu: not valid YAML: %s", path,
				 p.problem_mark.line + 1, p.problem ?: "?");
			rc = -EINVAL;
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > YAML_MAX_DEPTH) {
				snprintf(err, errlen,
					 "%s:%zu: nested deeper than %d levels: not a config file",
					 path, ev.start_mark.line + 1, YAML_MAX_DEPTH);
				rc = -EINVAL;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (ev.type == YAML_ALIAS_EVENT) {
			/* Aliases could multiply a small file into a huge tree. */
			snprintf(err, errlen, "%s:%zu: YAML aliases (*name) are not allowed here",
				 path, ev.start_mark.line + 1);
			rc = -EINVAL;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

/* A key given twice in one mapping is an error (last-wins would hide a typo). */
static int check_duplicates(const char *path, yaml_document_t *doc, char *err, size_t errlen)
{
	yaml_node_t *n;

	for (n = doc->nodes.start; n < doc->nodes.top; n++) {
		yaml_node_pair_t *a, *b;

		if (n->type != YAML_MAPPING_NODE)
			continue;
		for (a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top; a++) {
			yaml_node_t *ka = yaml_document_get_node(doc, a->key);

			if (!ka || ka->type != YAML_SCALAR_NODE)
				continue;
			for (b = a + 1; b < n->data.mapping.pairs.top; b++) {
				yaml_node_t *kb = yaml_document_get_node(doc, b->key);

				if (kb && kb->type == YAML_SCALAR_NODE &&
				    ka->data.scalar.length == kb->data.scalar.length &&
				    !memcmp(ka->data.scalar.value, kb->data.scalar.value,
					    ka->data.scalar.length)) {
					snprintf(err, errlen,
						 "%s:%zu: key '%s' given twice (first on line %zu)",
						 path, kb->start_mark.line + 1,
						 (const char *)kb->data.scalar.value,
						 ka->start_mark.line + 1);
					return -EINVAL;
				}
			}
		}
	}
	return 0;
}

int yaml_load_file(const char *path, yaml_document_t *doc, char *err, size_t errlen)
{
	unsigned char *buf = NULL;
	yaml_parser_t p;
	size_t len = 0;
	int rc;

	rc = read_all(path, &buf, &len, err, errlen);
	if (rc)
		return rc;
	rc = check_depth(path, buf, len, err, errlen);
	if (rc) {
		free(buf);
		return rc;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, buf, len);
	if (!yaml_parser_load(&p, doc)) {
		snprintf(err, errlen, "%s:%zu: not valid YAML: %s", path, p.problem_mark.line + 1,
			 p.problem ?: "?");
		rc = -EINVAL;
	}
	yaml_parser_delete(&p);
	free(buf);
	if (!rc) {
		rc = check_duplicates(path, doc, err, errlen);
		if (rc)
			yaml_document_delete(doc);
	}
	return rc;
}
