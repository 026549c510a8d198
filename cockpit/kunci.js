/*
 * kunci.js: kunci's page in Cockpit.  Every action is exactly one
 * `kuncictl --json` command, run as the logged-in user (cockpit.spawn),
 * so kuncid identifies the caller from the kernel as for any kuncictl.
 * Nothing is decided here: the buttons of an item are the `actions`
 * kuncid returns with it (doc/json.md), and kuncid's error lines are shown
 * as they are.  Every value from kuncid reaches the page as text
 * (textContent), never as markup.
 */
"use strict";

const TEXT = {
	title: ["Kunci: hak akses", "Kunci: access rights"],
	tab_mine: ["Permohonan saya", "My requests"],
	tab_waiting: ["Menunggu saya", "Waiting on me"],
	tab_review: ["Reviu", "Review"],
	tab_visit: ["Kunjungan", "Visits"],
	tab_forms: ["Formulir", "Forms"],
	new_request: ["Permohonan baru", "New request"],
	resource: ["Sumber daya", "Resource"],
	access_type: ["Jenis akses", "Access type"],
	reason: ["Alasan", "Reason"],
	from: ["Mulai", "From"],
	until: ["Sampai", "Until"],
	submit: ["Ajukan", "Submit"],
	my_requests: ["Permohonan saya", "My requests"],
	waiting_title: ["Menunggu tindakan saya", "Waiting for my action"],
	review_title: ["Reviu hak akses", "Access review"],
	visit_title: ["Kunjungan hari ini", "Today's visits"],
	forms_title: ["Formulir", "Forms"],
	close: ["Tutup", "Close"],
	open: ["Buka", "Open"],
	none: ["Tidak ada.", "None."],
	loading: ["Memuat…", "Loading…"],
	logged_in: ["Masuk sebagai", "Logged in as"],
	id: ["Nomor", "Number"],
	state: ["Status", "State"],
	step: ["Langkah", "Step"],
	due: ["Batas waktu", "Deadline"],
	overdue: ["terlambat", "overdue"],
	for_whom: ["Untuk", "For"],
	requester: ["Pemohon", "Requested by"],
	workflow: ["Prosedur", "Procedure"],
	valid: ["Berlaku", "Valid"],
	submitted: ["Diajukan", "Submitted"],
	waiting_for: ["Menunggu", "Waiting for"],
	grant: ["Hak akses", "Grant"],
	steps: ["Langkah-langkah", "Steps"],
	trail: ["Riwayat", "Trail"],
	role: ["Peran", "Role"],
	by: ["Oleh", "By"],
	when: ["Waktu", "Time"],
	event: ["Peristiwa", "Event"],
	note: ["Catatan", "Note"],
	request_n: ["Permohonan", "Request"],
	approve: ["Setujui", "Approve"],
	inform: ["Informasikan", "Inform"],
	record: ["Catat", "Record"],
	confirm: ["Konfirmasi penerimaan", "Confirm receipt"],
	reject: ["Tolak", "Reject"],
	cancel: ["Batalkan permohonan", "Cancel the request"],
	comment: ["Kirim komentar", "Send comment"],
	comment_label: ["Komentar", "Comment"],
	reject_reason: ["Alasan penolakan", "Reason for rejection"],
	cancel_reason: ["Alasan pembatalan (boleh kosong)",
	    "Reason for cancelling (optional)"],
	note_opt: ["Catatan (boleh kosong)", "Note (optional)"],
	serial: ["Nomor seri kartu akses", "Access card serial"],
	account: ["Nama akun", "Account name"],
	done: ["Tersimpan.", "Saved."],
	no_actions: ["Tidak ada tindakan untuk Anda pada permohonan ini.",
	    "There is nothing for you to do on this request."],
	type_any: ["(tulis jenis akses)", "(type the access type)"],
	d_submit: ["diajukan", "submitted"],
	d_approve: ["setuju", "approved"],
	d_reject: ["menolak", "rejected"],
	d_comment: ["komentar", "comment"],
	d_cancel: ["dibatalkan", "cancelled"],
	d_expire: ["kedaluwarsa", "expired"],
	d_escalate: ["eskalasi", "escalated"],
	d_provision: ["diterbitkan", "issued"],
	d_record: ["dicatat", "recorded"],
	d_notify: ["diberitahukan", "notified"],
	campaign: ["Putaran reviu", "Campaign"],
	subject: ["Pemegang", "Holder"],
	finding: ["Temuan", "Finding"],
	valid_btn: ["Masih diperlukan", "Still needed"],
	invalid_btn: ["Tidak diperlukan lagi", "No longer needed"],
	select_row: ["Pilih", "Select"],
	guest: ["Tamu", "Guest"],
	purpose: ["Keperluan", "Purpose"],
	escort: ["Pendamping", "Escort"],
	v_approve: ["Setujui kunjungan", "Approve the visit"],
	v_escort: ["Tetapkan pendamping", "Appoint the escort"],
	v_checkin: ["Catat masuk", "Check in"],
	v_checkout: ["Catat keluar", "Check out"],
	v_locked: ["Ruang server sudah dikunci kembali",
	    "The server room is locked again"],
	form_request: ["Formulir permintaan akses", "Access request form"],
	form_visit: ["Formulir izin memasuki ruang server",
	    "Server room entry permit"],
	form_review: ["Formulir reviu hak akses (putaran reviu)",
	    "Access review form (campaign)"],
	form_removal: ["Formulir permintaan penghapusan akses",
	    "Access removal request form"],
	form_access_list: ["Formulir daftar akses (sumber daya)",
	    "Access list form (resource)"],
	form_kind: ["Jenis formulir", "Form"],
	form_id: ["Nomor permohonan, kunjungan, putaran reviu, atau nama " +
	    "sumber daya",
	    "Request, visit or campaign number, or resource name"],
	show_form: ["Tampilkan", "Show"],
	signed: ["Unduh bertanda tangan", "Download signed"],
	print: ["Cetak", "Print"],
	forms_btn: ["Formulir", "Form"],
	risk: ["Risiko", "Risk"],
	decision: ["Keputusan", "Decision"],
	attest_note: ["Catatan reviu", "Review note"],
	no_review: ["Tidak ada hak akses yang menunggu reviu Anda.",
	    "No grant waits for your review."],
	v_reject: ["Tolak kunjungan", "Reject the visit"],
	rv_provide: ["Sediakan daftar akses terbaru",
	    "Provide the latest access list"],
	rv_ask: ["Minta verifikasi penanggung jawab hak akses",
	    "Ask the access owners to verify"],
	rv_determine: ["Tetapkan keabsahan pemegang hak akses",
	    "Determine the holders' validity"],
	rv_update_list: ["Catat daftar akses yang diperbarui",
	    "Record the updated access list"],
	rv_invalid: ["Hak akses tidak sah (ID, dipisah koma; opsional)",
	    "Grants not valid (ids, comma-separated; optional)"],
	v_id_held: ["Kartu identitas tamu dititipkan",
	    "The guest's identity document is held"],
	v_equipment: ["Peralatan yang dibawa (opsional)",
	    "Equipment brought in (optional)"],
	v_id_returned: ["Kartu identitas sudah dikembalikan",
	    "The identity document was given back"],
	v_lock: ["Nyatakan ruang sudah dikunci", "State the room is locked"],
	v_checkout_locked: ["Catat keluar, ruang sudah dikunci kembali",
	    "Check out, the room is locked again"],
	v_escort_who: ["Pendamping (nama pengguna)", "Escort (user name)"],
	org: ["Instansi", "Organisation"],
	checkin_t: ["Masuk", "In"],
	checkout_t: ["Keluar", "Out"],
	visit_n: ["Kunjungan", "Visit"],
	new_visit: ["Permohonan kunjungan tamu", "A guest's visit"],
	room: ["Ruang server", "Server room"],
	id_doc: ["Kartu identitas", "Identity document"],
	p_network: ["jaringan", "network"],
	p_servers: ["server", "servers"],
	duration: ["Lama (jam)", "Duration (hours)"],
	waiting_visits: ["Kunjungan yang menunggu saya",
	    "Visits waiting on me"],
	type_card: ["kartu akses", "access card"],
	type_account: ["akun", "account"]
};

