/*
 * sign.h: detached CMS (PKCS#7) signatures over exact bytes, and atomic
 * file replacement, for the signed documents kunci produces (forms, card
 * allow lists for door controllers).
 *
 * A signature made here is SignedData with SHA-256, the signer's
 * certificate included, signed attributes (content type, digest, signing
 * time) and no content: the document travels beside it.  CMS_BINARY is used
 * on both sides, so the bytes are signed exactly as given, with no S/MIME
 * line-ending canonicalisation.  Anything holding only the document, the
 * signature and the CA certificate can check it with
 *
 *	openssl cms -verify -binary -inform DER -content DOC -in DOC.p7s \
 *	    -CAfile CA.pem -purpose any -out /dev/null
 *
 * (-inform PEM for the PEM form), which is exactly what sign_verify() does.
 *
 * Every function returns 0 on success and -1 on failure, with a one-line
 * English reason ("what: why") in err (errsz bytes, always NUL-terminated
 * when errsz > 0; err may be NULL when errsz is 0).  OpenSSL's reason is
 * taken from its error queue, which these functions clear on entry and on
 * return.  No function logs, exits or keeps state; all are thread-safe
 * (OpenSSL 3 error queues are per thread).
 */
#ifndef KUNCI_SIGN_H
#define KUNCI_SIGN_H

#include <sys/types.h>

#include <stddef.h>

/* Largest document or signature accepted (CMS takes an int length). */
#define SIGN_MAX_DATA	(64UL * 1024 * 1024)

/*
 * Sign len bytes at data with the certificate in cert_pem_path and the
 * unencrypted PEM private key in key_pem_path.
 *
 * The key file must be a regular file that is neither group- nor
 * world-accessible (mode & 077 == 0), as for every secret kunci reads; it
 * must match the certificate.  Encrypted keys are refused rather than
 * prompted for.  The key's bytes are wiped from memory before return.
 *
 * pem == 0 gives DER; pem != 0 gives PEM ("-----BEGIN CMS-----").
 * *sig (cleared on entry) gets a malloc'd buffer the caller frees with
 * free(); it holds *siglen bytes followed by a NUL that *siglen does not
 * count, so the PEM form can be used as a string.
 */
int	sign_detached(const char *cert_pem_path, const char *key_pem_path,
	    const void *data, size_t len, unsigned char **sig, size_t *siglen,
	    int pem, char *err, size_t errsz);

/*
 * Check a detached signature (DER, or PEM when it starts with "-----BEGIN",
 * leading white space allowed) over len bytes at data.
 *
 * anchor_pem_path holds one or more PEM certificates trusted as roots: the
 * issuing CA, or a self-signed signer certificate itself.  Intermediate
 * certificates may travel in the signature.  Every signer must verify and
 * chain to an anchor, and the certificates must be valid now.  Like
 * "-purpose any", key usage purposes are not required: certificates from
 * national e-signature authorities are not issued for S/MIME e-mail.
 *
 * The bytes at data are what is checked: should the signature carry
 * content of its own, that content is ignored.
 *
 * Returns 0 only on a good signature; -1 with the reason otherwise (a bad
 * digest, an untrusted or expired signer, an unreadable anchor file ...).
 */
int	sign_verify(const char *anchor_pem_path, const void *data, size_t len,
	    const unsigned char *sig, size_t siglen, char *err, size_t errsz);

/*
 * What a signed document says of its signer's certificate (cert_pem_path,
 * the first certificate in it): the subject's and issuer's common names
 * (or their one-line form when they have none), the serial number in
 * hex, the SHA-256 fingerprint of the DER as colon-separated upper-case
 * hex (what "openssl x509 -fingerprint -sha256" prints) and the end of
 * validity.  Strings are UTF-8 from the certificate: escape them before
 * printing them in markup.
 */
struct sign_cert_info {
	char	subject[256];
	char	issuer[256];
	char	serial[80];
	char	sha256[100];
	char	not_after[32];
};
int	sign_cert_info(const char *cert_pem_path, struct sign_cert_info *,
	    char *err, size_t errsz);

/*
 * Replace path with len bytes at data so that readers see either the old
 * file or the whole new one, even across a crash: write a temporary file
 * ".<name>.XXXXXX" in the same directory, set mode (exactly; the umask
 * does not apply), fsync it, rename it over path, fsync the directory.
 * On failure before the rename the temporary file is removed and path is
 * untouched.  A failure of the final directory fsync is reported, but the
 * new file is then already in place.  path must name a file, not end in
 * '/'.
 */
int	sign_write_file_atomic(const char *path, const void *data, size_t len,
	    mode_t mode, char *err, size_t errsz);

#endif /* KUNCI_SIGN_H */
