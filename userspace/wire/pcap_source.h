/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Capture reader: pcap, pcapng and the other formats Wireshark reads (through
 * its wiretap library), compressed or not, from a file or standard input
 * ("-"); every supported link type turned into an Ethernet frame, the form
 * the XDP program expects.
 */
#ifndef NETOBS_PCAP_SOURCE_H
#define NETOBS_PCAP_SOURCE_H

#include <stddef.h>
#include <linux/types.h>

/* The engine gets frames cut to this: it reads headers, lengths come from IP. */
#define PCAP_SOURCE_MAX_FRAME 2048
/* Injection into an interface sends frames whole. */
#define PCAP_SOURCE_WHOLE_FRAME 65536

struct pcap_source;

struct pcap_frame {
	const __u8 *data; /* Ethernet frame */
	__u32 len;	  /* bytes at data */
	__u32 wire_len;	  /* its length on the wire, as an Ethernet frame */
	__u64 ts_ns;
};

/*
 * NULL on error, with a one-line reason naming the file in @err. Frames are
 * cut to @max_frame bytes.
 */
struct pcap_source *pcap_source_open(const char *path, __u32 max_frame, char *err, size_t errlen);
/*
 * 1 with a frame, 0 at the end (also when the input ends inside a record:
 * see pcap_source_truncated()), -1 on a read error (reason in @err).
 */
int pcap_source_next(struct pcap_source *s, struct pcap_frame *f, char *err, size_t errlen);
/* Frames dropped because the link header was shorter than its type requires. */
__u64 pcap_source_short_frames(const struct pcap_source *s);
/* Frames of an interface whose link type is not one we read (pcapng). */
__u64 pcap_source_other_link_frames(const struct pcap_source *s);
/* Packet records read so far. */
__u64 pcap_source_records(const struct pcap_source *s);
/* 1 when the input ended inside a record (a capture cut short). */
int pcap_source_truncated(const struct pcap_source *s);
const char *pcap_source_linktype(const struct pcap_source *s);
void pcap_source_close(struct pcap_source *s);

#endif /* NETOBS_PCAP_SOURCE_H */
