/*
 * cfg.h: kunci's configuration (conf/kunci.conf, libconfig syntax) as a
 * plain, read-only struct.
 *
 * cfg_load() sets every default first, then reads the file, rejects unknown
 * keys and wrong types at every level, validates ranges, paths, durations,
 * dates, role references and the permissions of secret files, and reports
 * the first error as "file:line: message" ("file: message" when there is no
 * line, e.g. an unreadable file).  It never logs and never exits.
 *
 * All strings in the struct are private copies owned by the struct and
 * freed by cfg_free().  After cfg_load() every field holds its effective
 * value (defaults and derived values filled in), so cfg_dump() prints the
 * whole effective configuration and loading a dump gives the same dump.
 *
 * Durations are int64_t seconds.  An SLA written in business days ("2bd")
 * is stored as 2 * 86400 with sla_business = 1: the engine counts that
 * many working days of calendar.work_week minus calendar.holidays, within
 * calendar.office_hours when set (calendar.h).
 *
 * The struct is immutable after cfg_load(); reading it from several
 * threads is safe, cfg_free() is not concurrent with readers.
 */
#ifndef KUNCI_CFG_H
#define KUNCI_CFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Built-in step roles: the requester's LDAP manager, the requester, and the
 * resource's kunciAccessOwner.
 */
#define CFG_ROLE_SUPERIOR	"superior"
#define CFG_ROLE_REQUESTER	"requester"
#define CFG_ROLE_OWNER		"access-owner-of-resource"
/* The role an earlier dispose step chose (its "choose" list). */
#define CFG_ROLE_DISPOSED	"disposed"

#define CFG_MAX_QUORUM		100
/* rejections = "quorum_lost": the step ends rejected once so many have
 * rejected that its quorum can no longer be met (wf_rules.h). */
#define CFG_REJECT_QUORUM_LOST	0
#define CFG_MAX_WINDOWS		2	/* a workflow's time_window values (one
				   kunciTimeWindow mod of the grant's add
				   holds two, dir.h), */
#define CFG_WINDOW_MAX		40	/* each at most so many bytes */
#define CFG_CHOOSE_MAX		255	/* a step's choose list, joined by ',' */
/* A reason travels as one command-line word: PROTO_ARG_MAX bytes at most
 * (proto.h), so no larger bound may be configured. */
#define CFG_MAX_REASON		8192
#define CFG_SECRET_MAX		1024	/* a buffer size for cfg_read_secret() */
#define CFG_FILE_MAX		(1024 * 1024)	/* the configuration file */

enum cfg_kind {
	CFG_KIND_ENDORSE,	/* a superior's approval */
	CFG_KIND_DISPOSE,	/* forward with an instruction; never rejects */
	CFG_KIND_VERIFY,	/* check the request; approve or reject */
	CFG_KIND_APPROVE,	/* the decision */
	CFG_KIND_PROVISION,	/* issue or withdraw the card / account */
	CFG_KIND_ESCORT,	/* accompany a visitor; secure the room */
	CFG_KIND_NOTIFY,	/* tell the requester: the role's act, kuncid
				   sends the notice as part of it */
	CFG_KIND_RECORD,	/* write the register / guest book */
	CFG_KIND_REPORT,	/* write or pass on an activity report */
	CFG_KIND_RECEIVE,	/* the requester confirms receiving (sopact.c) */
	CFG_KIND_COUNT
};

enum cfg_grant_kind {
	CFG_GRANT_NONE,
	CFG_GRANT_CARD,
	CFG_GRANT_ACCOUNT,
	CFG_GRANT_COUNT
};

enum cfg_offline {
	CFG_OFFLINE_DENY,	/* LDAP unreachable: deny */
	CFG_OFFLINE_CACHE,	/* answer from the synced index/snapshot */
	CFG_OFFLINE_COUNT
};

enum cfg_language {
	CFG_LANG_ID,
	CFG_LANG_EN,
	CFG_LANG_COUNT
};

/* agent.scheduler: what this kuncid's scheduler runs (kuncid.c) */
enum cfg_sched {
	CFG_SCHED_ALL,		/* every job: the directory's and its own */
	CFG_SCHED_LOCAL,	/* its own: audit checkpoints, the outbox */
	CFG_SCHED_COUNT
};

