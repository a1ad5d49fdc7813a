/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* `netobs-xdp replay --iface`: a capture's frames sent out of an interface. */
#ifndef NETOBS_INJECT_H
#define NETOBS_INJECT_H

struct inject_opts {
	const char *path;
	const char *iface;
	double speed; /* 1.0: the capture's own timing; 0: as fast as possible */
};

/* 0, or -errno with the reason logged. */
int inject_run(const struct inject_opts *o);

#endif /* NETOBS_INJECT_H */