/* An access type as people read it ("card" is a word of the
 * configuration). */
function type_label(ty) {
	return TEXT["type_" + ty] ? t("type_" + ty) : ty;
}

let EN = false;

/* English when the CockpitLang cookie, or else the browser, asks for
 * it; Indonesian otherwise (Cockpit 287 itself has no Indonesian). */
function pick_language() {
	const m = document.cookie.match(/(?:^|;\s*)CockpitLang=([^;]*)/);
	let l = m ? decodeURIComponent(m[1]) : "";
	if (!/^(en|id)/i.test(l)) {
		const langs = navigator.languages && navigator.languages.length ?
		    navigator.languages : [navigator.language || ""];
		l = langs.find(x => /^(en|id)/i.test(x)) || "id";
	}
	EN = /^en/i.test(l);
	document.documentElement.lang = EN ? "en" : "id";
}

function t(key) {
	const v = TEXT[key];
	return v ? v[EN ? 1 : 0] : key;
}

/* One kuncictl command; resolves to its parsed JSON, rejects with
 * kuncid's one line (or Cockpit's message). */
function kc(args) {
	const argv = ["kuncictl", "--json", "--lang", EN ? "en" : "id"]
	    .concat(args);
	return new Promise((resolve, reject) => {
		cockpit.spawn(argv, { err: "message" })
		    .then(out => {
			try {
				resolve(out.trim() === "" ? null : JSON.parse(out));
			} catch (e) {
				reject(String(e));
			}
		    })
		    .catch(ex => {
			const msg = (ex && ex.message) ? String(ex.message) :
			    String(ex);
			reject(msg.trim());
		    });
	});
}

