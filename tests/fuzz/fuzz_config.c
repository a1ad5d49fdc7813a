// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target for the two YAML files the agent reads: config.yaml and the
 * web config. A file is accepted or refused with one line that names the file;
 * nothing else may happen (the sanitizers watch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/config.h"
#include "export/web_config.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct netobs_config c;
	struct web_config w;
	char path[64], err[512];
	int fd = memfd_create("config", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	config_defaults(&c);
	err[0] = 0;
	if (config_load(path, &c, err, sizeof(err)) && !strstr(err, path))
		abort(); /* a refusal names the file */
	if (!web_config_load(path, &w, err, sizeof(err)))
		web_config_free(&w);
	close(fd);
	return 0;
}
