#!/bin/sh
# modgraph.sh: kuncid's module graph from its #include lines, and its
# cycles.  A module is a stem: agent/X.c and agent/X.h are module X;
# agent/kuncid.c is "main", the program that wires the modules together
# (agent/kuncid.h is the shared context that sock.c implements).
# Prints "from -> to" edges (-e), or the cycles found (default); exits 1
# when there is a cycle.  Used by tests/integration/layers.sh.
#
# usage: modgraph.sh [-e] [agent-dir]
edges=0
[ "$1" = "-e" ] && { edges=1; shift; }
dir=${1:-agent}

list_edges() {
	for f in "$dir"/*.c "$dir"/*.h; do
		b=$(basename "$f")
		m=${b%.*}
		case $b in
		kuncid.c|kuncictl.c|doccli.c|doccli.h) continue ;;
		esac
		grep -o '^#include "[a-z0-9_]*\.h"' "$f" |
		    sed 's/^#include "//; s/\.h"$//' |
		    while read -r t; do
			[ "$t" != "$m" ] && echo "$m $t"
		    done
	done | sort -u
}

if [ $edges = 1 ]; then
	list_edges | sed 's/ / -> /'
	exit 0
fi
# tsort reports the nodes of each cycle on stderr.
out=$(list_edges | tr '\n' ' ' | tsort 2>&1 >/dev/null)
if [ -n "$out" ]; then
	echo "$out" | grep -v '^tsort: -: input contains a loop:$' |
	    sed 's/^tsort: /cycle: /'
	exit 1
fi
echo "no cycle among $(list_edges | tr ' ' '\n' | sort -u | wc -l) modules"
