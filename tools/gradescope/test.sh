#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test.sh SRCTREE OBJTREE [TODO]: prove the grading platforms' files,
# for "make gradescope-test" (which first writes OBJTREE/gradescope.zip).
#
# - The zip unpacks, as Gradescope does, into a root that stands for
#   /autograder (AUTOGRADER_ROOT, in /var/tmp); setup.sh installs and
#   builds there (apt is skipped when the packages are present), and
#   run_autograder grades: the solution must score 100; the TODO=k
#   skeleton exactly the tasks below k, given as a folder and as an
#   archive; and, with KVMLAB_KVM_DEVICE=/nonexistent, a worker without
#   KVM must get 0 everywhere and say why. Each results.json must be
#   valid Gradescope JSON.
# - The GitHub Classroom workflow and the GitLab CI template must parse,
#   grade each scored item of checker/rubric.c for its points (as
#   "make check REQUIREMENTS=1" prints them too), and reach the skeleton.
#   There, make check must write the JUnit file GitLab is pointed at,
#   and end as Autolab and vmchecker-next read it (FORMAT=).
# The last line counts the checks; the exit status is 1 if one failed.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: test.sh SRCTREE OBJTREE [TODO]" >&2
	exit 2
fi
src=$(cd "$1" && pwd)
obj=$(cd "$2" && pwd)
todo=${3:-1}
zip=$obj/gradescope.zip
python=/usr/bin/python3

if [ ! -f "$zip" ]; then
	echo "test.sh: no $zip: run 'make gradescope' first" >&2
	exit 2
fi

# The stand-in /autograder is neither under /tmp, which make grade's
# judge replaces with a /tmp of its own (docs/grading.md), nor inside a
# git checkout, where the kit's skels.sh would list that checkout's
# files: in /var/tmp, as make grade's own work areas.
tmp=$(mktemp -d)
stand_in=$(mktemp -d /var/tmp/kvmlab-gradescope-test.XXXXXX)
chmod 755 "$stand_in"
root=$stand_in/autograder
mkdir "$root"
trap 'rm -rf "$tmp" "$stand_in"' EXIT
passed=0
failed=0

pass() {
	echo "  ok      $*"
	passed=$((passed + 1))
}

fail() {
	echo "  FAIL    $*"
	failed=$((failed + 1))
}

# check WHAT COMMAND...: one check, passed when COMMAND succeeds.
check() {
	local what=$1

	shift
	if "$@"; then
		pass "$what"
	else
		fail "$what"
	fi
}

"$src/tools/gradescope/items.sh" "$src/checker/rubric.c" >"$tmp/items"

# --- The items, as the checker itself reports them.
make -C "$src" O="$obj" check REQUIREMENTS=1 |
	sed -n 's/^\([^ ].*\) (\([0-9]*\) points).*/\1\t\2/p' >"$tmp/reqs"
check "items.sh reads the rubric's scored items and points, as make check REQUIREMENTS=1 prints them" \
	cmp -s "$tmp/reqs" <(cut -f 2,3 "$tmp/items")

