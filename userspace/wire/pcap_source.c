// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "wire/pcap_source.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

#define ETH_HLEN_ 14
#define SLL_HLEN 16
#define SLL2_HLEN 20

struct pcap_source {
	pcap_t *p;
	int dlt;
	__u32 max_frame;
	__u64 short_frames;
	__u8 buf[]; /* max_frame bytes: link headers rewritten to Ethernet */
};

static int dlt_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 ||
	       dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6 || dlt == DLT_NULL ||
	       dlt == DLT_LOOP;
}

struct pcap_source *pcap_source_open(const char *path, __u32 max_frame, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct pcap_source *s;
	FILE *fp;

	/* Open the file ourselves so the reason is errno's, not a guess. */
	fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	s = calloc(1, sizeof(*s) + max_frame);
	if (!s) {
		fclose(fp);
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	s->p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!s->p) {
		fclose(fp);
		free(s);
		snprintf(err, errlen, "%s: not a pcap or pcapng capture (%s)", path, perr);
		return NULL;
	}
	s->dlt = pcap_datalink(s->p);
	s->max_frame = max_frame;
	if (!dlt_supported(s->dlt)) {
		snprintf(err, errlen,
			 "%s: unsupported link type %s (%d); supported: EN10MB, LINUX_SLL, "
			 "LINUX_SLL2, RAW, IPV4, IPV6, NULL, LOOP",
			 path, pcap_datalink_val_to_name(s->dlt) ?: "?", s->dlt);
		pcap_source_close(s);
		return NULL;
	}
	return s;
}

const char *pcap_source_linktype(const struct pcap_source *s)
{
	return pcap_datalink_val_to_name(s->dlt) ?: "?";
}

__u64 pcap_source_short_frames(const struct pcap_source *s)
{
	return s->short_frames;
}

/* Build an Ethernet header (zero MACs) with @proto in network order before @l3. */
static __u32 to_ethernet(struct pcap_source *s, const __u8 *l3, __u32 len, const __u8 proto[2])
{
	if (len > s->max_frame - ETH_HLEN_)
		len = s->max_frame - ETH_HLEN_;
	memset(s->buf, 0, 12);
	s->buf[12] = proto[0];
	s->buf[13] = proto[1];
	memcpy(s->buf + ETH_HLEN_, l3, len);
	return len + ETH_HLEN_;
}

int pcap_source_next(struct pcap_source *s, struct pcap_frame *f, char *err, size_t errlen)
{
	static const __u8 p_ip[2] = { 0x08, 0x00 }, p_ip6[2] = { 0x86, 0xdd };
	struct pcap_pkthdr *h;
	const __u8 *d;
	__u32 len;
	int rc;

	for (;;) {
		rc = pcap_next_ex(s->p, &h, &d);
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc < 0) {
			snprintf(err, errlen, "read error: %s", pcap_geterr(s->p));
			return -1;
		}
		len = h->caplen;
		f->ts_ns = (__u64)h->ts.tv_sec * 1000000000ULL + h->ts.tv_usec;
		/* A link header of hlen bytes becomes a 14-byte Ethernet header. */
		f->wire_len = h->len;
		switch (s->dlt) {
		case DLT_EN10MB:
			if (len < ETH_HLEN_)
				goto short_frame;
			f->data = d;
			f->len = len < s->max_frame ? len : s->max_frame;
			if (f->wire_len < len)
				f->wire_len = len; /* a record claiming less than it holds */
			return 1;
		case DLT_LINUX_SLL:
			if (len < SLL_HLEN)
				goto short_frame;
			f->len = to_ethernet(s, d + SLL_HLEN, len - SLL_HLEN, d + 14);
			f->wire_len = h->len - SLL_HLEN + ETH_HLEN_;
			break;
		case DLT_LINUX_SLL2:
			if (len < SLL2_HLEN)
				goto short_frame;
			f->len = to_ethernet(s, d + SLL2_HLEN, len - SLL2_HLEN, d);
			f->wire_len = h->len - SLL2_HLEN + ETH_HLEN_;
			break;
		case DLT_NULL:
		case DLT_LOOP:
			/* A 4-byte address family in the capturing host's (NULL) or
			 * network (LOOP) byte order; IPv6's value differs by OS, so the
			 * version nibble decides, as for raw IP.
			 */
			if (len < 5)
				goto short_frame;
			d += 4;
			len -= 4;
			f->wire_len -= 4;
			/* fallthrough */
		default: /* raw IP: the version nibble says which */
			if (len < 1)
				goto short_frame;
			f->len = to_ethernet(s, d, len, (d[0] >> 4) == 6 ? p_ip6 : p_ip);
			f->wire_len += ETH_HLEN_;
			break;
		}
		f->data = s->buf;
		if (f->wire_len < f->len)
			f->wire_len = f->len;
		return 1;
	short_frame:
		s->short_frames++;
	}
}

void pcap_source_close(struct pcap_source *s)
{
	if (!s)
		return;
	if (s->p)
		pcap_close(s->p);
	free(s);
}
