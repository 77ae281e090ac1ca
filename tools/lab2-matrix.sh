#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lab2-matrix.sh SRCTREE OBJTREE: how many real programs run in Lab 2's
# VMM as they run natively. Each line of tools/lab2-matrix.txt (or
# MATRIX_LIST) is one command, the program and its arguments, quoted as
# in a shell: "busybox ls -l", "bash-static -c 'echo $((1+2))'". Each
# runs twice on its own fresh copy of one small fixture tree:
#
#   natively  bwrap --bind COPY_A / --dev /dev --proc /proc PROGRAM...
#   in Lab 2  cd COPY_B && vmm --root COPY_B --elf PROGRAM -- ARGS...
#
# and the two must agree on stdout, on the exit status and on the tree
# left behind (names, types, modes, owners, link targets, contents;
# not times). One line per mismatch says what differs, with the last
# line of the VMM's stderr (it names the syscalls it did not answer);
# then "N of M match". Exit status 1 if the VMM crashed (the status
# differs and the VMM said why with a "vmm:" error that is not a signal
# it gave the program, as "a page fault (SIGSEGV)") or hung (its run
# took MATRIX_TIMEOUT, the native one did not) on any command, else 0:
# a mismatch alone is the matrix's news, not the tool's failure.
#
# The fair setup. In the VMM a path resolves in the sandbox: "/" is
# COPY_B, so "sh -c ls" execs COPY_B/bin/ls and a "#!/bin/sh" script
# COPY_B/bin/sh. The native run is given the same view: COPY_A is its
# root (bwrap, a mount namespace; needs root or user namespaces), so it
# finds the same programs at the same paths, not the host's coreutils
# or dash. The fixture therefore holds, in both copies:
#   bin/      busybox and a symbolic link per applet (sh among them),
#             bash-static, zsh-static, mksh-static, sash, and the C
#             programs of tools/lab2-matrix/ built with glibc (-static
#             and -static-pie), musl and dietlibc: NAME-glibc, NAME-pie
#             (glibc's: Debian's musl-gcc cannot -static-pie),
#             NAME-musl, NAME-diet
#   etc/      passwd and group with root alone, for ls -l's names
#   tmp/      for the shells' here-documents
#   dev/      empty: natively bwrap's minimal /dev is mounted on it
#   proc/     (null, zero, full, random, urandom, tty...) and the
#             kernel's /proc, as every native run has them; in the VMM
#             they stay empty, and the VMM answers for the common
#             devices itself, as it must for a user's plain directory
# and a few files, a subdirectory, symbolic links, an archive. Every
# fixture time is one fixed instant, so that ls -l prints the same in
# both. Both runs start in "/", with one environment (HOME=/
# PATH=/bin:/usr/bin TERM=dumb; the VMM passes its own on), stdin from
# one fixed file, core dumps off, MATRIX_TIMEOUT seconds each (default
# 10). The program is
# argv[0] "/bin/NAME" in both where the host's /bin/NAME is the same
# file (busybox and the shells), since --elf gives the guest the host
# path it was given. The native run has its own PID namespace (bwrap
# is its pid 1): what the program leaves running when it exits is
# killed with it, and cannot write into the next command's copy.
#
# Environment: MATRIX_LIST (the command list), MATRIX_ONLY (a regular
# expression: only the commands it matches), MATRIX_TIMEOUT, MATRIX_VMM
# (default OBJTREE/vmm/vmm). Results: OBJTREE/.tools/lab2-matrix/
# results.tsv (command, verdict, what differs, the VMM's last stderr
# line, native and VMM milliseconds) and logs/ (each run's stdout,
# stderr and tree, by line number in the list).
set -uo pipefail

src=$(cd "$1" && pwd)
obj=$(cd "$2" && pwd)
list=${MATRIX_LIST:-$src/tools/lab2-matrix.txt}
only=${MATRIX_ONLY:-}
limit=${MATRIX_TIMEOUT:-10}
vmm=${MATRIX_VMM:-$obj/vmm/vmm}
work=$obj/.tools/lab2-matrix
progs=$work/progs
fixture=$work/fixture
# The fixture's one instant: 2023-11-14 22:13:20 UTC.
fixture_time=@1700000000
# Past the VMM's own --timeout: the time to report it, then KILL.
grace=5
guest_env=(HOME=/ PATH=/bin:/usr/bin TERM=dumb)
shells=(bash-static zsh-static mksh-static sash)
c_progs="files mem proc sig clock misc threads fault stdio io ipc"

