# kunci: plain GNU make.  `make` builds the agent, the CLI and the PAM
# module into $(BUILD); `make check` installs missing Debian packages, builds
# and runs every test; `make demo` walks the procedures against a sandbox.

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share
# where bash-completion looks (it searches XDG_DATA_DIRS, /usr/local/share too)
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
SYSCONFDIR ?= /etc
# Debian's multiarch PAM directory (pam.pc does not export one).
MULTIARCH := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || \
	gcc -print-multiarch 2>/dev/null)
PAMDIR	?= /lib/$(MULTIARCH)/security
UNITDIR	?= /lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
PAMCONFIGDIR ?= /usr/share/pam-configs
PAMD	?= /etc/pam.d

BUILD	?= build
CC	?= cc
PKGS	= ldap libconfig openssl pam jansson
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))

WARN	= -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	  -Wmissing-prototypes -Wcast-qual -Wwrite-strings -Wvla \
	  -Wimplicit-fallthrough
ifeq ($(WERROR),1)
WARN	+= -Werror
endif
ifdef SANITIZE
OPT	= -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) \
	  -fno-sanitize-recover=all
SANLD	= -fsanitize=$(SANITIZE)
else
OPT	= -O2 -g -D_FORTIFY_SOURCE=2
endif
HARDEN	= -fstack-protector-strong -fstack-clash-protection \
	  -ftrivial-auto-var-init=zero
CFLAGS	?=
KCFLAGS	= -std=c11 -D_GNU_SOURCE $(OPT) $(HARDEN) $(WARN) -Iagent \
	  -DSYSCONFDIR='"$(SYSCONFDIR)"' $(CFLAGS)
LDHARDEN = -Wl,-z,relro,-z,now -Wl,--as-needed
LDFLAGS	?=

