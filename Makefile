# liuhen — one Makefile for the library, the daemon, the tools and the tests.
#
#   make deps      install missing Debian packages (apt-get; does nothing when all are present)
#   make           build everything into build/
#   make check     deps, build, run every test, then the unit tests again under ASan/UBSan
#   make install   PREFIX=/usr/local DESTDIR=  (library, header, liuhen.pc, tools)
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc

DEB_PACKAGES := libsodium-dev liblmdb-dev libuv1-dev libprotobuf-c-dev \
                protobuf-c-compiler libcmocka-dev libjansson-dev pkg-config

PKGS_CORE := libsodium libprotobuf-c jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS_CORE) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS_CORE) 2>/dev/null)
UV_CFLAGS  := $(shell pkg-config --cflags libuv 2>/dev/null)
UV_LIBS    := $(shell pkg-config --libs libuv 2>/dev/null)
# LMDB ships no .pc file on Debian 12: fall back to -llmdb.
LMDB_CFLAGS := $(shell pkg-config --cflags lmdb 2>/dev/null)
LMDB_LIBS   := $(shell pkg-config --libs lmdb 2>/dev/null || echo -llmdb)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wvla -Wnull-dereference
ifneq ($(CI),)
WERROR := -Werror
endif
OPT      ?= -O2 -g
SANITIZE ?=
CFLAGS   ?=
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) $(WERROR) \
               -fPIC $(SANITIZE) -I$(BUILD)/proto -Iclient $(PKG_CFLAGS)
ALL_CFLAGS := $(BASE_CFLAGS) $(CFLAGS)
LDFLAGS  ?=
ALL_LDFLAGS := $(SANITIZE) $(LDFLAGS)

# Generated protobuf-c code lives in build/, never in the repository.
PROTO_SRC := proto/liuhen.proto
PROTO_C   := $(BUILD)/proto/liuhen.pb-c.c
PROTO_H   := $(BUILD)/proto/liuhen.pb-c.h
PROTO_O   := $(BUILD)/proto/liuhen.pb-c.o

# Chinese labels of the schema's enum values and fields, taken from the
# comments of proto/liuhen.proto by proto/labels.awk (one source of truth).
LABELS_INC := $(if $(wildcard proto/labels.awk),$(BUILD)/proto/liuhen-labels.inc)

CLIENT_SRC := $(wildcard client/*.c)
CLIENT_OBJ := $(CLIENT_SRC:%.c=$(BUILD)/%.o) $(PROTO_O)
LIB_A      := $(BUILD)/libliuhen.a

# The daemon's modules go into an archive of their own so that tests can
# link them without liuhend's main().
DAEMON_SRC := $(filter-out daemon/liuhend.c,$(wildcard daemon/*.c))
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(BUILD)/%.o)
DAEMON_A   := $(BUILD)/libliuhend.a
LIUHEND    := $(if $(wildcard daemon/liuhend.c),$(BUILD)/bin/liuhend)
DAEMON_LIBS := $(UV_LIBS) $(LMDB_LIBS) -lpthread

TEST_SRC   := $(wildcard tests/test_*.c)
TEST_BIN   := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_UTIL  := $(wildcard tests/util/*.c)
TEST_UTIL_OBJ := $(TEST_UTIL:%.c=$(BUILD)/%.o)

# Each folder tools/NAME/ is one program, build/bin/NAME, from all its .c files.
TOOL_NAMES := $(notdir $(patsubst %/,%,$(wildcard tools/*/)))
TOOLS := $(TOOL_NAMES:%=$(BUILD)/bin/%)

# Benchmarks (bench/*.c), built with everything and run by `make bench`.
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
BENCH_UTIL_OBJ := $(BUILD)/tests/util/tamper.o $(BUILD)/tests/util/memstore.o

# Shell tests (tests/test_*.sh) run after the C tests, with BUILD set.
SHELL_TESTS := $(wildcard tests/test_*.sh)

