/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Records off the node as NDJSON: flow ends, interim flow records and L7
 * records, one line each, to a Unix stream socket, a TCP address or a file.
 * The agent pushes lines into a bounded queue and never waits on the sink: a
 * writer thread connects, reconnects with backoff, rotates the file by size,
 * and a line that finds the queue full is dropped and counted.
 */
#ifndef NETOBS_RECORD_STREAM_H
#define NETOBS_RECORD_STREAM_H

#include <stddef.h>
#include <linux/types.h>

#include "export/record_target.h"

struct record_stream_opts {
	struct record_target target;
	__u32 queue_lines;    /* lines held while the sink is slow or away */
	__u64 rotate_bytes;   /* file: past this size, PATH becomes PATH.1 and a new PATH starts */
	__u32 backoff_max_ms; /* reconnect waits double from 100 ms up to this */
};

#define RECORD_QUEUE_DEFAULT 65536
#define RECORD_ROTATE_DEFAULT (100ULL << 20)
#define RECORD_BACKOFF_MAX_DEFAULT 5000

void record_stream_opts_default(struct record_stream_opts *o);

struct record_stream_stats {
	__u64 written;	 /* lines the sink took whole */
	__u64 dropped;	 /* lines that found the queue full */
	__u64 connects;	 /* connections made (a file: opens, rotations included) */
	__u64 rotations; /* file: rotations */
	int connected;	 /* 1 while the sink is connected or the file open */
};

struct record_stream;

/* Starts the writer; NULL with errno on failure. */
struct record_stream *record_stream_open(const struct record_stream_opts *o);
/* Queue one line (@len bytes, without its newline); never blocks. */
void record_stream_push(struct record_stream *s, const char *line, size_t len);
void record_stream_stats(struct record_stream *s, struct record_stream_stats *out);
/*
 * Give the writer up to @wait_ms to send what is queued, then stop it; what
 * is still queued then counts as dropped.
 */
void record_stream_close(struct record_stream *s, unsigned int wait_ms);

#endif /* NETOBS_RECORD_STREAM_H */
