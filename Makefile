# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# netobs-xdp build: BPF objects -> skeletons -> bin/netobs-xdp, tests, bench.

CLANG ?= clang
CC ?= gcc
BPFTOOL ?= bpftool
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
msg = $(if $(filter 1,$(V)),,@printf '  %-8s %s\n' "$(1)" "$(2)";)

BUILD ?= build
BIN_DIR ?= bin
VERSION := $(shell cat VERSION)
# The commit: from git, or COMMIT=... where there is no .git (a container build).
COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine)
INCLUDES := -Iinclude -I$(BUILD)

BPF_CFLAGS := -target bpf -g -O2 -mcpu=v3 -Wall -Werror $(INCLUDES) -I$(ARCH_INC)
CFLAGS ?= -g -O2
# SAN=1: AddressSanitizer and UndefinedBehaviorSanitizer (make san builds that way, apart).
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
endif
CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wno-unknown-pragmas -Werror -std=gnu11 -D_GNU_SOURCE $(INCLUDES) -Iuserspace
VERSION_CFLAGS := -DNETOBS_VERSION='"$(VERSION)"' -DNETOBS_COMMIT='"$(COMMIT)"' \
	-DLIBXDP_VERSION='"$(shell pkg-config --modversion libxdp)"' 
# wiretap (Wireshark's capture reader) has no pkg-config file of its own in Debian 12.
WIRETAP_CFLAGS := -isystem /usr/include/wireshark $(shell pkg-config --cflags glib-2.0)
LIBS := $(shell pkg-config --libs libbpf libxdp libpcap libmicrohttpd yaml-0.1 jansson glib-2.0 \
	gnutls libcap libseccomp libsystemd) -lwiretap -lwsutil -lcrypt -lelf -lz -lpthread
CMOCKA_LIBS := $(shell pkg-config --libs cmocka)