# --- The templates: they parse, and grade what the rubric scores.
check_classroom() {
	"$python" - "$src/.github/workflows/classroom.yml" "$tmp/items" <<'PY'
import sys, yaml

doc = yaml.safe_load(open(sys.argv[1]))
items = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
steps = doc["jobs"]["autograding"]["steps"]
bad = []
graders = [s for s in steps if str(s.get("uses", "")).startswith(
    "classroom-resources/autograding-command-grader@")]
got = [(s.get("id"), s["with"].get("test-name"), int(s["with"].get("max-score")),
        s["with"].get("command")) for s in graders]
want = [(i, t, int(p), "make check ITEM=" + i) for i, t, p in items]
if got != want:
    bad.append("command-grader steps %r, the rubric wants %r" % (got, want))
reporter = [s for s in steps if str(s.get("uses", "")).startswith(
    "classroom-resources/autograding-grading-reporter@")]
ids = [i for i, _, _ in items]
if len(reporter) != 1 or reporter[0]["with"]["runners"].split(",") != ids:
    bad.append("the reporter does not list the runners %s" % ",".join(ids))
else:
    env = reporter[0].get("env", {})
    for i in ids:
        v = env.get(i.upper() + "_RESULTS", "").replace(" ", "")
        if v != "${{steps.%s.outputs.result}}" % i:
            bad.append("the reporter's %s_RESULTS is %r" % (i.upper(), v))
udev = "\n".join(str(s.get("run", "")) for s in steps)
for need in ('KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"',
             "/etc/udev/rules.d/99-kvm4all.rules",
             "udevadm control --reload-rules",
             "udevadm trigger --name-match=kvm"):
    if need not in udev:
        bad.append("no step runs %r" % need)
if steps.index(graders[0]) < max(i for i, s in enumerate(steps)
                                  if "udevadm trigger" in str(s.get("run", ""))):
    bad.append("a grader runs before /dev/kvm is opened")
for b in bad:
    print("classroom.yml: " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "classroom.yml parses: udev rule, one command-grader per scored item for its points, the reporter" \
	check_classroom

check_gitlab() {
	"$python" - "$src/.gitlab-ci.yml" <<'PY'
import sys, yaml

doc = yaml.safe_load(open(sys.argv[1]))
job = doc.get("kvmlab-check", {})
ok = ("make check" in job.get("script", []) and
      "kvm" in job.get("tags", []) and
      job.get("artifacts", {}).get("reports", {}).get("junit") ==
      "checker/results/junit.xml")
if not ok:
    print(".gitlab-ci.yml: no kvmlab-check job on a kvm runner running "
          "make check with checker/results/junit.xml as its JUnit report",
          file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
check ".gitlab-ci.yml parses: make check on a kvm-tagged runner, JUnit from checker/results/junit.xml" \
	check_gitlab

"$src/tools/skel/skels.sh" "$src" "$tmp/skel" "$todo" >/dev/null
skel_ships() {
	cmp -s "$src/.github/workflows/classroom.yml" \
		"$tmp/skel/.github/workflows/classroom.yml" &&
		cmp -s "$src/.gitlab-ci.yml" "$tmp/skel/.gitlab-ci.yml" &&
		[ ! -e "$tmp/skel/tools/gradescope" ]
}
check "make skels ships .github/workflows/classroom.yml and .gitlab-ci.yml, not tools/gradescope/" \
	skel_ships

# --- make check in the skeleton, as the templates run it: the JUnit
# report where .gitlab-ci.yml takes it, Autolab's last line, and
# vmchecker-next's Total line (the skeleton scores 0 on real mode).
make -C "$tmp/skel" O="$tmp/skel-obj" check ITEM=real_mode FORMAT=autolab \
	>"$tmp/autolab.log" 2>&1 || true
junit_written() {
	grep -q '<testsuite' "$tmp/skel-obj/checker/results/junit.xml" 2>/dev/null
}
check "make check writes checker/results/junit.xml, as .gitlab-ci.yml reports it" \
	junit_written
autolab_last() {
	grep -v '^make' "$tmp/autolab.log" | tail -n 1 |
		jq -e '.scores == {"real_mode": 0}' >/dev/null 2>&1
}
check "make check FORMAT=autolab, make's lines dropped as the README says: the last line is {\"scores\": {\"real_mode\": 0}}" \
	autolab_last
make -C "$tmp/skel" O="$tmp/skel-obj" check ITEM=real_mode FORMAT=vmchecker \
	>"$tmp/vmchecker.log" 2>&1 || true
vmchecker_total() {
	[ "$(sed -n 's/^Total: *\([0-9][0-9]*\).*/\1/p' "$tmp/vmchecker.log")" = 0 ]
}
check "make check FORMAT=vmchecker: one Total: line, 0" vmchecker_total

# --- The zip, unpacked and set up as Gradescope does.
zip_layout() {
	[ "$(unzip -Z1 "$zip" | sort | tr '\n' ' ')" = \
		"kvmlab.conf kvmlab.tar.gz run_autograder setup.sh " ]
}
zip_modes() {
	[ "$(unzip -Z "$zip" setup.sh run_autograder | grep -c '^-rwx')" = 2 ]
}
check "the zip holds setup.sh, run_autograder, kvmlab.tar.gz and kvmlab.conf at its root" \
	zip_layout
check "setup.sh and run_autograder are executable in the zip" zip_modes
mkdir -p "$root/source"
unzip -q "$zip" -d "$root/source"
cp "$root/source/run_autograder" "$root/run_autograder"
if AUTOGRADER_ROOT=$root bash "$root/source/setup.sh" >"$tmp/setup.log" 2>&1; then
	pass "setup.sh installs and builds the kit in AUTOGRADER_ROOT/source/kvmlab"
else
	tail -n 20 "$tmp/setup.log"
	fail "setup.sh (log above)"
	echo "gradescope-test: $passed passed, $failed failed"
	exit 1
fi

# results_valid FILE: Gradescope's schema, the tests adding up to the score.
results_valid() {
	jq -e '
		(.score | numbers) and (.execution_time | numbers) and
		(.tests | arrays and length > 0) and
		all(.tests[]; (.name | strings) and (.score | numbers) and
			(.max_score | numbers) and (.output | strings) and
			(.status == "passed" or .status == "failed")) and
		([.tests[].score] | add) == .score' "$1" >/dev/null
}

# grade CASE SCORE [VAR=VALUE...]: run_autograder on $root/submission,
# as prepared; its results.json must be valid and score SCORE.
grade() {
	local name=$1 want=$2 json=$root/results/results.json got
	local log=$tmp/case$((passed + failed)).log

	shift 2
	rm -rf "$root/results"
	if ! env "$@" AUTOGRADER_ROOT="$root" "$root/run_autograder" \
			>"$log" 2>&1; then
		tail -n 20 "$log"
		fail "$name: run_autograder failed (log above)"
		return 1
	fi
	if ! results_valid "$json"; then
		cat "$json" 2>/dev/null || true
		fail "$name: results.json is not valid Gradescope results (above)"
		return 1
	fi
	got=$(jq .score "$json")
	if [ "$got" != "$want" ]; then
		jq -r '.output // empty, (.tests[] | "\(.name): \(.score)/\(.max_score)")' "$json"
		fail "$name: score $got, expected $want"
		return 1
	fi
	pass "$name: valid results.json, score $got"
}

# The student's submission, as uploaded to Gradescope.
submit() {
	rm -rf "$root/submission"
	mkdir -p "$root/submission"
	cp -R "$1/." "$root/submission"
}

# The solution as a student who did every task would hand it in: the
# skeleton, each file with a TODO in it as the kit's solution has it.
cp -R "$tmp/skel" "$tmp/solution"
(cd "$tmp/skel" && grep -rlE 'TODO [1-5]:' --include='*.[ch]' --include='*.S' .) |
	while IFS= read -r f; do
		cp "$src/$f" "$tmp/solution/$f"
	done
submit "$tmp/solution"
grade "solution" 100 || true

# The skeleton scores the tasks below TODO: 0, 30, 50, 80, 90.
low=$(awk -F '\t' -v k="$todo" 'NR < k { s += $3 } END { print s + 0 }' "$tmp/items")
submit "$tmp/skel"
if grade "skeleton TODO=$todo (a folder)" "$low"; then
	stubs_ran() {
		jq -e '.output | test("vmm: not implemented yet: ")' \
			"$root/results/results.json" >/dev/null
	}
	check "skeleton: its own code ran, its stubs' lines are in the feedback" \
		stubs_ran
fi
rm -rf "$root/submission"
mkdir -p "$root/submission"
tar -czf "$root/submission/kvmlab.tar.gz" -C "$tmp/skel" .
grade "skeleton TODO=$todo (one .tar.gz)" "$low" || true

# No KVM: nothing graded, and said at the top and in every test, with
# the reason, which matches the regex $1.
nokvm_said() {
	jq -R -s 'split("\n") | map(select(length > 0) | split("\t"))' \
		"$tmp/items" >"$tmp/items.json"
	jq -e --slurpfile items "$tmp/items.json" --arg why "$1" '
		(.output | test("no usable KVM") and test($why) and
			test("make grade")) and
		([.tests[] | [.name, (.max_score | tostring)]] ==
			[$items[0][] | [.[1], .[2]]]) and
		all(.tests[]; .score == 0 and .status == "failed" and
			(.output | test("no usable KVM") and test($why)))' \
		"$root/results/results.json" >/dev/null
}
submit "$tmp/solution"
if grade "no KVM (KVMLAB_KVM_DEVICE=/nonexistent)" 0 \
		KVMLAB_KVM_DEVICE=/nonexistent; then
	check "no KVM: the output says so and what the instructor can do; every scored item, 0 points, with the reason" \
		nokvm_said /nonexistent
fi
if grade "a device that is not KVM (KVMLAB_KVM_DEVICE=/dev/null)" 0 \
		KVMLAB_KVM_DEVICE=/dev/null; then
	check "not KVM: said as clearly, with the VMM's reason" \
		nokvm_said '/dev/null.*KVM_GET_API_VERSION'
fi

echo "gradescope-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