# Every agent/*.c but the two programs is a module shared by kuncid,
# kuncictl and the tests (STYLE.md: the CLI reuses the agent's modules).
MAINS	= agent/kuncid.c agent/kuncictl.c
LIBSRCS	= $(filter-out $(MAINS),$(wildcard agent/*.c))
LIBOBJS	= $(LIBSRCS:agent/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/i18n_id.o
LIB	= $(BUILD)/libkunci.a
PROGS	= $(BUILD)/kuncid $(BUILD)/kuncictl
MODULE	= $(BUILD)/pam_kunci.so
TESTSRCS = $(wildcard tests/unit/test_*.c)
TESTS	= $(TESTSRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOLSRCS = $(wildcard tests/tools/*.c)
TOOLS	= $(TOOLSRCS:tests/tools/%.c=$(BUILD)/tests/%)
BENCHSRCS = $(wildcard bench/*.c)
BENCHES	= $(BENCHSRCS:bench/%.c=$(BUILD)/bench/%)
HDRS	= $(wildcard agent/*.h)

.PHONY: all deps check check-unit check-integration check-sites asan analyze demo \
	install-cockpit install uninstall clean bench bench-scale bench-many deb \
	fuzz fuzz-build fuzz-seeds

all: $(PROGS) $(MODULE)

$(BUILD)/obj/%.o: agent/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -fPIE $(PKG_CFLAGS) -c -o $@ $<

# The Indonesian messages (agent/i18n.h): po/id.po compiled in as a table.
$(BUILD)/gen/i18n_id.c: po/id.po po/po2c.awk
	@mkdir -p $(@D)
	awk -f po/po2c.awk po/id.po >$@.tmp
	mv -f $@.tmp $@
$(BUILD)/obj/i18n_id.o: $(BUILD)/gen/i18n_id.c
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -fPIE -c -o $@ $<

# The one version string is debian/changelog's first entry (a package
# build and a plain `make` print the same); "unknown" without it.
VERSION	:= $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog \
	2>/dev/null)
VERSION	:= $(or $(VERSION),unknown)
$(BUILD)/version.h: debian/changelog
	@mkdir -p $(@D)
	printf '#define KUNCI_VERSION "%s"\n' '$(VERSION)' >$@.tmp
	mv -f $@.tmp $@
$(BUILD)/obj/kuncid.o $(BUILD)/obj/kuncictl.o: $(BUILD)/version.h
$(BUILD)/obj/kuncid.o $(BUILD)/obj/kuncictl.o: KCFLAGS += -I$(BUILD)
# kuncictl answers help without kuncid: kuncid prints its command tables
# (kuncid --usage) into a header kuncictl is built with, so the two cannot
# differ.
$(BUILD)/usage.h: $(BUILD)/kuncid
	ASAN_OPTIONS=detect_leaks=0 $(BUILD)/kuncid --usage >$@.txt
	sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $@.txt >$@.tmp
	mv -f $@.tmp $@
$(BUILD)/obj/kuncictl.o: $(BUILD)/usage.h

# Archives and binaries are written beside their target and renamed into
# place, so a test (or a parallel build) never sees a half-written file.
$(LIB): $(LIBOBJS)
	rm -f $@.tmp
	ar rcs $@.tmp $^
	mv -f $@.tmp $@

$(BUILD)/%: $(BUILD)/obj/%.o $(LIB)
	$(CC) $(KCFLAGS) -pie $(LDHARDEN) $(SANLD) $(LDFLAGS) -o $@.tmp $< \
	    $(LIB) $(PKG_LIBS) -lpthread
	mv -f $@.tmp $@

# The module: libc, libpam, the codec, the decision and the gate-table
# reader only, compiled position-independent on its own (no LDAP, OpenSSL
# or libconfig inside sshd).
MODOBJS	= $(BUILD)/pic/pam_kunci.o $(BUILD)/pic/proto.o \
	  $(BUILD)/pic/decide.o $(BUILD)/pic/gtab.o
$(BUILD)/pic/%.o: pam_module/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<
$(BUILD)/pic/%.o: agent/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(MODULE): $(MODOBJS) pam_module/pam_kunci.map
	$(CC) $(KCFLAGS) -shared -fPIC $(LDHARDEN) $(SANLD) \
	    -Wl,--no-undefined -Wl,--version-script=pam_module/pam_kunci.map \
	    $(LDFLAGS) -o $@.tmp $(MODOBJS) -lpam
	mv -f $@.tmp $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB) $(HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -fPIE -pie $(PKG_CFLAGS) $(SANLD) $(LDFLAGS) -o $@ \
	    $< $(LIB) $(PKG_LIBS) -lcmocka -ldl -lpthread
$(BUILD)/tests/%: tests/tools/%.c $(LIB) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -fPIE -pie $(PKG_CFLAGS) $(SANLD) $(LDFLAGS) -o $@ \
	    $< $(LIB) $(PKG_LIBS) -ldl -lpthread
$(BUILD)/bench/%: bench/%.c $(LIB) $(HDRS) $(wildcard bench/*.h)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -fPIE -pie $(PKG_CFLAGS) $(LDFLAGS) -o $@ \
	    $< $(LIB) $(PKG_LIBS) -ldl -lpthread

.PRECIOUS: $(BUILD)/obj/%.o $(BUILD)/pic/%.o

# Debian packages the build, the tests and the demo need.
deps:
	@tests/install-deps

check: deps
	@$(MAKE) --no-print-directory all $(TESTS) $(TOOLS)
	@BUILD=$(BUILD) tests/run

check-unit: all $(TESTS) $(TOOLS)
	@BUILD=$(BUILD) tests/run --unit

check-integration: all $(TESTS) $(TOOLS)
	@BUILD=$(BUILD) tests/run --integration

# Two sites on replicated OpenLDAP (doc/sites.md): minutes, so apart.
check-sites: all $(TOOLS)
	@BUILD=$(abspath $(BUILD)) KUNCI_CHECK_SITES=1 \
	    bash tests/integration/sites.sh

asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan \
	    SANITIZE=address,undefined all $(subst $(BUILD)/,build/asan/,$(TESTS) $(TOOLS))
	@BUILD=build/asan SANITIZE=address,undefined \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run

# libFuzzer harnesses (tests/fuzz/fuzz_*.c).  The library is compiled again
# with clang, instrumented for coverage and under ASan and UBSan, into
# $(FUZZDIR); each harness runs FUZZ_TIME seconds from its committed seed
# corpus (tests/fuzz/corpus/NAME) plus what earlier runs found
# ($(FUZZDIR)/corpus/NAME).  make check runs each for a few seconds
# (tests/integration/fuzz.sh).
FUZZ_CC	?= clang
FUZZ_TIME ?= 60
FUZZDIR	?= build/fuzz
FUZZSAN	= -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
	  $(FUZZSAN) $(WARN) -Iagent -DSYSCONFDIR='"$(SYSCONFDIR)"' \
	  $(PKG_CFLAGS)
FUZZSRCS = $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS	= $(FUZZSRCS:tests/fuzz/%.c=$(FUZZDIR)/%)
FUZZOBJS = $(LIBSRCS:agent/%.c=$(FUZZDIR)/obj/%.o) $(FUZZDIR)/obj/i18n_id.o

$(FUZZDIR)/obj/%.o: agent/%.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZDIR)/obj/i18n_id.o: $(BUILD)/gen/i18n_id.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZDIR)/libkunci.a: $(FUZZOBJS)
	rm -f $@.tmp
	ar rcs $@.tmp $^
	mv -f $@.tmp $@
$(FUZZDIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZDIR)/libkunci.a $(HDRS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@.tmp $< \
	    $(FUZZDIR)/libkunci.a $(PKG_LIBS) -lpthread
	mv -f $@.tmp $@

fuzz-build: $(FUZZERS)

# The binary seeds, written by kunci's own table builder and encoders.
$(BUILD)/tests/mkseed: tests/fuzz/mkseed.c $(LIB) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -fPIE -pie $(PKG_CFLAGS) $(LDFLAGS) -o $@ \
	    $< $(LIB) $(PKG_LIBS) -lpthread
fuzz-seeds: $(BUILD)/tests/mkseed
	$(BUILD)/tests/mkseed tests/fuzz/corpus

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZDIR=$(FUZZDIR) tests/fuzz/run $(FUZZ_TIME)

# varFuncNullUB: log_audit()'s key/value list ends with NULL.  glibc
# defines NULL as ((void *)0), and log.h marks the function with the
# sentinel attribute so gcc checks every call's terminator.
analyze:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --suppress=varFuncNullUB --inline-suppr -D_GNU_SOURCE -Iagent \
	    agent pam_module

bench: deps all $(BENCHES) $(TOOLS)
	@BUILD=$(BUILD) bench/run

# issue 18's figures (bench/scale.sh): a million grants; long, not in check
bench-scale: deps all $(BENCHES) $(TOOLS)
	@BUILD=$(BUILD) bench/scale.sh

# issue 18's many gated servers (bench/many.sh): 200 kuncid, one slapd
bench-many: deps all $(BENCHES)
	@BUILD=$(BUILD) bench/many.sh

demo: deps
	@$(MAKE) --no-print-directory all $(TOOLS)
	@BUILD=$(BUILD) tests/demo

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(PAMDIR) $(DESTDIR)$(SYSCONFDIR)/kunci \
	    $(DESTDIR)$(DATADIR)/kunci/ldif $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(PAMCONFIGDIR) \
	    $(DESTDIR)$(DATADIR)/kunci/pam.d $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(BUILD)/kuncid $(DESTDIR)$(SBINDIR)/kuncid
	install -m 0755 $(BUILD)/kuncictl $(DESTDIR)$(BINDIR)/kuncictl
	install -m 0644 conf/bash-completion/kuncictl \
	    $(DESTDIR)$(BASHCOMPDIR)/kuncictl
	install -m 0644 $(MODULE) $(DESTDIR)$(PAMDIR)/pam_kunci.so
	install -m 0644 ldif/kunci.ldif ldif/kunci.schema ldif/bootstrap.ldif \
	    ldif/example-org.ldif $(DESTDIR)$(DATADIR)/kunci/ldif/
	sed 's|@LDIFDIR@|$(DATADIR)/kunci/ldif|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    ldif/kunci-directory >$(DESTDIR)$(SBINDIR)/kunci-directory.tmp
	chmod 0755 $(DESTDIR)$(SBINDIR)/kunci-directory.tmp
	mv -f $(DESTDIR)$(SBINDIR)/kunci-directory.tmp $(DESTDIR)$(SBINDIR)/kunci-directory
	test -e $(DESTDIR)$(SYSCONFDIR)/kunci/kunci.conf || \
	    install -m 0644 conf/kunci.conf $(DESTDIR)$(SYSCONFDIR)/kunci/kunci.conf
	for f in systemd/*.service systemd/*.timer; do \
	    [ -e "$$f" ] && sed 's|@SBINDIR@|$(SBINDIR)|g; s|@BINDIR@|$(BINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    "$$f" > $(DESTDIR)$(UNITDIR)/$${f##*/}; done; true
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8
	for f in doc/*.1; do [ -e "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(MANDIR)/man1/; done; true
	for f in doc/*.5; do [ -e "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(MANDIR)/man5/; done; true
	for f in doc/*.8; do [ -e "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(MANDIR)/man8/; done; true
	[ ! -e systemd/kunci.sysusers ] || install -m 0644 systemd/kunci.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/kunci.conf
	[ ! -e conf/pam-configs/kunci ] || install -m 0644 conf/pam-configs/kunci \
	    $(DESTDIR)$(PAMCONFIGDIR)/kunci
	$(MAKE) --no-print-directory install-cockpit
	# PAM snippets are examples to copy into /etc/pam.d, never installed
	# there: which services kunci gates is the administrator's choice.
	for f in conf/pam.d/*; do [ -e "$$f" ] && install -m 0644 "$$f" \
	    $(DESTDIR)$(DATADIR)/kunci/pam.d/; done; true
	# likewise the panel host's nslcd.conf (doc/provisioning.md)
	install -m 0644 conf/nslcd-panel.conf $(DESTDIR)$(DATADIR)/kunci/

# kunci's Cockpit page: static files, no build step (cockpit/).
COCKPITDIR ?= $(DATADIR)/cockpit/kunci
install-cockpit:
	install -d $(DESTDIR)$(COCKPITDIR)
	install -m 0644 cockpit/manifest.json cockpit/index.html \
	    cockpit/kunci.js cockpit/kunci.css $(DESTDIR)$(COCKPITDIR)/

# The PAM profile leaves the stacks first, and the module stays while any
# PAM service file still names it: a stack with a missing module fails
# every login, su, sudo and cron job (PAM_MODULE_UNKNOWN).
uninstall:
	@if [ -z "$(DESTDIR)" ] && [ -e $(PAMCONFIGDIR)/kunci ] && \
	    command -v pam-auth-update >/dev/null; then \
	    echo "pam-auth-update --package --remove kunci"; \
	    pam-auth-update --package --remove kunci || exit 1; fi
	@refs=$$(grep -lE '^[[:space:]]*[^#[:space:]].*pam_kunci' \
	    $(DESTDIR)$(PAMD)/* 2>/dev/null | tr '\n' ' '); \
	if [ -n "$$refs" ]; then \
	    echo "kunci: not uninstalling: pam_kunci is still used by $$refs(remove it from those PAM stacks first)" >&2; \
	    exit 1; fi
	rm -f $(DESTDIR)$(SBINDIR)/kuncid $(DESTDIR)$(BINDIR)/kuncictl \
	    $(DESTDIR)$(SBINDIR)/kunci-directory \
	    $(DESTDIR)$(PAMDIR)/pam_kunci.so $(DESTDIR)$(PAMCONFIGDIR)/kunci \
	    $(DESTDIR)$(SYSUSERSDIR)/kunci.conf \
	    $(DESTDIR)$(BASHCOMPDIR)/kuncictl
	for f in systemd/*.service systemd/*.timer; do \
	    [ -e "$$f" ] && rm -f $(DESTDIR)$(UNITDIR)/$${f##*/}; done; true
	for f in doc/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$${f##*/}; done
	for f in doc/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$${f##*/}; done
	for f in doc/*.8; do rm -f $(DESTDIR)$(MANDIR)/man8/$${f##*/}; done
	rm -rf $(DESTDIR)$(DATADIR)/kunci $(DESTDIR)$(COCKPITDIR)
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/kunci (configuration and secrets)"

# Debian packages kunci and libpam-kunci into build/deb/ (debian/rules
# calls `make install`).  Built from a copy of the tree, so the .deb
# files land in build/deb/ and never in the parent directory.
deb:
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/src
	tar -cf - --exclude=./build --exclude=./.git --exclude=./debian/build . | \
	    tar -C $(BUILD)/deb/src -xf -
	cd $(BUILD)/deb/src && dpkg-buildpackage -b -us -uc
	@ls $(BUILD)/deb/*.deb

clean:
	rm -rf build
