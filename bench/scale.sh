#!/bin/bash
# bench/scale.sh (make bench-scale): the figures of issue 18 measured so
# far, each size in the same run so the 100,000 figure stands beside the
# 1,000,000 one:
#   - bench/review.sh over BENCH_REVIEW_SIZES (default 10,000, 100,000 and
#     1,000,000 grants): campaign time per grant, slapd's and kuncid's CPU
#     time, kuncid's peak memory;
#   - bench/admin.sh with BENCH_CAMPAIGN (default 100,000): 50 list/show
#     callers while campaigns run and nobody holds connections;
#   - bench/gatescale.sh over BENCH_GATE_SIZES (default 100,000 and
#     1,000,000): the gate table's rebuild against an add in place, the
#     snapshot's CPU, kuncid's memory, pam_acct_mgmt p99 through the
#     table, kuncid's restart from its snapshot;
#   - bench/cards.sh: one door's allow list of BENCH_CARDS (default
#     50,000) cards refreshed, signed and exported, in directories of
#     100,000 and a million grants (BENCH_CARDS_FILL), then slapd's CPU
#     while kuncid idles (the scheduler's expiry jobs and allow lists).
# Needs root, about 4 GB of /tmp at a million grants, and tens of minutes.
# Results in $BUILD/bench/review.txt, admin.txt, gate.txt and cards.txt; see
# bench/RESULTS.md.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_REVIEW_SIZES=${BENCH_REVIEW_SIZES:-10000 100000 1000000}
export BENCH_CAMPAIGN=${BENCH_CAMPAIGN:-100000}
bash "$top/bench/review.sh"
bash "$top/bench/admin.sh"
bash "$top/bench/gatescale.sh"
bash "$top/bench/cards.sh"
