#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# grade.sh SRCTREE OBJTREE: make grade, a whole class graded at once.
# The make variables come in the environment: SUBMISSIONS (a directory
# of one entry per student: ID/, ID.tar.gz, ID.tgz, ID.tar, ID.zip or
# ID.bundle), OUT, JOBS, TODO, FORCE, SHARD (i/N), ITEM.
#
# Why this way (docs/grading.md says it for instructors):
#   - pristine tests: each student is graded on a fresh copy of the
#     instructor's skeleton, with only the student's files (the
#     skeleton's .kvmlab/student-files, for level TODO) taken from the
#     submission; what else they changed is listed as ignored;
#   - archives are checked entry by entry before anything is written
#     (tools/grade/unpack.c), so a path out, a link out, a device or a
#     zip bomb is refused with one line;
#   - student code (their build, their unit driver, their VMM) runs only
#     in tools/grade/sandbox.sh, as a slot user; the judge, built once
#     from the skeleton, runs outside and alone writes the results;
#   - one submission never stops the batch; each student's outputs
#     appear at once when complete, so a rerun resumes.
#
# Exit status: 0 when every selected submission has a result (whatever
# its score), 1 if one could not be graded at all, 2 on bad usage.
set -euo pipefail

src=$(cd "$1" && pwd)
obj=$2
here=$src/tools/grade

die() {
	echo "grade: $*" >&2
	exit 2
}

# The limits (docs/grading.md): seconds, bytes, files.
: "${KVMLAB_GRADE_BUILD_TIMEOUT:=120}"
: "${KVMLAB_GRADE_TIMEOUT:=240}"
: "${KVMLAB_GRADE_MAX_BYTES:=67108864}"
: "${KVMLAB_GRADE_MAX_FILES:=5000}"
: "${KVMLAB_GRADE_IGNORED_LINES:=50}"
# The judge's deadlines, scaled: a batch shares the machine (JOBS at
# once), and a loaded machine must not cost a correct submission a run.
: "${KVMLAB_GRADE_TIME_SCALE:=2}"

subs=${SUBMISSIONS:-}
out=${OUT:-}
jobs=${JOBS:-}
todo=${TODO:-1}
force=${FORCE:-}
shard=${SHARD:-}
item=${ITEM:-}

[ -n "$subs" ] || die "say which submissions: make grade SUBMISSIONS=DIR"
[ -d "$subs" ] || die "SUBMISSIONS=$subs: no such directory"
subs=$(cd "$subs" && pwd)
[ -n "$out" ] || out=$obj/grades
[ -n "$jobs" ] || jobs=$(nproc)
case $jobs in
'' | *[!0-9]* | 0) die "JOBS=$jobs: a number of parallel jobs, 1 or more" ;;
esac
case $todo in
[1-5]) ;;
*) die "TODO=$todo: the skeleton's level, 1 to 5" ;;
esac
shard_i=1
shard_n=1
if [ -n "$shard" ]; then
	if ! [[ $shard =~ ^([0-9]+)/([0-9]+)$ ]] ||
	   [ "${BASH_REMATCH[1]}" -lt 1 ] ||
	   [ "${BASH_REMATCH[1]}" -gt "${BASH_REMATCH[2]}" ]; then
		die "SHARD=$shard: use i/N, 1 <= i <= N (the i-th of N parts)"
	fi
	shard_i=${BASH_REMATCH[1]}
	shard_n=${BASH_REMATCH[2]}
fi
[ "$(id -u)" -eq 0 ] ||
	die "run as root (sudo make grade ...): student code runs as the users kvmlab-gradeN, which only root can create and switch to"