struct cfg_step {
	char		*name;		/* unique in its workflow, [a-z0-9-]+ */
	char		*role;		/* a roles key or a CFG_ROLE_* */
	enum cfg_kind	 kind;
	int64_t		 sla;		/* seconds */
	int		 sla_business;	/* sla / 86400 business days */
	int		 quorum;	/* 1..CFG_MAX_QUORUM members must act */
	int		 may_reject;	/* 0 or 1 */
	char		*label_id;
	char		*label_en;
	/* Rules (doc/workflow.md, "Rules a procedure adds"). */
	int		 rejections;	/* rejections that end the step,
					   1..CFG_MAX_QUORUM, or
					   CFG_REJECT_QUORUM_LOST */
	char		**not_same_as;	/* earlier steps whose actors may
					   not act here */
	size_t		 nnot_same_as;
	int		 not_superior;	/* not the requester's superior */
	char		*if_no_superior;	/* role superior only: "",
						   "skip", or a role */
	char		**choose;	/* dispose only: the roles the
					   disposer picks the next from */
	size_t		 nchoose;
	char		**parallel;	/* roles acting on this step beside
					   role, one member each, in either
					   order */
	size_t		 nparallel;
};

struct cfg_workflow {
	char		*name;		/* the key in "workflows" */
	char		*label_id;
	char		*label_en;
	char		*sop;		/* the written SOP's name (or "NAME No.
					   NUMBER"), or "" */
	/* The SOP document's identity block, as printed on its forms; each
	 * "" when not set.  Dates are YYYY-MM-DD. */
	char		*sop_number;
	char		*sop_made;	/* Tanggal Pembuatan */
	char		*sop_revised;	/* Tanggal Revisi */
	char		*sop_effective;	/* Tanggal Efektif */
	char		*sop_approver_title;	/* Disahkan oleh: jabatan */
	char		*sop_approver_name;
	char		*sop_approver_rank;	/* pangkat */
	char		*sop_approver_nip;
	char		*form_object_id;	/* "Akses Ruang Server": the
						   forms' titles end so */
	char		*form_object_en;
	int		 one_act_per_person;
	enum cfg_grant_kind grant_kind;
	int64_t		 expire_after;	/* seconds; requests.pending_expiry
					   unless the workflow overrides it */
	int64_t		 submit_sla;	/* the requester's own first step (fill in
					   the form, hand in the letter): its
					   standard, timed from request submit
					   --started; 0 = none */
	int		 submit_sla_bd;	/* submit_sla is in business days */
	struct cfg_step	*steps;		/* nsteps >= 1, in order */
	size_t		 nsteps;
	int64_t		 max_validity;	/* seconds; requests.max_duration
					   unless the workflow overrides it */
	char		**types;	/* access types allowed; none: any */
	size_t		 ntypes;
	char		**time_window;	/* the grant's kunciTimeWindow
					   values; none: any time */
	size_t		 ntime_window;
};

struct cfg_role {
	char		*name;		/* the key in "roles" */
	char		*group;		/* DN of the LDAP group */
	char		*label_id;
	char		*label_en;
	char		*escalate_to;	/* a role name, or "" */
};

struct cfg_service {
	char		*service;	/* PAM service name */
	char		*resource;	/* "%h" = this host's name */
};

struct cfg_policy {
	char		*resource;	/* exact, or a prefix ending in '*' */
	enum cfg_offline offline;
	int64_t		 offline_max_age;
};

enum cfg_tls { CFG_TLS_NONE, CFG_TLS_STARTTLS };
/* Values of LDAP_OPT_X_TLS_REQUIRE_CERT, in this order. */
enum cfg_tls_req {
	CFG_TLS_REQ_DEMAND, CFG_TLS_REQ_TRY, CFG_TLS_REQ_ALLOW,
	CFG_TLS_REQ_NEVER
};
/* kuncid sets LDAPNOINIT (no ldap.conf): the CA bundle unless set. */
#define CFG_TLS_SYSTEM_CA	"/etc/ssl/certs/ca-certificates.crt"

