/*
 * chain.c: see chain.h.
 *
 * The head file is two slots of SLOT bytes, each one line of text:
 *
 *	kunci-chain 1 host=H gen=G seq=N first=F clean=0|1 chain=HEX sum=HEX
 *
 * padded with spaces to SLOT - 1 and ended with a newline; sum is the
 * SHA-256 of the line up to " sum=".  Write number G goes to slot G % 2, so
 * the slot a write may tear is never the one holding the last good head.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "chain.h"

#define SLOT		256
#define HEAD_NAME	"audit.head"

int
chain_host_ok(const char *h)
{
	size_t n = 0;

	for (; h[n] != '\0'; n++)
		if (!((h[n] >= 'a' && h[n] <= 'z') ||
		    (h[n] >= 'A' && h[n] <= 'Z') ||
		    (h[n] >= '0' && h[n] <= '9') || h[n] == '.' || h[n] == '-'))
			return 0;
	return n > 0 && n <= CHAIN_HOST_MAX;
}

void
chain_hex(const unsigned char v[CHAIN_VAL_LEN], char out[65])
{
	static const char hx[] = "0123456789abcdef";
	int i;

	for (i = 0; i < CHAIN_VAL_LEN; i++) {
		out[2 * i] = hx[v[i] >> 4];
		out[2 * i + 1] = hx[v[i] & 15];
	}
	out[64] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
chain_unhex(const char *hex, unsigned char v[CHAIN_VAL_LEN])
{
	int i, a, b;

	for (i = 0; i < CHAIN_VAL_LEN; i++) {
		if ((a = hexval(hex[2 * i])) < 0 ||
		    (b = hexval(hex[2 * i + 1])) < 0)
			return -1;
		v[i] = (unsigned char)(a << 4 | b);
	}
	return 0;
}

/* SHA-256 fetched once: EVP_Digest*() with a fetched algorithm skips the
 * implicit fetch SHA256() and EVP_sha256() make on every call in
 * OpenSSL 3, which is most of the cost of a short record. */
static EVP_MD		*sha256;
static pthread_once_t	 sha256_once = PTHREAD_ONCE_INIT;

