/*
 * docform.h: the SOP forms' content (docform.c builds them from the
 * directory, the requests, visits and review campaigns), for doc.c to
 * render (form.h) and sign.  Main thread only (the engine's connection).
 */
#ifndef KUNCI_DOCFORM_H
#define KUNCI_DOCFORM_H

#include "admin.h"
#include "form.h"
#include "render.h"

#define DOC_PARTS	16	/* SOPs in one document */
#define DOC_FIELDS	32
#define DOC_SIGS	12
#define DOC_PEOPLE	256	/* directory entries cached per document */
#define DOC_REVIEW_PAGE	2000	/* rows of the review form by default */
#define DOC_REVIEW_MAX	10000	/* its --limit */
#define DOC_OFFSET_MAX	1000000000

struct doc_part {
	struct form_part	 p;
	struct form_field	 f[DOC_FIELDS];
	struct form_sig		 s[DOC_SIGS];
	struct render_table	*t;
	char			 key[600];	/* the SOP it belongs to */
};

struct doc_official {
	char	uid[DIR_UID_MAX + 1];
	char	dn[DIR_DN_MAX];
	char	cn[256];
	char	title[256];		/* jabatan: "title" */
	char	nip[64];		/* NIP: "employeeNumber", formatted */
	char	unit[256];		/* unit kerja: "ou" */
	char	manager[DIR_DN_MAX];
	int	found;
};

struct doc_str;

struct doc {
	struct admin_call	*c;
	int			 en;
	const char		*title;		/* <title> */
	int			 landscape;
	struct doc_part		 parts[DOC_PARTS];
	size_t			 nparts;
	struct render_table	*flat;		/* all rows, for CSV/JSON */
	struct doc_str		*strs;		/* kept until doc_free() */
	int			 oom;
	struct doc_official	*people;	/* cache */
	size_t			 npeople;
	size_t			 offset, limit;	/* the review form's page */
};

/* Build the form kind ("request", "access-list", "review", "removal",
 * "guest-book", "visit") for arg into d; an admin_err status on failure.
 * offset, limit: the rows of the review form (DOC_REVIEW_PAGE). */
int	docform_build(struct doc *, struct admin_call *, const char *kind,
	    const char *arg, size_t offset, size_t limit);
void	docform_free(struct doc *);
/* A string kept until docform_free() ("" when memory ran out). */
const char *doc_keep(struct doc *, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
/* The person with this uid, from the cache or the directory. */
const struct doc_official *doc_person(struct doc *, const char *uid);

#endif /* KUNCI_DOCFORM_H */