/* An element with text children only. */
function el(tag, props, children) {
	const e = document.createElement(tag);
	for (const k in props || {}) {
		if (k === "text")
			e.textContent = props[k];
		else if (k === "class")
			e.className = props[k];
		else if (k.startsWith("on"))
			e.addEventListener(k.substring(2), props[k]);
		else
			e.setAttribute(k, props[k]);
	}
	for (const c of children || [])
		if (c !== null && c !== undefined)
			e.appendChild(typeof c === "string" ?
			    document.createTextNode(c) : c);
	return e;
}

function when(iso) {
	if (!iso)
		return "";
	return String(iso).replace("T", " ").substring(0, 16);
}

function show_error(msg) {
	const a = document.getElementById("alert");
	a.textContent = msg;
	a.hidden = false;
	document.getElementById("notice").hidden = true;
}

function show_notice(msg) {
	const n = document.getElementById("notice");
	n.textContent = msg;
	n.hidden = false;
	document.getElementById("alert").hidden = true;
}

function table(headers, rows) {
	if (rows.length === 0)
		return el("p", { class: "k-muted", text: t("none") });
	return el("table", {}, [
		el("thead", {}, [el("tr", {}, headers.map(h =>
		    el("th", { scope: "col", text: h })))]),
		el("tbody", {}, rows.map(r => el("tr", {}, r.map((c, i) =>
		    typeof c === "string" || c === null ?
		    el("td", { "data-h": headers[i], class: "k-text",
		    text: c || "" }) :
		    el("td", { "data-h": headers[i] }, [c])))))
	]);
}

/* ------------------------------------------------------------ requests */

function due_cell(r) {
	if (!r.deadline)
		return "";
	const s = el("span", { text: when(r.deadline) });
	if (r.overdue) {
		s.className = "k-overdue";
		s.textContent += " (" + t("overdue") + ")";
	}
	return s;
}

function request_rows(list, opener) {
	return list.map(r => [
		r.id, r.resource, r.admin_state_label,
		r.step_label ? r.step_label + " (" + (r.step_who ||
		    r.step_role_label) + ")" : "", due_cell(r),
		r.reason || "",
		el("button", { type: "button", class: "k-btn",
		    "data-id": r.id, text: t("open"),
		    "aria-label": t("open") + " " + r.id,
		    onclick: () => opener(r.id) })
	]);
}

const REQ_HEAD = () => [t("id"), t("resource"), t("state"), t("step"),
    t("due"), t("reason"), ""];

function load_mine() {
	const box = document.getElementById("mine-list");
	return kc(["request", "list", "--mine"]).then(list => {
		list.sort((a, b) => a.id < b.id ? 1 : -1);
		box.replaceChildren(table(REQ_HEAD(),
		    request_rows(list, open_request)));
	}).catch(show_error);
}

function load_waiting() {
	const box = document.getElementById("waiting-list");
	const vbox = document.getElementById("waiting-visits");
	return Promise.all([kc(["request", "list", "--waiting"]).then(list => {
		/* oldest first: the one longest waiting on me on top */
		list.sort((a, b) => (a.step_since || a.created) <
		    (b.step_since || b.created) ? -1 : 1);
		box.replaceChildren(table(REQ_HEAD(),
		    request_rows(list, open_request)));
	}), kc(["visit", "list", "--waiting"]).then(list => {
		vbox.replaceChildren(visit_table(list));
	})]).catch(show_error);
}

function decision_label(d) {
	return TEXT["d_" + d] ? t("d_" + d) : d;
}

function field(id, label, input) {
	input.id = id;
	return el("div", { class: "k-field" }, [
		el("label", { for: id, text: label }), input]);
}