for tool in bwrap jq git gcc; do
	command -v "$tool" >/dev/null ||
		die "$tool is missing: run make deps-grade (or apt-get install bubblewrap jq git gcc)"
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
case $out/ in
"$subs"/*) die "OUT=$out is inside SUBMISSIONS: put the grades elsewhere" ;;
esac

# The slots: JOBS slot users no other batch on this host is using (a
# lock each, held until the end), since a slot user's processes count
# against one RLIMIT_NPROC. The lock descriptors are not passed on to
# student code: each worker closes them.
mkdir -p /run/kvmlab-grade
slots=()
lockfds=()
for ((s = 0; ${#slots[@]} < jobs; s++)); do
	[ $s -lt 1000 ] || die "no free slot among 1000: other batches hold them (/run/kvmlab-grade)"
	exec {fd}>"/run/kvmlab-grade/slot$s.lock"
	# Free: unlocked, and no process of the user's left (a batch that
	# was killed, or a grader of an older kit, still running there).
	if flock -n "$fd" && ! pgrep -u "kvmlab-grade$s" >/dev/null 2>&1; then
		slots+=("$s")
		lockfds+=("$fd")
	else
		exec {fd}>&-
	fi
done

# The slot users, and /dev/kvm open to the group kvm (docs/grading.md).
setup_host() {
	local s
	for s in "${slots[@]}"; do
		id -u "kvmlab-grade$s" >/dev/null 2>&1 && continue
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin --user-group "kvmlab-grade$s" ||
			die "cannot create the user kvmlab-grade$s"
		echo "  USER    kvmlab-grade$s (a slot user for student code)"
	done
	[ -c /dev/kvm ] || return 0
	if ! setpriv --reuid="kvmlab-grade${slots[0]}" --regid="kvmlab-grade${slots[0]}" \
		--groups="$(stat -c %g /dev/kvm)" \
		sh -c 'test -r /dev/kvm && test -w /dev/kvm' 2>/dev/null; then
		getent group kvm >/dev/null || groupadd --system kvm ||
			die "cannot create the group kvm"
		chgrp kvm /dev/kvm && chmod g+rw /dev/kvm ||
			die "cannot open /dev/kvm to the group kvm"
		echo "  KVM     /dev/kvm: group kvm, rw (as udev's 60-kvm rule would)"
	fi
}
setup_host
kvm_gid=$(stat -c %g /dev/kvm 2>/dev/null || echo 0)

# Not under /tmp: the split judge gets a /tmp of its own (below).
workdir=${KVMLAB_GRADE_WORKDIR:-/var/tmp}
case $(cd "$workdir" 2>/dev/null && pwd -P)/ in
/ | /tmp/*) die "KVMLAB_GRADE_WORKDIR=$workdir: a directory outside /tmp (the judge's /tmp is its own)" ;;
esac
work=$(mktemp -d "$workdir/kvmlab-grade.XXXXXX") ||
	die "cannot make a work directory in $workdir (KVMLAB_GRADE_WORKDIR)"
# The slot users must reach their areas' paths to bind them: 0711.
chmod 711 "$work"
cleanup() {
	if [ -n "${KVMLAB_GRADE_KEEP:-}" ]; then
		echo "grade: work areas kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
mkdir -p "$work/in" "$work/area" "$work/res" "$work/scratch"

# Can a slot user make the sandbox here? (User namespaces, bwrap.)
if ! err=$("$here/sandbox.sh" --slot "${slots[0]}" --timeout 10 "$work" /bin/true 2>&1); then
	echo "$err" >&2
	die "the sandbox does not work here (above): it needs bwrap and unprivileged user namespaces (sysctl user.max_user_namespaces > 0), see docs/grading.md"
fi

echo "  CC      unpack"
# shellcheck disable=SC2046 # pkg-config's flags are words
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$work/unpack" "$here/unpack.c" \
	$(pkg-config --cflags --libs libarchive) ||
	die "cannot build tools/grade/unpack.c: run make deps-grade (libarchive-dev)"

# The submissions, in a stable order (by id), this shard's share.
declare -A seen=()
list=()
while IFS= read -r -d '' path; do
	name=${path##*/}
	kind=archive
	case $name in
	*.tar.gz) id=${name%.tar.gz} ;;
	*.tgz) id=${name%.tgz} ;;
	*.tar) id=${name%.tar} ;;
	*.zip) id=${name%.zip} ;;
	*.bundle) id=${name%.bundle}; kind=bundle ;;
	*)
		if [ -d "$path" ] && [ ! -L "$path" ]; then
			id=$name
			kind=dir
		else
			echo "grade: skipping $name: not a directory, .tar.gz, .tgz, .tar, .zip or .bundle" >&2
			continue
		fi ;;
	esac
	if ! [[ $id =~ ^[A-Za-z0-9][A-Za-z0-9._@+-]*$ ]]; then
		echo "grade: skipping $name: a student id is letters, digits and ._@+- only" >&2
		continue
	fi
	if [ -n "${seen[$id]:-}" ]; then
		echo "grade: skipping $name: student $id has ${seen[$id]} already" >&2
		continue
	fi
	seen[$id]=$name
	list+=("$id	$kind	$path")