die() {
	echo "lab2-matrix: $*" >&2
	exit 2
}

# --- What the tool needs ---------------------------------------------------

[ -x "$vmm" ] || die "no VMM at $vmm; run make first"
[ -r "$list" ] || die "no command list $list"
missing=
[ -x /bin/busybox ] || missing="$missing busybox-static"
for s in "${shells[@]}"; do
	[ -x "/bin/$s" ] && continue
	case $s in
	mksh-static)	missing="$missing mksh" ;;
	*)		missing="$missing $s" ;;
	esac
done
command -v bwrap >/dev/null || missing="$missing bubblewrap"
command -v musl-gcc >/dev/null || missing="$missing musl-tools"
command -v diet >/dev/null || missing="$missing dietlibc-dev"
[ -z "$missing" ] ||
	die "missing packages:$missing; run: sudo apt-get install -y$missing (make lab2-matrix does, as root)"
bwrap --dev-bind / / true 2>/dev/null ||
	die "bwrap cannot make a mount namespace here; run as root"

# --- The C programs, four ways -------------------------------------------

# NAME-KIND from tools/lab2-matrix/NAME.c, rebuilt when the source is
# newer. A program a C library cannot build (dietlibc has no getline,
# getrandom or posix_spawn) is left out, and so are its commands.
build_prog() {
	local name=$1 kind=$2 out=$progs/$1-$2 c=$src/tools/lab2-matrix/$1.c

	[ "$out" -nt "$c" ] && return
	rm -f "$out"
	case $kind in
	glibc)	gcc -O2 -static -o "$out" "$c" -lpthread ;;
	pie)	gcc -O2 -fPIE -static-pie -o "$out" "$c" -lpthread ;;
	musl)	musl-gcc -O2 -static -o "$out" "$c" ;;
	diet)	diet -Os gcc -O2 -o "$out" "$c" -lpthread ;;
	esac >"$progs/$1-$2.log" 2>&1 || rm -f "$out"
}

mkdir -p "$progs"
for name in $c_progs; do
	for kind in glibc pie musl diet; do
		build_prog "$name" "$kind"
	done
done

# --- The fixture ---------------------------------------------------------

