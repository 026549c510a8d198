#!/bin/bash
# TLS to the directory, with a private CA made here: StartTLS and ldaps://
# work with the right CA; the wrong CA gives one line naming the URI and
# the TLS error, and kuncid keeps retrying without crashing; a client
# certificate binds with SASL EXTERNAL; a password bind over ldap:// to a
# server that is not this machine is refused at load unless allowed.
. "$(dirname "$0")/workflow.inc"
command -v openssl >/dev/null || t_skip "openssl not installed"

wf_setup
kd_stop
T=$W/tls
mkdir -p "$T"
port=$(cat "$W/port")
sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# --- a private CA, a server certificate for 127.0.0.1, a foreign CA, and a
# client certificate whose subject is kuncid's service DN
ca()
{
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$2" \
	    -keyout "$T/$1.key" -out "$T/$1.crt" 2>/dev/null
}
ca ca "kunci test CA"
ca other "another CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$T/server.key" -out "$T/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$T/ext"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" \
    -CAcreateserial -days 2 -extfile "$T/ext" -out "$T/server.crt" 2>/dev/null
subj=$(echo "$KUNCI_BIND_DN" | tr ',' '\n' | tac | sed 's/^\([a-z]*\)=/\U\1=/' |
    sed 's/^\(.*\)$/\/\1/' | tr -d '\n')
openssl req -newkey rsa:2048 -nodes -subj "$subj" \
    -keyout "$T/client.key" -out "$T/client.csr" 2>/dev/null
openssl x509 -req -in "$T/client.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" \
    -CAcreateserial -days 2 -out "$T/client.crt" 2>/dev/null
chmod 600 "$T"/*.key
t_check "test certificates made" test -s "$T/server.crt" -a -s "$T/client.crt"

lm >/dev/null <<EOF
dn: cn=config
changetype: modify
replace: olcTLSCACertificateFile
olcTLSCACertificateFile: $T/ca.crt
-
replace: olcTLSCertificateFile
olcTLSCertificateFile: $T/server.crt
-
replace: olcTLSCertificateKeyFile
olcTLSCertificateKeyFile: $T/server.key
-
replace: olcTLSVerifyClient
olcTLSVerifyClient: try
EOF
t_eq "slapd takes the TLS settings" 0 "$?"
"$KUNCI_TOP/tests/sandbox" slapd-stop "$W" >/dev/null 2>&1
SANDBOX_SLAPD_URLS="ldaps://127.0.0.1:$sport/" \
    "$KUNCI_TOP/tests/sandbox" slapd-start "$W" >/dev/null 2>&1
t_check "slapd listens on ldaps://" wait_for 50 eval \
    "env -u LDAPNOINIT LDAPTLS_CACERT='$T/ca.crt' ldapsearch -x -H ldaps://127.0.0.1:$sport -s base -b '' 1.1 >/dev/null 2>&1"

# conf NAME URI [KEY = VALUE;]...: a copy of the sandbox config with one
# URI and the given directory settings (replacing the shipped ones)
conf()
{
	local f=$T/$1.conf uri=$2
	shift 2
	awk -v uri="$uri" -v extra="$(printf '%s\n' "$@")" '
	BEGIN {
		n = split(extra, ex, "\n")
		for (i = 1; i <= n; i++) {
			k = ex[i]; sub(/^[[:space:]]*/, "", k); sub(/[[:space:]]*=.*/, "", k)
			if (k != "") val[k] = ex[i]
		}
	}
	/^[[:space:]]*directory[[:space:]]*=[[:space:]]*\{/ { print; ind = 1; next }
	ind && /^[[:space:]]*uri[[:space:]]*=/ { print "  uri = [ \"" uri "\" ];"; next }
	ind {
		k = $0; sub(/^[[:space:]]*/, "", k); sub(/[[:space:]]*=.*/, "", k)
		if (k in val) { print "  " val[k]; done[k] = 1; next }
	}
	ind && /^\};/ { for (k in val) if (!(k in done)) print "  " val[k]; ind = 0 }
	{ print }' "$KUNCI_CONF" >"$f"
	echo "$f"
}
up() { directory_up; }

c=$(conf starttls "ldap://127.0.0.1:$port" 'tls = "starttls";' \
    "tls_ca_file = \"$T/ca.crt\";")
t_check "StartTLS config loads" "$KUNCID" -t -c "$c"
kd_start "$c"
t_check "StartTLS with the right CA: directory up" wait_for 50 up
kcr status
t_grep "... status names the URI" "ldap://127.0.0.1:$port" <(echo "$out")
rid=$(submit lputri server-room:dc1)
t_check "... and a request can be submitted over it ($rid)" test -n "$rid"
kd_stop

