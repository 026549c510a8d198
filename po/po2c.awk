# po2c.awk: po/id.po to the C table i18n.c looks up (see agent/i18n.h).
# Takes the translated entries only (no fuzzy, no empty msgstr, not the
# header); PO's string escapes are C's, so strings are copied as written.
# A msgid given twice is an error, as msgfmt says.
# The printf conversions of a PO string, in order ("%s %d"): the Indonesian
# is used as the format at run time, so it must have the English's, no
# more, no fewer, in the same order (msgfmt checks only c-format entries).
function convs(q,	s, out, m) {
	s = q
	gsub(/"[ \t]*"/, "", s)		# "a" "b" -> "ab"
	s = substr(s, 2, length(s) - 2)
	out = ""
	while ((m = index(s, "%")) > 0) {
		s = substr(s, m + 1)
		if (substr(s, 1, 1) == "%") {
			s = substr(s, 2)
			continue
		}
		if (match(s, /^[-+ #0]*[0-9*]*(\.[0-9*]+)?(hh|h|ll|l|L|z|j|t)?[diouxXeEfFgGaAcspn]/) == 0) {
			out = out " ?"
			continue
		}
		out = out " " substr(s, 1, RLENGTH)
		s = substr(s, RLENGTH + 1)
	}
	return out
}
function flush() {
	if (state != "" && id != "\"\"" && tr != "\"\"" && tr != "" &&
	    !fuzzy && (convs(id) != convs(tr) || convs(tr) ~ /[n?]$|[n?] /)) {
		printf("%s:%d: the Indonesian's conversions (%s) are not the " \
		    "English's (%s)\n", FILENAME, start, convs(tr), \
		    convs(id)) > "/dev/stderr"
		bad = 1
	}
	if (state != "" && id != "\"\"" && tr != "\"\"" && tr != "" &&
	    !fuzzy) {
		if (id in seen) {
			printf("%s:%d: msgid given twice\n", FILENAME,
			    start) > "/dev/stderr"
			bad = 1
		}
		seen[id] = 1
		printf("\t{ %s,\n\t  %s },\n", id, tr)
		n++
	}
	state = ""; id = ""; tr = ""; fuzzy = 0
}
BEGIN {
	print "/* Generated from po/id.po by po/po2c.awk: do not edit. */"
	print "#include <stddef.h>"
	print "struct i18n_msg { const char *id; const char *tr; };"
	print "const struct i18n_msg i18n_id[] = {"
}
/^#,.*fuzzy/	{ flush(); fuzzy = 1; next }
/^#/		{ if (state == "str") flush(); next }
/^[ \t]*$/	{ flush(); next }
/^msgctxt /	{ printf("%s:%d: msgctxt is not supported\n", FILENAME,
		    NR) > "/dev/stderr"; bad = 1; next }
/^msgid /	{ f = fuzzy; flush(); fuzzy = f; state = "id"; start = NR
		  id = substr($0, 7); next }
/^msgstr /	{ state = "str"; tr = substr($0, 8); next }
/^"/		{ if (state == "id") id = id " " $0
		  else if (state == "str") tr = tr " " $0
		  next }
		{ printf("%s:%d: not PO: %s\n", FILENAME, NR, $0) > \
		    "/dev/stderr"; bad = 1 }
END {
	flush()
	print "\t{ NULL, NULL }"
	print "};"
	printf("const size_t i18n_nid = %d;\n", n)
	exit bad
}