struct cfg_directory {
	char		**uri;		/* nuri >= 1, ldap[si]:// */
	size_t		  nuri;
	char		 *base;
	char		 *kunci_base;	/* default "ou=kunci,<base>" */
	char		 *people_base;	/* default "ou=people,<base>" */
	char		 *groups_base;	/* default "ou=groups,<base>" */
	char		 *bind_dn;	/* "" = SASL EXTERNAL over ldapi:// */
	char		 *bind_password_file; /* "" when bind_dn is "" */
	int64_t		  connect_timeout;
	int64_t		  timeout;
	enum cfg_tls	  tls;		/* for ldap:// URIs; ldaps:// is TLS */
	char		 *tls_ca_file;	/* "" = CFG_TLS_SYSTEM_CA */
	enum cfg_tls_req  tls_require_cert;
	char		 *tls_cert_file; /* client certificate, or "" */
	char		 *tls_key_file;	/* its key, or "" */
	int		  allow_cleartext_password;
	/* the sync connection's liveness probe (gate_consumer.c): interval,
	 * deadline */
	int64_t		  heartbeat;
	int64_t		  heartbeat_timeout;
	/* two sites: the writer's beat unchanged this long on the gate's
	 * provider takes the gate offline (gfresh.c); 0: not checked */
	int64_t		  writer_timeout;
};

struct cfg_agent {
	char		 *user;
	char		 *admin_socket;
	char		 *query_socket;
	char		 *state_dir;
	char		 *timezone;	/* checked under /usr/share/zoneinfo */
	enum cfg_language language;
	char		**admins;	/* role names */
	size_t		  nadmins;
	/* The admin socket's limits (doc/kuncid.8, adminsrv.h). */
	int		  admin_workers;	/* threads running commands */
	int		  admin_per_uid;	/* open connections per non-root
						   uid */
	int64_t		  admin_lifetime;	/* a non-root connection's
						   whole life */
	int		  admin_requests;	/* requests per non-root
						   connection */
	int64_t		  admin_command_timeout; /* LDAP time per command */
	enum cfg_sched	  scheduler;
};

struct cfg_calendar {
	unsigned int	  work_week;	/* bit (1 << tm_wday), Sunday = 0 */
	char		**holidays;	/* "YYYY-MM-DD", validated */
	size_t		  nholidays;
	/* calendar.office_hours given: each working day's hours, minutes
	 * after midnight, open < close (calendar.h) */
	int		  office_hours;
	int		  open[7], close[7];	/* by tm_wday */
};

struct cfg_requests {
	int64_t		  max_duration;
	int64_t		  pending_expiry;
	int		  max_reason;	/* bytes, 1..CFG_MAX_REASON */
};

struct cfg_login {
	struct cfg_service *services;
	size_t		  nservices;
	char		**unmanaged;	/* local break-glass accounts */
	size_t		  nunmanaged;
	enum cfg_offline  offline;
	int64_t		  offline_max_age;
	struct cfg_policy *policies;
	size_t		  npolicies;
	int64_t		  last_used_granularity;
	char		 *snapshot_key_file;
	int64_t		  query_timeout;
};

/* The office, as the forms' header block names it. */
struct cfg_office {
	char		 *government;	/* "Pemerintah Kabupaten Contoh" */
	char		 *name;		/* "" when not set */
	char		 *address;
	char		 *phone;
	char		 *email;
	char		 *website;
	char		 *city;		/* place of the forms' date line */
};

/*
 * The office's X.509 signing certificate and key (forms, allow lists) and
 * the trust anchor that verifies them; all "" when signing is off.  The
 * key's permissions are checked when it is used (sign.c).
 */
struct cfg_signing {
	char		 *certificate;
	char		 *key;
	char		 *ca;
};

/*
 * The audit hash chain (chain.h, audit.c, doc/audit.md).  host: the
 * chain's name ("" = the host name, up to its first dot); certificate
 * and key: what signs its checkpoints, separate from signing.key ("" for
 * both = no checkpoints); checkpoint_interval: seconds, default 1 hour;
 * checkpoint_retention: seconds after which this host's checkpoints are
 * thinned to one a day (auditprune.c), 0 (the default) = all kept.
 */
struct cfg_audit {
	char		 *host;
	char		 *certificate;
	char		 *key;
	int64_t		  checkpoint_interval;
	int64_t		  checkpoint_retention;
};

