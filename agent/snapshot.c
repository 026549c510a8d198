/*
 * snapshot.c: see snapshot.h.
 *
 * The MAC is checked with CRYPTO_memcmp over the whole file before a byte
 * of the payload is parsed.  Neither writing nor reading holds the whole
 * file in memory (160 MB at a million grants): both go in pieces, and
 * reading passes over the file twice (snapshot_read()), so the second
 * pass decodes bytes that are MAC'd again as they come: a file changed
 * between the passes is seen by its decoder (which is fuzzed:
 * tests/fuzz/fuzz_gindex.c) and its result thrown away when the second
 * MAC differs from the first.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "gindex.h"
#include "snapshot.h"

#define MAGIC_V1	"KSNAP001"	/* read, no longer written */
#define MAGIC		"KSNAP002"
#define HDR_LEN		28	/* v1: 24, no lengths of sync state */
#define HDR_MAX		(HDR_LEN + SNAPSHOT_COOKIE_MAX + SNAPSHOT_URI_MAX)
#define MAC_LEN		32

static void
put_u64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static void
put_u16(unsigned char *p, size_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static size_t
get_u16(const unsigned char *p)
{
	return (size_t)p[0] << 8 | p[1];
}

static uint64_t
get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
key_ok(size_t keylen, char *err, size_t errsz)
{
	if (keylen >= SNAPSHOT_KEY_MIN && keylen <= SNAPSHOT_KEY_MAX)
		return 0;
	snprintf(err, errsz, "snapshot key must be %d..%d bytes",
	    SNAPSHOT_KEY_MIN, SNAPSHOT_KEY_MAX);
	return -1;
}

/* The file being written: every byte goes to the MAC and to fd. */
struct out {
	const char	*name;
	int		 fd;
	EVP_MAC_CTX	*mac;
	int		 werr;	/* errno of a failed write, or 0 */
};

static int
out_put(void *arg, const void *p, size_t n)
{
	struct out *o = arg;

	if (EVP_MAC_update(o->mac, p, n) != 1)
		return -1;
	if (write_all(o->fd, p, n) == -1) {
		o->werr = errno;
		return -1;
	}
	return 0;
}

static EVP_MAC_CTX *
mac_start(const unsigned char *key, size_t keylen)
{
	OSSL_PARAM params[2];
	EVP_MAC *m;
	EVP_MAC_CTX *c;

	if ((m = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	c = EVP_MAC_CTX_new(m);
	EVP_MAC_free(m);
	params[0] = OSSL_PARAM_construct_utf8_string("digest",
	    (char *)(uintptr_t)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (c != NULL && EVP_MAC_init(c, key, keylen, params) != 1) {
		EVP_MAC_CTX_free(c);
		c = NULL;
	}
	return c;
}

static int
tmp_path(const char *path, char *tmp, size_t tmpsz, char *err, size_t errsz)
{
	if ((size_t)snprintf(tmp, tmpsz, "%s.tmp", path) < tmpsz)
		return 0;
	snprintf(err, errsz, "%s: path too long", path);
	return -1;
}

/* A snapshot being written in steps (snapshot_begin()). */
struct snapshot_out {
	struct out	 o;
	char		 tmp[4096];
	uint64_t	 plen, got;
};

void
snapshot_abort(struct snapshot_out *w)
{
	if (w == NULL)
		return;
	EVP_MAC_CTX_free(w->o.mac);
	if (w->o.fd != -1) {
		close(w->o.fd);
		unlink(w->tmp);
	}
	free(w);
}

int
snapshot_begin(const char *path, const unsigned char *key, size_t keylen,
    time_t synced_at, const struct snapshot_sync *sync, uint64_t plen,
    struct snapshot_out **wp, char *err, size_t errsz)
{
	struct snapshot_out *w;
	unsigned char hdr[HDR_MAX];
	size_t clen = 0, ulen = 0;

	err[0] = '\0';
	*wp = NULL;
	if (key_ok(keylen, err, errsz) == -1)
		return -1;
	if (sync != NULL && sync->cookie_len > 0) {
		clen = sync->cookie_len;
		ulen = strnlen(sync->uri, sizeof(sync->uri));
		if (clen > SNAPSHOT_COOKIE_MAX || ulen == 0 ||
		    ulen >= SNAPSHOT_URI_MAX)
			clen = ulen = 0;	/* not kept: a full refresh */
	}
	if (plen > SNAPSHOT_MAX - HDR_MAX - MAC_LEN) {
		snprintf(err, errsz, "snapshot too large (%llu bytes)",
		    (unsigned long long)(plen + HDR_LEN + clen + ulen +
		    MAC_LEN));
		return -1;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	w->o.fd = -1;
	w->o.name = w->tmp;
	w->plen = plen;
	if (tmp_path(path, w->tmp, sizeof(w->tmp), err, errsz) == -1)
		goto fail;
	if ((w->o.mac = mac_start(key, keylen)) == NULL) {
		snprintf(err, errsz, "HMAC-SHA256 failed: %s",
		    ERR_error_string(ERR_get_error(), NULL));
		goto fail;
	}
	if ((w->o.fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		snprintf(err, errsz, "%s: %s", w->tmp, strerror(errno));
		goto fail;
	}
	memcpy(hdr, MAGIC, 8);
	put_u64(hdr + 8, (uint64_t)synced_at);
	put_u64(hdr + 16, plen);
	put_u16(hdr + 24, clen);
	put_u16(hdr + 26, ulen);
	if (clen > 0) {
		memcpy(hdr + HDR_LEN, sync->cookie, clen);
		memcpy(hdr + HDR_LEN + clen, sync->uri, ulen);
	}
	if (out_put(&w->o, hdr, HDR_LEN + clen + ulen) == -1) {
		snprintf(err, errsz, "%s: %s", w->tmp, w->o.werr ?
		    strerror(w->o.werr) : "HMAC failure");
		goto fail;
	}
	*wp = w;
	return 0;
fail:
	snapshot_abort(w);
	return -1;
}

int
snapshot_put(struct snapshot_out *w, const void *p, size_t n, char *err,
    size_t errsz)
{
	if (n > w->plen - w->got) {
		snprintf(err, errsz, "the index changed while it was written");
		return -1;
	}
	if (out_put(&w->o, p, n) == -1) {
		snprintf(err, errsz, "%s: %s", w->tmp, w->o.werr ?
		    strerror(w->o.werr) : "HMAC failure");
		return -1;
	}
	w->got += n;
	return 0;
}

/* The MAC after the payload; 0, or -1 with err. */
static int
put_tag(struct out *o, char *err, size_t errsz)
{
	unsigned char tag[MAC_LEN];
	size_t tlen = 0;

	if (EVP_MAC_final(o->mac, tag, &tlen, sizeof(tag)) != 1 ||
	    tlen != MAC_LEN) {
		snprintf(err, errsz, "HMAC-SHA256 failed: %s",
		    ERR_error_string(ERR_get_error(), NULL));
		return -1;
	}
	if (write_all(o->fd, tag, MAC_LEN) == -1) {
		snprintf(err, errsz, "%s: %s", o->name, strerror(errno));
		return -1;
	}
	return 0;
}

static int	store_if(const char *, int, pthread_mutex_t *,
		    int (*)(void *), void *, char *, size_t);

int
snapshot_end_if(const char *path, struct snapshot_out *w,
    pthread_mutex_t *mtx, int (*ok)(void *), void *arg, char *err,
    size_t errsz)
{
	int fd;

	err[0] = '\0';
	if (w->got != w->plen) {
		snprintf(err, errsz, "the index changed while it was written");
		snapshot_abort(w);
		return -1;
	}
	if (put_tag(&w->o, err, errsz) == -1) {
		snapshot_abort(w);
		return -1;
	}
	fd = w->o.fd;
	w->o.fd = -1;		/* store_if() closes it */
	snapshot_abort(w);
	return store_if(path, fd, mtx, ok, arg, err, errsz);
}

int
snapshot_end(const char *path, struct snapshot_out *w, char *err,
    size_t errsz)
{
	return snapshot_end_if(path, w, NULL, NULL, NULL, err, errsz);
}

int
snapshot_encode(const char *path, const unsigned char *key, size_t keylen,
    const struct gindex *ix, time_t synced_at, int *fdp, char *err,
    size_t errsz)
{
	struct snapshot_out *w;
	uint64_t got = 0;

	*fdp = -1;
	if (snapshot_begin(path, key, keylen, synced_at, NULL,
	    gindex_encoded_len(ix), &w, err, errsz) == -1)
		return -1;
	if (gindex_encode_to(ix, out_put, &w->o, &got) == -1) {
		if (w->o.werr != 0)
			snprintf(err, errsz, "%s: %s", w->tmp,
			    strerror(w->o.werr));
		else
			snprintf(err, errsz, "out of memory or HMAC failure "
			    "encoding the index");
		snapshot_abort(w);
		return -1;
	}
	if (got != w->plen) {
		snprintf(err, errsz, "the index changed while it was written");
		snapshot_abort(w);
		return -1;
	}
	if (put_tag(&w->o, err, errsz) == -1) {
		snapshot_abort(w);
		return -1;
	}
	*fdp = w->o.fd;
	w->o.fd = -1;
	snapshot_abort(w);
	return 0;
}

int
snapshot_sync_dir(const char *path)
{
	char dir[4096];
	const char *sl = strrchr(path, '/');
	int dfd, rc;

	if (sl == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (sl == path)
		snprintf(dir, sizeof(dir), "/");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(sl - path), path) >=
	    (int)sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(dfd);
	close(dfd);
	return rc;
}

/*
 * fd (path.tmp) to disk and closed, then renamed over path, asking ok(arg)
 * first under mtx and renaming while mtx is held when mtx is given: 1 if
 * ok() said no (path.tmp removed, path untouched).  Then the rename to
 * disk: a power loss keeps the new file.
 */
static int
store_if(const char *path, int fd, pthread_mutex_t *mtx, int (*ok)(void *),
    void *arg, char *err, size_t errsz)
{
	char tmp[4096];
	int rc = -1;

	err[0] = '\0';
	if (tmp_path(path, tmp, sizeof(tmp), err, errsz) == -1) {
		close(fd);
		return -1;
	}
	if (fsync(fd) == -1) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd) == -1) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (mtx != NULL) {
		pthread_mutex_lock(mtx);
		if (!ok(arg)) {
			pthread_mutex_unlock(mtx);
			rc = 1;
			goto out;
		}
	}
	if (rename(tmp, path) == -1) {
		snprintf(err, errsz, "rename %s: %s", path, strerror(errno));
		if (mtx != NULL)
			pthread_mutex_unlock(mtx);
		goto out;
	}
	if (mtx != NULL)
		pthread_mutex_unlock(mtx);
	if (snapshot_sync_dir(path) == -1) {
		snprintf(err, errsz, "fsync of %s's directory: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
out:
	unlink(tmp);
	return rc;
}

int
snapshot_store(const char *path, int fd, char *err, size_t errsz)
{
	return store_if(path, fd, NULL, NULL, NULL, err, errsz);
}

int
snapshot_write(const char *path, const unsigned char *key, size_t keylen,
    const struct gindex *ix, time_t synced_at, char *err, size_t errsz)
{
	int fd;

	if (snapshot_encode(path, key, keylen, ix, synced_at, &fd, err,
	    errsz) == -1)
		return -1;
	return snapshot_store(path, fd, err, errsz);
}

/*
 * Reading: the file in pieces through the MAC, twice.  The first pass
 * checks the MAC and parses nothing; the second decodes what it reads
 * and MACs the same bytes again, so that the index built is of exactly
 * the bytes whose MAC verified (a file changed between the two passes is
 * refused, whatever the decoder made of it).
 */
#define READ_PIECE	(256u * 1024)

struct in {
	const char	*name;
	int		 fd;
	EVP_MAC_CTX	*mac;
	uint64_t	 left;		/* payload bytes still to hand out */
	int		 rerr;		/* errno of a failed read, or -1: short */
};

/* Exactly n bytes from fd (0), or -1 with in->rerr set. */
static int
read_full(struct in *in, unsigned char *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		if ((r = read(in->fd, p, n)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			in->rerr = r == 0 ? -1 : errno;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Pass 1: the MAC of the n - MAC_LEN bytes before the tag, into out. */
static int
mac_pass(struct in *in, const unsigned char *key, size_t keylen, size_t n,
    unsigned char out[MAC_LEN])
{
	unsigned char *buf;
	size_t k, tlen = 0;
	int rc = -1;

	if ((in->mac = mac_start(key, keylen)) == NULL)
		return -1;
	if ((buf = malloc(READ_PIECE)) == NULL) {
		EVP_MAC_CTX_free(in->mac);
		in->mac = NULL;
		return -1;
	}
	for (n -= MAC_LEN; n > 0; n -= k) {
		k = n < READ_PIECE ? n : READ_PIECE;
		if (read_full(in, buf, k) == -1 ||
		    EVP_MAC_update(in->mac, buf, k) != 1)
			goto out;
	}
	if (EVP_MAC_final(in->mac, out, &tlen, MAC_LEN) == 1 &&
	    tlen == MAC_LEN)
		rc = 0;
out:
	free(buf);
	EVP_MAC_CTX_free(in->mac);
	in->mac = NULL;
	return rc;
}

/* Pass 2's source for gindex_decode_from(): the payload, MAC'd. */
static ssize_t
in_get(void *arg, unsigned char *p, size_t n)
{
	struct in *in = arg;

	if (n > in->left)
		n = (size_t)in->left;
	if (n == 0)
		return 0;
	if (read_full(in, p, n) == -1 || EVP_MAC_update(in->mac, p, n) != 1)
		return -1;
	in->left -= n;
	return (ssize_t)n;
}

/* Pass 2: decode, MAC'ing the bytes decoded; NULL unless their MAC is want. */
static struct gindex *
decode_pass(struct in *in, const unsigned char *key, size_t keylen,
    const unsigned char *hdr, size_t hlen, const unsigned char want[MAC_LEN])
{
	unsigned char again[HDR_MAX], got[MAC_LEN];
	struct gindex *ix = NULL;
	size_t tlen = 0;

	if (lseek(in->fd, 0, SEEK_SET) != 0) {
		in->rerr = errno;
		return NULL;
	}
	if ((in->mac = mac_start(key, keylen)) == NULL)
		return NULL;
	if (read_full(in, again, hlen) == 0 && memcmp(again, hdr, hlen) == 0 &&
	    EVP_MAC_update(in->mac, again, hlen) == 1)
		ix = gindex_decode_from(in_get, in);
	if (ix != NULL && (in->left != 0 ||
	    EVP_MAC_final(in->mac, got, &tlen, MAC_LEN) != 1 ||
	    tlen != MAC_LEN || CRYPTO_memcmp(got, want, MAC_LEN) != 0)) {
		gindex_free(ix);
		ix = NULL;
	}
	EVP_MAC_CTX_free(in->mac);
	in->mac = NULL;
	OPENSSL_cleanse(got, sizeof(got));
	return ix;
}

/*
 * The header of an authentic file of n bytes into hdr (HDR_MAX), its
 * length into *hlen and the sync state into sync; 0, or -1 if it is of
 * no format this reads.
 */
static int
read_header(int fd, size_t n, unsigned char *hdr, size_t *hlen,
    struct snapshot_sync *sync)
{
	size_t clen = 0, ulen = 0;

	if (pread(fd, hdr, 24, 0) != 24)
		return -1;
	if (memcmp(hdr, MAGIC_V1, 8) == 0)
		*hlen = 24;
	else if (memcmp(hdr, MAGIC, 8) == 0) {
		if (n < HDR_LEN + MAC_LEN ||
		    pread(fd, hdr + 24, HDR_LEN - 24, 24) != HDR_LEN - 24)
			return -1;
		clen = get_u16(hdr + 24);
		ulen = get_u16(hdr + 26);
		/* a URI without a cookie, or with a NUL, is no writer's */
		if (clen > SNAPSHOT_COOKIE_MAX || ulen >= SNAPSHOT_URI_MAX ||
		    (clen == 0) != (ulen == 0) || HDR_LEN + clen + ulen >
		    n - MAC_LEN || pread(fd, hdr + HDR_LEN, clen + ulen,
		    HDR_LEN) != (ssize_t)(clen + ulen) ||
		    memchr(hdr + HDR_LEN + clen, '\0', ulen) != NULL)
			return -1;
		*hlen = HDR_LEN + clen + ulen;
	} else
		return -1;
	if (get_u64(hdr + 16) != n - *hlen - MAC_LEN)
		return -1;
	if (sync != NULL) {
		memset(sync, 0, sizeof(*sync));
		memcpy(sync->cookie, hdr + HDR_LEN, clen);
		sync->cookie_len = clen;
		memcpy(sync->uri, hdr + HDR_LEN + clen, ulen);
	}
	return 0;
}

int
snapshot_read(const char *path, const unsigned char *key, size_t keylen,
    struct gindex **ixp, time_t *synced_at, struct snapshot_sync *sync,
    char *err, size_t errsz)
{
	unsigned char hdr[HDR_MAX], tag[MAC_LEN], want[MAC_LEN];
	struct stat st;
	struct in in;
	size_t n, hlen;
	int rc = -1;

	*ixp = NULL;
	*synced_at = 0;
	if (sync != NULL)
		memset(sync, 0, sizeof(*sync));
	err[0] = '\0';
	memset(&in, 0, sizeof(in));
	in.name = path;
	if (key_ok(keylen, err, errsz) == -1)
		return -1;
	if ((in.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(in.fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		goto out;
	}
	n = (size_t)st.st_size;
	if (n < 24 + MAC_LEN || n > SNAPSHOT_MAX) {
		snprintf(err, errsz, "%s: bad size %zu", path, n);
		goto out;
	}
	if (mac_pass(&in, key, keylen, n, want) == -1 ||
	    read_full(&in, tag, MAC_LEN) == -1) {
		if (in.rerr != 0)
			snprintf(err, errsz, "%s: %s", path, in.rerr == -1 ?
			    "short read" : strerror(in.rerr));
		else
			snprintf(err, errsz, "HMAC-SHA256 failed: %s",
			    ERR_error_string(ERR_get_error(), NULL));
		goto out;
	}
	if (CRYPTO_memcmp(want, tag, MAC_LEN) != 0) {
		snprintf(err, errsz, "%s: integrity check failed (tampered, "
		    "or written with another key)", path);
		goto out;
	}
	/* authentic: now the header may be read, and the payload parsed */
	if (read_header(in.fd, n, hdr, &hlen, sync) == -1) {
		snprintf(err, errsz, "%s: unknown format", path);
		goto out;
	}
	in.left = n - hlen - MAC_LEN;
	if ((*ixp = decode_pass(&in, key, keylen, hdr, hlen, want)) == NULL) {
		snprintf(err, errsz, "%s: malformed index, or changed while "
		    "read", path);
		if (sync != NULL)
			memset(sync, 0, sizeof(*sync));
		goto out;
	}
	*synced_at = (time_t)get_u64(hdr + 8);
	rc = 0;
out:
	close(in.fd);
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}
