#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh SRCTREE OBJTREE: make grade-test, the pipeline's own test. It
# makes a small class in a temporary directory and grades it with
# tools/grade/grade.sh, as make grade would:
#   batch A, graded whole: the solution as a directory (it must score
#     100), and hostile archives: "../" out, an absolute path, a link
#     out and a file through it, a zip bomb, a directory with a link
#     out; each must be refused with its reason and write nothing;
#   batch B, real mode only (ITEM=real_mode, to stay fast): the
#     solution as a tgz nested one directory down, a zip that edits
#     checker/ and the Makefile and lacks a student file, a git bundle,
#     the skeleton as it was handed out, one that does not build, and
#     student code that cheats: prints the score lines itself, kills
#     its parent, fork-bombs, and one that fills the disk, reads the
#     instructor's tree and /etc/shadow, writes outside its area and
#     into the judge's results (split judge), opens a socket;
#   then a rerun (everything skipped, the same CSV), and the batch in
#     two shards, merged back into the same CSV.
# Each student's row, status and files are checked, and that nothing
# appeared outside the work areas. Exit status: 0 all passed, 1 not.
set -euo pipefail

src=$(cd "$1" && pwd)
obj=$2
grade=$src/tools/grade/grade.sh
t0=$SECONDS

fails=0
pass() { echo "  PASS    $*"; }
fail() { echo "  FAIL    $*"; fails=$((fails + 1)); }
check() {
	local what=$1
	shift
	if "$@" >/dev/null; then pass "$what"; else fail "$what"; fi
}

