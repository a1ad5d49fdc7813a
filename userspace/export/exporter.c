// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The HTTP server (libmicrohttpd). Connections are handled by a small pool
 * of epoll threads that never wait for a body: /metrics, /flows and /l7 are
 * made by one worker thread while their connections are suspended, so a slow
 * scrape holds up no other connection, /healthz least of all, and scrapes that
 * arrive while a page is being made share it. Connections are limited in
 * number, per client address, and in idle time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>

#include "export/exporter.h"
#include "util/log.h"

#define FLOWS_DEFAULT_LIMIT 100
#define FLOWS_MAX_LIMIT 10000

enum job_kind {
	JOB_METRICS_TEXT = 0,
	JOB_METRICS_OPENMETRICS,
	JOB_FLOWS,
	JOB_L7,
};

/* A made body, shared by every response that serves it. */
struct page {
	pthread_mutex_t lock;
	int refs;
	char *body;
	size_t len;
};

/* One suspended request, waiting for the worker. */
struct job {
	struct MHD_Connection *c;
	enum job_kind kind;
	unsigned int limit;
	int done, err;
	struct page *page;
	struct job *next;
};

struct exporter {
	struct MHD_Daemon *d;
	struct export_state *st;
	struct http_opts o;
	pthread_t worker;
	int worker_started;
	pthread_mutex_t lock; /* guards the queue and stop */
	pthread_cond_t cond;
	struct job *head, *tail;
	int stop;
};

static void page_unref(void *cls)
{
	struct page *p = cls;
	int last;

	pthread_mutex_lock(&p->lock);
	last = !--p->refs;
	pthread_mutex_unlock(&p->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&p->lock);
	free(p->body);
	free(p);
}

static struct page *page_new(char *body, size_t len)
{
	struct page *p = calloc(1, sizeof(*p));

	if (!p) {
		free(body);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	p->refs = 1;
	p->body = body;
	p->len = len;
	return p;
}

static void page_ref(struct page *p)
{
	pthread_mutex_lock(&p->lock);
	p->refs++;
	pthread_mutex_unlock(&p->lock);
}

static int make_body(struct exporter *e, struct job *j, char **body, size_t *len)
{
	switch (j->kind) {
	case JOB_METRICS_TEXT:
	case JOB_METRICS_OPENMETRICS:
		return exporter_metrics_text(e->st, j->kind == JOB_METRICS_OPENMETRICS, body, len);
	case JOB_FLOWS:
		return exporter_flows_ndjson(e->st, j->limit, body, len);
	case JOB_L7:
		return exporter_l7_ndjson(e->st, j->limit, body, len);
	}
	return -EINVAL;
}

/*
 * The worker: takes the queued jobs, makes each body once for every job of
 * the same kind and limit waiting then (single flight), and resumes their
 * connections.
 */
static void *worker_main(void *arg)
{
	struct exporter *e = arg;
	struct job *batch, *j, *k;

	for (;;) {
		pthread_mutex_lock(&e->lock);
		while (!e->head && !e->stop)
			pthread_cond_wait(&e->cond, &e->lock);
		batch = e->head;
		e->head = e->tail = NULL;
		pthread_mutex_unlock(&e->lock);
		if (!batch)
			break; /* stopping, nothing queued */
		for (j = batch; j; j = j->next) {
			char *body = NULL;
			size_t len = 0;

			if (j->done)
				continue;
			if (e->stop) {
				j->err = -ESHUTDOWN;
			} else {
				j->err = make_body(e, j, &body, &len);
				if (!j->err && !(j->page = page_new(body, len)))
					j->err = -ENOMEM;
			}
			j->done = 1;
			for (k = j->next; k; k = k->next) {
				if (k->done || k->kind != j->kind || k->limit != j->limit)
					continue;
				k->err = j->err;
				k->page = j->page;
				if (k->page)
					page_ref(k->page);
				k->done = 1;
			}
		}
		for (j = batch; j; j = k) {
			k = j->next;
			j->next = NULL;
			MHD_resume_connection(j->c);
		}
	}
	return NULL;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int code, const char *type,
			     char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned int code, const char *text)
{
	return reply(c, code, "text/plain; charset=utf-8", strdup(text), strlen(text));
}

static const char *const job_types[] = {
	[JOB_METRICS_TEXT] = "text/plain; version=0.0.4; charset=utf-8",
	[JOB_METRICS_OPENMETRICS] = "application/openmetrics-text; version=1.0.0; charset=utf-8",
	[JOB_FLOWS] = "application/x-ndjson",
	[JOB_L7] = "application/x-ndjson",
};

/* The worker made the body: serve it (the response holds a reference to the page). */
static enum MHD_Result reply_job(struct MHD_Connection *c, struct job *j)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (j->err)
		return reply_text(c,
				  j->err == -ESHUTDOWN ? MHD_HTTP_SERVICE_UNAVAILABLE
						       : MHD_HTTP_INTERNAL_SERVER_ERROR,
				  j->err == -ESHUTDOWN ? "stopping\n" : strerror(-j->err));
	r = MHD_create_response_from_buffer_with_free_callback_cls(j->page->len, j->page->body,
								   page_unref, j->page);
	if (!r)
		return MHD_NO;
	j->page = NULL; /* the response's now */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, job_types[j->kind]);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static const char landing[] =
    "<!DOCTYPE html><html><head><title>netobs-xdp</title></head><body>"
    "<h1>netobs-xdp</h1><ul>"
    "<li><a href=\"/metrics\">/metrics</a>: Prometheus metrics</li>"
    "<li><a href=\"/flows\">/flows</a>: current flows as NDJSON, largest first "
    "(<code>?limit=N</code>)</li>"
    "<li><a href=\"/l7\">/l7</a>: the latest L7 records (HTTP, MySQL, PostgreSQL, Redis, "
    "DNS) as NDJSON, oldest first (?limit=N)</li>"
    "<li><a href=\"/healthz\">/healthz</a>: liveness</li>"
    "</ul></body></html>\n";

