/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef NETOBS_REPLAY_H
#define NETOBS_REPLAY_H

#include <stdio.h>

#include "l7/l7.h"
#include "wire/backend.h"

enum replay_format {
	REPLAY_TABLE = 0,
	REPLAY_JSON,
};

enum replay_engine {
	ENGINE_AUTO = 0, /* BPF, else the userspace build (and say so) */
	ENGINE_BPF,
	ENGINE_USER,
};

struct replay_opts {
	const char *path;
	enum replay_format format;
	enum replay_engine engine;
	struct wire_options wire;
	struct l7_options l7;
	int no_l7; /* flows only */
	FILE *out;
};

/*
 * Offline replay through the engine. 0, or -errno with the reason logged;
 * -EINTR when SIGINT or SIGTERM stopped it (the records so far are printed),
 * see replay_stop_signal().
 */
int replay_run(const struct replay_opts *o);
/* The signal that stopped the last replay_run(), or 0. */
int replay_stop_signal(void);

#endif /* NETOBS_REPLAY_H */
