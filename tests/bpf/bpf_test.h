/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Shared by the tests that run the loaded programs: checks, and the engine or a skip. */
#ifndef NETOBS_BPF_TEST_H
#define NETOBS_BPF_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "wire/backend_bpf.h"

static int failures, checks;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			printf("FAIL %s:%d: ", __func__, __LINE__);                                \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

/*
 * The engine with default options, or the process exits: 77 (skip) without
 * root, 1 if the programs do not load.
 */
static inline struct wire_bpf *open_engine_or_exit(const char *test)
{
	struct wire_options o;
	struct wire_backend *b;

	log_route_libbpf();
	if (geteuid() != 0) {
		printf("SKIP %s: needs root for BPF_PROG_TEST_RUN\n", test);
		exit(77);
	}
	wire_options_default(&o);
	b = wire_bpf_open(&o, NULL, NULL);
	if (!b) {
		printf("FAIL %s: cannot load the BPF programs: %s\n", test, strerror(errno));
		exit(1);
	}
	return (struct wire_bpf *)b;
}

#endif /* NETOBS_BPF_TEST_H */