static int client_is_loopback(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return 0;
}

/* May this client use an endpoint set to @policy? */
static int endpoint_allowed(struct MHD_Connection *c, enum endpoint_policy policy)
{
	return policy == ENDPOINT_ON || (policy == ENDPOINT_LOCAL && client_is_loopback(c));
}

/*
 * TLS client certificates, as exporter-toolkit's client_auth_type asks: the
 * handshake requested one (libmicrohttpd does with a trust list); here its
 * presence and its chain are checked. 0 when allowed, else the reason.
 */
static const char *client_cert_refused(struct exporter *e, struct MHD_Connection *c)
{
	const struct web_config *w = e->o.web;
	const union MHD_ConnectionInfo *ci;
	unsigned int n = 0, status = 0;
	gnutls_session_t s;

	if (!w || !w->tls || w->client_auth == CLIENT_NO_CERT || w->client_auth == CLIENT_REQUEST)
		return NULL;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return "no TLS session\n";
	s = (gnutls_session_t)ci->tls_session;
	gnutls_certificate_get_peers(s, &n);
	if (!n)
		return w->client_auth == CLIENT_VERIFY_IF_GIVEN
			   ? NULL
			   : "a client certificate is required\n";
	if (w->client_auth == CLIENT_REQUIRE_ANY)
		return NULL;
	if (gnutls_certificate_verify_peers2(s, &status) || status)
		return "the client certificate is not signed by the client CA\n";
	return NULL;
}

/* Basic auth from the web config: NULL when allowed. */
static int auth_refused(struct exporter *e, struct MHD_Connection *c)
{
	struct web_config *w = e->o.web;
	char *user, *pass = NULL;
	int ok;

	if (!w || !w->n_users)
		return 0;
	user = MHD_basic_auth_get_username_password(c, &pass);
	ok = user && pass && web_config_check(w, user, pass);
	if (!ok)
		log_ratelimited(LOG_WARN, "auth", "HTTP: a request with %s was refused\n",
				user ? "a wrong user name or password" : "no credentials");
	MHD_free(user);
	MHD_free(pass);
	return !ok;
}

