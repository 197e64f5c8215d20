# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# liuhen — one Makefile for the library, the daemon, the tools and the tests.
#
#   make deps      install missing Debian packages (apt-get; does nothing when all are present)
#   make           build everything into build/
#   make check     deps, build, run every test, then the unit tests again under ASan/UBSan
#                  (one line a file and a test, a failed test's log in full; V=1: everything)
#   make torture   the long tests (tests/torture/*.sh, as root: minutes each; never part of check)
#   make install   PREFIX=/usr/local DESTDIR=  (library, header, liuhen.pc, tools, catalogues;
#                  BINDIR, SBINDIR (liuhend), LIBDIR, MANDIR, LOCALEDIR below PREFIX by default)
#   make deb       Debian packages (debian/, dpkg-buildpackage) in BUILD/deb/, checked by lintian
#   make pot       regenerate po/liuhen.pot from the sources (xgettext)
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
# The daemon goes with the tools unless told (the Debian package: /usr/sbin).
SBINDIR ?= $(BINDIR)
LIBDIR  ?= $(PREFIX)/lib
MANDIR  ?= $(PREFIX)/share/man
# The version, in one place: the first line of debian/changelog.
VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
BUILD   ?= build
CC      ?= cc

DEB_PACKAGES := libsodium-dev liblmdb-dev libuv1-dev libprotobuf-c-dev \
                protobuf-c-compiler libcmocka-dev libjansson-dev pkg-config \
                libmicrohttpd-dev libcurl4-openssl-dev gettext libseccomp-dev \
                python3-prometheus-client python3-cryptography debhelper dpkg-dev lintian systemd strace nodejs \
                libcairo2-dev libpango1.0-dev fonts-wqy-microhei poppler-utils

PKGS_CORE := libsodium libprotobuf-c jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS_CORE) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS_CORE) 2>/dev/null)
UV_CFLAGS  := $(shell pkg-config --cflags libuv 2>/dev/null)
UV_LIBS    := $(shell pkg-config --libs libuv 2>/dev/null)
# LMDB ships no .pc file on Debian 12: fall back to -llmdb.
LMDB_CFLAGS := $(shell pkg-config --cflags lmdb 2>/dev/null)
LMDB_LIBS   := $(shell pkg-config --libs lmdb 2>/dev/null || echo -llmdb)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
# liuhend submits checkpoints to witnesses over HTTP (libcurl); liuhen-witness
# serves C2SP tlog-witness over HTTP (libmicrohttpd).
CURL_CFLAGS := $(shell pkg-config --cflags libcurl 2>/dev/null)
CURL_LIBS   := $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl)
MHD_CFLAGS  := $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS    := $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
# liuhen-verify --case-file draws its PDF with cairo and pango (the CJK font,
# fonts-wqy-microhei, found through fontconfig); the tests read it with
# poppler-utils.
PANGO_CFLAGS := $(shell pkg-config --cflags pangocairo cairo-pdf fontconfig 2>/dev/null)
PANGO_LIBS   := $(shell pkg-config --libs pangocairo cairo-pdf fontconfig 2>/dev/null || echo -lpangocairo-1.0 -lpango-1.0 -lgobject-2.0 -lglib-2.0 -lcairo -lfontconfig)
# liuhend confines itself with a seccomp filter (daemon/harden.h).
SECCOMP_LIBS := $(shell pkg-config --libs libseccomp 2>/dev/null || echo -lseccomp)

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wvla -Wnull-dereference
ifneq ($(CI),)
WERROR := -Werror
endif
OPT      ?= -O2 -g
SANITIZE ?=
CFLAGS   ?=
# CPPFLAGS: dpkg-buildflags' -D_FORTIFY_SOURCE=2 in the Debian build.
CPPFLAGS ?=
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) $(WERROR) \
               -fPIC $(SANITIZE) $(PKG_CFLAGS)
ALL_CFLAGS := $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS)
LDFLAGS  ?=
ALL_LDFLAGS := $(SANITIZE) $(LDFLAGS)

# Output: one line a compiled file (`CC daemon/log.c`) and a test (`ok   test_x`,
# or `FAIL test_x` and its whole log), unless V=1, which shows every command
# and every test's output as it runs, as before. Without V=1, each test's
# output is kept in BUILD/test-logs/NAME.log.
V ?= 0
ifeq ($(V),1)
Q    :=
say   =
else
Q    := @
say   = @printf '  %-6s %s\n' '$(1)' '$(2)';
MAKEFLAGS += --no-print-directory
endif

