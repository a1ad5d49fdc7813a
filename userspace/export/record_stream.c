// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "export/record_stream.h"
#include "util/log.h"

#define BACKOFF_MIN_MS 100
/* A sink that takes nothing for this long has the writer look at its stop flag again. */
#define SEND_TIMEOUT_S 3

struct queued {
	char *line; /* with its newline */
	size_t len;
};

struct record_stream {
	struct record_stream_opts o;
	pthread_t thread;
	pthread_mutex_t lock; /* guards everything below */
	pthread_cond_t wake;  /* a line queued, or stop */
	struct queued *q;
	__u32 head, n;
	int stop;
	struct record_stream_stats st;
	/* The writer's own: */
	int fd;
	__u64 file_bytes;
	unsigned int backoff_ms;
	int said_down; /* the sink's failure was logged; said again only after it comes back */
};

void record_stream_opts_default(struct record_stream_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->queue_lines = RECORD_QUEUE_DEFAULT;
	o->rotate_bytes = RECORD_ROTATE_DEFAULT;
	o->backoff_max_ms = RECORD_BACKOFF_MAX_DEFAULT;
}

static void target_text(const struct record_target *t, char *buf, size_t len)
{
	if (t->kind == SINK_TCP)
		snprintf(buf, len, "tcp://%s%s%s:%s", strchr(t->host, ':') ? "[" : "", t->host,
			 strchr(t->host, ':') ? "]" : "", t->port);
	else
		snprintf(buf, len, "%s:%s", record_sink_name(t->kind), t->path);
}

static int socket_timed(int family)
{
	struct timeval tv = { .tv_sec = SEND_TIMEOUT_S };
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	/* Bounds connect() too: Linux times a blocking connect by the send timeout. */
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The sink's descriptor, or -errno. */
static int sink_open(struct record_stream *s)
{
	const struct record_target *t = &s->o.target;
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM },
			*ai;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct stat sb;
	int fd, err;

	switch (t->kind) {
	case SINK_FILE:
		fd = open(t->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return -errno;
		s->file_bytes = fstat(fd, &sb) ? 0 : sb.st_size;
		return fd;
	case SINK_UNIX:
		memcpy(un.sun_path, t->path, strlen(t->path));
		fd = socket_timed(AF_UNIX);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&un, sizeof(un))) {
			err = -errno;
			close(fd);
			return err;
		}
		return fd;
	case SINK_TCP:
		err = getaddrinfo(t->host, t->port, &hints, &ai);
		if (err)
			return -EINVAL;
		fd = socket_timed(ai->ai_family);
		if (fd < 0) {
			err = -errno;
		} else if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			err = -errno;
			close(fd);
			fd = err;
		}
		freeaddrinfo(ai);
		return fd;
	}
	return -EINVAL;
}

/* 0 with all of @len written, or -errno (the sink is to be reopened). */
static int write_all(struct record_stream *s, const char *p, size_t len)
{
	while (len) {
		ssize_t n = s->o.target.kind == SINK_FILE ? write(s->fd, p, len)
							  : send(s->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int stop;

			pthread_mutex_lock(&s->lock);
			stop = s->stop;
			pthread_mutex_unlock(&s->lock);
			if (stop)
				return -ECANCELED;
			continue; /* a slow reader: the queue takes the strain, and counts */
		}
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p += n;
		len -= n;
	}
	return 0;
}

/* PATH becomes PATH.1 (one kept, as logrotate's rotate 1), and PATH starts afresh. */
static int rotate(struct record_stream *s)
{
	char old[sizeof(s->o.target.path) + 2];

	snprintf(old, sizeof(old), "%s.1", s->o.target.path);
	close(s->fd);
	s->fd = -1;
	if (rename(s->o.target.path, old))
		pr_warn("records: cannot rotate %s: %s\n", s->o.target.path, strerror(errno));
	s->fd = sink_open(s);
	if (s->fd < 0)
		return s->fd;
	pthread_mutex_lock(&s->lock);
	s->st.rotations++;
	s->st.connects++;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* Wait @ms or until stopped; the lock is held on entry and return. */
static void backoff_wait(struct record_stream *s, unsigned int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT)
		;
}