/* The form of one action; run() gets the command's arguments. */
function action_form(r, a) {
	const f = el("form", { class: "k-act", "data-action": a.action });
	const step = a.step ? ["--step", a.step] : [];
	let inputs = [], build;

	if (a.action === "approve") {
		const note = el("input", { type: "text", maxlength: "4096" });
		let cred = null;
		if (a.input) {
			cred = el("input", { type: "text", maxlength: "128",
			    required: "required" });
			inputs.push(field("act-cred", t(a.input), cred));
		}
		inputs.push(field("act-note", t("note_opt"), note));
		build = () => ["request", "approve", r.id].concat(step,
		    note.value ? ["--note", note.value] : [],
		    cred ? ["--" + a.input, cred.value] : []);
	} else if (["inform", "record", "confirm"].includes(a.action)) {
		/* the SOP's acts (kuncictl request inform/record/confirm) */
		const note = el("input", { type: "text", maxlength: "4096" });
		inputs.push(field("act-note", t("note_opt"), note));
		build = () => ["request", a.action, r.id].concat(
		    note.value ? ["--note", note.value] : []);
	} else if (a.action === "reject") {
		const why = el("textarea", { rows: "2", maxlength: "4096",
		    required: "required" });
		inputs.push(field("act-reason", t("reject_reason"), why));
		build = () => ["request", "reject", r.id].concat(step,
		    ["--reason", why.value]);
	} else if (a.action === "cancel") {
		const why = el("input", { type: "text", maxlength: "4096" });
		inputs.push(field("act-cancel", t("cancel_reason"), why));
		build = () => ["request", "cancel", r.id].concat(
		    why.value ? ["--reason", why.value] : []);
	} else if (a.action === "comment") {
		const note = el("textarea", { rows: "2", maxlength: "4096",
		    required: "required" });
		inputs.push(field("act-comment", t("comment_label"), note));
		build = () => ["request", "comment", r.id, "--note",
		    note.value];
	} else
		return null;	/* an action this page does not know */
	const label = a.action !== "reject" && a.action !== "cancel" &&
	    a.action !== "comment" && r.step_label ?
	    t(a.action) + ": " + r.step_label : t(a.action);
	const btn = el("button", { type: "submit", class: "k-btn " +
	    (a.action === "reject" || a.action === "cancel" ? "k-danger" :
	    "k-primary"), "data-action": a.action, text: label });
	for (const i of inputs)
		f.appendChild(i);
	f.appendChild(btn);
	f.addEventListener("submit", ev => {
		ev.preventDefault();
		btn.disabled = true;
		kc(build()).then(() => {
			show_notice(t("done"));
			refresh();
			return open_request(r.id);
		}).catch(show_error).finally(() => { btn.disabled = false; });
	});
	return f;
}

function open_request(id) {
	return kc(["request", "show", id]).then(r => {
		const d = document.getElementById("detail");
		const body = document.getElementById("detail-body");
		document.getElementById("detail-title").textContent =
		    t("request_n") + " " + r.id;
		const kv = el("dl", { class: "k-kv" });
		const add = (k, v) => {
			if (v === null || v === undefined || v === "")
				return;
			kv.appendChild(el("dt", { text: k }));
			kv.appendChild(el("dd", { text: v }));
		};
		add(t("state"), r.admin_state_label);
		add(t("workflow"), r.workflow_label);
		add(t("resource"), r.resource);
		add(t("access_type"), type_label(r.type));
		add(t("for_whom"), r.subject);
		add(t("requester"), r.requester);
		add(t("reason"), r.reason);
		add(t("valid"), when(r.not_before) + " – " + when(r.not_after));
		add(t("submitted"), when(r.created));
		if (r.step_label)
			add(t("waiting_for"), r.step_label + " (" +
			    (r.step_who || r.step_role_label) + ")");
		if (r.deadline)
			add(t("due"), when(r.deadline) +
			    (r.overdue ? " (" + t("overdue") + ")" : ""));
		add(t("grant"), r.grant);
		const steps = (r.steps || []).map((s, i) => {
			const evs = (r.events || []).filter(e =>
			    e.step === s.name && /^step-/.test(e.event));
			return [String(i + 1) + (s.name === r.step ? " *" : ""),
			    s.label, evs.map(e => e.actor +
			    " (" + decision_label(e.decision) + ")").join(", "),
			    evs.length ? when(evs[evs.length - 1].time) : ""];
		});
		const step_label = name => {
			const st = (r.steps || []).find(x => x.name === name);
			return st ? st.label : name || "";
		};
		const trail = (r.events || []).map(e => [when(e.time),
		    decision_label(e.decision), e.actor + (e.as ? " (" + e.as +
		    ")" : ""), step_label(e.step), [e.note, e.credential]
		    .filter(x => x).join("; ")]);
		const acts = el("div", { id: "actions" });
		for (const a of r.actions || []) {
			const f = action_form(r, a);
			if (f)
				acts.appendChild(f);
		}
		if (!acts.firstChild)
			acts.appendChild(el("p", { class: "k-muted",
			    text: t("no_actions") }));
		acts.appendChild(el("button", { type: "button", class: "k-btn",
		    text: t("forms_btn"), onclick: () => show_form("request",
		    r.id) }));
		body.replaceChildren(kv,
		    el("h3", { text: t("steps") }),
		    table(["#", t("step"), t("by"), t("when")], steps),
		    el("h3", { text: t("trail") }),
		    table([t("when"), t("event"), t("by"), t("step"),
		    t("note")], trail), acts);
		d.hidden = false;
		d.scrollIntoView();
		document.getElementById("detail-title").focus();
	}).catch(show_error);
}