# Generated protobuf-c code lives in build/, never in the repository.
PROTO_SRC := proto/liuhen.proto
PROTO_C   := $(BUILD)/proto/liuhen.pb-c.c
PROTO_H   := $(BUILD)/proto/liuhen.pb-c.h
PROTO_O   := $(BUILD)/proto/liuhen.pb-c.o

# Chinese labels of the schema's enum values and fields, taken from the
# comments of proto/liuhen.proto by proto/labels.awk (one source of truth).
LABELS_INC := $(BUILD)/proto/liuhen-labels.inc

# ---- messages (client/core/i18n.h) ----------------------------------------------
# The English of the code is the message id; po/LANG.po translates it and
# is compiled (msgfmt --check: the printf conversions of each translation
# must match its message's) into BUILD/locale/LANG/LC_MESSAGES/liuhen.mo,
# which programs run from the build tree use. Installed programs use
# LOCALEDIR, compiled into client/core/i18n.o: a stamp holding its value
# rebuilds i18n.o when `make install PREFIX=...` changes it.
LOCALEDIR ?= $(PREFIX)/share/locale
PO_LANGS  := $(patsubst po/%.po,%,$(wildcard po/*.po))
MO_FILES  := $(PO_LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/liuhen.mo)
LOCALEDIR_STAMP := $(BUILD)/client/core/localedir.stamp
# `make pot`: every message marked _("..."), N_("...") or ngettext() in the
# sources (not gettext(""), which i18n.c reads the catalogue's header with),
# the detail of every lh_err_set() and the descriptions of the LH_E* codes
# (errors.h's X(name, value, description) table),
# with the comments that start "TRANSLATORS:"; locations by file only, so
# that a line moved does not change the template. POT names another output
# (tests/test_i18n.sh checks po/liuhen.pot against a fresh one).
POT     ?= po/liuhen.pot
POT_SRC  = $(sort $(wildcard client/core/*.c client/*.c daemon/*.c tools/*/*.c))

# ---- the layers --------------------------------------------------------------
# Each layer sees only its own headers and those below it, so the build
# itself proves the layering:
#   client/core/   the pure format core: libsodium and protobuf-c only
#   client/        the client library over it (liuhen.h)
#   daemon/        liuhend: the only code with libuv and LMDB
#   tools/NAME/    one program each, over the client library
CORE_INC   := -I$(BUILD)/proto -Iclient/core
CLIENT_INC := $(CORE_INC) -Iclient
DAEMON_INC := $(CORE_INC) -Idaemon $(UV_CFLAGS) $(LMDB_CFLAGS) $(CURL_CFLAGS)
CORE_LIBS  := $(shell pkg-config --libs libsodium libprotobuf-c 2>/dev/null) -lpthread
CLIENT_LIBS := $(CORE_LIBS) $(shell pkg-config --libs jansson 2>/dev/null)

CORE_SRC := $(wildcard client/core/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o) $(PROTO_O)
CORE_A   := $(BUILD)/libliuhen-core.a

CLIENT_SRC := $(wildcard client/*.c)
CLIENT_OBJ := $(CLIENT_SRC:%.c=$(BUILD)/%.o)
LIB_A      := $(BUILD)/libliuhen.a
# The shared library exports only the public names (client/liuhen.map:
# lh_* and protobuf-c's liuhen__*); everything else is hidden.
LIB_SO_NAME := libliuhen.so.0
LIB_SO      := $(BUILD)/lib/$(LIB_SO_NAME)
LIB_MAP     := client/liuhen.map
# What `make install` puts in include/liuhen/: liuhen.h and what it includes.
PUBLIC_H    := client/liuhen.h client/core/errors.h $(PROTO_H)

# The daemon's modules go into an archive of their own so that tests can
# link them without liuhend's main().
DAEMON_SRC := $(filter-out daemon/liuhend.c,$(wildcard daemon/*.c))
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(BUILD)/%.o)
DAEMON_A   := $(BUILD)/libliuhend.a
LIUHEND    := $(BUILD)/bin/liuhend
DAEMON_LIBS := $(UV_LIBS) $(LMDB_LIBS) $(CURL_LIBS) $(SECCOMP_LIBS) -lpthread

# Each folder tools/NAME/ is one program, build/bin/NAME, from its main.c
# and an archive of its other modules (which its unit tests link).
TOOL_NAMES := $(notdir $(patsubst %/,%,$(wildcard tools/*/)))
TOOLS := $(TOOL_NAMES:%=$(BUILD)/bin/%)
TOOL_A = $(BUILD)/tools/$(1).a
# What one tool links beyond the client library.
TOOL_CFLAGS_liuhen-witness := $(MHD_CFLAGS)
TOOL_LIBS_liuhen-witness   := $(MHD_LIBS) -lpthread
# liuhen-bench measures LMDB's synced commits on the data directory's file system.
TOOL_CFLAGS_liuhen-verify := $(PANGO_CFLAGS)
TOOL_LIBS_liuhen-verify   := $(PANGO_LIBS)
TOOL_CFLAGS_liuhen-bench := $(LMDB_CFLAGS)
TOOL_LIBS_liuhen-bench   := $(LMDB_LIBS) -lpthread
TOOLS_LIBS = $(foreach t,$(TOOL_NAMES),$(TOOL_LIBS_$(t)))