/*
 * Guest visits to server rooms (procedures B and D; visit.c).  workflow:
 * the visit workflow of a resource whose own workflow has no escort step
 * ("" = none).  A visit open longer than its expected duration plus grace
 * raises an alert.
 */
struct cfg_visits {
	char		 *workflow;
	int		  max_guests_per_escort;	/* 1..100, default 3 */
	int64_t		  grace;		/* seconds, default 15m */
	char		 *route_role;	/* done per purpose by route's role, or
					   "" (visit_route.c) */
	char		**route;	/* "network:ROLE", "servers:ROLE" */
	size_t		  nroute;
	/* seconds after a visit closed that its identity-document number
	 * is kept (retention.c); 0 = kept for ever (the default) */
	int64_t		  identity_retention;
};

/*
 * sop_totals: the total service time a workflow's SOP states for itself
 * ("Waktu Penyelesaian 22 Menit"), for the service-standard reports
 * (sla.h); a workflow not listed is measured against the sum of its
 * steps' standards.  bd: secs is secs / 86400 business days.
 */
struct cfg_sop_total {
	char		 *workflow;	/* a key of workflows */
	int64_t		  secs;
	int		  bd;
};

/*
 * Removal of access (procedure C3; removal.c, review.c).  workflow: the
 * workflow every removal request runs, whoever opens it (the access
 * owner, an emergency revocation's record, a review); "" = removal
 * requests are refused.
 */
struct cfg_removal {
	char		 *workflow;
};

/* A panel account's login shell by resource (exact, or a prefix ending
 * in '*'). */
struct cfg_shell {
	char		*resource;
	char		*shell;		/* absolute path */
};

/*
 * Provisioning (issue 5): control-panel accounts, passwords, expiry
 * warnings.  account_base "" = "ou=panel-accounts,<base>".
 *
 * Panel accounts are POSIX accounts (issue 20): uid numbers come from the
 * counter cn=panel-uid (counter.h) in uid_min..uid_max, which cfg_load()
 * refuses below minimum_uid (pam_kunci's minimum_uid= on the panel hosts:
 * below it the module ignores the account and the panel lets it in
 * without a grant).  gid 0 = each account's gid number is its uid number.
 * The shell is the first shells entry matching the grant's resource, else
 * shell.
 */
struct cfg_provision {
	char		 *account_base;
	int		  password_length;	/* 8..128 */
	char		 *password_alphabet;	/* 2..255 printable ASCII */
	int64_t		  expiry_warning;	/* 0 = no warning */
	int		  minimum_uid;		/* 0..CFG_UID_MAX */
	int		  uid_min;		/* minimum_uid..uid_max */
	int		  uid_max;		/* ..CFG_UID_MAX */
	int		  gid;			/* 0, or 100..CFG_UID_MAX */
	char		 *home_base;		/* absolute; home = base/NAME */
	char		 *shell;		/* absolute path */
	struct cfg_shell *shells;
	size_t		  nshells;
};
#define CFG_UID_MAX	2147483646	/* below nobody's (uid_t)-2 wraps */

/* How notices go out by e-mail. */
enum cfg_mail {
	CFG_MAIL_SMTP,		/* to an MTA on smtp_host:smtp_port */
	CFG_MAIL_SENDMAIL,	/* "sendmail -t -i" */
	CFG_MAIL_NONE,
	CFG_MAIL_COUNT
};

/* Informing people: e-mail and/or a command, with an outbox. */
struct cfg_notify {
	enum cfg_mail	  mail;
	char		 *smtp_host;	/* an IPv4 or IPv6 literal */
	int		  smtp_port;
	char		 *sendmail;	/* absolute path; "" only when unused */
	char		 *command;	/* absolute path, "" = off */
	char		 *from;		/* From: address */
	char		 *page_url;	/* kunci's Cockpit page, or "" */
	int64_t		  timeout;	/* one delivery attempt */
	int64_t		  retry;	/* first retry delay, doubling */
	int64_t		  retry_max;	/* longest delay between tries */
	int64_t		  give_up;	/* drop after this long */
};