c=$(conf ldaps "ldaps://127.0.0.1:$sport" "tls_ca_file = \"$T/ca.crt\";")
kd_start "$c"
t_check "ldaps:// with the right CA: directory up" wait_for 50 up
kd_stop

# the wrong CA: one line with the URI and the TLS error; kuncid stays up
# and keeps trying
c=$(conf wrongca "ldaps://127.0.0.1:$sport" "tls_ca_file = \"$T/other.crt\";")
: >"$W/kuncid.log"
kd_start "$c"
kcr status
t_eq "ldaps:// with the wrong CA: status exits 69" 69 "$rc"
line=$(grep -m1 "ldaps://127.0.0.1:$sport" "$W/kuncid.log")
t_grep "... the log names the URI" "ldaps://127.0.0.1:$sport" <(echo "$line")
t_grep "... and which check failed" "TLS: certificate verification failed: " <(echo "$line")
t_grep "... status says the same" "ldaps://127.0.0.1:$sport: TLS: certificate verification failed" <(echo "$out")
# the gate's sync connection retries on its own: once the CA file it
# names holds the right CA, it comes online without a restart
gate_online() { kc --json status 2>/dev/null | python3 -c \
    'import json,sys; sys.exit(not json.load(sys.stdin)["gate"]["online"])'; }
t_check_fail "... the gate is offline meanwhile" gate_online
t_check "... without crashing" kill -0 "$(cat "$W/kuncid.pid")"
cp "$T/other.crt" "$T/other.crt.orig"
cp "$T/ca.crt" "$T/other.crt"
t_check "... and kuncid keeps retrying: the right CA in place, online again" \
    wait_for 150 gate_online
cp "$T/other.crt.orig" "$T/other.crt"
kd_stop

c=$(conf wrongstarttls "ldap://127.0.0.1:$port" 'tls = "starttls";' \
    "tls_ca_file = \"$T/other.crt\";")
kd_start "$c"
kcr status
t_grep "StartTLS with the wrong CA: one line naming the URI and the check" \
    "ldap://127.0.0.1:$port: TLS: certificate verification failed: .*other.crt" <(echo "$out")
kd_stop

# a client certificate: SASL EXTERNAL over TLS, no password at all
c=$(conf clientcert "ldaps://127.0.0.1:$sport" "tls_ca_file = \"$T/ca.crt\";" \
    "tls_cert_file = \"$T/client.crt\";" "tls_key_file = \"$T/client.key\";")
sed -i -e 's|^\([[:space:]]*bind_dn[[:space:]]*=\).*|\1 "";|' \
    -e 's|^\([[:space:]]*bind_password_file[[:space:]]*=\).*|\1 "";|' "$c"
kd_start "$c"
t_check "a client certificate binds (SASL EXTERNAL over TLS)" wait_for 50 up
rid=$(submit lputri server-room:dc1)
t_check "... as kuncid's service DN: it may write ($rid)" test -n "$rid"
kd_stop

# cleartext passwords: refused at load for a remote server, allowed for
# loopback and ldapi, and when explicitly allowed
c=$(conf remote "ldap://192.0.2.10:389")
out=$("$KUNCID" -t -c "$c" 2>&1); rc=$?
t_eq "a password bind over ldap:// to another host: refused" 78 "$rc"
t_grep "... in one line naming file:line and the URI" \
    "$c:[0-9]+: directory.uri: \"ldap://192.0.2.10:389\" would carry the bind password in clear" <(echo "$out")
t_eq "... one line" 1 "$(printf '%s\n' "$out" | wc -l)"
c=$(conf remote-ok "ldap://192.0.2.10:389" "allow_cleartext_password = true;")
t_check "... loads when allowed explicitly" "$KUNCID" -t -c "$c"
c=$(conf remote-tls "ldap://192.0.2.10:389" 'tls = "starttls";')
t_check "... loads with StartTLS" "$KUNCID" -t -c "$c"
c=$(conf loop "ldap://127.0.0.1:$port")
t_check "... loopback is allowed" "$KUNCID" -t -c "$c"
c=$(conf halfcert "ldaps://127.0.0.1:$sport" "tls_cert_file = \"$T/client.crt\";")
out=$("$KUNCID" -t -c "$c" 2>&1); rc=$?
t_eq "a client certificate without its key: refused" 78 "$rc"
t_grep "... saying they go together" "tls_cert_file and tls_key_file go together" <(echo "$out")
c=$(conf badreq "ldaps://127.0.0.1:$sport" 'tls_require_cert = "maybe";')
out=$("$KUNCID" -t -c "$c" 2>&1); rc=$?
t_eq "an unknown tls_require_cert: refused" 78 "$rc"
t_done