/* ------------------------------------------------------- submit form */

let RESOURCES = [];

function fill_types() {
	const sel = document.getElementById("f-resource");
	const type = document.getElementById("f-type");
	const free = document.getElementById("f-type-free");
	const r = RESOURCES.find(x => x.name === sel.value);
	type.replaceChildren();
	if (!r)
		return;
	for (const ty of r.access_types)
		type.appendChild(el("option", { value: ty,
		    text: type_label(ty) }));
	free.hidden = !r.any_access_type;
	type.hidden = r.any_access_type;
	free.placeholder = t("type_any");
}

function load_resources() {
	return kc(["resource", "list"]).then(list => {
		RESOURCES = list.filter(r => r.requestable);
		const sel = document.getElementById("f-resource");
		sel.replaceChildren(...RESOURCES.map(r => el("option",
		    { value: r.name, text: r.label + " (" + r.name + ")" })));
		document.getElementById("v-resource").replaceChildren(
		    ...list.filter(r => r.type === "server-room").map(r =>
		    el("option", { value: r.name, text: r.label + " (" +
		    r.name + ")" })));
		fill_types();
	}).catch(show_error);
}

function submit_request(ev) {
	ev.preventDefault();
	const v = id => document.getElementById(id).value;
	const r = RESOURCES.find(x => x.name === v("f-resource"));
	const type = r && r.any_access_type ? v("f-type-free") : v("f-type");
	const args = ["request", "submit", "--resource", v("f-resource"),
	    "--reason", v("f-reason")];
	if (type)
		args.push("--type", type);
	if (v("f-from"))
		args.push("--from", v("f-from"));
	if (v("f-until"))
		args.push("--until", v("f-until"));
	const btn = document.getElementById("f-submit");
	btn.disabled = true;
	kc(args).then(res => {
		show_notice(t("done") + " " + t("request_n") + " " + res.id);
		document.getElementById("f-reason").value = "";
		return load_mine();
	}).catch(show_error).finally(() => { btn.disabled = false; });
}

/* ------------------------------------------------------------- review */

function load_review() {
	const box = document.getElementById("review-list");
	return kc(["review", "list"]).then(list => {
		const open = list.filter(k => k.state === "open");
		return Promise.all(open.map(k => kc(["review", "show", k.id])));
	}).then(camps => {
		const parts = [];
		for (const k of camps) {
			const mine = k.findings.filter(f =>
			    (f.actions || []).includes("attest"));
			if (mine.length)
				parts.push(review_campaign(k, mine));
			const acts = (k.actions || []).filter(a => RV_ACTS[a]);
			if (acts.length)
				parts.push(review_acts(k, acts));
		}
		box.replaceChildren(...(parts.length ? parts :
		    [el("p", { class: "k-muted", text: t("no_review") })]));
	}).catch(msg => {
		box.replaceChildren(el("p", { class: "k-muted", text: msg }));
	});
}

/* One campaign: the grants I attest, several at once. */
function review_campaign(k, findings) {
	const f = el("form", { class: "k-card", "data-campaign": k.id });
	const rows = findings.map(x => {
		const cb = el("input", { type: "checkbox", value: x.grant,
		    id: "rv-" + k.id + "-" + x.grant,
		    "aria-label": t("select_row") + " " + x.grant });
		return [cb, x.grant, x.holder, x.resource, x.findings_label,
		    String(x.risk), x.decision_label];
	});
	const note = el("textarea", { rows: "2", maxlength: "4096",
	    required: "required" });
	const send = decision => {
		const ids = Array.from(f.querySelectorAll(
		    "input[type=checkbox]:checked")).map(c => c.value);
		if (!ids.length || !note.value) {
			f.reportValidity();
			return;
		}
		kc(["review", "attest", k.id, ids.join(","), decision,
		    "--note", note.value]).then(() => {
			show_notice(t("done"));
			return load_review();
		}).catch(show_error);
	};
	f.append(el("h3", { text: t("campaign") + " " + k.id + " · " +
	    t("due") + " " + when(k.deadline) }),
	    table([t("select_row"), t("grant"), t("subject"), t("resource"),
	    t("finding"), t("risk"), t("decision")], rows),
	    field("rv-note-" + k.id, t("attest_note"), note),
	    el("button", { type: "button", class: "k-btn k-primary",
	    "data-decision": "valid", text: t("valid_btn"),
	    onclick: () => send("valid") }),
	    el("button", { type: "button", class: "k-btn k-danger",
	    "data-decision": "invalid", text: t("invalid_btn"),
	    onclick: () => send("invalid") }));
	f.addEventListener("submit", ev => ev.preventDefault());
	return f;
}

