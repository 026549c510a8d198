# shellcheck shell=bash
# Demo, part 1: the example directory and the workflows kuncid loaded.

say "The example organisation (invented): people and their direct superior"
ldapsearch -LLL -Q -Y EXTERNAL -H "$LDAPI_URI" -b "ou=people,$KUNCI_BASE" \
    '(objectClass=inetOrgPerson)' uid cn manager 2>/dev/null |
awk '
/^uid: /     { uid = substr($0, 6) }
/^cn: /      { cn = substr($0, 5) }
/^manager: / { m = substr($0, 10); sub(/^uid=/, "", m); sub(/,.*/, "", m) }
/^$/ && uid != "" { printf "  %-14s %-28s superior: %s\n", uid, cn, m ? m : "-"; uid = cn = m = "" }
END { if (uid != "") printf "  %-14s %-28s superior: %s\n", uid, cn, m ? m : "-" }'

say "Roles: one LDAP group each"
ldapsearch -LLL -Q -Y EXTERNAL -H "$LDAPI_URI" -b "ou=groups,$KUNCI_BASE" \
    '(objectClass=groupOfNames)' cn member 2>/dev/null |
awk '
/^cn: /     { if (cn != "") print "  " cn ":" list; cn = substr($0, 5); list = "" }
/^member: / { m = substr($0, 9); sub(/^uid=/, "", m); sub(/,.*/, "", m); list = list " " m }
END         { if (cn != "") print "  " cn ":" list }'

say "Resources under the kunci subtree"
ldapsearch -LLL -Q -Y EXTERNAL -H "$LDAPI_URI" \
    -b "ou=resources,ou=kunci,$KUNCI_BASE" '(objectClass=kunciManagedResource)' \
    kunciName kunciWorkflow 2>/dev/null |
awk '
/^kunciName: /     { n = substr($0, 12) }
/^kunciWorkflow: / { w = substr($0, 16) }
/^$/ && n != ""    { printf "  %-28s workflow %s\n", n, w; n = w = "" }
END                { if (n != "") printf "  %-28s workflow %s\n", n, w }'

say "Workflows loaded by kuncid (kuncid -T: the effective configuration)"
"$KUNCID" -T -c "$KUNCI_CONF" | awk '
/^workflows = / { on = 1; next }
!on             { next }
/^}/            { on = 0 }
/^\t[A-Za-z0-9-]+ = \{/ { wf = $1; n = 0; next }
/^\t\tlabel_en = / && wf != "" { v = $0; sub(/^[^"]*"/, "", v); sub(/";$/, "", v); printf "\n  %s: %s\n", wf, v; wf = "" }
/^\t\t\t\tname = /  { v = $3; gsub(/[";]/, "", v); name = v }
/^\t\t\t\trole = /  { v = $3; gsub(/[";]/, "", v); role = v }
/^\t\t\t\tkind = /  { v = $3; gsub(/[";]/, "", v); kind = v }
/^\t\t\t\tsla = /   { v = $3; gsub(/[";]/, "", v); sla = v }
/^\t\t\t\tlabel_id = / { v = $0; sub(/^[^"]*"/, "", v); sub(/";$/, "", v);
    printf "    %2d. %-22s %-22s %-9s %-5s %s\n", ++n, name, role, kind, sla, v }'
