# po2c.awk: po/id.po to the C table i18n.c looks up (see agent/i18n.h).
# Takes the translated entries only (no fuzzy, no empty msgstr, not the
# header); PO's string escapes are C's, so strings are copied as written.
# A msgid given twice is an error, as msgfmt says.
function flush() {
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
