/*
 * doccli.h: kuncictl's side of "kuncictl doc" (doc.c is kuncid's side).
 *
 * kuncictl runs as the caller, so files are written and read here, never
 * by kuncid: --out FILE is taken out of the words sent; with --sign the
 * reply is the envelope doc.c describes, split into FILE and FILE.p7s
 * (DER).  "doc verify FILE SIGNATURE [--ca CAFILE]" is checked here with
 * sign_verify(), against CAFILE or the anchor kuncid returns for "doc ca".
 */
#ifndef KUNCI_DOCCLI_H
#define KUNCI_DOCCLI_H

#include <stddef.h>
#include <stdint.h>

struct doccli {
	int		 active;	/* a doc command */
	int		 verify;	/* doc verify: the words now ask "doc ca" */
	int		 sign;		/* --sign was given */
	const char	*out;		/* --out FILE */
	const char	*file, *sig, *ca;
	int		 status;	/* exit status when done locally */
};

/*
 * Look at the words to send (*n of them in args, which must have room for
 * two more): take out --out/--ca, rewrite "doc verify" to "doc ca".
 * Returns 0 to go on and send, 1 when done locally (exit with d->status).
 */
int	doccli_prepare(struct doccli *d, int *n, char **args);
/* The reply of a doc command: write files or verify; the exit status. */
int	doccli_finish(struct doccli *d, uint32_t status, const char *out,
	    const char *err);

#endif /* KUNCI_DOCCLI_H */