done < <(find "$subs" -mindepth 1 -maxdepth 1 ! -name '.*' -print0 |
	 LC_ALL=C sort -z)

selected=()
queue=()
n=0
for entry in "${list[@]}"; do
	n=$((n + 1))
	[ $(((n - 1) % shard_n + 1)) -eq "$shard_i" ] || continue
	id=${entry%%	*}
	selected+=("$id")
	if [ -f "$out/$id/results.json" ] && [ "$force" != 1 ]; then
		echo "  SKIP    $id (graded before; FORCE=1 grades again)"
		continue
	fi
	queue+=("$entry")
done

# The instructor's skeleton, once; the judge built from it, once.
"$src/tools/skel/skels.sh" "$src" "$work/skel" "$todo" >/dev/null ||
	die "cannot write the TODO=$todo skeleton (tools/skel/skels.sh)"
manifest=$work/skel/.kvmlab/student-files
[ -f "$manifest" ] || die "the skeleton has no .kvmlab/student-files"
awk -F '\t' -v k="$todo" '!/^#/ && $1 >= k { print $2 }' "$manifest" \
	>"$work/student-files"
# The items, their titles and points, from the pristine rubric.
awk '
	match($0, /\.id = "[a-z0-9_]+"/) {
		id = substr($0, RSTART + 7, RLENGTH - 8)
		title = id
		if (match($0, /\.title = "[^"]*"/))
			title = substr($0, RSTART + 10, RLENGTH - 11)
		points = 0
		if (match($0, /\.points = [0-9]+/))
			points = substr($0, RSTART + 10, RLENGTH - 10)
		printf("%s\t%s\t%s\n", id, title, points)
	}' "$work/skel/checker/rubric.c" >"$work/items.tsv"
jq -R -s 'split("\n") | map(select(length > 0) | split("\t") |
	  {key: .[0], value: {title: .[1], points: (.[2] | tonumber)}}) |
	  from_entries' "$work/items.tsv" >"$work/items.json"

