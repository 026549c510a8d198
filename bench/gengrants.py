#!/usr/bin/env python3
# bench/gengrants.py N BASE [PEOPLE]: LDIF of PEOPLE invented people
# (default max(2000, N/10)) and N grants on the example organisation's
# resources, for slapadd (bench/review.sh, bench/scale.sh).  Each grant
# names a (missing) request so the review's self-approval search runs on
# every page; grants past their end are already "expired", as kuncid's
# expiry job leaves them (else that job is what gets measured).  End
# times are spread over 400 days to the second, as real ones are.
import sys, time

n, base = int(sys.argv[1]), sys.argv[2]
people = int(sys.argv[3]) if len(sys.argv) > 3 else max(2000, n // 10)
out = sys.stdout.write
def gt(t): return time.strftime("%Y%m%d%H%M%SZ", time.gmtime(t))
now = int(time.time())
res = ["server-room:dc1", "server-room:dc2", "control-panel:webmin",
       "host:srv-web1", "host:srv-db1"]
for i in range(people):
    out(f"dn: uid=bench{i:06d},ou=people,{base}\nobjectClass: inetOrgPerson\n"
        f"uid: bench{i:06d}\ncn: Pegawai Uji {i}\nsn: Uji\n\n")
created = gt(now - 100 * 86400)
for i in range(n):
    lu = f"kunciLastUsed: {gt(now - (i % 200) * 86400)}\n" if i % 7 else ""
    na = now + ((i * 7919) % (400 * 86400)) - 20 * 86400
    status = "expired" if na <= now else "active"
    out(f"dn: kunciId=B-{i:07d},ou=grants,ou=kunci,{base}\nobjectClass: kunciGrant\n"
        f"kunciId: B-{i:07d}\nkunciSubject: bench{i % people:06d}\n"
        f"kunciResource: {res[i % len(res)]}\nkunciStatus: {status}\n"
        f"kunciNotBefore: {created}\nkunciNotAfter: {gt(na)}\n"
        f"kunciCreated: {created}\n{lu}kunciRequestRef: R-{i:07d}\n\n")
