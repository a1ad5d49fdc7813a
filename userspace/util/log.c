// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "util/log.h"

static enum log_level cur_level = LOG_INFO;
static int as_json;

void log_set_json(int json)
{
	as_json = json;
}

static const char *const level_names[] = { "error", "warn", "info", "debug" };

/* JSON escaping is jansson's: messages carry interface names, paths, errors. */
static void log_json_line(enum log_level level, const char *prefix, const char *fmt, va_list ap)
{
	char msg[1024], stamp[40];
	struct timespec ts;
	struct tm tm;
	json_t *obj;
	char *line;
	size_t n;

	n = snprintf(msg, sizeof(msg), "%s", prefix);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + n, sizeof(stamp) - n, ".%03ldZ", ts.tv_nsec / 1000000);
	obj = json_pack("{s:s, s:s, s:s}", "time", stamp, "level", level_names[level], "msg", msg);
	line = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	if (line)
		fprintf(stderr, "%s\n", line);
	free(line);
	json_decref(obj);
}

void log_set_level(enum log_level level)
{
	cur_level = level;
}

enum log_level log_get_level(void)
{
	return cur_level;
}

static void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: " };

	if (level > cur_level)
		return;
	if (as_json) {
		log_json_line(level, "", fmt, ap);
		return;
	}
	fprintf(stderr, "netobs-xdp: %s", prefix[level]);
	vfprintf(stderr, fmt, ap);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

#define RATE_KEYS 32

static struct {
	char key[48];
	time_t since;
	unsigned long held;
} rate[RATE_KEYS];
static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;

void log_ratelimited(enum log_level level, const char *key, const char *fmt, ...)
{
	time_t now = time(NULL);
	unsigned long held = 0;
	int i, slot = -1, say = 0;
	va_list ap;

	if (level > cur_level)
		return;
	pthread_mutex_lock(&rate_lock);
	for (i = 0; i < RATE_KEYS && slot < 0; i++)
		if (!strncmp(rate[i].key, key, sizeof(rate[i].key) - 1))
			slot = i;
	for (i = 0; i < RATE_KEYS && slot < 0; i++)
		if (!rate[i].key[0])
			slot = i;
	if (slot < 0)
		slot = 0; /* more kinds than slots: they share the first */
	if (!rate[slot].key[0] || strncmp(rate[slot].key, key, sizeof(rate[slot].key) - 1) ||
	    now - rate[slot].since >= LOG_RATE_SECONDS) {
		held = rate[slot].held;
		snprintf(rate[slot].key, sizeof(rate[slot].key), "%s", key);
		rate[slot].since = now;
		rate[slot].held = 0;
		say = 1;
	} else {
		rate[slot].held++;
	}
	pthread_mutex_unlock(&rate_lock);
	if (!say)
		return;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
	if (held)
		log_msg(level, "(%lu more like the last line in the %d s before it)\n", held,
			LOG_RATE_SECONDS);
}

/*
 * libbpf's and libxdp's warnings are mostly about feature probing and
 * fallbacks that we report in our own words; they show with -v.
 */
static int lib_print(const char *lib, const char *fmt, va_list ap)
{
	char prefix[16];

	if (cur_level < LOG_DEBUG)
		return 0;
	snprintf(prefix, sizeof(prefix), "%s%s", lib ? lib : "", lib ? ": " : "");
	if (as_json) {
		log_json_line(LOG_DEBUG, prefix, fmt, ap);
		return 0;
	}
	fprintf(stderr, "netobs-xdp: %s", prefix);
	return vfprintf(stderr, fmt, ap);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return lib_print("libbpf", fmt, ap);
}

/*
 * libxdp repeats its compatibility checks on every attach attempt (mode,
 * interface): each distinct message is said once.
 */
static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	static __u32 seen[64];
	static unsigned int n_seen;
	char msg[512];
	__u32 h = 2166136261U;
	unsigned int i;
	va_list copy;

	if (cur_level < LOG_DEBUG)
		return 0;
	va_copy(copy, ap);
	vsnprintf(msg, sizeof(msg), fmt, copy);
	va_end(copy);
	for (i = 0; msg[i]; i++)
		h = (h ^ (unsigned char)msg[i]) * 16777619U;
	for (i = 0; i < n_seen && i < 64; i++)
		if (seen[i] == h)
			return 0;
	seen[n_seen++ % 64] = h;
	return lib_print(NULL, fmt, ap); /* libxdp names itself in its messages */
}

void log_route_libbpf(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}
