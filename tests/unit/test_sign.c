/*
 * test_sign.c: unit tests of agent/sign.c.
 *
 * A throwaway PKI is made at test time with the openssl command line in a
 * temporary directory: an EC P-256 root CA, an RSA 2048 signer certificate
 * it issued, a second unrelated CA, and a self-signed EC signer.  Every
 * signature is checked twice, by sign_verify() and by the command a door
 * controller runs ("openssl cms -verify ... -purpose any"): the two must
 * agree on every good and every bad case.
 * Ends with "N passed, N failed"; exits 1 on any failure.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sign.h"

static char	dir[] = "/tmp/kunci-test-sign.XXXXXX";
static char	ca[512], ca_key[512], signer[512], signer_key[512];
static char	other_ca[512], self[512], self_key[512];

/* A Formulir Daftar Akses extract: CRLF, LF, a NUL and UTF-8, signed as is */
static const char doc[] =
    "No;Nama;Unit Kerja;Jenis Akses\r\n"
    "1;Budi Santoso;Bidang Aptika;Ruang Server\n"
    "2;Siti Nurhaliza;Sekretariat;Panel Situs \xe2\x80\x94 baca\r\n"
    "\0tail";

static int	sh(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Run a shell command quietly; its exit status, or -1. */
static int
sh(const char *fmt, ...)
{
	char cmd[4096], full[4200];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (snprintf(full, sizeof(full), "{ %s; } >/dev/null 2>&1", cmd) >=
	    (int)sizeof(full))
		return -1;
	st = system(full);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void
path(char *buf, size_t sz, const char *name)
{
	snprintf(buf, sz, "%s/%s", dir, name);
}

static void
put(const char *name, const void *data, size_t len)
{
	char p[512];
	FILE *f;

	path(p, sizeof(p), name);
	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* The door controller's check; 0 when openssl accepts the signature. */
static int
cli_verify(const void *data, size_t len, const unsigned char *sig,
    size_t siglen, const char *anchor, int pem)
{
	put("cli.doc", data, len);
	put("cli.sig", sig, siglen);
	return sh("openssl cms -verify -binary -inform %s -in %s/cli.sig "
	    "-content %s/cli.doc -CAfile %s -purpose any -out /dev/null",
	    pem ? "PEM" : "DER", dir, dir, anchor);
}

static int
setup(void **state)
{
	static const char ext[] = "basicConstraints=critical,CA:FALSE\n"
	    "keyUsage=critical,digitalSignature,nonRepudiation\n"
	    "subjectKeyIdentifier=hash\n"
	    "authorityKeyIdentifier=keyid\n";
	const char *ec = "-algorithm EC -pkeyopt ec_paramgen_curve:P-256";

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	path(ca, sizeof(ca), "ca.pem");
	path(ca_key, sizeof(ca_key), "ca.key");
	path(signer, sizeof(signer), "signer.pem");
	path(signer_key, sizeof(signer_key), "signer.key");
	path(other_ca, sizeof(other_ca), "other-ca.pem");
	path(self, sizeof(self), "self.pem");
	path(self_key, sizeof(self_key), "self.key");
	put("signer.ext", ext, sizeof(ext) - 1);
	if (sh("cd %s && openssl genpkey %s -out ca.key && "
	    "openssl req -x509 -new -key ca.key -days 2 -out ca.pem "
	    "-subj '/O=Diskominfo Kabupaten Contoh/CN=Contoh Root CA' && "
	    "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 "
	    "-out signer.key && "
	    "openssl req -new -key signer.key -out signer.csr "
	    "-subj '/O=Diskominfo Kabupaten Contoh/CN=Kasi Layanan TIK' && "
	    "openssl x509 -req -in signer.csr -CA ca.pem -CAkey ca.key "
	    "-CAcreateserial -days 2 -extfile signer.ext -out signer.pem && "
	    "openssl genpkey %s -out other.key && "
	    "openssl req -x509 -new -key other.key -days 2 "
	    "-subj '/CN=Other CA' -out other-ca.pem && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout self.key -days 2 -subj '/CN=Operator' "
	    "-out self.pem && chmod 600 *.key", dir, ec, ec) != 0) {
		fprintf(stderr, "cannot make the test PKI with openssl\n");
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sh("rm -rf %s", dir);
	return 0;
}

/* Sign doc with signer, check both verifiers accept it. */
static void
sign_and_check(int pem)
{
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char err[512];

	assert_int_equal(sign_detached(signer, signer_key, doc, sizeof(doc),
	    &sig, &siglen, pem, err, sizeof(err)), 0);
	assert_non_null(sig);
	assert_true(siglen > 0);
	assert_int_equal(sig[siglen], '\0');
	if (pem)
		assert_memory_equal(sig, "-----BEGIN CMS-----", 19);
	else
		assert_int_equal(sig[0], 0x30);	/* a DER SEQUENCE */
	/* SHA-256, detached, the signer's certificate inside */
	put("print.sig", sig, siglen);
	assert_int_equal(sh("openssl cms -cmsout -print -inform %s -in "
	    "%s/print.sig > %s/print.txt", pem ? "PEM" : "DER", dir, dir), 0);
	assert_int_equal(sh("grep -q 'digestAlgorithm:' %s/print.txt && "
	    "grep -A1 'digestAlgorithm:' %s/print.txt | grep -q sha256 && "
	    "grep -q 'eContent: <ABSENT>' %s/print.txt && "
	    "grep -q 'CN=Kasi Layanan TIK' %s/print.txt", dir, dir, dir, dir),
	    0);
	assert_int_equal(sign_verify(ca, doc, sizeof(doc), sig, siglen, err,
	    sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(cli_verify(doc, sizeof(doc), sig, siglen, ca, pem),
	    0);
	free(sig);
}

static void
der_signature_verifies(void **state)
{
	(void)state;
	sign_and_check(0);
}

static void
pem_signature_verifies(void **state)
{
	(void)state;
	sign_and_check(1);
}

static void
empty_document(void **state)
{
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char err[512];

	(void)state;
	assert_int_equal(sign_detached(signer, signer_key, NULL, 0, &sig,
	    &siglen, 0, err, sizeof(err)), 0);
	assert_int_equal(sign_verify(ca, "", 0, sig, siglen, err,
	    sizeof(err)), 0);
	assert_int_equal(cli_verify("", 0, sig, siglen, ca, 0), 0);
	assert_int_not_equal(sign_verify(ca, "x", 1, sig, siglen, err,
	    sizeof(err)), 0);
	free(sig);
}

static void
changed_document_fails(void **state)
{
	unsigned char *sig = NULL;
	size_t siglen = 0, i;
	char err[512], bad[sizeof(doc)];
	/* first byte, a byte in the middle, the last byte */
	const size_t at[] = { 0, sizeof(doc) / 2, sizeof(doc) - 1 };

	(void)state;
	assert_int_equal(sign_detached(signer, signer_key, doc, sizeof(doc),
	    &sig, &siglen, 0, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		memcpy(bad, doc, sizeof(doc));
		bad[at[i]] ^= 0x01;
		assert_int_equal(sign_verify(ca, bad, sizeof(bad), sig,
		    siglen, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "verif"));
		if (i == 0)
			print_message("changed document: %s\n", err);
		assert_int_not_equal(cli_verify(bad, sizeof(bad), sig, siglen,
		    ca, 0), 0);
	}
	/* one byte shorter */
	assert_int_equal(sign_verify(ca, doc, sizeof(doc) - 1, sig, siglen,
	    err, sizeof(err)), -1);
	assert_int_not_equal(cli_verify(doc, sizeof(doc) - 1, sig, siglen, ca,
	    0), 0);
	free(sig);
}

/* CMS_BINARY: a CRLF that an S/MIME canonicaliser would keep must count */
static void
no_canonicalisation(void **state)
{
	static const char crlf[] = "baris satu\r\nbaris dua\r\n";
	static const char lf[] = "baris satu\nbaris dua\n";
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char err[512];

	(void)state;
	assert_int_equal(sign_detached(signer, signer_key, lf, sizeof(lf) - 1,
	    &sig, &siglen, 0, err, sizeof(err)), 0);
	assert_int_equal(sign_verify(ca, lf, sizeof(lf) - 1, sig, siglen, err,
	    sizeof(err)), 0);
	assert_int_equal(sign_verify(ca, crlf, sizeof(crlf) - 1, sig, siglen,
	    err, sizeof(err)), -1);
	assert_int_not_equal(cli_verify(crlf, sizeof(crlf) - 1, sig, siglen,
	    ca, 0), 0);
	free(sig);
}

static void
changed_signature_fails(void **state)
{
	unsigned char *sig = NULL;
	size_t siglen = 0, i, at[3];
	char err[512];

	(void)state;
	assert_int_equal(sign_detached(signer, signer_key, doc, sizeof(doc),
	    &sig, &siglen, 0, err, sizeof(err)), 0);
	/*
	 * The last byte lies in the RSA signature value; the middle one in
	 * the certificates or signed attributes; byte 1 in the outer length.
	 */
	at[0] = siglen - 1;
	at[1] = siglen / 2;
	at[2] = 1;
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		sig[at[i]] ^= 0x01;
		assert_int_equal(sign_verify(ca, doc, sizeof(doc), sig, siglen,
		    err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
		print_message("changed signature byte %zu: %s\n", at[i], err);
		assert_int_not_equal(cli_verify(doc, sizeof(doc), sig, siglen,
		    ca, 0), 0);
		sig[at[i]] ^= 0x01;
	}
	assert_int_equal(sign_verify(ca, doc, sizeof(doc), sig, siglen, err,
	    sizeof(err)), 0);

	/* a truncated signature, none at all, a broken PEM one */
	assert_int_equal(sign_verify(ca, doc, sizeof(doc), sig, siglen - 1,
	    err, sizeof(err)), -1);
	assert_int_equal(sign_verify(ca, doc, sizeof(doc), sig, 0, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "verify: empty signature");
	assert_int_equal(sign_verify(ca, doc, sizeof(doc),
	    (const unsigned char *)"-----BEGIN CMS-----\nAAAA\n", 25, err,
	    sizeof(err)), -1);
	free(sig);
}

static void
trailing_data_refused(void **state)
{
	unsigned char *sig = NULL, *longer;
	size_t siglen = 0;
	char err[512];

	(void)state;
	assert_int_equal(sign_detached(signer, signer_key, doc, sizeof(doc),
	    &sig, &siglen, 0, err, sizeof(err)), 0);
	assert_non_null(longer = malloc(siglen + 1));
	memcpy(longer, sig, siglen);
	longer[siglen] = 'x';
	assert_int_equal(sign_verify(ca, doc, sizeof(doc), longer, siglen + 1,
	    err, sizeof(err)), -1);
	assert_string_equal(err,
	    "verify: 1 bytes of trailing data after the signature");
	free(longer);
	free(sig);
}

static void
wrong_ca_fails(void **state)
{
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char err[512], missing[600];

	(void)state;
	assert_int_equal(sign_detached(signer, signer_key, doc, sizeof(doc),
	    &sig, &siglen, 1, err, sizeof(err)), 0);
	assert_int_equal(sign_verify(other_ca, doc, sizeof(doc), sig, siglen,
	    err, sizeof(err)), -1);
	print_message("wrong CA: %s\n", err);
	assert_non_null(strstr(err, "unable to get local issuer"));
	assert_int_not_equal(cli_verify(doc, sizeof(doc), sig, siglen,
	    other_ca, 1), 0);

	/* an anchor file that is not there is an error, not a pass */
	snprintf(missing, sizeof(missing), "%s/none.pem", dir);
	assert_int_equal(sign_verify(missing, doc, sizeof(doc), sig, siglen,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "none.pem"));
	free(sig);
}

static void
self_signed_anchor(void **state)
{
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char err[512];

	(void)state;
	assert_int_equal(sign_detached(self, self_key, doc, sizeof(doc), &sig,
	    &siglen, 0, err, sizeof(err)), 0);
	assert_int_equal(sign_verify(self, doc, sizeof(doc), sig, siglen, err,
	    sizeof(err)), 0);
	assert_int_equal(cli_verify(doc, sizeof(doc), sig, siglen, self, 0),
	    0);
	assert_int_equal(sign_verify(ca, doc, sizeof(doc), sig, siglen, err,
	    sizeof(err)), -1);
	assert_int_not_equal(cli_verify(doc, sizeof(doc), sig, siglen, ca, 0),
	    0);
	free(sig);
}

static void
readable_key_refused(void **state)
{
	static unsigned char stale[] = "stale";
	unsigned char *sig = stale;
	size_t siglen = 99;
	char err[512], key[512];

	(void)state;
	path(key, sizeof(key), "open.key");
	assert_int_equal(sh("cp %s %s && chmod 640 %s", signer_key, key,
	    key), 0);
	assert_int_equal(sign_detached(signer, key, doc, sizeof(doc), &sig,
	    &siglen, 0, err, sizeof(err)), -1);
	assert_null(sig);
	assert_int_equal(siglen, 0);
	print_message("%s\n", err);
	assert_non_null(strstr(err, "mode 0640 is group- or world-accessible"));
	assert_int_equal(sh("chmod 604 %s", key), 0);
	assert_int_equal(sign_detached(signer, key, doc, sizeof(doc), &sig,
	    &siglen, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mode 0604"));
}

static void
bad_keys_refused(void **state)
{
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char err[512], key[512];

	(void)state;
	/* a key that is not the certificate's */
	assert_int_equal(sign_detached(signer, self_key, doc, sizeof(doc),
	    &sig, &siglen, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not match certificate"));
	assert_null(sig);

	/* an encrypted key: refused, never prompted for */
	path(key, sizeof(key), "enc.key");
	assert_int_equal(sh("openssl genpkey -algorithm EC -pkeyopt "
	    "ec_paramgen_curve:P-256 -aes256 -pass pass:rahasia -out %s && "
	    "chmod 600 %s", key, key), 0);
	assert_int_equal(sign_detached(self, key, doc, sizeof(doc), &sig,
	    &siglen, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "encrypted keys are not supported"));

	/* not a key at all, and no file */
	assert_int_equal(sign_detached(signer, signer, doc, sizeof(doc), &sig,
	    &siglen, 0, err, sizeof(err)), -1);	/* 0644: mode first */
	path(key, sizeof(key), "garbage.key");
	put("garbage.key", "not a key\n", 10);
	assert_int_equal(chmod(key, 0600), 0);
	assert_int_equal(sign_detached(signer, key, doc, sizeof(doc), &sig,
	    &siglen, 0, err, sizeof(err)), -1);
	print_message("garbage key: %s\n", err);
	assert_non_null(strstr(err, "garbage.key"));
	path(key, sizeof(key), "none.key");
	assert_int_equal(sign_detached(signer, key, doc, sizeof(doc), &sig,
	    &siglen, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	assert_null(sig);
}

/* Names in d other than "." and "..", or -1. */
static int
count_entries(const char *d)
{
	DIR *dp;
	struct dirent *de;
	int n = 0;

	if ((dp = opendir(d)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

static void
atomic_write(void **state)
{
	char sub[512], file[600], buf[64], err[512];
	struct stat st;
	mode_t old;
	FILE *f;

	(void)state;
	path(sub, sizeof(sub), "out");
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(file, sizeof(file), "%s/daftar-akses.p7s", sub);

	old = umask(077);	/* the mode must be exact, umask or not */
	assert_int_equal(sign_write_file_atomic(file, "satu", 4, 0640, err,
	    sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(count_entries(sub), 1);

	/* replace: new content and mode, still one entry */
	assert_int_equal(sign_write_file_atomic(file, "dua dua", 7, 0600, err,
	    sizeof(err)), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_non_null(f = fopen(file, "r"));
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 7);
	fclose(f);
	assert_memory_equal(buf, "dua dua", 7);
	assert_int_equal(count_entries(sub), 1);

	/* empty file */
	assert_int_equal(sign_write_file_atomic(file, NULL, 0, 0644, err,
	    sizeof(err)), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 0);

	/* a rename that fails (onto a directory) leaves no temporary file */
	snprintf(file, sizeof(file), "%s/adir", sub);
	assert_int_equal(mkdir(file, 0700), 0);
	assert_int_equal(sign_write_file_atomic(file, "x", 1, 0600, err,
	    sizeof(err)), -1);
	print_message("%s\n", err);
	assert_non_null(strstr(err, "rename"));
	assert_int_equal(count_entries(sub), 2);	/* the file, adir */

	/* no directory, no file name */
	snprintf(file, sizeof(file), "%s/none/x", sub);
	assert_int_equal(sign_write_file_atomic(file, "x", 1, 0600, err,
	    sizeof(err)), -1);
	assert_int_equal(sign_write_file_atomic("/tmp/", "x", 1, 0600, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not a file name"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(der_signature_verifies),
		cmocka_unit_test(pem_signature_verifies),
		cmocka_unit_test(empty_document),
		cmocka_unit_test(changed_document_fails),
		cmocka_unit_test(no_canonicalisation),
		cmocka_unit_test(changed_signature_fails),
		cmocka_unit_test(trailing_data_refused),
		cmocka_unit_test(wrong_ca_fails),
		cmocka_unit_test(self_signed_anchor),
		cmocka_unit_test(readable_key_refused),
		cmocka_unit_test(bad_keys_refused),
		cmocka_unit_test(atomic_write),
	};
	int n = (int)(sizeof(tests) / sizeof(tests[0]));
	int failed = cmocka_run_group_tests(tests, setup, teardown);

	if (failed > n)		/* a failed group set-up */
		failed = n;
	printf("%d passed, %d failed\n", n - failed, failed);
	return failed != 0;
}
