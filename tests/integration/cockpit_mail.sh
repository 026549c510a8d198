#!/bin/bash
# cockpit_mail.sh: a "waiting on you" message says how to act: the link to
# the request on kunci's Cockpit page (notify.page_url), the kuncictl
# command that does the step (with --serial at the card step), the
# request's reason and the step's deadline.  A bad notify.page_url is
# refused by kuncid -t with one line naming the key.
. "$(dirname "$0")/provision.inc"

URL=https://kunci.contoh.go.id:9090/kunci
prov_setup "s|^\([[:space:]]*page_url[[:space:]]*=\).*|\1 \"$URL\";|"

id=$(REASON="Ganti UPS ruang server, sabtu pagi" submit lputri server-room:dc1)
t_check "submitted ($id)" test -n "$id"
t_check "the superior is told" wait_mail waiting tramadhan
f=$(mail_file waiting tramadhan)
t_grep "... with the link to the request on the page" "^  $URL#request/$id\$" "$f"
t_grep "... and the kuncictl command of the step" \
    "^  kuncictl request approve $id --step superior\$" "$f"
t_grep "... the request's reason" "^Alasan: +Ganti UPS ruang server, sabtu pagi\$" "$f"
t_grep "... and the step's deadline" "^Batas waktu: +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}\$" "$f"
t_eq "... the deadline is the request's" \
    "$(kc --json request show "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["deadline"].replace("T"," ")[:16])')" \
    "$(sed -n 's/^Batas waktu: *//p' "$f")"

walk "$id" tramadhan hsantoso dpratama rwulandari dpratama
t_check "the operators are told of the card step" wait_mail waiting fnugroho
f=$(mail_file waiting fnugroho)
t_grep "... and the command asks for the card's serial" \
    "^  kuncictl request approve $id --step card --serial SERIAL\$" "$f"

# bad notify.page_url: one line, kuncid -t fails
for bad in "ftp://x/kunci" "https://x/ku nci" "kunci.contoh.go.id"; do
	sed "s|^\([[:space:]]*page_url[[:space:]]*=\).*|\1 \"$bad\";|" \
	    "$KUNCI_CONF" >"$PT/bad.conf"
	out=$("$KUNCID" -t -c "$PT/bad.conf" 2>&1)
	rc=$?
	t_eq "page_url \"$bad\": kuncid -t fails, one line naming the key" \
	    "1 1" "$([ $rc -ne 0 ] && echo 1) $(echo "$out" | grep -c 'notify.page_url')"
done
t_done