static void
sha256_fetch(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

int
chain_hash(const unsigned char prev[CHAIN_VAL_LEN], const char *text,
    size_t len, unsigned char out[CHAIN_VAL_LEN])
{
	static __thread EVP_MD_CTX *ctx;	/* one per thread, kept */
	unsigned int n = 0;

	if (pthread_once(&sha256_once, sha256_fetch) != 0 || sha256 == NULL)
		return -1;
	if (ctx == NULL && (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex2(ctx, sha256, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, prev, CHAIN_VAL_LEN) != 1 ||
	    EVP_DigestUpdate(ctx, text, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, &n) != 1 || n != CHAIN_VAL_LEN)
		return -1;
	return 0;
}

/* Parse one slot; 0 when it is whole and for host. */
static int
slot_parse(const char *s, const char *host, uint64_t *gen, uint64_t *seq,
    uint64_t *first, int *clean, unsigned char val[CHAIN_VAL_LEN])
{
	char line[SLOT + 1], h[CHAIN_HOST_MAX + 2], hx[65], sum[65], want[65];
	unsigned char md[CHAIN_VAL_LEN];
	const char *p;
	unsigned long long g, q, f;
	int cl;

	memcpy(line, s, SLOT);
	line[SLOT] = '\0';
	if ((p = strstr(line, " sum=")) == NULL ||
	    sscanf(p, " sum=%64[0-9a-f]", sum) != 1 || strlen(sum) != 64)
		return -1;
	SHA256((const unsigned char *)line, (size_t)(p - line), md);
	chain_hex(md, want);
	if (CRYPTO_memcmp(want, sum, 64) != 0)
		return -1;
	if (sscanf(line, "kunci-chain 1 host=%65[A-Za-z0-9.-] gen=%llu "
	    "seq=%llu first=%llu clean=%d chain=%64[0-9a-f]", h, &g, &q, &f,
	    &cl, hx) != 6 || strcmp(h, host) != 0 || strlen(hx) != 64 ||
	    chain_unhex(hx, val) == -1)
		return -1;
	*gen = g;
	*seq = q;
	*first = f;
	*clean = cl != 0;
	return 0;
}

int
chain_open(struct chain *c, const char *statedir, const char *host,
    char *err, size_t errsz)
{
	char path[4096], buf[2 * SLOT], other[CHAIN_HOST_MAX + 2];
	unsigned char v[2][CHAIN_VAL_LEN];
	uint64_t g[2], q[2], f[2];
	int cl[2], ok[2], i, best;
	ssize_t n;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (!chain_host_ok(host)) {
		snprintf(err, errsz, "audit chain: bad host name %.80s", host);
		return -1;
	}
	snprintf(c->host, sizeof(c->host), "%s", host);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", statedir,
	    HEAD_NAME) >= sizeof(path)) {
		snprintf(err, errsz, "audit chain: state directory too long");
		return -1;
	}
	if ((c->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		snprintf(err, errsz, "audit chain: %s: %s", path,
		    strerror(errno));
		return -1;
	}
	n = pread(c->fd, buf, sizeof(buf), 0);
	if (n == -1) {
		snprintf(err, errsz, "audit chain: %s: %s", path,
		    strerror(errno));
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	if (n == 0) {
		c->state = CHAIN_NEW;
		return 0;
	}
	for (i = 0; i < 2; i++)
		ok[i] = (size_t)n >= (size_t)(i + 1) * SLOT &&
		    slot_parse(buf + i * SLOT, host, &g[i], &q[i], &f[i],
		    &cl[i], v[i]) == 0;
	if (!ok[0] && !ok[1]) {
		/* another host's head: refuse rather than fork its chain */
		if (sscanf(buf, "kunci-chain 1 host=%65[A-Za-z0-9.-]",
		    other) == 1 && strcmp(other, host) != 0) {
			snprintf(err, errsz, "audit chain: %s holds the chain "
			    "of host %s, not %s", path, other, host);
			close(c->fd);
			c->fd = -1;
			return -1;
		}
		c->state = CHAIN_LOST;
		return 0;
	}
	best = !ok[0] ? 1 : !ok[1] ? 0 : g[1] > g[0] ? 1 : 0;
	c->gen = g[best];
	c->seq = q[best];
	memcpy(c->val, v[best], CHAIN_VAL_LEN);
	c->after = q[best];
	c->unsent_from = f[best];
	c->state = cl[best] ? CHAIN_CLEAN : CHAIN_CRASH;
	if (c->state == CHAIN_CRASH) {
		/* records sealed but never made durable may have been lost:
		 * their positions are declared, not used again */
		c->skip = CHAIN_CRASH_SKIP;
		c->after += c->skip;
	}
	return 0;
}

int
chain_seal(struct chain *c, char *rec, size_t recsz)
{
	size_t len = strlen(rec), n;
	unsigned char md[CHAIN_VAL_LEN];
	char hx[65];
	struct tm tm;
	time_t now;
	int k;

	if (len + CHAIN_SUFFIX_MAX > recsz)
		return -1;
	/* after a crash: past the positions that may have been lost (the
	 * head, until then, stays the last durable record) */
	c->seq += c->skip;
	c->skip = 0;
	now = time(NULL);
	if (now != c->tsec) {	/* one gmtime_r a second, not a record */
		c->tsec = now;
		gmtime_r(&now, &tm);
		strftime(c->tstr, sizeof(c->tstr), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	k = snprintf(rec + len, recsz - len, " host=%s seq=%" PRIu64
	    " time=%s", c->host, c->seq + 1, c->tstr);
	if (k < 0 || (size_t)k >= recsz - len)
		goto fail;
	n = len + (size_t)k;
	if (chain_hash(c->val, rec, n, md) == -1)
		goto fail;
	chain_hex(md, hx);
	snprintf(rec + n, recsz - n, " chain=%s", hx);
	c->seq++;
	memcpy(c->val, md, CHAIN_VAL_LEN);
	return 0;
fail:
	rec[len] = '\0';
	return -1;
}

int
chain_commit(struct chain *c, uint64_t first, uint64_t seq,
    const unsigned char val[CHAIN_VAL_LEN], int clean)
{
	char line[SLOT + 1], hx[65], sum[65];
	unsigned char md[CHAIN_VAL_LEN];
	int n;

	if (c->fd == -1) {
		errno = EBADF;
		return -1;
	}
	chain_hex(val, hx);
	n = snprintf(line, sizeof(line), "kunci-chain 1 host=%s gen=%" PRIu64
	    " seq=%" PRIu64 " first=%" PRIu64 " clean=%d chain=%s", c->host,
	    c->gen + 1, seq, first, clean ? 1 : 0, hx);
	if (n < 0 || n + 70 > SLOT) {
		errno = ENAMETOOLONG;
		return -1;
	}
	SHA256((const unsigned char *)line, (size_t)n, md);
	chain_hex(md, sum);
	n += snprintf(line + n, sizeof(line) - (size_t)n, " sum=%s", sum);
	memset(line + n, ' ', (size_t)(SLOT - 1 - n));
	line[SLOT - 1] = '\n';
	if (pwrite(c->fd, line, SLOT, (off_t)((c->gen + 1) % 2) * SLOT) !=
	    SLOT || fdatasync(c->fd) == -1)
		return -1;
	c->gen++;
	return 0;
}

void
chain_close(struct chain *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
}
