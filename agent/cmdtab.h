/*
 * cmdtab.h: the command tables of the modules built on admin.c, which
 * kuncid.c registers with admin_register().  Each table ends with a NULL
 * word.  A new module adds its table here and one line to kuncid.c.
 */
#ifndef KUNCI_CMDTAB_H
#define KUNCI_CMDTAB_H

#include "admin.h"

extern const struct admin_cmd card_cmds[];	/* card.c */
extern const struct admin_cmd removal_cmds[];	/* removal.c */
extern const struct admin_cmd visit_cmds[];	/* visit.c */
extern const struct admin_cmd visit_report_cmds[]; /* visit_report.c */
extern const struct admin_cmd doc_cmds[];	/* doc.c */
extern const struct admin_cmd review_cmds[];	/* review.c */
extern const struct admin_cmd delegate_cmds[];	/* delegate_cmd.c */
extern const struct admin_cmd sopact_cmds[];	/* sopact.c */
extern const struct admin_cmd review_act_cmds[];	/* review_acts.c */
extern const struct admin_cmd resource_cmds[];	/* rescmd.c */
extern const struct admin_cmd sla_cmds[];	/* sla.c */
extern const struct admin_cmd audit_cmds[];	/* audit.c */
extern const struct admin_cmd sites_cmds[];	/* sites.c */

#endif /* KUNCI_CMDTAB_H */
