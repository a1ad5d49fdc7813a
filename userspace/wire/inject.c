// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "wire/inject.h"
#include "util/log.h"
#include "wire/pcap_source.h"

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Sleep until @start_ns plus the capture time elapsed, scaled by the speed. */
static void pace(const struct inject_opts *o, unsigned long long start_ns,
		 unsigned long long first_ts, unsigned long long ts)
{
	unsigned long long due;
	struct timespec t;

	if (o->speed <= 0 || ts <= first_ts)
		return;
	due = start_ns + (unsigned long long)((ts - first_ts) / o->speed);
	t.tv_sec = due / 1000000000ULL;
	t.tv_nsec = due % 1000000000ULL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

int inject_run(const struct inject_opts *o)
{
	char err[512], perr[PCAP_ERRBUF_SIZE] = "";
	unsigned long long start = 0, first = 0, sent = 0, failed = 0, snapped = 0;
	struct pcap_source *src;
	struct pcap_frame f;
	pcap_t *out = NULL;
	int rc;

	src = pcap_source_open(o->path, PCAP_SOURCE_WHOLE_FRAME, err, sizeof(err));
	if (!src) {
		pr_err("replay: %s\n", err);
		return -EINVAL;
	}
	out = pcap_open_live(o->iface, 65535, 0, 100, perr);
	if (!out) {
		pr_err("replay: --iface %s: %s\n", o->iface, perr);
		rc = -ENODEV;
		goto cleanup;
	}
	while ((rc = pcap_source_next(src, &f, err, sizeof(err))) == 1) {
		if (!start) {
			start = mono_ns();
			first = f.ts_ns;
		}
		pace(o, start, first, f.ts_ns);
		snapped += f.wire_len > f.len;
		if (pcap_inject(out, f.data, f.len) == (int)f.len)
			sent++;
		else
			failed++;
	}
	if (rc < 0) {
		pr_err("replay: %s: %s\n", o->path, err);
		rc = -EIO;
		goto cleanup;
	}
	pr_info("replay: %s: %llu frames injected into %s in %.3f s%s\n", o->path, sent, o->iface,
		start ? (mono_ns() - start) / 1e9 : 0.0, o->speed > 0 ? "" : " (top speed)");
	if (failed)
		pr_warn("replay: %s: %llu frames could not be sent (%s)\n", o->path, failed,
			pcap_geterr(out));
	if (snapped)
		pr_warn("replay: %s: %llu frames were captured shorter than they were on the wire "
			"(a snapshot length): they went out as captured, so their IP headers claim "
			"more than they carry\n",
			o->path, snapped);
	if (pcap_source_short_frames(src))
		pr_warn("replay: %s: %llu frames shorter than their link header were skipped\n",
			o->path, pcap_source_short_frames(src));
	rc = failed ? -EIO : 0;
cleanup:
	if (out)
		pcap_close(out);
	pcap_source_close(src);
	return rc;
}