/*
 * Periodic access review (procedure C2; review.c, doc/review.md).  Pairs
 * are stored flat: incompatible[2i], incompatible[2i+1] are two resources
 * (exact, or a prefix ending in '*') nobody should hold both of;
 * units[2i] is a resource pattern whose holders must stay members of the
 * group DN units[2i+1].
 */
enum cfg_silence {
	CFG_SILENCE_ESCALATE,	/* unanswered at the deadline: to the Kasi */
	CFG_SILENCE_REMOVE,	/* ... revoked after a preview and a grace */
	CFG_SILENCE_COUNT
};

struct cfg_review {
	int64_t		  interval;	/* campaign period; "not reviewed" */
	int64_t		  unused_after;	/* "unused" since last use */
	int64_t		  deadline;	/* from a campaign's start */
	int64_t		 *reminders;	/* before the deadline */
	size_t		  nreminders;
	enum cfg_silence  on_silence;
	char		 *escalate_to;	/* a role name, or "" */
	int64_t		  grace;	/* preview -> removal */
	int		  enforce_batch;	/* grants the scheduler revokes
					   per pass (review_run.c) */
	char		**incompatible;	/* 2 * nincompatible */
	size_t		  nincompatible;
	char		**units;	/* 2 * nunits */
	size_t		  nunits;
	char		 *workflow;	/* the C2 steps' workflow (review_acts.c),
					   or "" */
};

/* Acting officials (Plt./Plh.): kuncictl delegate (delegate.h). */
struct cfg_delegation {
	int64_t		 max_period;	/* the longest delegation */
};

struct kunci_cfg {
	char			*path;	/* the file loaded */
	struct cfg_directory	 directory;
	struct cfg_agent	 agent;
	struct cfg_calendar	 calendar;
	struct cfg_requests	 requests;
	struct cfg_login	 login;
	struct cfg_office	 office;
	struct cfg_signing	 signing;
	struct cfg_audit	 audit;
	struct cfg_provision	 provision;
	struct cfg_notify	 notify;
	struct cfg_visits	 visits;
	struct cfg_removal	 removal;
	struct cfg_sop_total	*sop_totals;	/* sop_totals: by workflow */
	size_t			 nsop_totals;
	struct cfg_review	 review;
	struct cfg_delegation	 delegation;
	struct cfg_role		*roles;
	size_t			 nroles;
	struct cfg_workflow	*workflows;
	size_t			 nworkflows;
};

/*
 * Load and validate path.  Returns a new config (free with cfg_free()), or
 * NULL with the reason in err ("file:line: message", always terminated
 * when errsz > 0).
 */
struct kunci_cfg *cfg_load(const char *path, char *err, size_t errsz);

/* Free a config; NULL is allowed. */
void	cfg_free(struct kunci_cfg *);

/*
 * Print the effective configuration, every key including defaults, in
 * libconfig syntax.  Returns 0, or -1 on a write error.
 */
int	cfg_dump(const struct kunci_cfg *, FILE *);

/* The login shell of a panel account for resource: the first
 * provision.shells match, else provision.shell.  Lives as long as cfg. */
const char *cfg_account_shell(const struct kunci_cfg *, const char *resource);

/* Look up by name; NULL when absent.  The result lives as long as cfg. */
/* The SOP's stated total of a workflow, or NULL (none stated). */
const struct cfg_sop_total *cfg_sop_total(const struct kunci_cfg *,
    const char *workflow);
const struct cfg_workflow *cfg_workflow(const struct kunci_cfg *,
	    const char *name);
const struct cfg_role *cfg_role(const struct kunci_cfg *, const char *name);

/* The configuration word for an enum value ("endorse", "card", ...). */
const char *cfg_kind_name(enum cfg_kind);
const char *cfg_grant_kind_name(enum cfg_grant_kind);
const char *cfg_offline_name(enum cfg_offline);

/*
 * Read a secret file (the bind password): re-checks that it is a regular
 * file with no group or world permission bits, reads it, strips one
 * trailing newline, and refuses an empty secret, an embedded NUL or one of
 * bufsz bytes or more.  Returns 0 with the secret NUL-terminated in buf,
 * or -1 with buf wiped and the reason in err ("path: message").
 */
int	cfg_read_secret(const char *path, char *buf, size_t bufsz, char *err,
	    size_t errsz);

#endif /* KUNCI_CFG_H */
