#!/bin/bash
# The libFuzzer harnesses (tests/fuzz), briefly: each is built with clang
# under ASan and UBSan (make fuzz-build), replays its whole committed seed
# corpus, the regression inputs of fixed bugs included, and then fuzzes
# for FUZZ_CHECK_TIME seconds (default 3).  Any crash, leak, sanitizer
# report or broken oracle fails.  `make fuzz` runs them for longer.
# Skipped only when clang cannot build a fuzzer at all (tests/install-deps
# installs it).
# asan: skip (the harnesses carry their own sanitizers)
set -u
. "$(dirname "$0")/../lib.sh"
secs=${FUZZ_CHECK_TIME:-3}
# its own build directory: never one a developer's `make fuzz` is using
fdir=$(mktemp -d)
trap 'rm -rf "$fdir"' EXIT

printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    >"$fdir/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined -o "$fdir/probe" \
    "$fdir/probe.c" >/dev/null 2>&1; then
	t_skip "clang with libFuzzer is not installed (tests/install-deps installs clang and libclang-rt-14-dev)"
fi

if make -s -C "$KUNCI_TOP" FUZZDIR="$fdir" fuzz-build >"$fdir/build.log" 2>&1; then
	t_ok "the harnesses build with clang -fsanitize=fuzzer,address,undefined"
else
	t_fail "the harnesses build" "$(tail -n 20 "$fdir/build.log")"
	t_done
fi

for src in "$KUNCI_TOP"/tests/fuzz/fuzz_*.c; do
	n=${src##*/fuzz_}
	n=${n%.c}
	nseeds=$(find "$KUNCI_TOP/tests/fuzz/corpus/$n" -type f | wc -l)
	if [ "$nseeds" -eq 0 ]; then
		t_fail "fuzz_$n has a seed corpus"
		continue
	fi
	if out=$(FUZZDIR="$fdir" "$KUNCI_TOP/tests/fuzz/run" "$secs" "$n" 2>&1); then
		t_ok "fuzz_$n: $nseeds seeds replayed, ${secs}s without a finding (${out#*ok, })"
	else
		t_fail "fuzz_$n: a finding" "$out
$(tail -n 40 "$fdir/fuzz_$n.log")"
	fi
done
t_done
