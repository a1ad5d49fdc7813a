// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Captures are read with wiretap, Wireshark's own reader: the test oracle
 * (tshark) and replay then agree on every record, and it brings what
 * libpcap's reader lacks: pcapng interfaces of different link types in one
 * file, compressed files (gzip, zstd, lz4), standard input ("-"), and a
 * truncated last record reported after the whole ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wiretap/wtap.h>
#include <wsutil/wslog.h>

#include "wire/pcap_source.h"

#define ETH_HLEN_ 14
#define SLL_HLEN 16
#define SLL2_HLEN 20
#define NULL_HLEN 4

struct pcap_source {
	wtap *w;
	wtap_rec rec;
	Buffer buf;
	int encap; /* the file's, or WTAP_ENCAP_PER_PACKET */
	__u32 max_frame;
	__u64 short_frames, other_link, records;
	int truncated;
	__u8 out[]; /* max_frame bytes: link headers rewritten to Ethernet */
};

/* The link types we turn into Ethernet, with the names libpcap gives them. */
static const struct {
	int encap;
	const char *name;
	__u32 hlen; /* link header replaced by an Ethernet one (0: kept, or none) */
	__u32 min;  /* shortest record that holds it */
} link_types[] = {
	{ WTAP_ENCAP_ETHERNET, "EN10MB", 0, ETH_HLEN_ },
	{ WTAP_ENCAP_SLL, "LINUX_SLL", SLL_HLEN, SLL_HLEN },
	{ WTAP_ENCAP_SLL2, "LINUX_SLL2", SLL2_HLEN, SLL2_HLEN },
	{ WTAP_ENCAP_RAW_IP, "RAW", 0, 1 },
	{ WTAP_ENCAP_RAW_IP4, "IPV4", 0, 1 },
	{ WTAP_ENCAP_RAW_IP6, "IPV6", 0, 1 },
	{ WTAP_ENCAP_NULL, "NULL", NULL_HLEN, NULL_HLEN + 1 },
	{ WTAP_ENCAP_LOOP, "LOOP", NULL_HLEN, NULL_HLEN + 1 },
};

#define N_LINK_TYPES (sizeof(link_types) / sizeof(link_types[0]))

static int link_index(int encap)
{
	size_t i;

	for (i = 0; i < N_LINK_TYPES; i++)
		if (link_types[i].encap == encap)
			return i;
	return -1;
}

static void wiretap_init_once(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	/* wiretap's own log is for Wireshark's developers: only its errors here. */
	ws_log_init("netobs-xdp", NULL);
	ws_log_set_level(LOG_LEVEL_ERROR);
	wtap_init(FALSE);
}

static void supported_list(char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < N_LINK_TYPES && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", link_types[i].name);
}

struct pcap_source *pcap_source_open(const char *path, __u32 max_frame, char *err, size_t errlen)
{
	struct pcap_source *s;
	gchar *info = NULL;
	char list[128];
	int werr = 0;

	wiretap_init_once();
	s = calloc(1, sizeof(*s) + max_frame);
	if (!s) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	s->w = wtap_open_offline(path, WTAP_TYPE_AUTO, &werr, &info, FALSE);
	if (!s->w) {
		if (werr > 0)
			snprintf(err, errlen, "%s: %s", path, strerror(werr));
		else if (werr == WTAP_ERR_FILE_UNKNOWN_FORMAT)
			snprintf(err, errlen,
				 "%s: not a pcap or pcapng capture (nor another format Wireshark "
				 "reads)",
				 path);
		else
			snprintf(err, errlen, "%s: %s%s%s", path, wtap_strerror(werr),
				 info ? ": " : "", info ? info : "");
		g_free(info);
		free(s);
		return NULL;
	}
	s->encap = wtap_file_encap(s->w);
	s->max_frame = max_frame;
	wtap_rec_init(&s->rec);
	ws_buffer_init(&s->buf, 2048);
	if (s->encap != WTAP_ENCAP_PER_PACKET && link_index(s->encap) < 0) {
		supported_list(list, sizeof(list));
		snprintf(err, errlen, "%s: unsupported link type %s (%s); supported: %s", path,
			 wtap_encap_name(s->encap) ?: "?", wtap_encap_description(s->encap) ?: "?",
			 list);
		pcap_source_close(s);
		return NULL;
	}
	return s;
}