# Examples in the documentation are compiled, and run by the tests.
EXAMPLES := $(patsubst docs/examples/%.c,$(BUILD)/examples/%,$(wildcard docs/examples/*.c))

MAN1 := $(wildcard docs/*.1)
MAN8 := $(wildcard docs/*.8)

.PHONY: all deps check test unit-test asan-test clean install format format-check run demo bench
# Keep the objects of tests/util between runs instead of deleting them as intermediates.
.SECONDARY:
.DEFAULT_GOAL := all

all: $(LIB_A) $(LIUHEND) $(TOOLS) $(EXAMPLES) $(TEST_BIN) $(BENCH_BIN)

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
	protoc-c --proto_path=proto --c_out=$(BUILD)/proto $(PROTO_SRC)

$(BUILD)/proto/liuhen-labels.inc: $(PROTO_SRC) proto/labels.awk
	@mkdir -p $(dir $@)
	awk -f proto/labels.awk $(PROTO_SRC) > $@.tmp && mv $@.tmp $@

$(PROTO_O): $(PROTO_C)
	$(CC) $(filter-out -Wpedantic,$(ALL_CFLAGS)) -c -o $@ $<

$(BUILD)/client/%.o: client/%.c $(PROTO_H) $(LABELS_INC) $(wildcard client/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/daemon/%.o: daemon/%.c $(PROTO_H) $(wildcard client/*.h daemon/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UV_CFLAGS) $(LMDB_CFLAGS) -Idaemon -c -o $@ $<

$(BUILD)/tests/util/%.o: tests/util/%.c $(PROTO_H) $(wildcard client/*.h tests/util/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/util -DLH_BUILD_DIR=\"$(BUILD)\" -c -o $@ $<

$(LIB_A): $(CLIENT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(DAEMON_A): $(DAEMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/bin/liuhend: daemon/liuhend.c $(DAEMON_A) $(LIB_A) $(PROTO_H) $(wildcard client/*.h daemon/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UV_CFLAGS) $(LMDB_CFLAGS) -Idaemon -o $@ $< $(DAEMON_A) $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS) $(DAEMON_LIBS)

$(BUILD)/tools/%.o: tools/%.c $(PROTO_H) $(wildcard client/*.h tools/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I$(dir $<) -c -o $@ $<

define TOOL_RULE
$(BUILD)/bin/$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard tools/$(1)/*.c)) $(LIB_A)
	@mkdir -p $$(dir $$@)
	$$(CC) -o $$@ $$(filter %.o,$$^) $(LIB_A) $$(ALL_LDFLAGS) $$(PKG_LIBS) -lpthread
endef
$(foreach t,$(TOOL_NAMES),$(eval $(call TOOL_RULE,$(t))))

# liuhen-verify's modules (all but main) as an archive, so that its unit
# tests (test_report, test_rules) link them.
VERIFY_SRC := $(filter-out tools/liuhen-verify/main.c,$(wildcard tools/liuhen-verify/*.c))
VERIFY_A   := $(BUILD)/libverify.a
VERIFY_TESTS := $(filter $(BUILD)/tests/test_report $(BUILD)/tests/test_rules,$(TEST_BIN))

$(VERIFY_A): $(patsubst %.c,$(BUILD)/%.o,$(VERIFY_SRC))
	@rm -f $@
	ar rcs $@ $^

$(VERIFY_TESTS): $(BUILD)/tests/%: tests/%.c $(VERIFY_A) $(LIB_A) $(TEST_UTIL_OBJ) $(PROTO_H) $(wildcard client/*.h tools/liuhen-verify/*.h tests/util/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itools/liuhen-verify -Itests/util -DLH_BUILD_DIR=\"$(BUILD)\" -o $@ $< \
	  $(TEST_UTIL_OBJ) $(VERIFY_A) $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS) $(DAEMON_LIBS) $(CMOCKA_LIBS)

$(BUILD)/tests/%: tests/%.c $(DAEMON_A) $(LIB_A) $(TEST_UTIL_OBJ) $(PROTO_H) $(wildcard client/*.h daemon/*.h tests/util/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UV_CFLAGS) $(LMDB_CFLAGS) -Idaemon -Itests/util -DLH_BUILD_DIR=\"$(BUILD)\" -o $@ $< $(TEST_UTIL_OBJ) $(DAEMON_A) $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS) $(DAEMON_LIBS) $(CMOCKA_LIBS)

$(BUILD)/examples/%: docs/examples/%.c $(LIB_A) $(PROTO_H) $(wildcard client/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS)

# Every test runs from the repository root so it finds tests/vectors.
unit-test: $(LIUHEND) $(TOOLS) $(EXAMPLES) $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; $$t; done
	@set -e; for t in $(SHELL_TESTS); do echo "== $$t"; BUILD=$(BUILD) bash $$t; done

$(BUILD)/bench/%: bench/%.c $(LIB_A) $(BENCH_UTIL_OBJ) $(PROTO_H) $(wildcard client/*.h tests/util/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/util -DLH_BUILD_DIR=\"$(BUILD)\" -o $@ $< $(BENCH_UTIL_OBJ) $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS) -lpthread

# `make bench`: liuhen-verify over a 1,000,000-entry log (built once, kept in
# build/bench/, about 750 MB), with the single-core Ed25519 rate of the same run.
bench: $(BUILD)/bin/liuhen-verify $(BUILD)/bench/verify_bench
	$(BUILD)/bench/verify_bench $(BENCH_ARGS)

# `make run`: a demo log in ./var/, liuhend in the foreground (scripts/run.sh).
run: deps
	$(MAKE) all
	BUILD=$(BUILD) bash scripts/run.sh

# `make demo`: a scenario in Chinese against `make run`'s daemon, or its own.
demo: all
	BUILD=$(BUILD) bash scripts/demo.sh

asan-test:
	$(MAKE) BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all" unit-test fuzz-smoke

check: deps
	@if command -v clang-format >/dev/null; then $(MAKE) format-check; \
	 else echo "check: clang-format not installed: formatting not checked"; fi
	$(MAKE) all
	$(MAKE) unit-test
	$(MAKE) asan-test
	@echo "check: all tests passed"

install: $(LIB_A) $(LIUHEND) $(TOOLS)
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/liuhen \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 0644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 0644 client/*.h $(PROTO_H) $(DESTDIR)$(PREFIX)/include/liuhen/
	sed -e 's|@PREFIX@|$(PREFIX)|g' liuhen.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/liuhen.pc
	$(if $(strip $(LIUHEND) $(TOOLS)),install -m 0755 $(LIUHEND) $(TOOLS) $(DESTDIR)$(PREFIX)/bin/)
	$(if $(MAN1),install -d $(DESTDIR)$(PREFIX)/share/man/man1 && install -m 0644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/)
	$(if $(MAN8),install -d $(DESTDIR)$(PREFIX)/share/man/man8 && install -m 0644 $(MAN8) $(DESTDIR)$(PREFIX)/share/man/man8/)

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
FUZZ_DEPS  := tests/fuzz/fuzz.h $(DAEMON_A) $(LIB_A) $(PROTO_H) $(wildcard client/*.h daemon/*.h)

.PHONY: fuzz fuzz-smoke fuzz-corpus $(FUZZ_NAMES:%=fuzz-smoke-%) $(FUZZ_NAMES:%=fuzz-run-%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Idaemon -Itests/fuzz -o $@ $< tests/fuzz/driver.c $(DAEMON_A) $(LIB_A) \
	  $(ALL_LDFLAGS) $(PKG_LIBS) $(DAEMON_LIBS)

fuzz-smoke: $(FUZZ_NAMES:%=fuzz-smoke-%)

$(FUZZ_NAMES:%=fuzz-smoke-%): fuzz-smoke-%: $(BUILD)/fuzz/fuzz_%
	$< -n $(or $(FUZZ_N_$*),$(FUZZ_N))

# libFuzzer needs the libraries instrumented for coverage: build them apart.
fuzz:
	$(MAKE) BUILD=build/libfuzzer CC=$(FUZZ_CC) OPT="-O1 -g -fno-omit-frame-pointer" \
	  SANITIZE="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	  $(FUZZ_NAMES:%=fuzz-run-%)

$(BUILD)/libfuzzer-bin/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -fsanitize=fuzzer-no-link%,$(ALL_CFLAGS)) -fsanitize=fuzzer,address,undefined \
	  -Idaemon -Itests/fuzz -o $@ $< $(DAEMON_A) $(LIB_A) $(PKG_LIBS) $(DAEMON_LIBS)

$(FUZZ_NAMES:%=fuzz-run-%): fuzz-run-%: $(BUILD)/libfuzzer-bin/fuzz_%
	@mkdir -p $(BUILD)/corpus/$*
	$< -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
	  -artifact_prefix=$(BUILD)/crash-$*- $(BUILD)/corpus/$* tests/fuzz/corpus/$*

# Regenerate the seed corpora from tests/vectors (the output is deterministic).
$(BUILD)/fuzz/gen_corpus: tests/fuzz/gen_corpus.c $(LIB_A) $(PROTO_H) $(wildcard client/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(ALL_LDFLAGS) $(PKG_LIBS)

fuzz-corpus: $(BUILD)/fuzz/gen_corpus
	$(BUILD)/fuzz/gen_corpus

FORMAT_SRC = $(wildcard client/*.[ch] daemon/*.[ch] tools/*/*.[ch] tests/*.c tests/util/*.[ch] \
               tests/fuzz/*.[ch] docs/examples/*.c bench/*.c)

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf $(BUILD) build
