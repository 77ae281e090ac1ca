#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh SRCTREE OBJTREE: make cheat-test. Cheating submissions, each
# made from the instructor's solution or from the empty skeleton (TODO=1)
# by one small patch (the *.c here, appended to a student file, or
# edits.sh), graded in one batch by make grade (tools/grade/grade.sh,
# JOBS=2) with a correct solution and the plain skeleton beside them.
# Each must get the score written below, with its reason; the others
# of the batch must be graded as if the cheats were not there; and the
# machine must be as it was: no process of a slot user left, the
# host's disk use not grown, nothing written outside the work areas,
# nothing of the instructor's or another student's in a cheat's
# outputs, nothing reached over the network.
#
# Why: issue 12 asks that held-out cheating submissions be caught. The
# pipeline's test (tools/grade/tests/run.sh) grades a few cheats on
# real mode only; here each is graded whole, with the checks that prove
# the cheat did nothing (canaries, listeners, the disk, the slot users'
# processes). One line per cheat: "cheat NAME ..... scored N/100 as
# expected (reason)", or what went wrong.
#
# KVMLAB_CHEAT_ITEM=ID grades that item only (as make grade ITEM=): the
# solution's score is then that item's points. KVMLAB_CHEAT_ONLY=regex
# builds only the cheats whose names match (the solution and the
# skeleton always). KVMLAB_CHEAT_KEEP=1 keeps the batch's directory
# (submissions, OUT, logs) to look at. Exit status: 0 every expectation held, 1 not, 2 bad
# usage or set-up.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: run.sh SRCTREE OBJTREE" >&2; exit 2; }
src=$(cd "$1" && pwd)
obj=$2
here=$src/tools/grade/cheats
grade=$src/tools/grade/grade.sh
jobs=2
item=${KVMLAB_CHEAT_ITEM:-}
only=${KVMLAB_CHEAT_ONLY:-.}
t0=$SECONDS

[ "$(id -u)" -eq 0 ] ||
	{ echo "cheat-test: run as root (sudo make cheat-test), as make grade" >&2; exit 2; }
command -v python3 >/dev/null ||
	{ echo "cheat-test: python3 is missing (apt-get install python3)" >&2; exit 2; }

# In /var/tmp, beside make grade's work directory, and open to all: the
# sandbox, not the permissions, must keep the cheats out of it.
tmp=$(mktemp -d /var/tmp/kvmlab-cheats.XXXXXX)
chmod 755 "$tmp"
listener=
cleanup() {
	[ -z "$listener" ] || kill "$listener" 2>/dev/null || true
	if [ -n "${KVMLAB_CHEAT_KEEP:-}" ]; then
		echo "cheat-test: the batch is kept in $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
subs=$tmp/subs
out=$tmp/out
escape=$tmp/escape
mkdir -p "$subs" "$tmp/make"

# Canaries: a secret of the instructor's beside the batch, and one in
# the correct student's own file. Neither may show up in a cheat's
# outputs.
canary_secret=CANARY-SECRET-$RANDOM$RANDOM$RANDOM
canary_student=CANARY-STUDENT-$RANDOM$RANDOM$RANDOM
echo "$canary_secret" >"$tmp/secret.txt"
chmod 644 "$tmp/secret.txt"

# The listeners the network cheat tries: TCP and UDP on 127.0.0.1 and
# an abstract UNIX socket. What reaches them goes to net.log.
port=$((20000 + RANDOM % 20000))
uport=$((port + 1))
python3 - "$port" "$uport" "$tmp/net.log" <<'PY' &
import select, socket, sys
port, uport, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", port)); t.listen(16)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", uport))
x = socket.socket(socket.AF_UNIX); x.bind("\0kvmlab-cheat-%d" % port); x.listen(16)
open(log, "w").close()
while True:
    for s in select.select([t, u, x], [], [])[0]:
        with open(log, "a") as f:
            if s is u:
                f.write("udp: %r\n" % (s.recv(100),))
            else:
                c = s.accept()[0]
                f.write("%s: connected\n" % ("tcp" if s is t else "unix"))
                c.close()