static enum MHD_Result refuse_auth(struct MHD_Connection *c)
{
	static const char msg[] = "authentication required\n";
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	ret = MHD_queue_basic_auth_fail_response(c, "netobs-xdp", r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result healthz(struct exporter *e, struct MHD_Connection *c)
{
	char *body = NULL;
	size_t len = 0;
	int ok = exporter_health_text(e->st, &body, &len);

	if (ok < 0)
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, strerror(-ok));
	return reply(c, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
		     "text/plain; charset=utf-8", body, len);
}

static int parse_limit(struct MHD_Connection *c, unsigned int dflt, unsigned int *limit)
{
	const char *lim = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
	unsigned long v;
	char *end;

	*limit = dflt;
	if (!lim)
		return 0;
	errno = 0;
	v = strtoul(lim, &end, 10);
	if (errno || *end || end == lim || !v || v > FLOWS_MAX_LIMIT || lim[0] == '-')
		return -EINVAL;
	*limit = v;
	return 0;
}

/* Queue a job for the worker and suspend the connection until it is done. */
static enum MHD_Result defer(struct exporter *e, struct MHD_Connection *c, void **con_cls,
			     enum job_kind kind, unsigned int limit)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory\n");
	j->c = c;
	j->kind = kind;
	j->limit = limit;
	*con_cls = j;
	MHD_suspend_connection(c);
	pthread_mutex_lock(&e->lock);
	if (e->tail)
		e->tail->next = j;
	else
		e->head = j;
	e->tail = j;
	pthread_cond_signal(&e->cond);
	pthread_mutex_unlock(&e->lock);
	return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **con_cls)
{
	struct exporter *e = cls;
	const char *why;
	unsigned int limit;

	if (*con_cls) /* resumed: the worker has made the body */
		return reply_job(c, *con_cls);
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if ((why = client_cert_refused(e, c)))
		return reply_text(c, MHD_HTTP_FORBIDDEN, why);
	/* Liveness answers without credentials: it says ok, or which interface is blind. */
	if (!strcmp(url, "/healthz"))
		return healthz(e, c);
	if (auth_refused(e, c))
		return refuse_auth(c);
	if (!strcmp(url, e->o.metrics_path)) {
		const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
		int om = accept && strstr(accept, "application/openmetrics-text");

		return defer(e, c, con_cls, om ? JOB_METRICS_OPENMETRICS : JOB_METRICS_TEXT, 0);
	}
	if (!strcmp(url, "/flows") || !strcmp(url, "/l7")) {
		int flows = url[1] == 'f';

		if (!endpoint_allowed(c, flows ? e->o.flows : e->o.l7))
			return reply_text(c, MHD_HTTP_FORBIDDEN,
					  "this endpoint is off, or for local clients only "
					  "(http.endpoints)\n");
		if (parse_limit(c, flows ? FLOWS_DEFAULT_LIMIT : L7_SINK_RECENT, &limit))
			return reply_text(c, MHD_HTTP_BAD_REQUEST,
					  "limit: a whole number from 1 to 10000\n");
		return defer(e, c, con_cls, flows ? JOB_FLOWS : JOB_L7, limit);
	}
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", strdup(landing),
			     strlen(landing));
	return reply_text(c, MHD_HTTP_NOT_FOUND,
			  "not found: try the metrics path, /flows, /l7, /healthz\n");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct job *j = *con_cls;

	if (!j)
		return;
	if (j->page)
		page_unref(j->page);
	free(j);
	*con_cls = NULL;
}

/* libmicrohttpd's own messages are about clients (aborted, malformed): at most a few. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_ratelimited(LOG_INFO, "mhd", "HTTP: %s%s", msg,
			msg[0] && msg[strlen(msg) - 1] == '\n' ? "" : "\n");
}

void http_opts_default(struct http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->metrics_path = "/metrics";
	o->max_connections = HTTP_DEFAULT_MAX_CONNECTIONS;
	o->max_per_ip = HTTP_DEFAULT_MAX_PER_IP;
	o->idle_timeout_s = HTTP_DEFAULT_IDLE_TIMEOUT;
	o->threads = HTTP_DEFAULT_THREADS;
	o->flows = ENDPOINT_ON;
	o->l7 = ENDPOINT_ON;
}

struct exporter *exporter_start(const struct http_opts *o, int listen_fd, struct export_state *st)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	const struct web_config *w = o->web;
	struct MHD_OptionItem tls[5];
	struct exporter *e;
	int n = 0;

	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->st = st;
	e->o = *o;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->cond, NULL);
	if (pthread_create(&e->worker, NULL, worker_main, e)) {
		pr_err("HTTP: cannot start the worker thread\n");
		goto fail;
	}
	e->worker_started = 1;
	if (w && w->tls) {
		flags |= MHD_USE_TLS;
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, w->cert_pem };
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, w->key_pem };
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
						    (void *)w->priorities };
		if (w->ca_pem)
			tls[n++] =
			    (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, w->ca_pem };
	}
	tls[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	/* The logger first: libmicrohttpd says what it finds in the options that follow. */
	e->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, handle, e, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, e,
	    MHD_OPTION_LISTEN_SOCKET, listen_fd, MHD_OPTION_THREAD_POOL_SIZE, o->threads,
	    MHD_OPTION_CONNECTION_LIMIT, o->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    o->max_per_ip, MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout_s,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, e, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (!e->d) {
		pr_err("HTTP: cannot serve on the listening socket%s\n",
		       w && w->tls ? " (is the TLS key the certificate's?)" : "");
		goto fail;
	}
	return e;
fail:
	exporter_stop(e);
	return NULL;
}

void exporter_stop(struct exporter *e)
{
	if (!e)
		return;
	if (e->worker_started) {
		/* Jobs still queued are answered "stopping", so no connection stays suspended. */
		pthread_mutex_lock(&e->lock);
		e->stop = 1;
		pthread_cond_signal(&e->cond);
		pthread_mutex_unlock(&e->lock);
		pthread_join(e->worker, NULL);
	}
	if (e->d)
		MHD_stop_daemon(e->d);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->lock);
	free(e);
}