const char *pcap_source_linktype(const struct pcap_source *s)
{
	int i = link_index(s->encap);

	return i >= 0 ? link_types[i].name : "per interface";
}

__u64 pcap_source_short_frames(const struct pcap_source *s)
{
	return s->short_frames;
}

__u64 pcap_source_other_link_frames(const struct pcap_source *s)
{
	return s->other_link;
}

int pcap_source_truncated(const struct pcap_source *s)
{
	return s->truncated;
}

__u64 pcap_source_records(const struct pcap_source *s)
{
	return s->records;
}

/* Write an Ethernet header (zero MACs) with EtherType @proto, then @l3. */
static __u32 to_ethernet(struct pcap_source *s, const __u8 *l3, __u32 len, __u16 proto)
{
	if (len > s->max_frame - ETH_HLEN_)
		len = s->max_frame - ETH_HLEN_;
	memset(s->out, 0, 12);
	s->out[12] = proto >> 8;
	s->out[13] = proto;
	memcpy(s->out + ETH_HLEN_, l3, len);
	return len + ETH_HLEN_;
}

/* EtherType of what follows link type @encap's header in @d (len >= its header). */
static __u16 link_proto(int encap, const __u8 *d, const __u8 *l3, __u32 l3_len)
{
	switch (encap) {
	case WTAP_ENCAP_SLL:
		return (__u16)d[14] << 8 | d[15];
	case WTAP_ENCAP_SLL2:
		return (__u16)d[0] << 8 | d[1];
	default:
		/* Raw IP, and NULL/LOOP whose address family differs by OS: the
		 * version nibble says which.
		 */
		return l3_len && (l3[0] >> 4) == 6 ? 0x86dd : 0x0800;
	}
}

int pcap_source_next(struct pcap_source *s, struct pcap_frame *f, char *err, size_t errlen)
{
	gchar *info = NULL;
	gint64 offset;
	int werr = 0;

	for (;;) {
		const __u8 *d;
		__u32 caplen, len;
		int i;
		__u32 hlen;

		/* A record's options block (pcapng) is the reader's to free before the next. */
		wtap_rec_reset(&s->rec);
		if (!wtap_read(s->w, &s->rec, &s->buf, &werr, &info, &offset))
			break;
		d = ws_buffer_start_ptr(&s->buf);
		caplen = s->rec.rec_header.packet_header.caplen;
		len = s->rec.rec_header.packet_header.len;
		i = link_index(s->rec.rec_header.packet_header.pkt_encap);
		if (s->rec.rec_type != REC_TYPE_PACKET)
			continue;
		s->records++;
		if (i < 0) {
			s->other_link++; /* an interface of another link type */
			continue;
		}
		hlen = link_types[i].hlen;
		if (caplen < link_types[i].min) {
			s->short_frames++;
			continue;
		}
		f->ts_ns = (__u64)s->rec.ts.secs * 1000000000ULL + s->rec.ts.nsecs;
		if (len < caplen)
			len = caplen; /* a record claiming less than it holds */
		if (link_types[i].encap == WTAP_ENCAP_ETHERNET) {
			f->data = d;
			f->len = caplen < s->max_frame ? caplen : s->max_frame;
			f->wire_len = len;
			return 1;
		}
		f->len = to_ethernet(s, d + hlen, caplen - hlen,
				     link_proto(link_types[i].encap, d, d + hlen, caplen - hlen));
		/* A record may claim an original length near 4 GiB: no wrap-around. */
		f->wire_len = len > UINT32_MAX - ETH_HLEN_ ? UINT32_MAX : len - hlen + ETH_HLEN_;
		f->data = s->out;
		return 1;
	}
	if (!werr)
		return 0;
	if (werr == WTAP_ERR_SHORT_READ) {
		/* Cut short, as when tcpdump is killed: what came before is whole. */
		s->truncated = 1;
		g_free(info);
		return 0;
	}
	snprintf(err, errlen, "read error after %llu records: %s%s%s", s->records,
		 wtap_strerror(werr), info ? ": " : "", info ? info : "");
	g_free(info);
	return -1;
}

void pcap_source_close(struct pcap_source *s)
{
	if (!s)
		return;
	if (s->w) {
		wtap_rec_cleanup(&s->rec);
		ws_buffer_free(&s->buf);
		wtap_close(s->w);
	}
	free(s);
}