PY
listener=$!

# --- The submissions --------------------------------------------------

# The solution as a student would hand it in: the source files.
solution() {
	mkdir -p "$1"
	(cd "$src" && "$src/tools/kit-files.sh" "$src" |
		xargs -0 cp --parents -t "$1")
}
solution "$tmp/sol"
"$src/tools/skel/skels.sh" "$src" "$tmp/skel" 1 >/dev/null

wanted() {
	[[ $1 =~ $only ]]
}

# cheat ID BASE SNIPPET FILE: the tree BASE (sol or skel) with
# SNIPPET (one of the *.c here) appended to the student file FILE,
# after the macros it is told the batch's paths with.
cheat() {
	local id=$1 base=$2 snippet=$3 file=$4

	wanted "$id" || return 0
	cp -a "$tmp/$base" "$subs/$id"
	{
		echo
		echo "/* cheat $id: tools/grade/cheats/$snippet */"
		printf '#define CHEAT_OUT "%s"\n' "$out"
		printf '#define CHEAT_SRC "%s"\n' "$src"
		printf '#define CHEAT_SRC_VM "%s/vmm/core/vm.c"\n' "$src"
		printf '#define CHEAT_SECRET "%s"\n' "$tmp/secret.txt"
		printf '#define CHEAT_SUBS "%s"\n' "$subs"
		printf '#define CHEAT_PORT %d\n' "$port"
		printf '#define CHEAT_UPORT %d\n' "$uport"
		printf '#define CHEAT_UNIX "kvmlab-cheat-%d"\n' "$port"
		cat "$here/$snippet"
	} >>"$subs/$id/$file"
}

# The two honest students: the solution (with its canary) and the
# skeleton as it was handed out.
cp -a "$tmp/sol" "$subs/solution"
printf '\n/* %s */\n' "$canary_student" >>"$subs/solution/vmm/core/vm.c"
cp -a "$tmp/skel" "$subs/skeleton"

if wanted a-edits; then
	cp -a "$tmp/skel" "$subs/a-edits"
	"$here/edits.sh" "$subs/a-edits"
fi
cheat b-printscore skel printscore.c vmm/x86/mode.c
cheat c-results sol results.c vmm/result.c
cheat d-kill sol kill.c vmm/result.c
cheat e-forkbomb skel forkbomb.c vmm/x86/mode.c
cheat f-filldisk sol filldisk.c vmm/result.c
cheat g-snoop sol snoop.c vmm/result.c
cheat h-net sol net.c vmm/result.c

# Hostile archives that tools/grade/tests does not make: each must be
# refused before anything is written, and nothing may appear at
# $escape-*.
if wanted i-; then
	python3 - "$subs" "$escape" "$tmp/sol/vmm/result.c" <<'PY'
import io, os, sys, tarfile, zipfile
subs, escape, result = sys.argv[1:4]
good = open(result, "rb").read()
up = "../" * 12 + escape.lstrip("/")