/* The campaign's own acts (procedure C2: review provide, ask, determine,
 * update-list), as kuncid offers them; an unknown one is skipped. */
const RV_ACTS = {
	provide: "rv_provide", ask: "rv_ask", determine: "rv_determine",
	"update-list": "rv_update_list"
};

function review_acts(k, acts) {
	const box = el("div", { class: "k-card", "data-campaign-acts": k.id });
	box.append(el("h3", { text: t("campaign") + " " + k.id }));
	for (const a of acts) {
		const f = el("form", { class: "k-act", "data-action": a });
		const note = el("input", { type: "text", maxlength: "4096" });
		let invalid = null;
		if (a === "determine") {
			invalid = el("input", { type: "text", maxlength: "4096" });
			f.appendChild(field("rvact-invalid-" + k.id,
			    t("rv_invalid"), invalid));
		}
		f.appendChild(field("rvact-note-" + a + "-" + k.id,
		    t("note_opt"), note));
		const btn = el("button", { type: "submit",
		    class: "k-btn k-primary", "data-action": a,
		    text: t(RV_ACTS[a]) });
		f.appendChild(btn);
		f.addEventListener("submit", ev => {
			ev.preventDefault();
			btn.disabled = true;
			kc(["review", a, k.id].concat(
			    note.value ? ["--note", note.value] : [],
			    invalid && invalid.value ? ["--invalid",
			    invalid.value] : [])).then(() => {
				show_notice(t("done"));
				return load_review();
			}).catch(show_error)
			    .finally(() => { btn.disabled = false; });
		});
		box.appendChild(f);
	}
	return box;
}

/* ------------------------------------------------------------- visits */

function visit_table(list) {
	return table([t("visit_n"), t("guest"), t("org"), t("escort"),
	    t("checkin_t"), t("checkout_t"), ""],
	    list.map(v => [v.id, v.guest, v.org, v.escort || "",
	    when(v.checkin), when(v.checkout),
	    el("button", { type: "button", class: "k-btn",
	    "data-id": v.id, text: t("open"),
	    "aria-label": t("open") + " " + v.id,
	    onclick: () => open_visit(v.id) })]));
}

function load_visit() {
	const box = document.getElementById("visit-list");
	return kc(["visit", "list"]).then(list => {
		box.replaceChildren(visit_table(list));
	}).catch(show_error);
}

function submit_visit(ev) {
	ev.preventDefault();
	const v = id => document.getElementById(id).value;
	const btn = document.getElementById("v-submit");
	btn.disabled = true;
	kc(["visit", "request", "--resource", v("v-resource"), "--guest",
	    v("v-guest"), "--org", v("v-org"), "--id-doc", v("v-iddoc"),
	    "--purpose", v("v-purpose"), "--duration", v("v-duration") + "h"])
	    .then(res => {
		show_notice(t("done") + " " + t("visit_n") + " " + res.id);
		return load_visit();
	    }).catch(show_error).finally(() => { btn.disabled = false; });
}

const VISIT_ACTS = {
	approve: { label: "v_approve", argv: id => ["visit", "approve", id] },
	reject: { label: "v_reject", reason: true,
	    argv: id => ["visit", "reject", id] },
	escort: { label: "v_escort", escort: true,
	    argv: id => ["visit", "escort", id] },
	checkin: { label: "v_checkin", guest_in: true,
	    argv: id => ["visit", "checkin", id] },
	checkout: { label: "v_checkout", guest_out: true,
	    argv: id => ["visit", "checkout", id] },
	checkout_locked: { label: "v_checkout_locked", guest_out: true,
	    argv: id => ["visit", "checkout", id, "--locked"] },
	lock: { label: "v_lock", argv: id => ["visit", "lock", id] }
};

