/*
 * sites.h: two sites on one replicated directory: the writer switch
 * (its command table, cmdtab.h) and the replication lines of kuncictl
 * status (doc/sites.md).
 */
#ifndef KUNCI_SITES_H
#define KUNCI_SITES_H

struct admin_call;

/*
 * Add the writer and replication state to status: to json (a json_t
 * object) when not NULL, else as text lines to c->out.  Nothing when the
 * directory names no writer (one server).
 */
void	sites_status(struct admin_call *c, void *json);

#endif /* KUNCI_SITES_H */
