// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target for the capture reader (wiretap under pcap_source.c): the
 * input is a file. Every frame it yields must fit the frame buffer and have
 * an Ethernet header's worth of bytes; the reader must end, never crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wire/pcap_source.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct pcap_source *s;
	struct pcap_frame f;
	char path[64], err[512];
	int fd = memfd_create("capture", MFD_CLOEXEC), n = 0;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	s = pcap_source_open(path, PCAP_SOURCE_MAX_FRAME, err, sizeof(err));
	while (s && pcap_source_next(s, &f, err, sizeof(err)) == 1 && n++ < 100000)
		if (f.len > PCAP_SOURCE_MAX_FRAME || f.len < 14 || f.wire_len < f.len || !f.data)
			abort();
	pcap_source_close(s);
	close(fd);
	return 0;
}