function open_visit(id) {
	return kc(["visit", "show", id]).then(v => {
		const d = document.getElementById("detail");
		document.getElementById("detail-title").textContent =
		    t("visit_n") + " " + v.id;
		const kv = el("dl", { class: "k-kv" });
		const add = (k, x) => {
			if (x) {
				kv.appendChild(el("dt", { text: k }));
				kv.appendChild(el("dd", { text: x }));
			}
		};
		add(t("state"), v.state_label);
		add(t("guest"), v.guest);
		add(t("org"), v.org);
		add(t("purpose"), v.purpose_label);
		add(t("resource"), v.resource);
		add(t("requester"), v.requester);
		add(t("escort"), v.escort);
		add(t("waiting_for"), v.step_label);
		add(t("checkin_t"), when(v.checkin));
		add(t("checkout_t"), when(v.checkout));
		const trail = (v.events || []).map(e => [when(e.time),
		    decision_label(e.decision), e.actor, e.note || ""]);
		const acts = el("div", { id: "actions" });
		for (const name of v.actions || []) {
			const a = VISIT_ACTS[name];
			if (!a)
				continue;
			const f = el("form", { class: "k-act",
			    "data-action": name });
			let extra = () => [];
			if (a.reason) {
				const r = el("textarea", { rows: "2",
				    required: "required", maxlength: "4096" });
				f.appendChild(field("vact-reason",
				    t("reject_reason"), r));
				extra = () => ["--reason", r.value];
			} else if (a.escort) {
				const u = el("input", { type: "text",
				    required: "required", maxlength: "64" });
				f.appendChild(field("vact-escort",
				    t("v_escort_who"), u));
				extra = () => ["--escort", u.value];
			} else if (a.guest_in) {
				/* the guest's identity document and equipment
				 * (visit checkin --id-held --equipment) */
				const h = el("input", { type: "checkbox" });
				const q = el("input", { type: "text",
				    maxlength: "200" });
				f.appendChild(field("vact-held-" + name,
				    t("v_id_held"), h));
				f.appendChild(field("vact-equip-" + name,
				    t("v_equipment"), q));
				extra = () => (h.checked ? ["--id-held"] : [])
				    .concat(q.value ? ["--equipment", q.value] :
				    []);
			} else if (a.guest_out && v.id_held && !v.id_returned) {
				/* kuncid refuses the checkout until the
				 * document is given back (--id-returned) */
				const h = el("input", { type: "checkbox",
				    required: "required" });
				f.appendChild(field("vact-ret-" + name,
				    t("v_id_returned"), h));
				extra = () => ["--id-returned"];
			}
			const btn = el("button", { type: "submit",
			    class: "k-btn " + (name === "reject" ?
			    "k-danger" : "k-primary"), "data-action": name,
			    text: t(a.label) });
			f.appendChild(btn);
			f.addEventListener("submit", ev => {
				ev.preventDefault();
				btn.disabled = true;
				kc(a.argv(v.id).concat(extra())).then(() => {
					show_notice(t("done"));
					refresh();
					return open_visit(v.id);
				}).catch(show_error)
				    .finally(() => { btn.disabled = false; });
			});
			acts.appendChild(f);
		}
		if (!acts.firstChild)
			acts.appendChild(el("p", { class: "k-muted",
			    text: t("no_actions") }));
		const body = document.getElementById("detail-body");
		body.replaceChildren(kv, el("h3", { text: t("trail") }),
		    table([t("when"), t("event"), t("by"), t("note")], trail),
		    acts);
		d.hidden = false;
		document.getElementById("detail-title").focus();
	}).catch(show_error);
}

/* -------------------------------------------------------------- forms */

/* kuncictl doc KIND ID --format html: kuncid's own rendering, shown in
 * a frame where no script runs. */
function load_forms() {
	const box = document.getElementById("forms-list");
	if (box.firstChild)
		return Promise.resolve();
	const kind = el("select", {}, [
		el("option", { value: "request", text: t("form_request") }),
		el("option", { value: "visit", text: t("form_visit") }),
		el("option", { value: "review", text: t("form_review") }),
		el("option", { value: "removal", text: t("form_removal") }),
		el("option", { value: "access-list",
		    text: t("form_access_list") })]);
	const id = el("input", { type: "text", maxlength: "128",
	    required: "required" });
	const frame = el("iframe", { sandbox: "allow-same-origin allow-modals",
	    title: t("forms_title"), class: "k-form-frame", hidden: "hidden" });
	const show = ev => {
		ev.preventDefault();
		cockpit.spawn(["kuncictl", "--lang", EN ? "en" : "id", "doc",
		    kind.value, id.value, "--format", "html"], { err: "message" })
		    .then(html => {
			frame.srcdoc = html;
			frame.hidden = false;
		    }).catch(ex => show_error(String(ex.message || ex).trim()));
	};
	const f = el("form", { class: "k-card", id: "form-form" });
	f.append(field("form-kind", t("form_kind"), kind),
	    field("form-id", t("form_id"), id),
	    el("button", { type: "submit", class: "k-btn k-primary",
	    text: t("show_form") }),
	    el("button", { type: "button", class: "k-btn", text: t("print"),
	    onclick: () => frame.contentWindow.print() }),
	    el("button", { type: "button", class: "k-btn", id: "form-signed",
	    text: t("signed"), onclick: () => {
		if (f.reportValidity())
			download_signed(kind.value, id.value);
	    } }));
	f.addEventListener("submit", show);
	box.replaceChildren(f, frame);
	return Promise.resolve();
}