make_fixture() {
	local f=$fixture applet s p

	rm -rf "$f"
	mkdir -p "$f"/{bin,dev,etc,tmp,proc,sub/deep,empty-dir}
	cp /bin/busybox "$f/bin/busybox"
	for applet in $(/bin/busybox --list); do
		[ -e "$f/bin/$applet" ] || ln -s busybox "$f/bin/$applet"
	done
	for s in "${shells[@]}"; do
		cp -L "/bin/$s" "$f/bin/$s"
	done
	for p in "$progs"/*; do
		case $p in *.log) continue ;; esac
		cp "$p" "$f/bin/"
	done
	echo 'root:x:0:0:root:/:/bin/sh' >"$f/etc/passwd"
	echo 'root:x:0:' >"$f/etc/group"
	chmod 1777 "$f/tmp"

	printf '%s\n' banana apple cherry apple date elderberry fig \
		grape banana 'kiwi fruit' lemon apple >"$f/notes.txt"
	printf '%s\n' 42 7 19 3 100 7 56 23 8 1 >"$f/numbers.txt"
	printf '%s\n' name,age,city alice,31,paris bob,25,london \
		carol,47,berlin dave,25,paris erin,38,rome >"$f/data.csv"
	printf 'line one\nline two\n\nline four has more words\n' >"$f/words.txt"
	printf 'alpha\nbeta\n' >"$f/sub/a.txt"
	printf 'gamma\ndelta\nepsilon\n' >"$f/sub/b.txt"
	printf 'deep down\n' >"$f/sub/deep/c.txt"
	printf 'spaces in the name\n' >"$f/with space.txt"
	: >"$f/empty"
	head -c 3000 /bin/busybox >"$f/blob.bin"
	ln -s notes.txt "$f/link-to-notes"
	ln -s sub "$f/link-to-sub"
	ln -s nowhere "$f/dangling"
	cat >"$f/script.sh" <<-'EOF'
	#!/bin/sh
	# A script the shells run and exec.
	echo "script args: $# $*"
	for f in sub/*.txt; do
		echo "$f: $(wc -l <"$f")"
	done
	exit 5
	EOF
	chmod 755 "$f/script.sh"
	chmod 600 "$f/numbers.txt"
	find "$f" -exec touch -h -d "$fixture_time" {} +
	(cd "$f" && /bin/busybox tar czf archive.tar.gz sub notes.txt)
	find "$f" -exec touch -h -d "$fixture_time" {} +
	# What the copies share of bin/ (below): its state, to see a change.
	touch -d "$fixture_time" "$work/stamp"
	bin_state >"$work/bin.state"
}

# The programs of bin/: hard links into the copies, for copying and
# hashing 20 MB twice a command would be most of the run. A command
# that changes one (none in the list should) changes the fixture too:
# run_one sees it and builds the fixture anew.
bin_state() {
	find "$fixture/bin" -type f -printf '%P %m %s %T@\n' | LC_ALL=C sort
}

copy_fixture() {
	mkdir "$1"
	(cd "$fixture" && find . -mindepth 1 -maxdepth 1 ! -name bin \
		-exec cp -a -t "$1" {} +)
	cp -al "$fixture/bin" "$1/bin"
}

make_fixture
printf 'first line of stdin\nsecond line\nthird\n' >"$work/stdin.txt"

# --- One command ---------------------------------------------------------

# What a tree holds, one line per file: path, type, mode, owner, links,
# link target, and a regular file's checksum. Not times, not sizes of
# directories (they depend on how the filesystem grew the directory).
# dev/ and proc/ too: the native run's mounts were in its namespace
# only, so what is in them here is what a program wrote.
# The programs still shared with the fixture (bin/, linked, not written
# since) are not hashed: they are the fixture's, unchanged.
manifest() {
	(cd "$1" && find . -mindepth 1 -printf '%P %y %m %u:%g %n %l\n' |
		LC_ALL=C sort
	 find . -type f \
		\( ! -path './bin/*' -o -links 1 -o -newer "$work/stamp" \) \
		-print0 | LC_ALL=C sort -z | xargs -0r md5sum)
}

# The line that names the first difference of two files.
first_diff() {
	local a=$1 b=$2 la lb

	la=$(wc -l <"$a")
	lb=$(wc -l <"$b")
	diff "$a" "$b" | head -n 3 | tr '\n' ' ' | cut -c 1-160 |
		sed "s/^/($la vs $lb lines) /"
}

# The last line of the VMM's stderr that is the VMM's, or else its last.
vmm_last() {
	local line

	line=$(grep -a '^vmm: ' "$1" | tail -n 1)
	[ -n "$line" ] || line=$(tail -n 1 "$1")
	printf '%s' "$line" | cut -c 1-200
}

# Did a run that ended with @status after starting at @start (ns) time
# out? timeout(1) says 124, or 137 when it had to KILL; a program killed
# by SIGKILL is 137 too, but sooner.
timed_out() {
	local now

	[ "$1" -eq 124 ] && return 0
	[ "$1" -eq 137 ] || return 1
	now=$(date +%s%N)
	[ $(((now - $2) / 1000000000)) -ge "$3" ]
}

results=$work/results.tsv
logs=$work/logs
rm -rf "$logs"
mkdir -p "$logs"
: >"$results"
total=0 matched=0 crashes=0 hangs=0 skipped=0 nr=0

run_one() {
	local line=$1 id=$2 prog elf a=$work/A b=$work/B
	local ns vs nt vt nms vms start what="" verdict last

	eval "set -- $line"
	prog=$1
	shift
	if [ ! -x "$fixture/bin/$prog" ]; then
		printf '%s\tskip\tno bin/%s (see %s)\t\t\t\n' "$line" "$prog" \
			"$progs/$prog.log" >>"$results"
		echo "SKIP  $line: no bin/$prog in the fixture (did it build?)"
		skipped=$((skipped + 1))
		return
	fi
	elf=$b/bin/$prog
	cmp -s "/bin/$prog" "$fixture/bin/$prog" && elf=/bin/$prog

	rm -rf "$a" "$b"
	copy_fixture "$a"
	copy_fixture "$b"
	# bwrap sets PWD (--unsetenv does not undo it); the VMM sets none.
	start=$(date +%s%N)
	(ulimit -c 0
	 exec env -i "${guest_env[@]}" timeout -k 2 "$limit" \
		bwrap --bind "$a" / --dev /dev --proc /proc --chdir / \
		      --unshare-pid --die-with-parent \
		      /bin/busybox env -u PWD "/bin/$prog" "$@") \
		<"$work/stdin.txt" \
		>"$logs/$id.native.out" 2>"$logs/$id.native.err"
	ns=$?
	timed_out "$ns" "$start" "$limit" && nt=1 || nt=0
	nms=$((($(date +%s%N) - start) / 1000000))
	start=$(date +%s%N)
	(ulimit -c 0
	 cd "$b" &&
	 exec env -i "${guest_env[@]}" timeout -k 2 "$((limit + grace))" \
		"$vmm" --timeout "$limit" --no-crash-report --root "$b" \
		--elf "$elf" -- "$@") <"$work/stdin.txt" \
		>"$logs/$id.vmm.out" 2>"$logs/$id.vmm.err"
	vs=$?
	timed_out "$vs" "$start" "$limit" && vt=1 || vt=0
	vms=$((($(date +%s%N) - start) / 1000000))
	# The VMM may stop at its --timeout with the program's status (the
	# main process had exited, another had not): a hang all the same.
	[ "$vms" -ge $((limit * 1000)) ] && vt=1

	total=$((total + 1))
	[ "$nt" -eq 1 ] && what="the native run timed out (fix the list); "
	[ "$vt" -eq 1 ] && [ "$nt" -eq 0 ] &&
		what="${what}the VMM ran ${vms} ms; "
	if [ "$(bin_state)" != "$(cat "$work/bin.state")" ]; then
		what="${what}it changed bin/ (fix the list; fixture rebuilt); "
		make_fixture
	fi
	cmp -s "$logs/$id.native.out" "$logs/$id.vmm.out" ||
		what="${what}stdout $(first_diff "$logs/$id.native.out" \
			"$logs/$id.vmm.out"); "
	[ "$ns" -eq "$vs" ] || what="${what}status native $ns vmm $vs; "
	manifest "$a" >"$logs/$id.native.tree"
	manifest "$b" >"$logs/$id.vmm.tree"
	cmp -s "$logs/$id.native.tree" "$logs/$id.vmm.tree" ||
		what="${what}tree $(diff "$logs/$id.native.tree" \
			"$logs/$id.vmm.tree" | grep '^[<>]' | head -n 4 |
			tr '\n' ' ' | cut -c 1-200); "

	last=$(vmm_last "$logs/$id.vmm.err")
	if [ -z "$what" ]; then
		verdict=match
		matched=$((matched + 1))
	elif [ "$vt" -eq 1 ] && [ "$nt" -eq 0 ]; then
		verdict=hang
		hangs=$((hangs + 1))
	elif [ "$vs" -ne "$ns" ] &&
	     grep -a '^vmm: ' "$logs/$id.vmm.err" |
	     grep -v '^vmm: warning: ' | grep -qv '(SIG[A-Z0-9]*)'; then
		verdict=crash
		crashes=$((crashes + 1))
	else
		verdict=mismatch
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$line" "$verdict" "${what%; }" \
		"$last" "$nms" "$vms" \
		>>"$results"
	[ "$verdict" = match ] && return
	printf '%-8s %s: %s | %s\n' "${verdict^^}" "$line" "${what%; }" \
		"${last:-(no stderr)}"
}

while IFS= read -r line || [ -n "$line" ]; do
	nr=$((nr + 1))
	case $line in '' | '#'*) continue ;; esac
	[ -n "$only" ] && ! [[ $line =~ $only ]] && continue
	run_one "$line" "$(printf '%03d' "$nr")"
done <"$list"
rm -rf "$work/A" "$work/B"

# The triage's first cut: the syscalls the VMM did not answer, each with
# the number of failing commands that made it.
unanswered=$(awk -F'\t' '$2 != "match" && $2 != "skip" {
	l = $4
	if (!sub(/.*-ENOSYS: /, "", l))
		next
	n = split(l, calls, ", ")
	for (i = 1; i <= n; i++) {
		sub(/ x[0-9]+$/, "", calls[i])
		count[calls[i]]++
	}
} END {
	for (c in count)
		printf "%d %s\n", count[c], c
}' "$results" | sort -k1,1nr -k2 | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')
[ -n "$unanswered" ] &&
	echo "lab2-matrix: unanswered syscalls, by failing commands: $unanswered"
# A command near MATRIX_TIMEOUT in the VMM is a hang on a slower host.
awk -F'\t' '$2 != "skip" {
	printf "%d\tlab2-matrix: slow in the VMM: %s (%d ms, native %d ms)\n",
	       $6, $1, $6, $5
}' "$results" | sort -k1,1nr | head -n 3 | cut -f 2-

echo "lab2-matrix: $matched of $total match ($crashes crashes, $hangs hangs, $skipped skipped); details in $results"
[ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ]
