/*
 * snapshot.c: see snapshot.h.
 *
 * The MAC is checked with CRYPTO_memcmp over the whole file before a byte
 * of the payload is parsed, so the decoder only ever sees data kuncid
 * wrote itself.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "gindex.h"
#include "snapshot.h"

#define MAGIC		"KSNAP001"
#define HDR_LEN		24
#define MAC_LEN		32

static void
put_u64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
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
mac(const unsigned char *key, size_t keylen, const unsigned char *d,
    size_t n, unsigned char out[MAC_LEN], char *err, size_t errsz)
{
	unsigned int olen = 0;

	if (keylen < SNAPSHOT_KEY_MIN || keylen > SNAPSHOT_KEY_MAX) {
		snprintf(err, errsz, "snapshot key must be %d..%d bytes",
		    SNAPSHOT_KEY_MIN, SNAPSHOT_KEY_MAX);
		return -1;
	}
	if (HMAC(EVP_sha256(), key, (int)keylen, d, n, out, &olen) == NULL ||
	    olen != MAC_LEN) {
		snprintf(err, errsz, "HMAC-SHA256 failed: %s",
		    ERR_error_string(ERR_get_error(), NULL));
		return -1;
	}
	return 0;
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

/* Header, index and MAC into o; 0 or -1 with err. */
static int
stream(struct out *o, const unsigned char *key, size_t keylen,
    const struct gindex *ix, time_t synced_at, uint64_t plen, char *err,
    size_t errsz)
{
	unsigned char hdr[HDR_LEN], tag[MAC_LEN];
	uint64_t got = 0;
	size_t tlen = 0;

	if ((o->mac = mac_start(key, keylen)) == NULL) {
		snprintf(err, errsz, "HMAC-SHA256 failed: %s",
		    ERR_error_string(ERR_get_error(), NULL));
		return -1;
	}
	memcpy(hdr, MAGIC, 8);
	put_u64(hdr + 8, (uint64_t)synced_at);
	put_u64(hdr + 16, plen);
	if (out_put(o, hdr, HDR_LEN) == -1 ||
	    gindex_encode_to(ix, out_put, o, &got) == -1) {
		if (o->werr != 0)
			snprintf(err, errsz, "%s: %s", o->name,
			    strerror(o->werr));
		else
			snprintf(err, errsz, "out of memory or HMAC failure "
			    "encoding the index");
		return -1;
	}
	if (got != plen) {
		snprintf(err, errsz, "the index changed while it was written");
		return -1;
	}
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

static int
tmp_path(const char *path, char *tmp, size_t tmpsz, char *err, size_t errsz)
{
	if ((size_t)snprintf(tmp, tmpsz, "%s.tmp", path) < tmpsz)
		return 0;
	snprintf(err, errsz, "%s: path too long", path);
	return -1;
}

int
snapshot_encode(const char *path, const unsigned char *key, size_t keylen,
    const struct gindex *ix, time_t synced_at, int *fdp, char *err,
    size_t errsz)
{
	char tmp[4096];
	struct out o;
	uint64_t plen;
	int rc;

	err[0] = '\0';
	*fdp = -1;
	if (key_ok(keylen, err, errsz) == -1 ||
	    tmp_path(path, tmp, sizeof(tmp), err, errsz) == -1)
		return -1;
	plen = gindex_encoded_len(ix);
	if (plen > SNAPSHOT_MAX - HDR_LEN - MAC_LEN) {
		snprintf(err, errsz, "snapshot too large (%llu bytes)",
		    (unsigned long long)(plen + HDR_LEN + MAC_LEN));
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.name = tmp;
	if ((o.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	rc = stream(&o, key, keylen, ix, synced_at, plen, err, errsz);
	EVP_MAC_CTX_free(o.mac);
	if (rc == -1) {
		close(o.fd);
		unlink(tmp);
		return -1;
	}
	*fdp = o.fd;
	return 0;
}

/* fsync the directory that holds path. */
static int
sync_dir(const char *path)
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

int
snapshot_store(const char *path, int fd, char *err, size_t errsz)
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
	if (rename(tmp, path) == -1) {
		snprintf(err, errsz, "rename %s: %s", path, strerror(errno));
		goto out;
	}
	/* the rename itself to disk: a power loss keeps the new file */
	if (sync_dir(path) == -1) {
		snprintf(err, errsz, "fsync of %s's directory: %s", path,
		    strerror(errno));
		return -1;
	}
	rc = 0;
out:
	if (rc == -1)
		unlink(tmp);
	return rc;
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

int
snapshot_read(const char *path, const unsigned char *key, size_t keylen,
    struct gindex **ixp, time_t *synced_at, char *err, size_t errsz)
{
	unsigned char *buf = NULL, want[MAC_LEN];
	struct stat st;
	size_t n, off = 0;
	ssize_t r;
	uint64_t plen;
	int fd = -1, rc = -1;

	*ixp = NULL;
	*synced_at = 0;
	err[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			rc = 1;
		else
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		goto out;
	}
	n = (size_t)st.st_size;
	if (n < HDR_LEN + MAC_LEN || n > SNAPSHOT_MAX) {
		snprintf(err, errsz, "%s: bad size %zu", path, n);
		goto out;
	}
	if ((buf = malloc(n)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		goto out;
	}
	while (off < n) {
		if ((r = read(fd, buf + off, n - off)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			snprintf(err, errsz, "%s: short read", path);
			goto out;
		}
		off += (size_t)r;
	}
	if (mac(key, keylen, buf, n - MAC_LEN, want, err, errsz) == -1)
		goto out;
	if (CRYPTO_memcmp(want, buf + n - MAC_LEN, MAC_LEN) != 0) {
		snprintf(err, errsz, "%s: integrity check failed (tampered, "
		    "or written with another key)", path);
		goto out;
	}
	plen = get_u64(buf + 16);
	if (memcmp(buf, MAGIC, 8) != 0 || plen != n - HDR_LEN - MAC_LEN) {
		snprintf(err, errsz, "%s: unknown format", path);
		goto out;
	}
	if ((*ixp = gindex_decode(buf + HDR_LEN, (size_t)plen)) == NULL) {
		snprintf(err, errsz, "%s: malformed index", path);
		goto out;
	}
	*synced_at = (time_t)get_u64(buf + 8);
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(buf);
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}