# Tests. tests/test_X.c is the unit test of module X, and links only X's
# layer and those below: the core's tests link the core alone. A test of no
# module (test_client, test_daemon, test_cli...) is an integration test and
# links everything.
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
layer_of = $(strip $(if $(wildcard client/core/$(1).c),core,\
             $(if $(wildcard client/$(1).c),client,\
             $(if $(wildcard daemon/$(1).c),daemon,\
             $(if $(wildcard tools/*/$(1).c),tool:$(notdir $(patsubst %/$(1).c,%,$(wildcard tools/*/$(1).c))),\
             all)))))
CORE_TEST_UTIL := $(patsubst %,$(BUILD)/tests/util/%.o,testutil vec memstore tamper)
INT_TEST_UTIL  := $(patsubst %,$(BUILD)/tests/util/%.o,daemon ledger load)
# Helpers of the daemon's module tests (they use daemon/store.h).
DAEMON_TEST_UTIL := $(BUILD)/tests/util/storefill.o
ALL_INC = $(CLIENT_INC) -Idaemon $(UV_CFLAGS) $(LMDB_CFLAGS) $(CURL_CFLAGS) $(MHD_CFLAGS) $(TOOLS_INC)
TEST_DEFS := -Itests/util -DLH_BUILD_DIR=\"$(BUILD)\"

# Benchmarks (bench/*.c), built with everything and run by `make bench`.
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

# Shell tests (tests/test_*.sh) run after the C tests, with BUILD set.
SHELL_TESTS := $(wildcard tests/test_*.sh)

