/*
 * cfg_dump.c: struct kunci_cfg back to libconfig text, every key with its
 * effective value (defaults included), group by group: text that loads and
 * dumps the same (cfg.h); and the writers put_*() that cfg_wf.c's dump
 * shares.  The enum and key name tables are cfg.c's (cfg_int.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"
#include "cfg_int.h"
#include "util.h"

static const char *
office_str(const struct cfg_office *o, size_t i)
{
	const char	*f[] = { o->government, o->name, o->address, o->phone,
	    o->email, o->website, o->city };

	return i < sizeof(f) / sizeof(f[0]) ? f[i] : NULL;
}

/* a libconfig string literal: \" \\ and \xNN for control bytes */
void
put_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(fp, "\\x%02x", (unsigned int)(unsigned char)*s);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

void
put_kv(FILE *fp, const char *indent, const char *key, const char *v)
{
	fprintf(fp, "%s%s = ", indent, key);
	put_str(fp, v);
	fputs(";\n", fp);
}

void
put_dur(FILE *fp, const char *indent, const char *key, int64_t v, int bd)
{
	char	buf[32];

	if (u_format_duration(v, bd, buf, sizeof(buf)) == -1)
		u_strlcpy(buf, "?", sizeof(buf));
	put_kv(fp, indent, key, buf);
}

void
put_list(FILE *fp, const char *indent, const char *key, char *const *v,
    size_t n)
{
	size_t	i;

	fprintf(fp, "%s%s = [", indent, key);
	for (i = 0; i < n; i++) {
		fputs(i == 0 ? " " : ", ", fp);
		put_str(fp, v[i]);
	}
	fputs(" ];\n", fp);
}

