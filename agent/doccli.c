/*
 * doccli.c: kuncictl's side of "kuncictl doc"; see doccli.h and doc.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "doccli.h"
#include "i18n.h"
#include "sign.h"

#define ENVELOPE	"kunci-signed-document 1 "

static int
is_global(const char *a, int *takes)
{
	*takes = strcmp(a, "--as") == 0 || strcmp(a, "--lang") == 0;
	return *takes || strcmp(a, "--json") == 0 ||
	    strncmp(a, "--as=", 5) == 0 || strncmp(a, "--lang=", 7) == 0;
}

static int
usage(struct doccli *d, const char *msg)
{
	fprintf(stderr, "kuncictl: %s\n", msg);
	d->status = EX_USAGE;
	return 1;
}

/* Read a whole file, at most SIGN_MAX_DATA bytes. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	struct stat sb;
	ssize_t r;
	size_t off = 0;
	int fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (size_t)sb.st_size > SIGN_MAX_DATA) {
		errno = EFBIG;
		goto fail;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL)
		goto fail;
	while (off < (size_t)sb.st_size &&
	    (r = read(fd, buf + off, (size_t)sb.st_size - off)) > 0)
		off += (size_t)r;
	close(fd);
	*len = off;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

static int
verify(struct doccli *d, const char *ca)
{
	unsigned char *doc, *sig;
	size_t dl, sl;
	char err[512];
	int ok;

	if ((doc = slurp(d->file, &dl)) == NULL) {
		fprintf(stderr, "kuncictl: %s: %s\n", d->file, strerror(errno));
		return EX_NOINPUT;
	}
	if ((sig = slurp(d->sig, &sl)) == NULL) {
		fprintf(stderr, "kuncictl: %s: %s\n", d->sig, strerror(errno));
		free(doc);
		return EX_NOINPUT;
	}
	ok = sign_verify(ca, doc, dl, sig, sl, err, sizeof(err)) == 0;
	free(doc);
	free(sig);
	if (!ok) {
		fprintf(stderr, "kuncictl: %s: %s: %s\n", d->file,
		    _("signature NOT valid"),
		    err);
		return EX_DATAERR;
	}
	printf("%s: %s\n", d->file, _("signature valid"));
	return EX_OK;
}

int
doccli_prepare(struct doccli *d, int *n, char **args)
{
	int i, j, cmd = -1, takes, npos = 0;
	const char *pos[3];

	memset(d, 0, sizeof(*d));
	for (i = 0; i < *n; i++) {
		if (strcmp(args[i], "--") == 0)
			return 0;
		if (is_global(args[i], &takes)) {
			/* --lang: kuncictl bound its language (i18n.h) */
			i += takes;
			continue;
		}
		cmd = i;
		break;
	}
	if (cmd < 0 || strcmp(args[cmd], "doc") != 0)
		return 0;
	d->active = 1;
	d->verify = cmd + 1 < *n && strcmp(args[cmd + 1], "verify") == 0;
	/* Take out our own options; note --sign (kuncid needs it too). */
	for (i = j = cmd + 1; i < *n; i++) {
		const char **dst = NULL;

		if (strcmp(args[i], "--out") == 0 ||
		    strncmp(args[i], "--out=", 6) == 0)
			dst = &d->out;
		else if (d->verify && (strcmp(args[i], "--ca") == 0 ||
		    strncmp(args[i], "--ca=", 5) == 0))
			dst = &d->ca;
		if (dst != NULL) {
			if (*dst != NULL)
				return usage(d, _("an option given twice"));
			if (strchr(args[i], '=') != NULL)
				*dst = strchr(args[i], '=') + 1;
			else if (i + 1 < *n)
				*dst = args[++i];
			else
				return usage(d, _("--out and --ca need a FILE"));
			continue;
		}
		if (strcmp(args[i], "--sign") == 0)
			d->sign = 1;
		else if (d->verify && i > cmd + 1 && args[i][0] != '-' &&
		    npos < 3)
			pos[npos++] = args[i];
		args[j++] = args[i];
	}
	*n = j;
	if (d->verify) {
		if (npos != 2 || d->out != NULL || d->sign)
			return usage(d, _("usage: kuncictl doc verify FILE "
			    "SIGNATURE [--ca CAFILE]"));
		d->file = pos[0];
		d->sig = pos[1];
		if (d->ca != NULL) {
			d->status = verify(d, d->ca);
			return 1;
		}
		/* Ask kuncid for the configured anchor. */
		args[cmd + 1] = (char *)(uintptr_t)"ca";
		*n = cmd + 2;
		return 0;
	}
	if (d->sign && d->out == NULL)
		return usage(d, _("--sign needs --out FILE (the signature "
		    "goes to FILE.p7s)"));
	return 0;
}