# Examples in the documentation are compiled, and run by the tests.
EXAMPLES := $(patsubst docs/examples/%.c,$(BUILD)/examples/%,$(wildcard docs/examples/*.c))

MAN1 := $(wildcard docs/*.1)
MAN8 := $(wildcard docs/*.8)

.PHONY: all deps check test unit-test asan-test torture clean install binaries deb format format-check run demo \
        demo-findings bench bench-scale bench-compare pot FORCE
# Keep the objects of tests/util between runs instead of deleting them as intermediates.
.SECONDARY:
.DEFAULT_GOAL := all

all: $(LIB_A) $(LIB_SO) $(LIUHEND) $(TOOLS) $(MO_FILES) $(EXAMPLES) $(TEST_BIN) $(BENCH_BIN)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(PROTO_C) $(PROTO_H): $(PROTO_SRC)
	@mkdir -p $(BUILD)/proto
	$(call say,PROTOC,$(PROTO_SRC))protoc-c --proto_path=proto --c_out=$(BUILD)/proto $(PROTO_SRC)

$(LABELS_INC): $(PROTO_SRC) proto/labels.awk
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)awk -f proto/labels.awk $(PROTO_SRC) > $@.tmp && mv $@.tmp $@

$(PROTO_O): $(PROTO_C)
	$(call say,CC,$<)$(CC) $(filter-out -Wpedantic,$(ALL_CFLAGS)) -c -o $@ $<

CORE_H   := $(wildcard client/core/*.h) $(PROTO_H)
CLIENT_H := $(CORE_H) $(wildcard client/*.h)

$(BUILD)/client/core/%.o: client/core/%.c $(LABELS_INC) $(CORE_H)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(CORE_INC) -c -o $@ $<

$(BUILD)/client/core/i18n.o: ALL_CFLAGS += -DLH_LOCALEDIR='"$(LOCALEDIR)"'
$(BUILD)/client/core/i18n.o: $(LOCALEDIR_STAMP)

# Rewritten only when LOCALEDIR changes, so that i18n.o is rebuilt then only.
$(LOCALEDIR_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(LOCALEDIR)' | cmp -s - $@ 2>/dev/null || echo '$(LOCALEDIR)' > $@

$(BUILD)/locale/%/LC_MESSAGES/liuhen.mo: po/%.po
	@mkdir -p $(dir $@)
	$(call say,MSGFMT,$<)msgfmt --check -o $@.tmp $< && mv $@.tmp $@

pot:
	$(call say,XGETTEXT,$(POT))xgettext --from-code=UTF-8 --language=C --keyword --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --keyword=lh_err_set:3 \
	  --add-comments=TRANSLATORS: --add-location=file --package-name=liuhen \
	  --copyright-holder="liuhen contributors" --msgid-bugs-address="liuhen contributors" \
	  -o $(POT) $(POT_SRC)
	@xgettext --from-code=UTF-8 --language=C --keyword= --keyword=X:3 --flag=X:3:no-c-format \
	  --add-location=file -j -o $(POT) client/core/errors.h

$(BUILD)/client/%.o: client/%.c $(CLIENT_H)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(CLIENT_INC) -c -o $@ $<

$(BUILD)/daemon/%.o: daemon/%.c $(CORE_H) $(wildcard daemon/*.h)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(DAEMON_INC) -c -o $@ $<

$(BUILD)/tests/util/%.o: tests/util/%.c $(CLIENT_H) $(wildcard daemon/*.h tools/*/*.h tests/util/*.h)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(TEST_DEFS) $(ALL_INC) -c -o $@ $<

$(CORE_A): $(CORE_OBJ)
	@rm -f $@
	$(call say,AR,$@)ar rcs $@ $^

$(LIB_A): $(CORE_OBJ) $(CLIENT_OBJ)
	@rm -f $@
	$(call say,AR,$@)ar rcs $@ $^

$(LIB_SO): $(CORE_OBJ) $(CLIENT_OBJ) $(LIB_MAP)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) -shared -Wl,-soname,$(LIB_SO_NAME) -Wl,--version-script=$(LIB_MAP) -Wl,--no-undefined \
	  -o $@ $(CORE_OBJ) $(CLIENT_OBJ) $(ALL_LDFLAGS) $(CLIENT_LIBS)
	$(Q)ln -sf $(LIB_SO_NAME) $(BUILD)/lib/libliuhen.so

$(DAEMON_A): $(DAEMON_OBJ)
	@rm -f $@
	$(call say,AR,$@)ar rcs $@ $^

$(BUILD)/bin/liuhend: $(BUILD)/daemon/liuhend.o $(DAEMON_A) $(CORE_A)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) -o $@ $^ $(ALL_LDFLAGS) $(CORE_LIBS) $(DAEMON_LIBS)

define TOOL_RULE
$(BUILD)/tools/$(1)/%.o: tools/$(1)/%.c $(CLIENT_H) $(wildcard tools/$(1)/*.h)
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$<)$$(CC) $$(ALL_CFLAGS) $(CLIENT_INC) $(TOOL_CFLAGS_$(1)) -Itools/$(1) -c -o $$@ $$<

$(call TOOL_A,$(1)): $(patsubst %.c,$(BUILD)/%.o,$(filter-out tools/$(1)/main.c,$(wildcard tools/$(1)/*.c)))
	@rm -f $$@
	$$(call say,AR,$$@)ar rcs $$@ $$^

$(BUILD)/bin/$(1): $(BUILD)/tools/$(1)/main.o $(call TOOL_A,$(1)) $(LIB_A)
	@mkdir -p $$(dir $$@)
	$$(call say,LD,$$@)$$(CC) -o $$@ $$^ $$(ALL_LDFLAGS) $(CLIENT_LIBS) $(TOOL_LIBS_$(1))
endef
$(foreach t,$(TOOL_NAMES),$(eval $(call TOOL_RULE,$(t))))

# One rule per test, from its layer (layer_of).
test_name = $(patsubst test_%,%,$(1))
define TEST_RULE
$(BUILD)/tests/$(1): tests/$(1).c $(call test_deps,$(call layer_of,$(call test_name,$(1))))
	@mkdir -p $$(dir $$@)
	$$(call say,CC,$$<)$$(CC) $$(ALL_CFLAGS) $(TEST_DEFS) $(call test_inc,$(call layer_of,$(call test_name,$(1)))) -o $$@ $$< \
	  $(call test_link,$(call layer_of,$(call test_name,$(1)))) $$(ALL_LDFLAGS) $(call test_libs,$(call layer_of,$(call test_name,$(1)))) $(CMOCKA_LIBS)
endef
# A tool's tests may use the other tools' modules (test_rules builds its
# entries with tools/liuhen's JSON mapping): tools are peers over the library.
TOOLS_INC = $(foreach t,$(TOOL_NAMES),-Itools/$(t))
TOOLS_A   = $(foreach t,$(TOOL_NAMES),$(call TOOL_A,$(t)))
test_inc  = $(if $(filter core,$(1)),$(CORE_INC),$(if $(filter client,$(1)),$(CLIENT_INC),$(if $(filter daemon,$(1)),$(DAEMON_INC),$(if $(filter tool:%,$(1)),$(CLIENT_INC) $(TOOLS_INC),$(ALL_INC)))))
test_link = $(if $(filter core,$(1)),$(CORE_TEST_UTIL) $(CORE_A),$(if $(filter client,$(1)),$(CORE_TEST_UTIL) $(LIB_A),$(if $(filter daemon,$(1)),$(CORE_TEST_UTIL) $(DAEMON_TEST_UTIL) $(DAEMON_A) $(CORE_A),$(if $(filter tool:%,$(1)),$(CORE_TEST_UTIL) $(TOOLS_A) $(LIB_A),$(CORE_TEST_UTIL) $(INT_TEST_UTIL) $(TOOLS_A) $(DAEMON_A) $(LIB_A)))))
test_libs = $(if $(filter core,$(1)),$(CORE_LIBS),$(if $(filter client,$(1)),$(CLIENT_LIBS),$(if $(filter daemon,$(1)),$(CORE_LIBS) $(DAEMON_LIBS),$(if $(filter tool:%,$(1)),$(CLIENT_LIBS) $(TOOLS_LIBS),$(CLIENT_LIBS) $(DAEMON_LIBS) $(TOOLS_LIBS)))))
test_deps = $(call test_link,$(1)) $(CLIENT_H) $(wildcard daemon/*.h tools/*/*.h tests/util/*.h)
$(foreach t,$(TEST_SRC:tests/%.c=%),$(eval $(call TEST_RULE,$(t))))

$(BUILD)/examples/%: docs/examples/%.c $(LIB_A) $(CLIENT_H)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(CLIENT_INC) -o $@ $< $(LIB_A) $(ALL_LDFLAGS) $(CLIENT_LIBS)

# Every test runs from the repository root so it finds tests/vectors.
# Unless V=1, each test's output goes to BUILD/test-logs/NAME.log and one
# line says how it went; a failed test's log is printed whole (CI shows it),
# the other tests still run, and unit-test fails at the end naming them.
unit-test: $(LIUHEND) $(TOOLS) $(MO_FILES) $(EXAMPLES) $(TEST_BIN) $(BENCH_BIN)
ifeq ($(V),1)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; $$t; done
	@set -e; for t in $(SHELL_TESTS); do echo "== $$t"; \
	  BUILD=$(BUILD) CC="$(CC)" SANITIZE="$(SANITIZE)" bash $$t; done
else
	@mkdir -p $(BUILD)/test-logs; passed=0; failed=""; \
	for t in $(TEST_BIN) $(SHELL_TESTS); do \
	  n=$$(basename $$t .sh); log=$(BUILD)/test-logs/$$n.log; \
	  case $$t in \
	  *.sh) BUILD=$(BUILD) CC="$(CC)" SANITIZE="$(SANITIZE)" bash $$t >$$log 2>&1;; \
	  *) $$t >$$log 2>&1;; \
	  esac; rc=$$?; \
	  if [ $$rc = 0 ]; then passed=$$((passed + 1)); echo "ok   $$n"; \
	  else echo "FAIL $$n (exit $$rc): $$log follows"; cat $$log; \
	    echo "FAIL $$n (exit $$rc): end of $$log"; failed="$$failed $$n"; fi; \
	done; \
	if [ -n "$$failed" ]; then \
	  echo "unit-test: $$passed passed, FAILED:$$failed (logs in $(BUILD)/test-logs/)"; exit 1; \
	fi; \
	echo "unit-test: all $$passed tests passed (logs in $(BUILD)/test-logs/)"
endif

# Benchmarks write their logs with tests/util/tamper.h, and make their
# records with liuhen-bench's (tools/liuhen-bench/corpus.h).
BENCH_UTIL := $(patsubst %,$(BUILD)/tests/util/%.o,tamper memstore) \
              $(BUILD)/tools/liuhen-bench/corpus.o
$(BUILD)/bench/%: bench/%.c $(LIB_A) $(BENCH_UTIL) $(CLIENT_H) tools/liuhen-bench/corpus.h
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(TEST_DEFS) $(CLIENT_INC) -Itools/liuhen-bench -o $@ $< $(BENCH_UTIL) $(LIB_A) $(ALL_LDFLAGS) $(CLIENT_LIBS)

# `make bench`: liuhen-bench's default set against a liuhend of its own in a
# temporary directory (docs/performance.md): the machine's ceilings, then
# append-sync, append, prove and mixed for 10 s each, and verify (a log of
# 200,000 entries exported and checked by liuhen-verify --rules); about two
# minutes on two cores. Results in bench/results.json; BENCH_ARGS adds options
# (e.g. BENCH_ARGS="--seconds 30"). bench/verify_bench.c, which builds a
# 1,000,000-entry log offline for the verifier alone, is built by `make` and
# run by hand: $(BUILD)/bench/verify_bench.
bench: $(LIUHEND) $(BUILD)/bin/liuhen-bench $(BUILD)/bin/liuhen-verify
	$(BUILD)/bin/liuhen-bench all --results bench/results.json $(BENCH_ARGS)

# `make bench-scale`: the append rate and proof latency as the log grows to
# 10,000,000 entries. Long (hours on two cores) and large (about 12 GB in the
# temporary directory). Results in bench/results-scale.json.
bench-scale: $(LIUHEND) $(BUILD)/bin/liuhen-bench
	$(BUILD)/bin/liuhen-bench scale --results bench/results-scale.json $(BENCH_ARGS)

# `make bench-compare`: liuhen's append rates next to a hash-chained audit
# table in PostgreSQL driven by pgbench from 16 and 64 clients
# (bench/compare_pg.sh; installs Debian's postgresql package when missing).
# Results in bench/results-compare.json.
bench-compare: $(LIUHEND) $(BUILD)/bin/liuhen-bench
	BUILD=$(BUILD) bash bench/compare_pg.sh

# `make run`: a demo log in ./var/, liuhend in the foreground (scripts/run.sh).
run: deps
	$(MAKE) all
	BUILD=$(BUILD) bash scripts/run.sh

# `make demo`: a scenario in Chinese against `make run`'s daemon, or its own.
demo: all
	BUILD=$(BUILD) bash scripts/demo.sh

# `make demo-findings`: a log an inspector should find fault with, on a
# daemon of its own; passes when liuhen-verify reports exactly the findings
# expected.
demo-findings: all
	BUILD=$(BUILD) bash scripts/demo-findings.sh

# tests/test_deb.sh is not run again here: it installs the packages, which are
# the release build whatever SANITIZE says, so a second run would test the
# same binaries (unit-test ran it).
asan-test:
	$(call say,ASAN,$(MAKE) unit-test fuzz-smoke in build/asan)$(MAKE) BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  SHELL_TESTS="$(filter-out tests/test_deb.sh,$(SHELL_TESTS))" unit-test fuzz-smoke

check: deps
	@if command -v clang-format >/dev/null; then $(MAKE) format-check; \
	 else echo "check: clang-format not installed: formatting not checked"; fi
	$(Q)$(MAKE) all
	$(Q)$(MAKE) unit-test
	$(Q)$(MAKE) asan-test
	@echo "check: all tests passed"

# The long tests: every tests/torture/*.sh in turn (each runnable alone:
# BUILD=build bash tests/torture/NAME.sh, with its knobs in its header),
# then a summary; fails if one failed. They need root (a tmpfs is mounted,
# liuhend runs as --user) and valgrind. Output goes to BUILD/torture-logs/.
TORTURE := $(sort $(wildcard tests/torture/*.sh))
TORTURE_SHIM := $(BUILD)/tests/torture/shim.so

# The torture's own programs (tests/torture/*.c but the shim) link as the
# integration tests do; they are not in TEST_BIN, so `make check` never runs them.
TORTURE_BIN := $(patsubst tests/torture/%.c,$(BUILD)/tests/torture/%,\
                 $(filter-out tests/torture/shim.c,$(wildcard tests/torture/*.c)))
$(BUILD)/tests/torture/%: tests/torture/%.c $(call test_deps,all)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(TEST_DEFS) $(call test_inc,all) -o $@ $< \
	  $(call test_link,all) $(ALL_LDFLAGS) $(call test_libs,all) $(CMOCKA_LIBS)

$(TORTURE_SHIM): tests/torture/shim.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(WARN) -O2 -fPIC -shared -o $@ $< -ldl

torture: $(LIUHEND) $(TOOLS) $(MO_FILES) $(TEST_BIN) $(TORTURE_SHIM) $(TORTURE_BIN)
	@if [ "$$(id -u)" != 0 ]; then echo "torture: must run as root (tmpfs mounts, liuhend --user)"; exit 1; fi
	@command -v valgrind >/dev/null || { echo "torture: installing valgrind"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind; }
	@mkdir -p $(BUILD)/torture-logs; passed=""; failed=""; start=$$(date +%s); \
	for t in $(TORTURE); do \
	  n=$$(basename $$t .sh); log=$(BUILD)/torture-logs/$$n.log; t0=$$(date +%s); \
	  echo "== $$n (log: $$log)"; \
	  { BUILD=$(BUILD) bash $$t 2>&1; echo $$? >$$log.rc; } | tee $$log; rc=$$(cat $$log.rc); \
	  secs=$$(( $$(date +%s) - t0 )); \
	  if [ $$rc = 0 ]; then passed="$$passed $$n($${secs}s)"; \
	  else failed="$$failed $$n($${secs}s,exit $$rc)"; fi; \
	done; \
	echo "torture: $$(( $$(date +%s) - start ))s in all; passed:$${passed:- none}"; \
	if [ -n "$$failed" ]; then echo "torture: FAILED:$$failed"; exit 1; fi

# What `make install` installs, built: `make binaries` (the Debian package's build).
binaries: $(LIB_A) $(LIB_SO) $(LIUHEND) $(TOOLS) $(MO_FILES)

install: binaries
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PREFIX)/include/liuhen \
	  $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR)
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 0644 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(LIB_SO_NAME) $(DESTDIR)$(LIBDIR)/libliuhen.so
	install -m 0644 $(PUBLIC_H) $(DESTDIR)$(PREFIX)/include/liuhen/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@VERSION@|$(VERSION)|g' liuhen.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/liuhen.pc
	install -m 0755 $(LIUHEND) $(DESTDIR)$(SBINDIR)/
	install -m 0755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	$(if $(MAN1),install -d $(DESTDIR)$(MANDIR)/man1 && install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/)
	$(if $(MAN8),install -d $(DESTDIR)$(MANDIR)/man8 && install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/)
	for l in $(PO_LANGS); do \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	  install -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/liuhen.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/ || exit 1; \
	done

# ---- Debian packages (debian/; README.md "Running in production") -----------
# `make deb` copies the source tree (without build/, var/ and .git) to
# BUILD/deb/src/liuhen/ and runs dpkg-buildpackage there, so that no build
# artefact lands in the repository or beside it; the packages (version from
# debian/changelog) end in BUILD/deb/, and lintian must pass on them
# (errors and warnings fail the target). The package build compiles with
# dpkg-buildflags (hardening=+all) and runs no tests by default: `make check`
# runs them on this tree, and tests/test_deb.sh installs the packages.
# DEB_BUILD_OPTIONS="parallel=2" (without nocheck) runs unit-test inside the
# package build too.
DEB_BUILD_OPTIONS ?= nocheck parallel=2
DEB_DIR := $(BUILD)/deb
deb:
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src/liuhen
	$(Q)tar -c --exclude=./build --exclude=./var --exclude=./.git --exclude='./$(BUILD)' . | \
	  tar -x -C $(DEB_DIR)/src/liuhen
	$(call say,DEB,dpkg-buildpackage -us -uc -b in $(DEB_DIR)/src/liuhen)cd $(DEB_DIR)/src/liuhen && \
	  DEB_BUILD_OPTIONS="$(DEB_BUILD_OPTIONS)" dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
	  { cat ../build.log; echo "deb: dpkg-buildpackage failed (log: $(DEB_DIR)/src/build.log)"; exit 1; }
	$(Q)mv $(DEB_DIR)/src/*.deb $(DEB_DIR)/
	$(call say,LINTIAN,$(DEB_DIR)/*.deb)lintian --fail-on error,warning --display-info $(DEB_DIR)/*.deb
	@ls $(DEB_DIR)/*.deb

# ---- fuzzing (tests/fuzz/README.md) ----------------------------------------
# Every tests/fuzz/fuzz_<name>.c is a libFuzzer target. fuzz-smoke links each
# with tests/fuzz/driver.c and the current SANITIZE flags, and runs its seed
# corpus tests/fuzz/corpus/<name>/ and FUZZ_N deterministic mutations of it
# (make check runs it under ASan/UBSan). fuzz builds the targets with clang's
# libFuzzer and runs each for FUZZ_TIME seconds. fuzz_query exercises
# daemon/query.c, hence the daemon archive in the link.
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_N     ?= 20000
# Every key file decode allocates guarded, locked memory (slow): fewer inputs.
FUZZ_N_keyfile ?= 3000
FUZZ_TIME  ?= 60
FUZZ_CC    ?= clang
FUZZ_LINK  := $(TOOLS_A) $(DAEMON_A) $(LIB_A)
FUZZ_DEPS  := tests/fuzz/fuzz.h $(FUZZ_LINK) $(CLIENT_H) $(wildcard daemon/*.h tools/*/*.h)

.PHONY: fuzz fuzz-smoke fuzz-corpus $(FUZZ_NAMES:%=fuzz-smoke-%) $(FUZZ_NAMES:%=fuzz-run-%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(ALL_INC) -Itests/fuzz -o $@ $< tests/fuzz/driver.c $(FUZZ_LINK) \
	  $(ALL_LDFLAGS) $(CLIENT_LIBS) $(DAEMON_LIBS) $(TOOLS_LIBS)

fuzz-smoke: $(FUZZ_NAMES:%=fuzz-smoke-%)

$(FUZZ_NAMES:%=fuzz-smoke-%): fuzz-smoke-%: $(BUILD)/fuzz/fuzz_%
ifeq ($(V),1)
	$< -n $(or $(FUZZ_N_$*),$(FUZZ_N))
else
	@mkdir -p $(BUILD)/test-logs; log=$(BUILD)/test-logs/fuzz_$*.log; \
	if $< -n $(or $(FUZZ_N_$*),$(FUZZ_N)) >$$log 2>&1; then echo "ok   fuzz_$*"; \
	else rc=$$?; echo "FAIL fuzz_$* (exit $$rc): $$log follows"; cat $$log; \
	  echo "FAIL fuzz_$* (exit $$rc): end of $$log"; exit 1; fi
endif

# libFuzzer needs the libraries instrumented for coverage: build them apart.
fuzz:
	$(MAKE) BUILD=build/libfuzzer CC=$(FUZZ_CC) OPT="-O1 -g -fno-omit-frame-pointer" \
	  SANITIZE="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	  $(FUZZ_NAMES:%=fuzz-run-%)

$(BUILD)/libfuzzer-bin/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -fsanitize=fuzzer-no-link%,$(ALL_CFLAGS)) -fsanitize=fuzzer,address,undefined \
	  $(ALL_INC) -Itests/fuzz -o $@ $< $(FUZZ_LINK) $(CLIENT_LIBS) $(DAEMON_LIBS) $(TOOLS_LIBS)

$(FUZZ_NAMES:%=fuzz-run-%): fuzz-run-%: $(BUILD)/libfuzzer-bin/fuzz_%
	@mkdir -p $(BUILD)/corpus/$*
	$< -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
	  -artifact_prefix=$(BUILD)/crash-$*- $(BUILD)/corpus/$* tests/fuzz/corpus/$*

# Regenerate the seed corpora from tests/vectors (the output is deterministic).
$(BUILD)/fuzz/gen_corpus: tests/fuzz/gen_corpus.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_INC) -o $@ $< $(FUZZ_LINK) $(ALL_LDFLAGS) $(CLIENT_LIBS) $(DAEMON_LIBS) $(TOOLS_LIBS)

fuzz-corpus: $(BUILD)/fuzz/gen_corpus
	$(BUILD)/fuzz/gen_corpus

FORMAT_SRC = $(wildcard client/*.[ch] client/core/*.[ch] daemon/*.[ch] tools/*/*.[ch] tests/*.c tests/util/*.[ch] \
               tests/fuzz/*.[ch] tests/torture/*.c docs/examples/*.c bench/*.c)

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	$(call say,FORMAT,clang-format --dry-run --Werror)clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf $(BUILD) build
