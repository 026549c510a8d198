/*
 * sign.c: detached CMS signatures and atomic file replacement; see sign.h.
 *
 * Invariants: every OpenSSL call is checked against 1 (or non-NULL), every
 * path leaves through one cleanup block, the private key's file bytes are
 * wiped before they are freed (the parsed key is freed by EVP_PKEY_free,
 * which clears it), and the thread's OpenSSL error queue is empty on
 * return so that a later caller does not report our stale errors.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>	/* before cms.h, which declares PEM_*_CMS */
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "i18n.h"
#include "sign.h"

/* a PEM private key is a few KiB; anything larger is not one */
#define KEY_FILE_MAX	(64 * 1024)

static void seterr(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	if (!i18n_english()) {	/* its English, for a log line (i18n.h) */
		va_start(ap, fmt);
		i18n_vnote_en(err, i18n_msgid(fmt), ap);
		va_end(ap);
	}
}

/*
 * "what: reason" from the thread's OpenSSL error queue, which is emptied.
 * The first error is the root cause; the text data of the last error that
 * has some says more (CMS puts "Verify error: certificate has expired"
 * there).
 */
static void
ossl_err(char *err, size_t errsz, const char *what)
{
	const char *data, *reason;
	unsigned long e, first = 0;
	int flags;
	char buf[160], extra[200] = "";

	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		if (first == 0)
			first = e;
		/* copy now: data dies with its queue entry */
		if ((flags & ERR_TXT_STRING) && data != NULL && *data != '\0')
			snprintf(extra, sizeof(extra), " (%s)", data);
	}
	if (first == 0) {
		seterr(err, errsz, _("%s: failed (no OpenSSL error "
		    "given)"), what);
		return;
	}
	if ((reason = ERR_reason_error_string(first)) == NULL) {
		ERR_error_string_n(first, buf, sizeof(buf));
		reason = buf;
	}
	seterr(err, errsz, "%s: %s%s", what, reason, extra);
}

/* Never prompt: kunci signs unattended.  *u notes that a key wanted one. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	if (u != NULL)
		*(int *)u = 1;
	return -1;
}

/*
 * Load an unencrypted PEM private key from a file that only its owner may
 * read.  The file is opened once and checked through the descriptor, so the
 * checked file is the one read.
 */
