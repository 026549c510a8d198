#!/bin/bash
# An acting official (Plt./Plh.) is told of the steps they may now decide:
# the "waiting" notice of a step reaches the official's Plt. as well as
# the official, for a delegated role and for the superior's place; not
# before the delegation starts, not after it ends, and never about the
# Plt.'s own request (where they may not act).
. "$(dirname "$0")/provision.inc"

prov_setup
day() { date -d "$1" +%F; }
DOOR=server-room:dc1

# tramadhan (lputri's superior) names asetiawan his Plt. as superior
kcr --as tramadhan --json delegate create --to asetiawan --role superior \
    --until "$(day '+3 days')" --reason "Dinas luar"
t_eq "the superior's place is delegated" 0 "$rc"
id1=$(submit lputri "$DOOR")
t_check "the superior is asked" wait_mail waiting tramadhan
t_check "his Plt. is asked too" wait_mail waiting asetiawan

# dpratama (Kabid Aptika) names ekusuma Plt. from the day after tomorrow:
# not in force yet, so the disposition step reaches dpratama alone
kcr --as dpratama --json delegate create --to ekusuma --role kabid-aptika \
    --from "$(day '+2 days')" --until "$(day '+5 days')" --reason "Cuti"
t_eq "a later delegation of Kabid Aptika" 0 "$rc"
walk "$id1" asetiawan hsantoso
t_check "Kabid Aptika is asked" wait_mail waiting dpratama
outbox_drained || :
t_eq "a Plt. not yet in force is not asked" 0 "$(mails waiting ekusuma)"

# in force now: a second delegation from today
kcr --as dpratama --json delegate create --to ekusuma --role kabid-aptika \
    --until "$(day '+1 days')" --reason "Cuti"
t_eq "Kabid Aptika delegated from today" 0 "$rc"
did=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$out")
id2=$(submit lputri "$DOOR")
walk "$id2" tramadhan hsantoso
t_check "the Kabid is asked" wait_mail waiting dpratama
t_check "... and the Plt. in force" wait_mail waiting ekusuma
n=$(mails waiting ekusuma)

# the Plt.'s own request: asked as nobody's Plt. about it
id3=$(submit ekusuma "$DOOR")
t_check "ekusuma's own request submitted" test -n "$id3"
sup=$(field "$id3" step_who)
walk "$id3" "$sup" hsantoso
wait_mail waiting dpratama || :
outbox_drained || :
t_eq "the Plt. is not asked about a request of their own" "$n" "$(mails waiting ekusuma)"

# ended: the next disposition reaches the Kabid alone
kcr --as dpratama delegate end "$did" --reason "Kembali"
t_eq "the delegation is ended" 0 "$rc"
n=$(mails waiting ekusuma)
id4=$(submit lputri "$DOOR")
walk "$id4" tramadhan hsantoso
outbox_drained || :
t_eq "an ended Plt. is no longer asked" "$n" "$(mails waiting ekusuma)"
t_done
