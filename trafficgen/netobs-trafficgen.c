// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* netobs-trafficgen: known traffic for netobs-xdp's self-tests and benchmarks. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg.h"

static void usage(FILE *out)
{
	fputs(
	    "usage: netobs-trafficgen MODE [options]\n"
	    "  mysql-server --listen HOST:PORT [--count N]   mock MySQL: any login, OK to every\n"
	    "                                                query (N connections, 0: forever)\n"
	    "  mysql-client --connect HOST:PORT [--query SQL] [--count N]\n"
	    "                                                log in, send SQL (default SELECT 1;)\n"
	    "  http-client --connect HOST:PORT [--path P] [--count N] [--keepalive]\n"
	    "  bench-server --listen HOST:PORT\n"
	    "  bench-client --connect HOST:PORT [--seconds S] [--size BYTES] [--raw]\n"
	    "               [--count N: a new connection every N round trips]\n"
	    "                                                request/response loop; prints the "
	    "rate\n"
	    "                                                (--raw: heads of no known protocol)\n",
	    out);
}

static int number(const char *flag, const char *v, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	if (errno || end == v || *end || *out < lo || *out > hi) {
		fprintf(stderr, "netobs-trafficgen: %s: '%s' is not a number from %g to %g\n", flag,
			v, lo, hi);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "connect", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "query", required_argument, NULL, 'q' },
		{ "path", required_argument, NULL, 'p' },
		{ "keepalive", no_argument, NULL, 'k' },
		{ "seconds", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'z' },
		{ "raw", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *mode, *listen = NULL, *connect = NULL, *query = "SELECT 1;", *path = "/";
	double count = 1, seconds = 5, size = 128, v;
	int c, keepalive = 0, count_set = 0, raw = 0;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'c':
			connect = optarg;
			break;
		case 'q':
			query = optarg;
			break;
		case 'p':
			path = optarg;
			break;
		case 'k':
			keepalive = 1;
			break;
		case 'r':
			raw = 1;
			break;
		case 'n':
			if (number("--count", optarg, 0, 1e9, &count))
				return 2;
			count_set = 1;
			break;
		case 's':
			if (number("--seconds", optarg, 0.01, 86400, &v))
				return 2;
			seconds = v;
			break;
		case 'z':
			if (number("--size", optarg, 0, 65536, &v))
				return 2;
			size = v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!strcmp(mode, "mysql-server") && listen)
		return tg_mysql_server(listen, count_set ? (long)count : 0);
	if (!strcmp(mode, "mysql-client") && connect)
		return tg_mysql_client(connect, query, (long)count);
	if (!strcmp(mode, "http-client") && connect)
		return tg_http_client(connect, path, (long)count, keepalive);
	if (!strcmp(mode, "bench-server") && listen)
		return tg_bench_server(listen);
	if (!strcmp(mode, "bench-client") && connect)
		return tg_bench_client(connect, seconds, (size_t)size, raw,
				       count_set ? (long)count : 0);
	fprintf(stderr,
		"netobs-trafficgen: '%s' needs %s (modes: mysql-server, mysql-client, "
		"http-client, bench-server, bench-client)\n",
		mode, strstr(mode, "server") ? "--listen HOST:PORT" : "--connect HOST:PORT");
	return 2;
}