/* Connected, or after a failure (said once per outage) the wait before the next try. */
static int ensure_open(struct record_stream *s)
{
	char what[160];
	int fd;

	if (s->fd >= 0)
		return 0;
	fd = sink_open(s);
	target_text(&s->o.target, what, sizeof(what));
	pthread_mutex_lock(&s->lock);
	if (fd < 0) {
		if (!s->said_down)
			pr_warn("records: %s: %s; retrying, up to every %u ms (lines queue, then "
				"drop and count)\n",
				what, strerror(-fd), s->o.backoff_max_ms);
		s->said_down = 1;
		backoff_wait(s, s->backoff_ms);
		s->backoff_ms = s->backoff_ms * 2 > s->o.backoff_max_ms ? s->o.backoff_max_ms
									: s->backoff_ms * 2;
		pthread_mutex_unlock(&s->lock);
		return fd;
	}
	s->fd = fd;
	s->backoff_ms = BACKOFF_MIN_MS;
	s->st.connects++;
	s->st.connected = 1;
	if (s->said_down)
		pr_info("records: %s: connected again\n", what);
	s->said_down = 0;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static void *writer(void *arg)
{
	struct record_stream *s = arg;
	struct queued line;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->n && !s->stop)
			pthread_cond_wait(&s->wake, &s->lock);
		if (s->stop)
			break;
		line = s->q[s->head]; /* stays queued until the sink took it whole */
		pthread_mutex_unlock(&s->lock);

		if (ensure_open(s) || (s->o.target.kind == SINK_FILE && s->file_bytes &&
				       s->file_bytes + line.len > s->o.rotate_bytes && rotate(s))) {
			pthread_mutex_lock(&s->lock);
			continue;
		}
		if (write_all(s, line.line, line.len)) {
			close(s->fd);
			s->fd = -1;
			pthread_mutex_lock(&s->lock);
			s->st.connected = 0;
			continue; /* the line again, on the next connection */
		}
		s->file_bytes += line.len;
		pthread_mutex_lock(&s->lock);
		free(line.line);
		s->head = (s->head + 1) % s->o.queue_lines;
		s->n--;
		s->st.written++;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

struct record_stream *record_stream_open(const struct record_stream_opts *o)
{
	struct record_stream *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return NULL;
	s->o = *o;
	if (!s->o.queue_lines)
		s->o.queue_lines = RECORD_QUEUE_DEFAULT;
	if (!s->o.backoff_max_ms)
		s->o.backoff_max_ms = RECORD_BACKOFF_MAX_DEFAULT;
	s->fd = -1;
	s->backoff_ms = BACKOFF_MIN_MS;
	s->q = calloc(s->o.queue_lines, sizeof(*s->q));
	if (!s->q) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	err = pthread_create(&s->thread, NULL, writer, s);
	if (err) {
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
		free(s->q);
		free(s);
		errno = err;
		return NULL;
	}
	return s;
}

void record_stream_push(struct record_stream *s, const char *line, size_t len)
{
	char *copy = NULL;

	pthread_mutex_lock(&s->lock);
	if (s->n < s->o.queue_lines)
		copy = malloc(len + 1);
	if (!copy) {
		s->st.dropped++;
		pthread_mutex_unlock(&s->lock);
		return;
	}
	memcpy(copy, line, len);
	copy[len] = '\n';
	s->q[(s->head + s->n) % s->o.queue_lines] = (struct queued){ copy, len + 1 };
	s->n++;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void record_stream_stats(struct record_stream *s, struct record_stream_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->st;
	pthread_mutex_unlock(&s->lock);
}

void record_stream_close(struct record_stream *s, unsigned int wait_ms)
{
	struct timespec step = { 0, 10000000L };
	unsigned int waited = 0;
	__u32 left;

	if (!s)
		return;
	for (;;) {
		pthread_mutex_lock(&s->lock);
		left = s->n;
		pthread_mutex_unlock(&s->lock);
		if (!left || waited >= wait_ms)
			break;
		nanosleep(&step, NULL);
		waited += 10;
	}
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	if (s->n)
		pr_warn("records: %u lines not sent at exit (counted as dropped)\n", s->n);
	while (s->n) {
		free(s->q[s->head].line);
		s->head = (s->head + 1) % s->o.queue_lines;
		s->n--;
		s->st.dropped++;
	}
	if (s->fd >= 0)
		close(s->fd);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s->q);
	free(s);
}