# The judge, built once from the skeleton (only if someone is graded).
mode=none
build_targets=()
build_judge() {
	cp -a "$work/skel" "$work/judge"
	echo "  JUDGE   the TODO=$todo skeleton's checker"
	t=$SECONDS
	if ! make -C "$work/judge" -j"$(nproc)" checker >"$work/judge.log" 2>&1; then
		tail -n 20 "$work/judge.log" >&2
		die "the pristine skeleton does not build (above): fix the kit first"
	fi
	echo "  JUDGE   built in $((SECONDS - t)) s"
	judge=$work/judge/checker/checker
	# The split judge links no student code: checker/unit holds the
	# student's side. Without it (today's checker), the checker linked with
	# the student's library is run, whole, in the sandbox.
	if [ -x "$work/judge/checker/unit" ]; then
		mode="split"
		# Which unit tests to expect, from the instructor's build:
		# a student's driver that lists fewer cannot skip any.
		"$work/judge/checker/unit" --results-fd 3 --list \
			3>"$work/unit.list" >/dev/null 2>&1 ||
			die "the pristine skeleton's checker/unit cannot list its tests"
		build_targets=(vmm)
		if make -C "$work/judge" -n unit >/dev/null 2>&1; then
			build_targets+=(unit)
		else
			build_targets=(checker)
		fi
	else
		mode="legacy"
		build_targets=(checker)
	fi
}
[ ${#queue[@]} -eq 0 ] || build_judge
echo "  GRADE   ${#queue[@]} of ${#selected[@]} submissions${shard:+ (shard $shard)}, $jobs at a time (slots ${slots[*]}), TODO=$todo${item:+, ITEM=$item}, judge: $mode"

# --- One student -----------------------------------------------------

# Unpack the submission $3 of kind $2 into $1; on a refusal, print its
# one line and fail.
unpack() {
	local dest=$1 kind=$2 path=$3 count bytes sha

	case $kind in
	dir)
		# Not one symlink followed: the directory as a tar, checked
		# and extracted like any archive.
		count=$(find "$path" -mindepth 1 -printf x 2>/dev/null |
			head -c $((KVMLAB_GRADE_MAX_FILES + 1)) | wc -c)
		[ "$count" -le "$KVMLAB_GRADE_MAX_FILES" ] ||
			{ echo "refused: more entries than the file count limit ($KVMLAB_GRADE_MAX_FILES)"; return 1; }
		bytes=$(find "$path" -type f -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }')
		[ "$bytes" -le "$KVMLAB_GRADE_MAX_BYTES" ] ||
			{ echo "refused: more content than the size limit ($KVMLAB_GRADE_MAX_BYTES bytes)"; return 1; }
		tar -C "$path" -cf "$dest.tar" . 2>/dev/null ||
			{ echo "refused: the directory cannot be read whole"; return 1; }
		path=$dest.tar
		;;
	bundle)
		# No clone, no transport, no hooks: the bundle's objects
		# into an empty repository, then its HEAD as a tar.
		git init -q --bare --template= "$dest.git" || return 2
		if ! sha=$(GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
			   git -C "$dest.git" bundle unbundle "$path" 2>/dev/null |
			   awk '$2 == "HEAD" { h = $1 } NR == 1 { f = $1 }
				END { print h ? h : f }') || [ -z "$sha" ]; then
			echo "refused: not a git bundle that holds a whole commit (git bundle create ID.bundle --all)"
			return 1
		fi
		count=$(git -C "$dest.git" ls-tree -r -l "$sha" 2>/dev/null | wc -l)
		bytes=$(git -C "$dest.git" ls-tree -r -l "$sha" 2>/dev/null |
			awk '$4 != "-" { n += $4 } END { print n + 0 }')
		[ "$count" -le "$KVMLAB_GRADE_MAX_FILES" ] ||
			{ echo "refused: more entries than the file count limit ($KVMLAB_GRADE_MAX_FILES)"; return 1; }
		[ "$bytes" -le "$KVMLAB_GRADE_MAX_BYTES" ] ||
			{ echo "refused: more content than the size limit ($KVMLAB_GRADE_MAX_BYTES bytes)"; return 1; }
		git -C "$dest.git" archive --format=tar -o "$dest.tar" "$sha" ||
			{ echo "refused: the bundle's commit cannot be read"; return 1; }
		path=$dest.tar
		;;
	esac
	"$work/unpack" --max-bytes "$KVMLAB_GRADE_MAX_BYTES" \
		--max-files "$KVMLAB_GRADE_MAX_FILES" "$path" "$dest"
}

# The directory of $1 that is the tree: where most of the student's
# files are, itself or one directory down (kvmlab/...).
tree_root() {
	local dir=$1 best=. most=0 cand n f

	for cand in . $(cd "$dir" && find . -mindepth 1 -maxdepth 1 -type d \
			! -name '.*' -printf '%P\n' | LC_ALL=C sort); do
		n=0
		while IFS= read -r f; do
			[ -f "$dir/$cand/$f" ] && [ ! -L "$dir/$cand/$f" ] &&
				n=$((n + 1))
		done <"$work/student-files"
		if [ $n -gt $most ]; then
			most=$n
			best=$cand
		fi
	done
	echo "$best"
}

# Build products and version control: neither used nor worth a line.
boring() {
	case $1 in
	.git/* | */.git/* | *.o | *.a | *.bin | *.musl | *.glibc | *.lds | \
	*.inc | .*.cmd | */.*.cmd | .*.d | */.*.d | vmm/vmm | checker/checker | \
	checker/unit | checker/logs/* | checker/results/* | skels/* | \
	.tools/* | build*/*)
		return 0 ;;
	esac
	return 1
}