static int
write_file(const char *path, const void *data, size_t len)
{
	char err[512];

	if (sign_write_file_atomic(path, data, len, 0644, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "kuncictl: %s\n", err);
		return EX_CANTCREAT;
	}
	return EX_OK;
}

int
doccli_finish(struct doccli *d, uint32_t status, const char *out,
    const char *err)
{
	const char *p, *b64;
	char *end, *sigpath = NULL;
	unsigned char *sig = NULL;
	unsigned long long dlen;
	size_t blen, outlen = strlen(out);
	int st, slen, pad;

	fputs(err, stderr);
	if (status != 0) {
		fputs(out, stdout);
		return status > 255 ? EX_SOFTWARE : (int)status;
	}
	if (d->verify) {
		char tmpl[] = "/tmp/kunci-ca.XXXXXX";
		int fd;

		if ((fd = mkstemp(tmpl)) == -1) {
			fprintf(stderr, "kuncictl: mkstemp: %s\n",
			    strerror(errno));
			return EX_CANTCREAT;
		}
		if (write(fd, out, outlen) != (ssize_t)outlen) {
			close(fd);
			unlink(tmpl);
			return EX_IOERR;
		}
		close(fd);
		st = verify(d, tmpl);
		unlink(tmpl);
		return st;
	}
	if (!d->sign) {
		if (d->out == NULL) {
			fputs(out, stdout);
			return fflush(stdout) == EOF ? EX_IOERR : EX_OK;
		}
		return write_file(d->out, out, outlen);
	}
	/* The envelope. */
	if (strncmp(out, ENVELOPE, strlen(ENVELOPE)) != 0)
		goto bad;
	errno = 0;
	dlen = strtoull(out + strlen(ENVELOPE), &end, 10);
	if (errno != 0 || *end != '\n')
		goto bad;
	p = end + 1;
	if (dlen > (unsigned long long)(outlen - (size_t)(p - out)))
		goto bad;
	b64 = p + dlen;
	blen = strlen(b64);
	while (blen > 0 && (b64[blen - 1] == '\n' || b64[blen - 1] == '\r'))
		blen--;
	if (blen == 0 || blen % 4 != 0 || blen > SIGN_MAX_DATA ||
	    (sig = malloc(blen / 4 * 3 + 1)) == NULL)
		goto bad;
	if ((slen = EVP_DecodeBlock(sig, (const unsigned char *)b64,
	    (int)blen)) < 0)
		goto bad;
	pad = (b64[blen - 1] == '=') + (b64[blen - 2] == '=');
	slen -= pad;
	if ((sigpath = malloc(strlen(d->out) + 5)) == NULL)
		goto bad;
	snprintf(sigpath, strlen(d->out) + 5, "%s.p7s", d->out);
	if ((st = write_file(d->out, p, (size_t)dlen)) == EX_OK &&
	    (st = write_file(sigpath, sig, (size_t)slen)) == EX_OK)
		printf("%s\n%s\n", d->out, sigpath);
	free(sig);
	free(sigpath);
	return st;
bad:
	free(sig);
	free(sigpath);
	fprintf(stderr, _("kuncictl: malformed signed document from "
	    "kuncid\n"));
	return EX_PROTOCOL;
}