BPF_SRCS := xdp/wire_xdp.bpf.c tc/wire_tc.bpf.c iter/flow_dump.bpf.c kprobes/sock_probes.bpf.c
# Tracing programs read kernel structs through CO-RE, declared by the running kernel's BTF.
VMLINUX_H := $(BUILD)/vmlinux.h
BPF_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BPF_OBJS := $(patsubst %.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS := $(foreach s,$(BPF_SRCS),$(BUILD)/$(notdir $(s:.bpf.c=.skel.h)))
WIRE_HDRS := $(wildcard include/*.h include/wire/*.h)

# The agent's library: every layer of userspace/ but main(), so tests link the same code.
USER_LAYERS := util l7 wire socket export agent cli
LIB_SRCS := $(filter-out userspace/cli/netobs-xdp.c,$(foreach d,$(USER_LAYERS),$(wildcard userspace/$(d)/*.c)))
USER_HDRS := $(foreach d,$(USER_LAYERS),$(wildcard userspace/$(d)/*.h))
LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
LIB := $(BUILD)/libnetobs.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
BPF_TEST_SRCS := $(wildcard tests/bpf/*.c)
BPF_TEST_BINS := $(patsubst tests/bpf/%.c,$(BUILD)/tests/%,$(BPF_TEST_SRCS))
BENCH_BIN := $(BUILD)/tests/bench_wire
TOOLS := $(BUILD)/tests/netem_fwd

.PHONY: dashboards-preview all test unit bench fuzz san clean format check-format install FORCE
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BIN_DIR)/netobs-xdp bin/netobs-trafficgen

TG_SRCS := $(wildcard trafficgen/*.c)
bin/netobs-trafficgen: $(TG_SRCS) trafficgen/tg.h
	$(call msg,LD,$@)
	@mkdir -p bin
	$(Q)$(CC) $(CFLAGS) -Itrafficgen $(TG_SRCS) -o $@

$(BUILD)/%.bpf.o: %.bpf.c $(WIRE_HDRS)
	$(call msg,BPF,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(VMLINUX_H):
	$(call msg,GEN,$@)
	@mkdir -p $(dir $@)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(BUILD)/kprobes/%.bpf.o: kprobes/%.bpf.c $(VMLINUX_H) $(WIRE_HDRS)
	$(call msg,BPF,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) -target bpf -g -O2 -mcpu=v3 -Wall -Werror -D__TARGET_ARCH_$(BPF_ARCH) \
		$(INCLUDES) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/kprobes/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

$(BUILD)/%.skel.h: $(BUILD)/xdp/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

$(BUILD)/%.skel.h: $(BUILD)/tc/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

$(BUILD)/%.skel.h: $(BUILD)/iter/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

$(BUILD)/userspace/%.o: userspace/%.c $(SKELS) $(WIRE_HDRS) $(USER_HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/userspace/wire/pcap_source.o: CFLAGS += $(WIRETAP_CFLAGS)
# Rebuilt when the commit changes, so the version it reports is the one built.
$(BUILD)/userspace/export/render.o: CFLAGS += $(VERSION_CFLAGS)
$(BUILD)/userspace/export/render.o: $(BUILD)/commit
$(BUILD)/commit: FORCE
	@mkdir -p $(dir $@)
	@echo "$(VERSION) $(COMMIT)" | cmp -s - $@ || echo "$(VERSION) $(COMMIT)" > $@
FORCE:

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^ # afresh: a moved or removed source leaves no stale member

$(BIN_DIR)/netobs-xdp: userspace/cli/netobs-xdp.c $(LIB) $(BUILD)/commit
	$(call msg,LD,$@)
	@mkdir -p $(BIN_DIR)
	$(Q)$(CC) $(CFLAGS) $(VERSION_CFLAGS) $< $(LIB) $(LIBS) -o $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIB)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $< $(LIB) $(LIBS) $(CMOCKA_LIBS) -o $@

$(BUILD)/tests/%: tests/bpf/%.c $(LIB)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -pthread $< $(LIB) $(LIBS) -o $@

$(BENCH_BIN): tests/bench/bench_wire.c $(LIB) $(BUILD)/tests/bare_xdp.bpf.o \
	$(BUILD)/tests/bare_tc.bpf.o $(BUILD)/tests/helpers.bpf.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LIB) $(LIBS) -o $@

$(BUILD)/tests/bench_l7: tests/bench/bench_l7.c $(LIB)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< $(LIB) $(LIBS) -o $@

$(BUILD)/tests/bench_fill: tests/bench/bench_fill.c $(WIRE_HDRS)
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< $(LIBS) -o $@

$(BUILD)/tests/bench_runtime: tests/bench/bench_runtime.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< $(LIBS) -o $@

$(BUILD)/tests/flood: tests/bench/flood.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

$(BUILD)/tests/helpers.bpf.o: tests/bench/helpers.bpf.c $(WIRE_HDRS)
	$(call msg,BPF,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Test helpers loaded by the BPF tests.
$(BUILD)/tests/test_sock_probes: $(BUILD)/tests/drop_once.bpf.o

$(BUILD)/tests/drop_once.bpf.o: tests/bpf/progs/drop_once.bpf.c
	$(call msg,BPF,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tests/bare_%.bpf.o: tests/bench/bare_%.bpf.c
	$(call msg,BPF,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tests/netem_fwd: tests/tools/netem_fwd.c
	$(call msg,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< -o $@

# libFuzzer targets: the L7 parsers with one protocol forced each, and detection.
L7_PARSER_SRCS := userspace/l7/conn.c userspace/l7/http.c userspace/l7/mysql.c \
	userspace/l7/pgsql.c userspace/l7/redis.c userspace/l7/dns.c userspace/l7/sql.c
FUZZ_PROTOS := http:L7_HTTP mysql:L7_MYSQL pgsql:L7_PGSQL redis:L7_REDIS dns:L7_DNS detect:L7_NONE
FUZZ_BINS := $(foreach p,$(FUZZ_PROTOS),$(BUILD)/fuzz/fuzz_l7_$(firstword $(subst :, ,$(p))))
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-D_GNU_SOURCE -Iinclude -Iuserspace

define fuzz_rule
$(BUILD)/fuzz/fuzz_l7_$(1): tests/fuzz/fuzz_l7.c $(L7_PARSER_SRCS) $(wildcard userspace/l7/*.h userspace/util/*.h)
	$$(call msg,FUZZ,$$@)
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CLANG) $$(FUZZ_CFLAGS) -DFUZZ_PROTO=$(2) $$< $$(L7_PARSER_SRCS) -o $$@
endef
$(foreach p,$(FUZZ_PROTOS),$(eval $(call fuzz_rule,$(firstword $(subst :, ,$(p))),$(lastword $(subst :, ,$(p))))))

# The wire engine (userspace build), the capture reader and the config files.
FUZZ_WIRE_SRCS := userspace/wire/backend_user.c userspace/wire/sweep.c \
	userspace/wire/flow_record.c userspace/util/names.c userspace/util/endpoint.c \
	userspace/util/json_text.c userspace/util/utf8.c
FUZZ_CONFIG_SRCS := userspace/cli/config.c userspace/util/yaml_load.c \
	userspace/export/web_config.c userspace/export/record_target.c
FUZZ_BINS += $(BUILD)/fuzz/fuzz_wire $(BUILD)/fuzz/fuzz_pcap $(BUILD)/fuzz/fuzz_config

$(BUILD)/fuzz/fuzz_wire: tests/fuzz/fuzz_wire.c $(FUZZ_WIRE_SRCS) $(WIRE_HDRS) $(USER_HDRS)
	$(call msg,FUZZ,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $< $(FUZZ_WIRE_SRCS) -ljansson -o $@

$(BUILD)/fuzz/fuzz_pcap: tests/fuzz/fuzz_pcap.c userspace/wire/pcap_source.c $(USER_HDRS)
	$(call msg,FUZZ,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(WIRETAP_CFLAGS) $< userspace/wire/pcap_source.c \
		$(shell pkg-config --libs glib-2.0) -lwiretap -lwsutil -o $@

$(BUILD)/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(FUZZ_CONFIG_SRCS) $(USER_HDRS)
	$(call msg,FUZZ,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $< $(FUZZ_CONFIG_SRCS) \
		$(shell pkg-config --libs yaml-0.1 gnutls) -lcrypt -o $@

fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run-fuzz.sh $(or $(FUZZ_SECONDS),60)

unit: $(UNIT_BINS)

test: bin/netobs-xdp bin/netobs-trafficgen $(UNIT_BINS) $(FUZZ_BINS) $(BPF_TEST_BINS) $(TOOLS) \
	$(BUILD)/tests/bare_xdp.bpf.o $(BUILD)/tests/bench_fill san
	$(Q)tests/run-tests.sh

# The agent and the unit tests built with ASan and UBSan, in a tree of their own.
SAN_BUILD := build/san
san:
	$(Q)$(MAKE) --no-print-directory SAN=1 BUILD=$(SAN_BUILD) BIN_DIR=$(SAN_BUILD)/bin \
		$(SAN_BUILD)/bin/netobs-xdp $(patsubst $(BUILD)/%,$(SAN_BUILD)/%,$(UNIT_BINS))

bench: bin/netobs-xdp bin/netobs-trafficgen $(BENCH_BIN) $(BUILD)/tests/bench_fill \
	$(BUILD)/tests/flood $(BUILD)/tests/bench_l7 $(BUILD)/tests/bench_runtime
	$(Q)tests/bench/run-bench.sh

# FHS places, DESTDIR honoured: make install PREFIX=/usr DESTDIR=pkg
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
SBINDIR := $(PREFIX)/sbin
UNITDIR ?= $(PREFIX)/lib/systemd/system
MANDIR := $(PREFIX)/share/man
# PNGs of every dashboard from a live agent and a real Prometheus (root).
dashboards-preview: bin/netobs-xdp
	/usr/bin/python3 tests/gen/gen_captures.py $(BUILD)/captures
	/usr/bin/python3 tests/deploy/test_dashboards_live.py bin/netobs-xdp $(BUILD)/captures \
		$(BUILD)/dashboards
	/usr/bin/python3 scripts/dashboards-preview.py $(BUILD)/dashboards/results.json docs/dashboards

install: bin/netobs-xdp
	install -D -m 0755 bin/netobs-xdp $(DESTDIR)$(SBINDIR)/netobs-xdp
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|' deployments/systemd/netobs-xdp.service \
		> $(DESTDIR)$(UNITDIR)/netobs-xdp.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/netobs-xdp.service
	install -D -m 0644 deployments/config.yaml $(DESTDIR)$(SYSCONFDIR)/netobs-xdp/config.yaml
	install -D -m 0644 deployments/systemd/netobs-xdp.default \
		$(DESTDIR)$(SYSCONFDIR)/default/netobs-xdp
	install -D -m 0644 docs/netobs-xdp.8 $(DESTDIR)$(MANDIR)/man8/netobs-xdp.8

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

check-format:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) bin