[ "$(id -u)" -eq 0 ] || { echo "grade-test: run as root, as make grade" >&2; exit 1; }
tmp=$(mktemp -d /tmp/kvmlab-gradetest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# Where an escape would land: none of these may exist at the end.
escape=$tmp/escape
mkdir -p "$tmp/A" "$tmp/B" "$tmp/make"

# The solution as a tree: the kit's source files.
solution() {
	mkdir -p "$1"
	(cd "$src" && "$src/tools/kit-files.sh" "$src" |
		xargs -0 cp --parents -t "$1")
}
solution "$tmp/sol"

# --- Batch A: the solution whole, and hostile archives --------------
cp -a "$tmp/sol" "$tmp/A/solution"
(
	cd "$tmp/make"
	echo x >x
	tar --transform "s|^x\$|../../../../../../../..$escape-dotdot|" \
		-P -cf "$tmp/A/dotdot.tar" x
	tar --transform "s|^x\$|$escape-abs|" -P -cf "$tmp/A/absolute.tar" x
	mkdir -p l1 l2/link
	ln -s "$tmp" l1/link
	echo pwned >l2/link/escape-link
	tar -C l1 -cf "$tmp/A/symlink.tar" link
	tar -C l2 -rf "$tmp/A/symlink.tar" link/escape-link
	head -c 100M /dev/zero >big
	zip -q -9 "$tmp/A/bomb.zip" big
	rm big
)
cp -a "$tmp/sol" "$tmp/A/dirlink"
ln -sf /etc/shadow "$tmp/A/dirlink/vmm/result.c"

# --- Batch B: real mode only ------------------------------------------
# A constructor in a student file: it runs in every program linked with
# the student's code.
cheat() {
	local id=$1 body=$2

	solution "$tmp/B/$id"
	cat >>"$tmp/B/$id/vmm/result.c" <<EOF

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

__attribute__((constructor)) static void grade_test_cheat(void)
{
$body
}
EOF
}
mkdir "$tmp/make/nested"
cp -a "$tmp/sol" "$tmp/make/nested/kvmlab"
tar -C "$tmp/make/nested" -czf "$tmp/B/soltgz.tgz" kvmlab
(
	cp -a "$tmp/sol" "$tmp/make/edits"
	cd "$tmp/make/edits"
	echo '/* mine */' >>checker/rubric.c
	echo '# mine' >>Makefile
	rm guest_64_bits/simvirtio_driver.c
	zip -q -r "$tmp/B/edits.zip" .
)
(
	cp -a "$tmp/sol" "$tmp/make/git"
	cd "$tmp/make/git"
	git init -q
	git add -A
	git -c user.name=s -c user.email=s@example.org commit -qm sub
	git bundle create -q "$tmp/B/bundle.bundle" --all 2>/dev/null
)
"$src/tools/skel/skels.sh" "$src" "$tmp/B/handedout" 1 >/dev/null
solution "$tmp/B/nobuild"
echo 'this is not C' >>"$tmp/B/nobuild/vmm/core/vm.c"
cheat printscore '	printf("Score: 100/100\n100%%: Checks: 1, Failures: 0, Errors: 0\n");
	exit(0);'
cheat killparent '	kill(getppid(), SIGKILL);'
cheat forkbomb '	for (;;)
		if (fork() < 0)
			pause();'
cheat snoop "	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(22) };
	int s = socket(AF_INET, SOCK_STREAM, 0);
	static char buf[1 << 16], path[4096];
	const char *res = getenv(\"KVMLAB_RESULTS\");
	FILE *f = fopen(\"fill\", \"w\");

	while (f && fwrite(buf, sizeof(buf), 1, f) == 1)
		;
	if (f)
		fclose(f);
	if (res) {
		snprintf(path, sizeof(path), \"%s/results.json\", res);
		f = fopen(path, \"a\");
		if (f) {
			fprintf(stderr, \"CHEAT: wrote the results\\n\");
			fclose(f);
		}
	}

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s >= 0 && !connect(s, (struct sockaddr *)&a, sizeof(a)))
		fprintf(stderr, \"CHEAT: network\\n\");
	if (s >= 0)
		close(s);
	f = fopen(\"$src/Makefile\", \"r\");
	if (f) {
		fprintf(stderr, \"CHEAT: read the instructor's tree\\n\");
		fclose(f);
	}
	f = fopen(\"$escape-run\", \"w\");
	if (f) {
		fprintf(stderr, \"CHEAT: wrote outside\\n\");
		fclose(f);
	}
	f = fopen(\"/etc/shadow\", \"r\");
	if (f) {
		fprintf(stderr, \"CHEAT: read /etc/shadow\\n\");
		fclose(f);
	}"

# Fields of grades.csv: row ID, column NAME.
field() {
	awk -F , -v id="$2" -v col="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$1 == id { print $c[col] }' "$1/grades.csv"
}
expect() {
	local out=$1 id=$2 total=$3 status=$4 got

	got="$(field "$out" "$id" total)/$(field "$out" "$id" status)"
	check "$id: $total, $status (got $got)" [ "$got" = "$total/$status" ]
}
outputs() {
	local d=$1/$2

	check "$2: feedback, results.json, junit.xml, logs" \
		test -s "$d/feedback.txt" -a -s "$d/results.json" -a \
		-s "$d/junit.xml" -a -d "$d/logs"
	check "$2: results.json is Gradescope's" jq -e '
		(.score | type) == "number" and
		(.execution_time | type) == "number" and
		(.tests | length) > 0 and
		all(.tests[]; has("name") and has("score") and
		    has("max_score") and (.status == "passed" or
		    .status == "failed") and has("output"))' "$d/results.json"
	check "$2: junit.xml has a testcase per item" \
		grep -q '<testcase classname="kvmlab.'"$2"'" name="real mode"' "$d/junit.xml"
}
feedback() {
	check "$2: feedback says '$3'" grep -qF -- "$3" "$1/$2/feedback.txt"
}

echo "  TEST    batch A: the solution whole, and hostile archives"
SUBMISSIONS=$tmp/A OUT=$tmp/outA JOBS=2 TODO=1 "$grade" "$src" "$obj" ||
	fail "batch A: grade.sh exited $?"
expect "$tmp/outA" solution 100 graded
outputs "$tmp/outA" solution
check "solution: results.json scores 100" jq -e '.score == 100' \
	"$tmp/outA/solution/results.json"
check "solution: junit.xml has no failure" \
	bash -c "! grep -q '<failure' '$tmp/outA/solution/junit.xml'"
for id in dotdot absolute symlink bomb dirlink; do
	expect "$tmp/outA" $id 0 refused
	outputs "$tmp/outA" $id
done
feedback "$tmp/outA" dotdot 'a path with a ".." component'
feedback "$tmp/outA" absolute 'an absolute path'
feedback "$tmp/outA" symlink 'a symbolic link that points outside the submission'
feedback "$tmp/outA" bomb 'more content than the size limit'
feedback "$tmp/outA" dirlink 'vmm/result.c: a symbolic link that points outside'
sol_secs=$(field "$tmp/outA" solution seconds)

echo "  TEST    batch B: real mode only, cheats and formats"
SUBMISSIONS=$tmp/B OUT=$tmp/outB JOBS=2 TODO=1 ITEM=real_mode \
KVMLAB_GRADE_TIMEOUT=60 "$grade" "$src" "$obj" ||
	fail "batch B: grade.sh exited $?"
for id in soltgz edits bundle snoop; do
	expect "$tmp/outB" $id 30 graded
done
expect "$tmp/outB" handedout 0 graded
expect "$tmp/outB" nobuild 0 "build failed"
for id in printscore killparent forkbomb; do
	check "$id: 0 points ($(field "$tmp/outB" $id status))" \
		[ "$(field "$tmp/outB" $id total)" = 0 ]
done
for id in soltgz edits bundle handedout nobuild printscore; do
	outputs "$tmp/outB" $id
done
feedback "$tmp/outB" soltgz 'tree: kvmlab/'
feedback "$tmp/outB" edits 'ignored: checker/rubric.c'
feedback "$tmp/outB" edits 'ignored: Makefile'
feedback "$tmp/outB" edits 'stub: guest_64_bits/simvirtio_driver.c'
feedback "$tmp/outB" nobuild 'build failed: make'
check "snoop: no escape from the sandbox" \
	bash -c "! grep -rq 'CHEAT:' '$tmp/outB/snoop'"

check "nothing written outside the work areas" \
	bash -c "! ls -d '$escape'* 2>/dev/null | grep -q ."
check "no fill file anywhere in OUT" \
	bash -c "! find '$tmp/outA' '$tmp/outB' -name fill | grep -q ."

echo "  TEST    resume, shards and merge"
cp "$tmp/outB/grades.csv" "$tmp/B.csv"
out=$(SUBMISSIONS=$tmp/B OUT=$tmp/outB JOBS=2 ITEM=real_mode "$grade" \
	"$src" "$obj" 2>&1)
check "rerun: every student skipped" \
	bash -c "[ \$(grep -c '  SKIP    ' <<<'$out') -eq \$(ls '$tmp/B' | wc -l) ]"
check "rerun: the same CSV" cmp -s "$tmp/B.csv" "$tmp/outB/grades.csv"
for i in 1 2; do
	mkdir -p "$tmp/shard$i"
	cp -a "$tmp/outB/." "$tmp/shard$i/"
	rm "$tmp/shard$i/grades.csv"
	SUBMISSIONS=$tmp/B OUT=$tmp/shard$i SHARD=$i/2 ITEM=real_mode \
		"$grade" "$src" "$obj" >/dev/null
done
check "shards: each has about half" [ \
	$(($(wc -l <"$tmp/shard1/grades.csv") + $(wc -l <"$tmp/shard2/grades.csv") - 2)) \
	-eq "$(($(wc -l <"$tmp/B.csv") - 1))" ]
"$src/tools/grade/merge.sh" "$tmp/merged" "$tmp/shard1" "$tmp/shard2" >/dev/null
check "merge: the batch's CSV again" cmp -s "$tmp/B.csv" "$tmp/merged/grades.csv"
check "merge: an overlap is an error" \
	bash -c "! '$src/tools/grade/merge.sh' '$tmp/m2' '$tmp/shard1' '$tmp/shard1' 2>/dev/null"

echo "  TIME    the solution, graded whole: $sol_secs s (build and judge)"
echo "  TIME    grade-test: $((SECONDS - t0)) s"
if [ $fails -ne 0 ]; then
	echo "grade-test: $fails checks failed" >&2
	exit 1
fi
echo "grade-test: all passed"
