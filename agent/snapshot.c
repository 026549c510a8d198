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

int
snapshot_encode(const unsigned char *key, size_t keylen,
    const struct gindex *ix, time_t synced_at, unsigned char **out,
    size_t *outlen, char *err, size_t errsz)
{
	unsigned char *payload = NULL, *buf = NULL;
	size_t plen = 0, n;
	int rc = -1;

	err[0] = '\0';
	*out = NULL;
	*outlen = 0;
	if (gindex_encode(ix, &payload, &plen) == -1) {
		snprintf(err, errsz, "out of memory encoding the index");
		goto out;
	}
	n = HDR_LEN + plen + MAC_LEN;
	if (n > SNAPSHOT_MAX || (buf = malloc(n)) == NULL) {
		snprintf(err, errsz, "snapshot too large (%zu bytes)", n);
		goto out;
	}
	memcpy(buf, MAGIC, 8);
	put_u64(buf + 8, (uint64_t)synced_at);
	put_u64(buf + 16, plen);
	memcpy(buf + HDR_LEN, payload, plen);
	if (mac(key, keylen, buf, HDR_LEN + plen, buf + HDR_LEN + plen, err,
	    errsz) == -1)
		goto out;
	*out = buf;
	*outlen = n;
	buf = NULL;
	rc = 0;
out:
	free(payload);
	free(buf);
	return rc;
}

int
snapshot_store(const char *path, const unsigned char *buf, size_t n,
    char *err, size_t errsz)
{
	char tmp[4096];
	int fd = -1, rc = -1;

	err[0] = '\0';
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errsz, "%s: path too long", path);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1 || write_all(fd, buf, n) == -1 ||
	    fsync(fd) == -1) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		snprintf(err, errsz, "rename %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1)
		unlink(tmp);
	return rc;
}

int
snapshot_write(const char *path, const unsigned char *key, size_t keylen,
    const struct gindex *ix, time_t synced_at, char *err, size_t errsz)
{
	unsigned char *buf;
	size_t n;
	int rc;

	if (snapshot_encode(key, keylen, ix, synced_at, &buf, &n, err,
	    errsz) == -1)
		return -1;
	rc = snapshot_store(path, buf, n, err, errsz);
	free(buf);
	return rc;
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
