/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Where the NDJSON records go (--records-out, export.records), parsed and checked. */
#ifndef NETOBS_RECORD_TARGET_H
#define NETOBS_RECORD_TARGET_H

enum record_sink_kind {
	SINK_UNIX = 1,
	SINK_TCP,
	SINK_FILE,
};

/* Where records go: parsed from unix:PATH, tcp://HOST:PORT or file:PATH. */
struct record_target {
	enum record_sink_kind kind;
	char path[108]; /* unix, file */
	char host[64];	/* tcp: a numeric address */
	char port[8];
};

#define RECORD_TARGET_ALLOWED "unix:PATH, tcp://HOST:PORT (a numeric address) or file:PATH"

/* 0, or -EINVAL with @t untouched. */
int record_target_parse(const char *spec, struct record_target *t);
/* The kind as a label value: unix, tcp, file. */
const char *record_sink_name(enum record_sink_kind kind);

#endif /* NETOBS_RECORD_TARGET_H */