/* The Formulir tab with this record's form shown. */
function show_form(kind, id) {
	select_tab("forms", true).then(() => {
		document.getElementById("form-kind").value = kind;
		document.getElementById("form-id").value = id;
		document.getElementById("form-form").requestSubmit();
	});
}

function download(name, data, type) {
	const url = URL.createObjectURL(new Blob([data], { type: type }));
	const a = el("a", { href: url, download: name, hidden: "hidden" });
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/* The signed form: kuncictl writes FILE and FILE.p7s (kuncid signs, with
 * the office's key) into a directory of the user's own, the browser
 * saves both, the directory goes. */
function download_signed(kind, id) {
	const base = kind + "-" + id.replace(/[^0-9A-Za-z-]/g, "_") + ".html";
	/* (the name is ours; id reaches kuncictl as one argument) */
	let dir = null;
	cockpit.spawn(["mktemp", "-d"], { err: "message" }).then(out => {
		dir = out.trim();
		const path = dir + "/" + base;
		return cockpit.spawn(["kuncictl", "--lang", EN ? "en" : "id",
		    "doc", kind, id, "--format", "html", "--sign", "--out",
		    path], { err: "message" })
		    .then(() => Promise.all([cockpit.file(path).read(),
		    cockpit.file(path + ".p7s", { binary: true }).read()]));
	}).then(([html, sig]) => {
		download(base, html, "text/html");
		download(base + ".p7s", sig, "application/pkcs7-signature");
		show_notice(t("done"));
	}).catch(ex => show_error(String(ex.message || ex).trim()))
	    .finally(() => {
		if (dir)
			cockpit.spawn(["rm", "-rf", "--", dir]);
	    });
}

/* ------------------------------------------------------------- tabs */

const LOADERS = {
	mine: load_mine,
	waiting: load_waiting,
	review: load_review,
	visit: load_visit,
	forms: load_forms
};
let CURRENT = "mine";

function select_tab(name, focus) {
	for (const b of document.querySelectorAll("[role=tab]")) {
		const on = b.id === "tab-" + name;
		b.setAttribute("aria-selected", on ? "true" : "false");
		b.tabIndex = on ? 0 : -1;
		document.getElementById(b.getAttribute("aria-controls"))
		    .hidden = !on;
		if (on && focus)
			b.focus();
	}
	CURRENT = name;
	document.getElementById("detail").hidden = true;
	return LOADERS[name]();
}

function refresh() {
	return LOADERS[CURRENT]();
}

function init() {
	pick_language();
	for (const e of document.querySelectorAll("[data-t]"))
		e.textContent = t(e.getAttribute("data-t"));
	document.title = t("title");
	const tabs = Array.from(document.querySelectorAll("[role=tab]"));
	tabs.forEach((b, i) => {
		b.addEventListener("click", () =>
		    select_tab(b.id.substring(4), false));
		b.addEventListener("keydown", ev => {
			let j = -1;
			if (ev.key === "ArrowRight")
				j = (i + 1) % tabs.length;
			else if (ev.key === "ArrowLeft")
				j = (i + tabs.length - 1) % tabs.length;
			if (j >= 0) {
				ev.preventDefault();
				select_tab(tabs[j].id.substring(4), true);
			}
		});
	});
	document.getElementById("detail-title").tabIndex = -1;
	document.getElementById("detail-close").addEventListener("click",
	    () => { document.getElementById("detail").hidden = true; });
	document.getElementById("f-resource").addEventListener("change",
	    fill_types);
	document.getElementById("submit-form").addEventListener("submit",
	    submit_request);
	document.getElementById("visit-form").addEventListener("submit",
	    submit_visit);
	kc(["status"]).then(s => {
		document.getElementById("who").textContent = t("logged_in") +
		    ": " + (s.user || s.caller);
	}).catch(() => {});
	load_resources();
	select_tab("mine", false).then(follow_hash);
	window.addEventListener("hashchange", follow_hash);
	document.body.setAttribute("data-ready", "1");
}

/* #request/ID (the link in a "waiting on you" e-mail) opens it. */
function follow_hash() {
	const m = window.location.hash.match(/^#\/?request\/([0-9A-Za-z-]{1,31})$/);
	if (m)
		return open_request(m[1]);
}

document.addEventListener("DOMContentLoaded", init);
