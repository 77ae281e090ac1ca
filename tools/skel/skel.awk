#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
#
# skel.awk -v todo=K [-v removed=FILE] [-v stubs=FILE] SOURCE > SKELETON
#
# The student's version of one source file. Solution code is marked:
#
#	/* BEGIN SOLUTION <level>: <hint> */     (or as a block comment
#	<solution lines>                          whose first line says so)
#	/* STUB: <one line of code> */           (optional, any number;
#	                                          "STUB:<tab>" indents it)
#	/* END SOLUTION */
#
# A block of level >= K becomes "TODO <level>: <hint>" and its stub
# lines; a block below K keeps its code, without the markers. Blocks do
# not nest. Removed lines go to the removed FILE and stub lines to the
# stubs FILE, to check that no solution line leaks. Errors name the
# file and line, and exit 1.

function fail(msg) {
	printf("%s:%d: %s\n", FILENAME, FNR, msg) > "/dev/stderr"
	failed = 1
	exit 1
}

# The level of a BEGIN marker line, or 0.
function marker_level(line) {
	if (match(line, /BEGIN SOLUTION [1-5]:/))
		return substr(line, RSTART + 15, 1) + 0
	return 0
}

function begin_block(level, text, n,    i) {
	if (inside)
		fail("BEGIN SOLUTION inside another block")
	inside = 1
	removing = level >= todo
	if (!removing)
		return
	for (i = 1; i <= n; i++) {
		sub(/BEGIN SOLUTION/, "TODO", text[i])
		print text[i]
	}
}

# A comment held back until its end: a marker, or an ordinary comment.
function flush_comment(    level, i) {
	level = marker_level(held[2])
	if (level) {
		begin_block(level, held, nheld)
	} else {
		for (i = 1; i <= nheld; i++)
			emit(held[i])
	}
	nheld = 0
}

function emit(line) {
	if (inside && removing) {
		if (removed != "")
			print line > removed
	} else {
		print line
	}
}

BEGIN {
	if (todo !~ /^[1-6]$/)
		fail("todo must be a level from 1 to 6")
}

nheld {
	held[++nheld] = $0
	if ($0 ~ /\*\//)
		flush_comment()
	next
}

/^[ \t]*\/\*[ \t]*$/ {
	nheld = 1
	held[1] = $0
	next
}

/^[ \t]*\/\* BEGIN SOLUTION [1-5]: .*\*\/[ \t]*$/ {
	one[1] = $0
	begin_block(marker_level($0), one, 1)
	next
}

/BEGIN SOLUTION/ {
	fail("a BEGIN SOLUTION marker must be \"/* BEGIN SOLUTION <1-5>: hint */\"")
}

/^[ \t]*\/\* STUB:[ \t].* \*\/[ \t]*$/ {
	if (!inside)
		fail("STUB outside a solution block")
	if (removing) {
		line = $0
		sub(/\/\* STUB: ?/, "", line)
		sub(/ \*\/[ \t]*$/, "", line)
		print line
		if (stubs != "")
			print line > stubs
	}
	next
}

/^[ \t]*\/\* END SOLUTION \*\/[ \t]*$/ {
	if (!inside)
		fail("END SOLUTION without BEGIN")
	inside = 0
	next
}

/(STUB|END SOLUTION)/ && /\/\*/ {
	fail("a marker must be alone on its line, as \"/* END SOLUTION */\"")
}

{
	emit($0)
}

END {
	if (failed)
		exit 1
	if (nheld)
		fail("unterminated comment")
	if (inside)
		fail("BEGIN SOLUTION without END SOLUTION")
}