static int
load_key(const char *path, EVP_PKEY **pkey, char *err, size_t errsz)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t have = 0;
	ssize_t n;
	BIO *bio = NULL;
	int fd = -1, asked = 0, rc = -1;

	*pkey = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		seterr(err, errsz, _("key %s: %s"), path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		seterr(err, errsz, _("key %s: %s"), path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errsz, _("key %s: not a regular file"), path);
		goto out;
	}
	if (st.st_mode & 077) {
		seterr(err, errsz, _("key %s: mode %04o is group- or "
		    "world-accessible (chmod 600)"), path,
		    (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_size <= 0 || st.st_size > KEY_FILE_MAX) {
		seterr(err, errsz, _("key %s: size %lld is not that of a PEM "
		    "key"), path, (long long)st.st_size);
		goto out;
	}
	if ((buf = malloc(KEY_FILE_MAX)) == NULL) {
		seterr(err, errsz, _("key %s: %s"), path, strerror(errno));
		goto out;
	}
	while (have < KEY_FILE_MAX) {
		n = read(fd, buf + have, KEY_FILE_MAX - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			seterr(err, errsz, _("key %s: %s"), path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	if ((bio = BIO_new_mem_buf(buf, (int)have)) == NULL) {
		ossl_err(err, errsz, _("key"));
		goto out;
	}
	*pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, &asked);
	if (*pkey == NULL) {
		if (asked) {
			ERR_clear_error();
			seterr(err, errsz, _("key %s: encrypted keys are not "
			    "supported"), path);
		} else {
			char what[PATH_MAX + 8];

			snprintf(what, sizeof(what), "key %s", path);
			ossl_err(err, errsz, what);
		}
		goto out;
	}
	rc = 0;
out:
	BIO_free(bio);
	if (buf != NULL) {
		OPENSSL_cleanse(buf, KEY_FILE_MAX);
		free(buf);
	}
	if (fd != -1)
		close(fd);
	return rc;
}

static X509 *
load_cert(const char *path, char *err, size_t errsz)
{
	BIO *bio;
	X509 *x = NULL;
	char what[PATH_MAX + 16];

	snprintf(what, sizeof(what), "certificate %s", path);
	if ((bio = BIO_new_file(path, "r")) == NULL) {
		ossl_err(err, errsz, what);
		return NULL;
	}
	if ((x = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL)) == NULL)
		ossl_err(err, errsz, what);
	BIO_free(bio);
	return x;
}

int
sign_detached(const char *cert_pem_path, const char *key_pem_path,
    const void *data, size_t len, unsigned char **sig, size_t *siglen,
    int pem, char *err, size_t errsz)
{
	const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP;
	X509 *cert = NULL;
	EVP_PKEY *pkey = NULL;
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL, *out = NULL;
	char *p;
	long n;
	int rc = -1;

	*sig = NULL;
	*siglen = 0;
	seterr(err, errsz, _("unknown error"));
	ERR_clear_error();
	if (len > SIGN_MAX_DATA) {
		seterr(err, errsz, _("sign: document of %zu bytes is too "
		    "large"), len);
		goto out;
	}
	if ((cert = load_cert(cert_pem_path, err, errsz)) == NULL)
		goto out;
	if (load_key(key_pem_path, &pkey, err, errsz) == -1)
		goto out;
	if (X509_check_private_key(cert, pkey) != 1) {
		ERR_clear_error();
		seterr(err, errsz, _("sign: key %s does not match certificate "
		    "%s"), key_pem_path, cert_pem_path);
		goto out;
	}
	/* BIO_new_mem_buf() refuses NULL even for zero bytes */
	if ((in = BIO_new_mem_buf(len ? data : "", (int)len)) == NULL) {
		ossl_err(err, errsz, _("sign"));
		goto out;
	}
	/* CMS_PARTIAL, then add1_signer: the only way to choose SHA-256 */
	if ((cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL)) ==
	    NULL) {
		ossl_err(err, errsz, _("sign: CMS_sign"));
		goto out;
	}
	if (CMS_add1_signer(cms, cert, pkey, EVP_sha256(), flags) == NULL) {
		ossl_err(err, errsz, _("sign: CMS_add1_signer"));
		goto out;
	}
	if (CMS_final(cms, in, NULL, flags) != 1) {
		ossl_err(err, errsz, _("sign: CMS_final"));
		goto out;
	}
	if ((out = BIO_new(BIO_s_mem())) == NULL) {
		ossl_err(err, errsz, _("sign"));
		goto out;
	}
	if ((pem ? PEM_write_bio_CMS(out, cms) : i2d_CMS_bio(out, cms)) !=
	    1) {
		ossl_err(err, errsz, _("sign: encoding"));
		goto out;
	}
	if ((n = BIO_get_mem_data(out, &p)) <= 0) {
		ossl_err(err, errsz, _("sign: encoding"));
		goto out;
	}
	if ((*sig = malloc((size_t)n + 1)) == NULL) {
		seterr(err, errsz, _("sign: %s"), strerror(errno));
		goto out;
	}
	memcpy(*sig, p, (size_t)n);
	(*sig)[n] = '\0';
	*siglen = (size_t)n;
	seterr(err, errsz, "%s", "");
	rc = 0;
out:
	BIO_free(out);
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	EVP_PKEY_free(pkey);
	X509_free(cert);
	ERR_clear_error();
	return rc;
}

/* An X509_NAME's commonName (or its one-line form), as UTF-8. */
static void
name_text(const X509_NAME *nm, char *buf, size_t sz)
{
	const X509_NAME_ENTRY *ne;
	unsigned char *u = NULL;
	int i, len;

	buf[0] = '\0';
	if (nm == NULL || sz == 0)
		return;
	if ((i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1)) >= 0 &&
	    (ne = X509_NAME_get_entry(nm, i)) != NULL &&
	    (len = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(ne))) >=
	    0) {
		snprintf(buf, sz, "%.*s", len, (const char *)u);
		OPENSSL_free(u);
		return;
	}
	X509_NAME_oneline(nm, buf, (int)(sz > INT_MAX ? INT_MAX : sz));
}

int
sign_cert_info(const char *cert_pem_path, struct sign_cert_info *ci,
    char *err, size_t errsz)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	const ASN1_TIME *na;
	struct tm tm;
	BIGNUM *bn = NULL;
	char *hex = NULL;
	X509 *x;
	size_t off = 0;

	memset(ci, 0, sizeof(*ci));
	ERR_clear_error();
	if ((x = load_cert(cert_pem_path, err, errsz)) == NULL)
		return -1;
	name_text(X509_get_subject_name(x), ci->subject, sizeof(ci->subject));
	name_text(X509_get_issuer_name(x), ci->issuer, sizeof(ci->issuer));
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) !=
	    NULL && (hex = BN_bn2hex(bn)) != NULL)
		snprintf(ci->serial, sizeof(ci->serial), "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1) {
		ossl_err(err, errsz, cert_pem_path);
		X509_free(x);
		return -1;
	}
	for (i = 0; i < mdlen && off + 3 < sizeof(ci->sha256); i++)
		off += (size_t)snprintf(ci->sha256 + off,
		    sizeof(ci->sha256) - off, "%s%02X", i ? ":" : "", md[i]);
	if ((na = X509_get0_notAfter(x)) != NULL &&
	    ASN1_TIME_to_tm(na, &tm) == 1)
		strftime(ci->not_after, sizeof(ci->not_after),
		    "%Y-%m-%d %H:%M UTC", &tm);
	X509_free(x);
	ERR_clear_error();
	return 0;
}

