#!/bin/bash
# slapd behind kuncid's sync cookie.  A database restored from a backup
# (or a slapd killed before it recorded its contextCSN) is older than the
# state the cookie names, and syncprov refuses to resume from it
# ("consumer state is newer than provider", unwilling to perform).
# kuncid must drop the cookie and refresh in full, not retry it for ever
# with the gate on its offline policy (with offline = "cache", a grant
# that no longer exists stayed allowed).
. "$(dirname "$0")/provision.inc"

prov_setup
DOOR=server-room:dc1
pam_svc door "$DOOR"

restart_slapd()
{
	local spid
	spid=$(cat "$W/slapd.pid")
	kill -KILL "$spid"
	wait_for 50 eval '! kill -0 '"$spid"' 2>/dev/null' || return 1
	wait_for 100 eval '! directory_up' || return 1
	if [ "${1:-}" = restore ]; then
		rm -f "$W"/db/*
		slapadd -q -F "$W/slapd.d" -b "$KUNCI_BASE" -l "$PT/backup.ldif" \
		    >"$PT/slapadd.log" 2>&1 || return 1
	fi
	"$KUNCI_TOP/tests/sandbox" slapd-start "$W" >/dev/null 2>&1
}

# 1. killed and started again: back online, a later revocation applies
id=$(submit lputri "$DOOR")
walk_a "$id" KA-0778
t_check "lputri may pass the door" wait_pc door lputri PAM_SUCCESS 50
t_check "slapd killed and started again" restart_slapd
t_check "kuncid online again" wait_for 200 directory_up
kc --as sanggraini grant revoke "$id" --now --reason "uji" >/dev/null
t_check "a revocation after the restart reaches the gate" \
    wait_pc door lputri PAM_PERM_DENIED 50

# 2. restored from a backup taken before a grant was made
slapcat -F "$W/slapd.d" -b "$KUNCI_BASE" -l "$PT/backup.ldif" 2>/dev/null
t_check "a backup of the directory" test -s "$PT/backup.ldif"
id=$(submit lputri "$DOOR")
walk_a "$id" KA-0779
t_check "a grant made after the backup: allowed" \
    wait_pc door lputri PAM_SUCCESS 50
t_check "slapd killed, its database restored from the backup" \
    restart_slapd restore
t_check "kuncid online again" wait_for 200 directory_up
t_check "the grant the restored directory lacks is denied" \
    wait_pc door lputri PAM_PERM_DENIED 200
t_wait_grep "the refused cookie gave way to a full refresh" \
    "refuses to resume from our cookie; full refresh" "$W/kuncid.log" 100
t_done