int
cfg_dump(const struct kunci_cfg *cfg, FILE *fp)
{
	const struct cfg_directory *d = &cfg->directory;
	const struct cfg_agent	*a = &cfg->agent;
	const struct cfg_login	*l = &cfg->login;
	const char		*days[7];
	size_t			 i, n;

	/* no path or date here: a dump of a dump must be identical */
	fputs("# kunci effective configuration\n\ndirectory = {\n", fp);
	put_list(fp, "\t", "uri", d->uri, d->nuri);
	put_kv(fp, "\t", "base", d->base);
	put_kv(fp, "\t", "kunci_base", d->kunci_base);
	put_kv(fp, "\t", "people_base", d->people_base);
	put_kv(fp, "\t", "groups_base", d->groups_base);
	put_kv(fp, "\t", "bind_dn", d->bind_dn);
	put_kv(fp, "\t", "bind_password_file", d->bind_password_file);
	put_dur(fp, "\t", "connect_timeout", d->connect_timeout, 0);
	put_dur(fp, "\t", "timeout", d->timeout, 0);
	put_dur(fp, "\t", "heartbeat", d->heartbeat, 0);
	put_dur(fp, "\t", "heartbeat_timeout", d->heartbeat_timeout, 0);
	put_dur(fp, "\t", "writer_timeout", d->writer_timeout, 0);
	put_kv(fp, "\t", "tls", tls_names[d->tls]);
	put_kv(fp, "\t", "tls_ca_file", d->tls_ca_file);
	put_kv(fp, "\t", "tls_require_cert",
	    tls_req_names[d->tls_require_cert]);
	put_kv(fp, "\t", "tls_cert_file", d->tls_cert_file);
	put_kv(fp, "\t", "tls_key_file", d->tls_key_file);
	fprintf(fp, "\tallow_cleartext_password = %s;\n",
	    d->allow_cleartext_password ? "true" : "false");
	fputs("};\n\nagent = {\n", fp);
	put_kv(fp, "\t", "user", a->user);
	put_kv(fp, "\t", "admin_socket", a->admin_socket);
	put_kv(fp, "\t", "query_socket", a->query_socket);
	put_kv(fp, "\t", "state_dir", a->state_dir);
	put_kv(fp, "\t", "timezone", a->timezone);
	put_kv(fp, "\t", "language", lang_names[a->language]);
	put_list(fp, "\t", "admins", a->admins, a->nadmins);
	fprintf(fp, "\tadmin_workers = %d;\n", a->admin_workers);
	fprintf(fp, "\tadmin_per_uid = %d;\n", a->admin_per_uid);
	put_dur(fp, "\t", "admin_lifetime", a->admin_lifetime, 0);
	fprintf(fp, "\tadmin_requests = %d;\n", a->admin_requests);
	put_dur(fp, "\t", "admin_command_timeout", a->admin_command_timeout,
	    0);
	put_kv(fp, "\t", "scheduler", sched_names[a->scheduler]);
	fputs("};\n\ncalendar = {\n", fp);
	for (i = 1, n = 0; i <= 7; i++)		/* Monday first */
		if (cfg->calendar.work_week & (1U << (i % 7)))
			days[n++] = day_names[i % 7];
	/* put_list() takes the struct's char **; these are read only */
	put_list(fp, "\t", "work_week", (char *const *)(uintptr_t)days, n);
	put_list(fp, "\t", "holidays", cfg->calendar.holidays,
	    cfg->calendar.nholidays);
	if (cfg->calendar.office_hours) {
		fputs("\toffice_hours = [", fp);
		for (i = 1, n = 0; i <= 7; i++)		/* Monday first */
			if (cfg->calendar.work_week & (1U << (i % 7)))
				fprintf(fp, "%s\"%s %02d:%02d-%02d:%02d\"",
				    n++ == 0 ? " " : ", ", day_names[i % 7],
				    cfg->calendar.open[i % 7] / 60,
				    cfg->calendar.open[i % 7] % 60,
				    cfg->calendar.close[i % 7] / 60,
				    cfg->calendar.close[i % 7] % 60);
		fputs(" ];\n", fp);
	}
	fputs("};\n\nrequests = {\n", fp);
	put_dur(fp, "\t", "max_duration", cfg->requests.max_duration, 0);
	put_dur(fp, "\t", "pending_expiry", cfg->requests.pending_expiry, 0);
	fprintf(fp, "\tmax_reason = %d;\n", cfg->requests.max_reason);
	fputs("};\n\noffice = {\n", fp);
	for (i = 0; office_keys[i] != NULL; i++)
		put_kv(fp, "\t", office_keys[i], office_str(&cfg->office, i));
	fputs("};\n\nsigning = {\n", fp);
	put_kv(fp, "\t", "certificate", cfg->signing.certificate);
	put_kv(fp, "\t", "key", cfg->signing.key);
	put_kv(fp, "\t", "ca", cfg->signing.ca);
	fputs("};\n\naudit = {\n", fp);
	put_kv(fp, "\t", "host", cfg->audit.host);
	put_kv(fp, "\t", "certificate", cfg->audit.certificate);
	put_kv(fp, "\t", "key", cfg->audit.key);
	put_dur(fp, "\t", "checkpoint_interval",
	    cfg->audit.checkpoint_interval, 0);
	put_dur(fp, "\t", "checkpoint_retention",
	    cfg->audit.checkpoint_retention, 0);
	fputs("};\n\nprovision = {\n", fp);
	put_kv(fp, "\t", "account_base", cfg->provision.account_base);
	fprintf(fp, "\tpassword_length = %d;\n",
	    cfg->provision.password_length);
	put_kv(fp, "\t", "password_alphabet", cfg->provision.password_alphabet);
	put_dur(fp, "\t", "expiry_warning", cfg->provision.expiry_warning, 0);
	fprintf(fp, "\tminimum_uid = %d;\n\tuid_min = %d;\n\tuid_max = %d;\n"
	    "\tgid = %d;\n", cfg->provision.minimum_uid,
	    cfg->provision.uid_min, cfg->provision.uid_max,
	    cfg->provision.gid);
	put_kv(fp, "\t", "home_base", cfg->provision.home_base);
	put_kv(fp, "\t", "shell", cfg->provision.shell);
	fputs("\tshells = (", fp);
	for (i = 0; i < cfg->provision.nshells; i++) {
		fputs(i == 0 ? "\n\t\t{ resource = " : ",\n\t\t{ resource = ",
		    fp);
		put_str(fp, cfg->provision.shells[i].resource);
		fputs("; shell = ", fp);
		put_str(fp, cfg->provision.shells[i].shell);
		fputs("; }", fp);
	}
	fputs(cfg->provision.nshells > 0 ? "\n\t);\n" : " );\n", fp);
	fputs("};\n\nnotify = {\n", fp);
	put_kv(fp, "\t", "mail", mail_names[cfg->notify.mail]);
	put_kv(fp, "\t", "smtp_host", cfg->notify.smtp_host);
	fprintf(fp, "\tsmtp_port = %d;\n", cfg->notify.smtp_port);
	put_kv(fp, "\t", "sendmail", cfg->notify.sendmail);
	put_kv(fp, "\t", "command", cfg->notify.command);
	put_kv(fp, "\t", "from", cfg->notify.from);
	put_kv(fp, "\t", "page_url", cfg->notify.page_url);
	put_dur(fp, "\t", "timeout", cfg->notify.timeout, 0);
	put_dur(fp, "\t", "retry", cfg->notify.retry, 0);
	put_dur(fp, "\t", "retry_max", cfg->notify.retry_max, 0);
	put_dur(fp, "\t", "give_up", cfg->notify.give_up, 0);
	fputs("};\n\nvisits = {\n", fp);
	put_kv(fp, "\t", "workflow", cfg->visits.workflow);
	fprintf(fp, "\tmax_guests_per_escort = %d;\n",
	    cfg->visits.max_guests_per_escort);
	put_dur(fp, "\t", "grace", cfg->visits.grace, 0);
	put_kv(fp, "\t", "route_role", cfg->visits.route_role);
	put_list(fp, "\t", "route", cfg->visits.route, cfg->visits.nroute);
	put_dur(fp, "\t", "identity_retention", cfg->visits.identity_retention,
	    0);
	fputs("};\n\nsop_totals = {\n", fp);
	for (i = 0; i < cfg->nsop_totals; i++)
		put_dur(fp, "\t", cfg->sop_totals[i].workflow,
		    cfg->sop_totals[i].secs, cfg->sop_totals[i].bd);
	fputs("};\n\nremoval = {\n", fp);
	put_kv(fp, "\t", "workflow", cfg->removal.workflow);
	fputs("};\n\n", fp);
	cfg_dlg_dump(cfg, fp);
	fputs("};\n\nreview = {\n", fp);
	put_dur(fp, "\t", "interval", cfg->review.interval, 0);
	put_dur(fp, "\t", "unused_after", cfg->review.unused_after, 0);
	put_dur(fp, "\t", "deadline", cfg->review.deadline, 0);
	fputs("\treminders = [", fp);
	for (i = 0; i < cfg->review.nreminders; i++) {
		char rb[32];

		if (u_format_duration(cfg->review.reminders[i], 0, rb,
		    sizeof(rb)) == -1)
			u_strlcpy(rb, "?", sizeof(rb));
		fputs(i == 0 ? " " : ", ", fp);
		put_str(fp, rb);
	}
	fputs(" ];\n", fp);
	put_kv(fp, "\t", "on_silence", silence_names[cfg->review.on_silence]);
	put_kv(fp, "\t", "escalate_to", cfg->review.escalate_to);
	put_kv(fp, "\t", "workflow", cfg->review.workflow);
	put_dur(fp, "\t", "grace", cfg->review.grace, 0);
	fprintf(fp, "\tenforce_batch = %d;\n", cfg->review.enforce_batch);
	fputs("\tincompatible = (", fp);
	for (i = 0; i < cfg->review.nincompatible; i++) {
		fputs(i == 0 ? " [ " : ", [ ", fp);
		put_str(fp, cfg->review.incompatible[2 * i]);
		fputs(", ", fp);
		put_str(fp, cfg->review.incompatible[2 * i + 1]);
		fputs(" ]", fp);
	}
	fputs(" );\n\tunits = (", fp);
	for (i = 0; i < cfg->review.nunits; i++) {
		fputs(i == 0 ? " [ " : ", [ ", fp);
		put_str(fp, cfg->review.units[2 * i]);
		fputs(", ", fp);
		put_str(fp, cfg->review.units[2 * i + 1]);
		fputs(" ]", fp);
	}
	fputs(" );\n", fp);
	fputs("};\n\nlogin = {\n\tservices = (", fp);
	for (i = 0; i < l->nservices; i++) {
		fputs(i == 0 ? "\n\t\t{ service = " : ",\n\t\t{ service = ",
		    fp);
		put_str(fp, l->services[i].service);
		fputs("; resource = ", fp);
		put_str(fp, l->services[i].resource);
		fputs("; }", fp);
	}
	fputs(l->nservices > 0 ? "\n\t);\n" : " );\n", fp);
	put_list(fp, "\t", "unmanaged", l->unmanaged, l->nunmanaged);
	put_kv(fp, "\t", "offline", offline_names[l->offline]);
	put_dur(fp, "\t", "offline_max_age", l->offline_max_age, 0);
	fputs("\tpolicies = (", fp);
	for (i = 0; i < l->npolicies; i++) {
		char	buf[32];

		fputs(i == 0 ? "\n\t\t{ resource = " : ",\n\t\t{ resource = ",
		    fp);
		put_str(fp, l->policies[i].resource);
		fprintf(fp, "; offline = \"%s\"; offline_max_age = ",
		    offline_names[l->policies[i].offline]);
		if (u_format_duration(l->policies[i].offline_max_age, 0, buf,
		    sizeof(buf)) == -1)
			u_strlcpy(buf, "?", sizeof(buf));
		put_str(fp, buf);
		fputs("; }", fp);
	}
	fputs(l->npolicies > 0 ? "\n\t);\n" : " );\n", fp);
	put_dur(fp, "\t", "last_used_granularity", l->last_used_granularity,
	    0);
	put_kv(fp, "\t", "snapshot_key_file", l->snapshot_key_file);
	put_dur(fp, "\t", "query_timeout", l->query_timeout, 0);
	fputs("};\n\nroles = {\n", fp);
	for (i = 0; i < cfg->nroles; i++) {
		fprintf(fp, "\t%s = {\n", cfg->roles[i].name);
		put_kv(fp, "\t\t", "group", cfg->roles[i].group);
		put_kv(fp, "\t\t", "label_id", cfg->roles[i].label_id);
		put_kv(fp, "\t\t", "label_en", cfg->roles[i].label_en);
		put_kv(fp, "\t\t", "escalate_to", cfg->roles[i].escalate_to);
		fputs("\t};\n", fp);
	}
	fputs("};\n\n", fp);
	cfg_wf_dump(cfg, fp);
	return ferror(fp) ? -1 : 0;
}