static int
is_pem(const unsigned char *s, size_t n)
{
	static const char tag[] = "-----BEGIN";
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	    s[i] == '\n'))
		i++;
	return n - i >= sizeof(tag) - 1 &&
	    memcmp(s + i, tag, sizeof(tag) - 1) == 0;
}

int
sign_verify(const char *anchor_pem_path, const void *data, size_t len,
    const unsigned char *sig, size_t siglen, char *err, size_t errsz)
{
	X509_STORE *store = NULL;
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL, *sigbio = NULL;
	const unsigned char *p;
	char what[PATH_MAX + 16];
	int rc = -1;

	seterr(err, errsz, _("unknown error"));
	ERR_clear_error();
	if (len > SIGN_MAX_DATA || siglen > SIGN_MAX_DATA) {
		seterr(err, errsz, _("verify: input too large"));
		goto out;
	}
	if (siglen == 0) {
		seterr(err, errsz, _("verify: empty signature"));
		goto out;
	}
	snprintf(what, sizeof(what), "verify: anchor %s", anchor_pem_path);
	if ((store = X509_STORE_new()) == NULL) {
		ossl_err(err, errsz, _("verify"));
		goto out;
	}
	if (X509_STORE_load_file(store, anchor_pem_path) != 1) {
		ossl_err(err, errsz, what);
		goto out;
	}
	/* as "openssl cms -verify -purpose any"; see sign.h */
	if (X509_STORE_set_purpose(store, X509_PURPOSE_ANY) != 1) {
		ossl_err(err, errsz, _("verify: purpose"));
		goto out;
	}

	if (is_pem(sig, siglen)) {
		if ((sigbio = BIO_new_mem_buf(sig, (int)siglen)) == NULL) {
			ossl_err(err, errsz, _("verify"));
			goto out;
		}
		cms = PEM_read_bio_CMS(sigbio, NULL, no_passphrase, NULL);
	} else {
		p = sig;
		cms = d2i_CMS_ContentInfo(NULL, &p, (long)siglen);
		if (cms != NULL && p != sig + siglen) {
			seterr(err, errsz, _("verify: %zu bytes of trailing "
			    "data after the signature"),
			    siglen - (size_t)(p - sig));
			goto out;
		}
	}
	if (cms == NULL) {
		ossl_err(err, errsz, _("verify: signature"));
		goto out;
	}
	if ((in = BIO_new_mem_buf(len ? data : "", (int)len)) == NULL) {
		ossl_err(err, errsz, _("verify"));
		goto out;
	}
	if (CMS_verify(cms, NULL, store, in, NULL, CMS_BINARY) != 1) {
		ossl_err(err, errsz, _("verify"));
		goto out;
	}
	seterr(err, errsz, "%s", "");
	rc = 0;
out:
	BIO_free(in);
	BIO_free(sigbio);
	CMS_ContentInfo_free(cms);
	X509_STORE_free(store);
	ERR_clear_error();
	return rc;
}

int
sign_write_file_atomic(const char *path, const void *data, size_t len,
    mode_t mode, char *err, size_t errsz)
{
	const unsigned char *p = data;
	const char *base, *slash;
	char dir[PATH_MAX], tmp[PATH_MAX];
	size_t off = 0;
	ssize_t n;
	int fd = -1, dfd = -1, made = 0, rc = -1;

	seterr(err, errsz, _("unknown error"));
	slash = strrchr(path, '/');
	base = slash != NULL ? slash + 1 : path;
	if (*base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		seterr(err, errsz, _("write %s: not a file name"), path);
		goto out;
	}
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%.*s.%s.XXXXXX",
	    (int)(base - path), path, base) >= sizeof(tmp)) {
		seterr(err, errsz, _("write %s: path too long"), path);
		goto out;
	}

	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		seterr(err, errsz, _("write %s: %s"), tmp, strerror(errno));
		goto out;
	}
	made = 1;
	if (fchmod(fd, mode & 0777) == -1) {
		seterr(err, errsz, _("write %s: chmod: %s"), tmp,
		    strerror(errno));
		goto out;
	}
	while (off < len) {
		n = write(fd, p + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			seterr(err, errsz, _("write %s: %s"), tmp,
			    strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		seterr(err, errsz, _("write %s: fsync: %s"), tmp,
		    strerror(errno));
		goto out;
	}
	/* close() reports delayed write errors on some file systems */
	n = close(fd);
	fd = -1;
	if (n == -1) {
		seterr(err, errsz, _("write %s: close: %s"), tmp,
		    strerror(errno));
		goto out;
	}
	if (rename(tmp, path) == -1) {
		seterr(err, errsz, _("write %s: rename: %s"), path,
		    strerror(errno));
		goto out;
	}
	made = 0;
	/* make the rename itself durable */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) == -1) {
		seterr(err, errsz, _("write %s: fsync directory %s: %s"), path,
		    dir, strerror(errno));
		goto out;
	}
	seterr(err, errsz, "%s", "");
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	if (made)
		unlink(tmp);
	return rc;
}