# grade.json of student $1 in directory $2 (what the CSV is made of),
# from the judge's results ($3, or "" if none), the status $4 and the
# seconds $5.
write_grade() {
	local id=$1 dir=$2 judged=$3 status=$4 secs=$5

	[ -n "$judged" ] || judged=/dev/null
	jq -n --arg id "$id" --arg status "$status" --argjson secs "$secs" \
		--slurpfile items "$work/items.json" \
		--slurpfile judged "$judged" '
		($items[0]) as $rubric |
		($judged[0] // {}) as $r |
		($rubric | to_entries | map(select(.value.points > 0) | .key))
			as $scored |
		(if $r == {} then $scored else
			[$r | keys_unsorted[] | select(. != "total" and
			. != "max" and . != "extra")] end) as $ids |
		{
			id: $id, status: $status, seconds: $secs,
			items: [$ids[] | {key: ., value: ($r[.] // 0)}] |
				from_entries,
			max: [$ids[] | {key: ., value:
				($rubric[.].points // $r[.] // 0)}] |
				from_entries,
			extra: ($r.extra // {}),
			total: ($r.total // 0),
			titles: ($rubric | map_values(.title))
		}' >"$dir/grade.json"
}

# The Gradescope results.json and the JUnit XML in directory $1, from
# its grade.json and the feedback file $2.
write_reports() {
	local dir=$1 fb=$2

	jq --rawfile feedback "$fb" --arg why "$(grep -m1 -E '^(refused|build failed|timed out|error):' "$fb" || true)" '
		. as $g |
		def title(i): $g.titles[i] // i;
		{
			score: .total, execution_time: .seconds,
			output: ($feedback | .[0:20000]),
			visibility: "visible", stdout_visibility: "visible",
			tests: ([.items | to_entries[] | {
				name: title(.key), score: .value,
				max_score: $g.max[.key],
				status: (if .value > 0 and .value == $g.max[.key]
					 then "passed" else "failed" end),
				output: (if $g.status != "graded" then $why
					 elif .value == $g.max[.key] then
					 "passed [\(.value)/\($g.max[.key])]"
					 else "failed [\(.value)/\($g.max[.key])]: see the feedback" end),
				visibility: "visible"
			}] + [.extra | to_entries[] | {
				name: "\(title(.key)) (extra, not in the score)",
				score: 0, max_score: 0,
				status: (if .value == "passed" then "passed"
					 else "failed" end),
				output: .value, visibility: "visible"
			}])
		}' "$dir/grade.json" >"$dir/results.json.new"
	jq -r '
		. as $g |
		def x: tostring | @html;
		def title(i): $g.titles[i] // i;
		([.items | to_entries[] | {name: title(.key), ok: (.value ==
			$g.max[.key] and $g.status == "graded"),
			msg: "\(.value)/\($g.max[.key]) points", skip: false}] +
		 [.extra | to_entries[] | {name: title(.key), ok: (.value ==
			"passed"), msg: .value,
			skip: (.value | startswith("not run"))}]) as $cases |
		($cases | map(select(.ok | not) | select(.skip | not)) | length)
			as $failures |
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
		"<testsuites name=\"kvmlab\" tests=\"\($cases | length)\" failures=\"\($failures)\" time=\"\(.seconds)\">",
		"  <testsuite name=\"\(.id | x)\" tests=\"\($cases | length)\" failures=\"\($failures)\" errors=\"0\" skipped=\"\($cases | map(select(.skip)) | length)\" time=\"\(.seconds)\">",
		($cases[] |
			"    <testcase classname=\"kvmlab.\($g.id | x)\" name=\"\(.name | x)\" time=\"0\">",
			(if .skip then "      <skipped message=\"\(.msg | x)\"/>"
			 elif .ok | not then
			 "      <failure message=\"\((if $g.status == "graded" then .msg else $g.status end) | x)\">\(.msg | x) (status: \($g.status | x))</failure>"
			 else empty end),
			"    </testcase>"),
		"  </testsuite>",
		"</testsuites>"' "$dir/grade.json" >"$dir/junit.xml"
	mv "$dir/results.json.new" "$dir/results.json"
}

# Run a command, its output (both streams, the first MiB) into $1, its
# status into $1.rc. The shell's own "Killed" line goes there too, and
# output past the MiB is read and dropped, never a SIGPIPE.
logged() {
	local log=$1 r

	shift
	{
		if "$@"; then r=0; else r=$?; fi
		echo $r >"$log.rc"
	} 2>&1 |
		{ head -c 1048576; cat >/dev/null; } >"$log"
	cat "$log.rc"
	rm -f "$log.rc"
}

# Grade student $2 (kind $3, path $4) as slot $1.
grade_one() {
	local slot=$1 id=$2 kind=$3 path=$4
	local user=kvmlab-grade$1 t0=$SECONDS
	local dir=$out/.$id.partial in=$work/in/$id area=$work/area/$id
	local res=$work/res/$id scratch=$work/scratch/$id
	local fb status=graded line root f rc judged="" n=0 more=0
	local sandbox=("$here/sandbox.sh" --slot "$slot")

	rm -rf "$dir" "$in" "$in.tar" "$in.git" "$area" "$res" "$scratch"
	mkdir -p "$dir/logs"
	fb=$dir/feedback.txt
	{
		echo "kvmlab: grading $id (${path##*/}, TODO=$todo${item:+, ITEM=$item})"
	} >"$fb"

	if ! line=$(unpack "$in" "$kind" "$path" 2>&1); then
		line=$(printf '%s\n' "$line" | grep -m1 '^refused: ' ||
		       echo "refused: the submission cannot be unpacked")
		echo "$line" >>"$fb"
		status=refused
	fi
	rm -rf "$in.tar" "$in.git"

	if [ $status = graded ]; then
		root=$(tree_root "$in")
		[ "$root" = . ] || echo "tree: $root/ (the submission's files are one directory down)" >>"$fb"
		cp -a "$work/skel" "$area"
		while IFS= read -r f; do
			if [ -f "$in/$root/$f" ] && [ ! -L "$in/$root/$f" ]; then
				cat "$in/$root/$f" >"$area/$f"
				n=$((n + 1))
			else
				echo "stub: $f (not in the submission: graded as the skeleton's TODO stub)" >>"$fb"
			fi
		done <"$work/student-files"
		echo "student files: $n of $(wc -l <"$work/student-files") taken from the submission" >>"$fb"
		# What else the submission holds: the instructor's copy is used.
		while IFS= read -r -d '' f; do
			local rel=$f
			if [ "$root" != . ]; then
				case $f in
				"$root"/*) rel=${f#"$root"/} ;;
				*) rel= ;;
				esac
			fi
			if [ -n "$rel" ]; then
				grep -qxF -- "$rel" "$work/student-files" && continue
				boring "$rel" && continue
				if [ -f "$in/$f" ] && [ ! -L "$in/$f" ] &&
				   [ -f "$work/skel/$rel" ] &&
				   cmp -s "$in/$f" "$work/skel/$rel"; then
					continue
				fi
			fi
			more=$((more + 1))
			[ $more -le "$KVMLAB_GRADE_IGNORED_LINES" ] &&
				echo "ignored: $f (not one of your files: the instructor's copy is used)" >>"$fb"
		done < <(cd "$in" && find . -mindepth 1 \( -type f -o -type l \) -printf '%P\0' |
			 LC_ALL=C sort -z)
		[ $more -le "$KVMLAB_GRADE_IGNORED_LINES" ] ||
			echo "ignored: ... and $((more - KVMLAB_GRADE_IGNORED_LINES)) more" >>"$fb"
		rm -rf "$in"

		# The build, in the sandbox, the area writable.
		mkdir -p "$area/checker/results" "$area/checker/logs"
		chown -R "$user:$user" "$area"
		chmod 700 "$area"
		rc=$(logged "$dir/logs/build.log" "${sandbox[@]}" --rw \
			--timeout "$KVMLAB_GRADE_BUILD_TIMEOUT" \
			"$area" make -j2 "${build_targets[@]}")
		if [ "$rc" -eq 124 ]; then
			status="timed out"
			echo "timed out: the build ran past ${KVMLAB_GRADE_BUILD_TIMEOUT} s (logs/build.log)" >>"$fb"
		elif [ "$rc" -ne 0 ]; then
			status="build failed"
			{
				echo "build failed: make ${build_targets[*]} exited $rc; its last lines (logs/build.log):"
				tail -n 30 "$dir/logs/build.log" | sed 's/^/  /'
			} >>"$fb"
		fi
	fi

	if [ "$status" = graded ]; then
		mkdir -p "$res" "$scratch/logs" "$dir/logs/judge"
		if [ $mode = split ]; then
			# The judge shares files with the student's programs
			# in /tmp: its own, a size-limited tmpfs in a mount
			# namespace of its own, which the sandbox shares. It
			# works in its build, which the sandbox shows too.
			printf '#!/bin/sh\nexec %q --slot %q --timeout %q --share-tmp --ro-path %q %q "$@"\n' \
				"$here/sandbox.sh" "$slot" "$KVMLAB_GRADE_TIMEOUT" \
				"$work/judge" "$area" >"$scratch.sh"
			chmod 755 "$scratch.sh"
			rc=$(logged "$dir/logs/judge.txt" \
			env KVMLAB_VMM="$area/vmm/vmm" \
			    KVMLAB_UNIT="$area/checker/unit" \
			    KVMLAB_OBJTREE="$work/judge" KVMLAB_RESULTS="$res" \
			    KVMLAB_LOGS="$scratch/logs" \
			    KVMLAB_SANDBOX="$scratch.sh" KVMLAB_ITEM="$item" \
			    KVMLAB_SANDBOX_KVM_GID="$kvm_gid" \
			    KVMLAB_UNIT_LIST="$work/unit.list" \
			    KVMLAB_TIME_SCALE="$KVMLAB_GRADE_TIME_SCALE" \
				timeout -s KILL "$KVMLAB_GRADE_TIMEOUT" \
				unshare --mount --propagation private -- sh -c \
				'mount -t tmpfs -o "size=$1,mode=1777" kvmlab-grade /tmp &&
				 cd "$2" && shift 2 && exec "$@"' sh \
				"${KVMLAB_SANDBOX_TMP:-268435456}" "$work/judge" \
				"$judge")
			cp -a "$scratch/logs/." "$dir/logs/judge/" 2>/dev/null || true
		else
			# Today's checker holds the student's library: all of
			# it runs in the sandbox, the tree read-only but for
			# its results and transcripts.
			# (OUT may be where the slot user cannot go: the
			# transcripts are copied there afterwards.)
			chown "$user:$user" "$res" "$scratch/logs"
			rc=$(logged "$dir/logs/judge.txt" \
				env KVMLAB_VMM="$area/vmm/vmm" \
				KVMLAB_OBJTREE="$area" KVMLAB_ITEM="$item" \
				"${sandbox[@]}" --timeout "$KVMLAB_GRADE_TIMEOUT" \
				--rw-bind "$res" "$area/checker/results" \
				--rw-bind "$scratch/logs" "$area/checker/logs" \
				"$area" "$area/checker/checker")
			find "$scratch/logs" -maxdepth 1 -type f -size -4M \
				-exec cp -t "$dir/logs/judge" {} + 2>/dev/null || true
		fi
		if [ -f "$res/results.json" ] &&
		   jq -e --slurpfile items "$work/items.json" '
			. as $r | $items[0] as $rubric |
			[keys_unsorted[] | select(. != "total" and . != "max" and
			 . != "extra")] as $ids |
			($ids | length) > 0 and
			all($ids[]; ($r[.] | type) == "number" and
			    ($r[.] == 0 or $r[.] == ($rubric[.].points // -1))) and
			$r.total == ([$ids[] | $r[.]] | add)' \
			"$res/results.json" >/dev/null 2>&1; then
			judged=$dir/logs/judge-results.json
			cp "$res/results.json" "$judged"
			{
				echo
				cat "$dir/logs/judge.txt"
			} >>"$fb"
		elif { [ $mode = split ] && [ "$rc" -eq 137 ]; } ||
		     { [ $mode = legacy ] && [ "$rc" -eq 124 ]; }; then
			status="timed out"
			echo "timed out: grading ran past ${KVMLAB_GRADE_TIMEOUT} s (logs/judge.txt)" >>"$fb"
		else
			status=error
			echo "error: the judge left no consistent results (status $rc; logs/judge.txt)" >>"$fb"
		fi
	fi
	# Student code is dead by now (its PID namespaces are gone).
	rm -rf "$area" "$res" "$scratch" "$scratch.sh"

	local secs=$((SECONDS - t0))
	write_grade "$id" "$dir" "$judged" "$status" "$secs"
	echo "score: $(jq -r '"\(.total)/\([.max[]] | add // 0)"' "$dir/grade.json") ($status, $secs s)" >>"$fb"
	write_reports "$dir" "$fb"
	rm -rf "${out:?}/$id"
	mv "$dir" "$out/$id"
	printf '  %-7s %-24s %s\n' "$(jq -r '.total' "$out/$id/grade.json")" \
		"$id" "$status, $secs s"
}

worker() {
	local slot=$1 k entry id rest kind path f

	for f in "${lockfds[@]}"; do
		exec {f}>&-
	done
	while :; do
		k=$(flock "$work/lock" sh -c \
			'n=$(cat "$1"); echo $((n + 1)) >"$1"; echo "$n"' \
			sh "$work/next")
		[ "$k" -lt ${#queue[@]} ] || return 0
		entry=${queue[$k]}
		id=${entry%%	*}
		rest=${entry#*	}
		kind=${rest%%	*}
		path=${rest#*	}
		set +e
		(set -e; grade_one "$slot" "$id" "$kind" "$path")
		rc=$?
		set -e
		[ $rc -eq 0 ] || echo "grade: $id: could not be graded (status $rc); rerun to retry" >&2
	done
}

t_batch=$SECONDS
echo 0 >"$work/next"
pids=()
for ((s = 0; s < jobs && s < ${#queue[@]}; s++)); do
	worker "${slots[$s]}" &
	pids+=($!)
done
for pid in "${pids[@]}"; do
	wait "$pid" || true
done

# The gradebook, from every selected student's grade.json (a resumed
# batch included): the item columns in the judge's order.
files=()
missing=0
for id in "${selected[@]}"; do
	if [ -f "$out/$id/grade.json" ]; then
		files+=("$out/$id/grade.json")
	else
		missing=$((missing + 1))
	fi
done
if [ ${#files[@]} -gt 0 ]; then
	jq -r -s --slurpfile items "$work/items.json" '
		(map(select(.status == "graded") | .items | keys_unsorted) |
		 add // []) as $seen |
		($seen + ($items[0] | to_entries | map(select(.value.points > 0) |
		 .key)) | reduce .[] as $i ([]; if index([$i]) then . else
		 . + [$i] end)) as $cols |
		(["id"] + $cols + ["total", "status", "seconds"] | join(",")),
		(.[] | . as $g | ([.id] + [$cols[] | $g.items[.] // 0 |
		 tostring] + [(.total | tostring), .status,
		 (.seconds | tostring)] | join(",")))' "${files[@]}" \
		>"$out/grades.csv.new"
	mv "$out/grades.csv.new" "$out/grades.csv"
fi
echo "  CSV     $out/grades.csv (${#files[@]} students, $((SECONDS - t_batch)) s for ${#queue[@]} graded now)"
[ $missing -eq 0 ] || { echo "grade: $missing submissions have no result: rerun make grade" >&2; exit 1; }