def add(tar, name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(ti, k, v)
    ti.size = len(data) if ti.type in (tarfile.REGTYPE, tarfile.AREGTYPE) else 0
    tar.addfile(ti, io.BytesIO(data) if ti.size else None)

# A zip whose second entry climbs out with "../".
with zipfile.ZipFile(subs + "/i-zipdotdot.zip", "w") as z:
    z.writestr("vmm/result.c", good)
    z.writestr(up + "-zipdotdot", b"pwned\n")

# A zip with a symbolic link out, then a file through it.
with zipfile.ZipFile(subs + "/i-ziplink.zip", "w") as z:
    zi = zipfile.ZipInfo("vmm/out")
    zi.create_system = 3
    zi.external_attr = (0o120777 << 16)
    z.writestr(zi, os.path.dirname(escape))
    z.writestr("vmm/out/" + os.path.basename(escape) + "-ziplink", b"pwned\n")

# A chain of links, each inside on its own: vmm/x -> . then vmm/x/y ->
# ../.. (through x: vmm/y -> ../.., the submission's parent), then a file
# through both. (Read lexically, vmm/x/../.. is inside: only the
# extraction's own guard, which follows the links, refuses it.)
with tarfile.open(subs + "/i-linkchain.tar", "w", format=tarfile.GNU_FORMAT) as t:
    add(t, "vmm/result.c", good)
    add(t, "vmm/x", type=tarfile.SYMTYPE, linkname=".")
    add(t, "vmm/x/y", type=tarfile.SYMTYPE, linkname="../..")
    add(t, "vmm/x/y/" + os.path.basename(escape) + "-linkchain", b"pwned\n")

# A hard link to a file outside, as a student file.
with tarfile.open(subs + "/i-hardlink.tar", "w") as t:
    add(t, "vmm/core/vm.c", type=tarfile.LNKTYPE, linkname="/etc/shadow")
    add(t, "vmm/result.c", type=tarfile.LNKTYPE, linkname=up + "-hardlink")

# A device node.
with tarfile.open(subs + "/i-device.tar", "w") as t:
    add(t, "vmm/result.c", type=tarfile.CHRTYPE, devmajor=1, devminor=3)

# More entries than KVMLAB_GRADE_MAX_FILES (5000), all empty.
with tarfile.open(subs + "/i-manyfiles.tar.gz", "w:gz") as t:
    for i in range(6000):
        add(t, "junk/%d" % i)

# A gzip bomb: 1 GiB of zeros in one entry, about 1 MiB compressed.
class Zeros(io.RawIOBase):
    def __init__(self, n):
        self.n = n
    def readable(self):
        return True
    def readinto(self, b):
        k = min(len(b), self.n)
        b[:k] = bytes(k)
        self.n -= k
        return k
with tarfile.open(subs + "/i-gzbomb.tgz", "w:gz", compresslevel=9) as t:
    ti = tarfile.TarInfo("vmm/result.c")
    ti.size = 1 << 30
    t.addfile(ti, io.BufferedReader(Zeros(ti.size), 1 << 20))
PY
	# A student file that is sparse: it declares 256 MiB and holds
	# nothing. Its content, as unpacked, is 256 MiB of zeros: past the
	# size limit (64 MiB).
	(
		cd "$tmp/make"
		mkdir -p sparse/vmm
		cp "$tmp/sol/vmm/result.c" sparse/vmm/result.c
		mkdir -p sparse/vmm/core
		truncate -s 256M sparse/vmm/core/vm.c
		tar -C sparse --sparse -cf "$subs/i-sparse.tar" vmm
		rm -rf sparse
	)
fi

# --- The batch --------------------------------------------------------

# The slot users of this batch: those make grade names ("slots 2 3"),
# else (a make grade that does not lock its slots) 0 to JOBS-1.
slots() {
	local s list

	list=$(sed -n 's/.* (slots \([0-9 ]*\)).*/\1/p' "$tmp/grade.log" 2>/dev/null |
	       head -n 1)
	[ -n "$list" ] || list=$(seq 0 $((jobs - 1)))
	for s in $list; do
		echo "kvmlab-grade$s"
	done
}

# The processes of the slot users that are not this batch's: make
# grade's slot users are the host's, shared by every batch that runs at
# the same time, and so is their RLIMIT_NPROC (see the end).
foreign() {
	local u p n=0

	for u in $(slots); do
		for p in $(pgrep -u "$u" || true); do
			{ readlink "/proc/$p/exe"; readlink "/proc/$p/cwd"
			  tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null |
				grep -qF "$tmp" || n=$((n + 1))
		done
	done
	echo $n
}
# A make grade that locks its slots picks free ones itself; else wait
# for the slot users to be idle.
waited=0
locking=
grep -q '/run/kvmlab-grade' "$grade" && locking=1 waited=600
while [ $waited -lt 600 ] && [ "$(foreign)" -gt 0 ]; do
	[ $waited -gt 0 ] ||
		echo "  WAIT    another batch runs as $(slots | tr '\n' ' ')(up to 600 s)"
	sleep 2
	waited=$((waited + 2))
done

# The host's disk use (the filesystem of /var/tmp and of OUT), in MiB,
# sampled every half second while the batch runs: its largest growth;
# and the most processes of other batches seen on the slot users.
disk_used() {
	df -m --output=used /var/tmp | tail -n 1 | tr -d ' '
}
disk0=$(disk_used)
echo "$disk0" >"$tmp/disk.max"
echo 0 >"$tmp/foreign.max"
(
	while sleep 0.5; do
		u=$(disk_used)
		[ "$u" -le "$(cat "$tmp/disk.max")" ] || echo "$u" >"$tmp/disk.max"
		f=$(foreign)
		[ "$f" -le "$(cat "$tmp/foreign.max")" ] || echo "$f" >"$tmp/foreign.max"
	done
) &
sampler=$!

n=$(find "$subs" -mindepth 1 -maxdepth 1 | wc -l)
echo "  CHEATS  $n submissions, graded in one batch, JOBS=$jobs${item:+, ITEM=$item}"
t_grade=$SECONDS
set +e
mkdir -p "$tmp/work"
SUBMISSIONS=$subs OUT=$out JOBS=$jobs TODO=1 ITEM=$item \
KVMLAB_GRADE_WORKDIR=$tmp/work "$grade" "$src" "$obj" >"$tmp/grade.log" 2>&1
grade_rc=$?
set -e
t_grade=$((SECONDS - t_grade))
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sed 's/^/  | /' "$tmp/grade.log"
disk_peak=$(($(cat "$tmp/disk.max") - disk0))
disk_end=$(($(disk_used) - disk0))

# --- The expectations --------------------------------------------------

fails=0
why=()
# field ID COLUMN: a cell of grades.csv.
field() {
	awk -F , -v id="$1" -v col="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$1 == id { print $c[col] }' "$out/grades.csv" 2>/dev/null
}
# Each "want" adds what is wrong, if it is, to the current cheat's list.
want() {
	local what=$1

	shift
	"$@" >/dev/null 2>&1 || why+=("$what")
}
# report NAME REASON: the current cheat's line, from its score.
report() {
	local name=$1 reason=$2 total status dots

	total=$(field "$name" total)
	status=$(field "$name" status)
	dots=$(printf '%*s' $((20 - ${#name})) '' | tr ' ' .)
	if [ ${#why[@]} -eq 0 ]; then
		echo "cheat $name $dots scored ${total:-?}/100 as expected ($reason)"
	else
		echo "cheat $name $dots FAILED: scored ${total:-?}/100, ${status:-no row}: $(IFS=';'; echo "${why[*]}")"
		fails=$((fails + 1))
	fi
	why=()
}
scored() {
	[ "$(field "$1" total)" = "$2" ] && [ "$(field "$1" status)" = "$3" ]
}
# scored_either ID TOTAL STATUS STATUS: either status will do.
scored_either() {
	scored "$1" "$2" "$3" || scored "$1" "$2" "$4"
}
says() {
	grep -qF -- "$2" "$out/$1/feedback.txt"
}
# Nothing of the secret, the other student or a LEAK line in the
# outputs of $1 (its whole directory: feedback, results, transcripts).
clean() {
	! grep -rqF -e "$canary_secret" -e "$canary_student" -e "LEAK " \
		-e FORGED-BY-CHEAT "$out/$1"
}
secs() {
	field "$1" seconds
}

# The judge make grade used: "split" (links no student code) or
# "legacy" (today's checker, whole, in the sandbox: a student's
# programs that exit early leave it without results, an error).
judge=$(sed -n 's/.*judge: \([a-z]*\).*/\1/p' "$tmp/grade.log" | head -n 1)
zero=graded
[ "$judge" != legacy ] || zero=error

# The solution's score: 100, or the points of the items graded.
full=100
if [ -n "$item" ]; then
	full=$(awk -v items=",$item," '
		match($0, /\.id = "[a-z0-9_]+"/) {
			id = substr($0, RSTART + 7, RLENGTH - 8)
			if (index(items, "," id ",") && match($0, /\.points = [0-9]+/))
				n += substr($0, RSTART + 10, RLENGTH - 10)
		} END { print n + 0 }' "$tmp/skel/checker/rubric.c")
fi

want "grade.sh exited $grade_rc" [ "$grade_rc" -eq 0 ]
want "no grades.csv" test -s "$out/grades.csv"
want "expected $full, graded" scored solution "$full" graded
report solution "the correct student beside the cheats"

want "expected 0, graded" scored skeleton 0 graded
report skeleton "the skeleton as handed out, beside the cheats"

if wanted a-edits; then
	want "expected 0, graded" scored a-edits 0 graded
	for f in Makefile checker/rubric.c .kvmlab/student-files \
		 tools/grade/sandbox.sh checker/my_test.c; do
		want "no 'ignored: $f' in its feedback" says a-edits "ignored: $f "
	done
	want "its Makefile's score line in its feedback" \
		bash -c "! grep -q '^Score: 100/100' '$out/a-edits/feedback.txt'"
	report a-edits "the instructor's Makefile, checker and manifest used; its 5 edits listed as ignored"
fi
if wanted b-printscore; then
	want "expected 0, $zero" scored b-printscore 0 "$zero"
	want "results.json is not the judge's" jq -e '.score == 0' \
		"$out/b-printscore/results.json"
	report b-printscore "its programs exit 0 printing the score lines; the judge sees no guest run"
fi
if wanted c-results; then
	want "expected $full, graded" scored c-results "$full" graded
	want "a forged file in OUT" \
		bash -c "! grep -rqF FORGED-BY-CHEAT '$out'"
	want "OUT/cheat was made" test ! -e "$out/cheat"
	report c-results "its true score; none of its writes reached OUT, the results or the work directory"
fi
if wanted d-kill; then
	want "expected 0, $zero (the judge's own results)" scored d-kill 0 "$zero"
	report d-kill "each of its programs kills its own sandbox: the judge sees every run killed, and survives"
fi
if wanted e-forkbomb; then
	want "expected 0, graded or timed out" \
		scored_either e-forkbomb 0 graded "timed out"
	# Its cost is measured (make bench-grade prints it), not asserted:
	# speed is for benchmarks, and this machine's load is not ours.
	s_bomb=$(secs e-forkbomb)
	s_skel=$(secs skeleton)
	report e-forkbomb "RLIMIT_NPROC and the run limits; ${s_bomb:-?} s against the skeleton's ${s_skel:-?} s"
fi
if wanted f-filldisk; then
	want "expected $full, graded" scored f-filldisk "$full" graded
	want "the host's disk grew by $disk_peak MiB at its peak" \
		[ "$disk_peak" -lt 768 ]
	want "a fill file in OUT" bash -c "! find '$out' -name '.cheat-fill.*' | grep -q ."
	report f-filldisk "its true score; the host's disk use: at most $(printf '%+d' "$disk_peak") MiB while the batch ran, $(printf '%+d' "$disk_end") MiB after"
fi
if wanted g-snoop; then
	want "expected $full, graded" scored g-snoop "$full" graded
	want "a LEAK line, the secret or the other student's canary in its outputs" clean g-snoop
	report g-snoop "its true score; nothing it tried to read or embed was there"
fi
if wanted h-net; then
	want "expected $full, graded" scored h-net "$full" graded
	want "a LEAK net line in its outputs" clean h-net
	want "the listeners heard something: $(tr '\n' ' ' <"$tmp/net.log" 2>/dev/null)" \
		test ! -s "$tmp/net.log"
	report h-net "its true score; no socket reached anything"
fi
if wanted i-; then
	for a in "i-zipdotdot:a path with a \"..\" component" \
		 "i-ziplink:a symbolic link that points outside" \
		 "i-linkchain:" \
		 "i-hardlink:" "i-device:" \
		 "i-manyfiles:more entries than the file count limit" \
		 "i-gzbomb:more content than the size limit" \
		 "i-sparse:more content than the size limit"; do
		name=${a%%:*}
		reason=${a#*:}
		want "expected 0, refused" scored "$name" 0 refused
		[ -z "$reason" ] || want "no '$reason' in its feedback" says "$name" "$reason"
		report "$name" "$(grep -m1 '^refused: ' "$out/$name/feedback.txt" 2>/dev/null || echo '?')"
	done
fi

# The sandbox alone, as make grade starts it: how much a student's
# program can write to each place it sees (files of 64 MiB up to
# 1 GiB). Every place must be read-only, or bounded by the tmpfs
# limit (KVMLAB_SANDBOX_TMP): the disk and the host's memory are the
# host's.
mkdir -p "$tmp/probe"
limit_mib=$((${KVMLAB_SANDBOX_TMP:-268435456} >> 20))
# shellcheck disable=SC2016 # the script is the sandbox's
"$src/tools/grade/sandbox.sh" --slot 0 --timeout 60 "$tmp/probe" sh -c '
	mkdir -p /var/tmp 2>/dev/null
	for d in /tmp "$HOME" "$1" / /dev /dev/shm /var/tmp; do
		n=0
		while [ $n -lt 16 ] &&
		      head -c 67108864 /dev/zero 2>/dev/null >"$d/.fill.$n"; do
			n=$((n + 1))
		done
		echo "$d $(cat "$d"/.fill.* 2>/dev/null | wc -c)"
		rm -f "$d"/.fill.*
	done' sh "$tmp/probe" >"$tmp/probe.txt" 2>/dev/null || true
while read -r place bytes; do
	mib=$((bytes >> 20))
	want "a sandboxed program wrote $mib MiB to $place (the limit: $limit_mib MiB)" \
		[ "$mib" -le "$limit_mib" ]
done <"$tmp/probe.txt"
want "the probe ran" test -s "$tmp/probe.txt"
report sandbox-fill "every place a program sees is read-only or at most $limit_mib MiB: $(awk '{ printf "%s %d MiB, ", $1, $2 / 1048576 }' "$tmp/probe.txt")"

# The machine: no process of a slot user left by this batch (other
# batches on the host may use the same users: a process is this
# batch's if it runs from, or in, its directory), nothing outside.
why=()
others=0
for u in $(slots); do
	for p in $(pgrep -u "$u" || true); do
		if { readlink "/proc/$p/exe"; readlink "/proc/$p/cwd"
		     tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null |
		   grep -qF "$tmp"; then
			why+=("process $p of $u is left: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)")
		else
			others=$((others + 1))
		fi
	done
done
left=$(find "$tmp" -maxdepth 1 -name "${escape##*/}*" -printf '%f ')
[ -z "$left" ] || why+=("written outside: $left")
# (The copies of the kit in sol/, skel/ and subs/ hold the cheats'
# sources, markers included.)
want "a forged file in OUT or beside the batch" \
	bash -c "! grep -rlsF FORGED-BY-CHEAT '$out' '$tmp'/*.* '$tmp/work' | grep -q ."
want "a fill file on the host" \
	bash -c "! find '$tmp/work' '$out' /var/tmp /tmp -maxdepth 3 -name '.cheat-fill.*' 2>/dev/null | grep -q ."
if [ ${#why[@]} -eq 0 ]; then
	echo "  MACHINE no process of $(slots | tr '\n' ' ')left by this batch ($others of other batches), nothing written outside the work areas, disk $(printf '%+d' "$disk_end") MiB (peak $(printf '%+d' "$disk_peak"))"
else
	echo "  MACHINE FAILED: $(IFS=';'; echo "${why[*]}")"
	fails=$((fails + 1))
fi

echo "  TIME    make grade: $t_grade s for $n submissions; cheat-test: $((SECONDS - t0)) s"
if [ -z "$locking" ] && [ "$(cat "$tmp/foreign.max")" -gt 0 ]; then
	echo "  NOTE    another batch ran as $(slots | tr '\n' ' ')at the same time (up to $(cat "$tmp/foreign.max") processes): the slot users and their RLIMIT_NPROC are shared, so its fork bomb can fail this batch's builds, and this one's its"
fi
if [ $fails -ne 0 ]; then
	echo "cheat-test: $fails expectations did not hold (above; make grade's output: the | lines)" >&2
	exit 1
fi
echo "cheat-test: every cheat got its true score"
