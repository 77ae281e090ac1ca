# SPDX-License-Identifier: GPL-2.0
# kvmlab: a kit for building and grading a VMM on Linux KVM.
# Kbuild-style: "make help" lists the targets.

VERSION = 0.1.0

MAKEFLAGS += -rR --no-print-directory

# V=1 prints whole commands; the default prints "  CC      vmm/vm.o".
ifeq ("$(origin V)", "command line")
  KBUILD_VERBOSE := $(V)
endif
ifeq ($(KBUILD_VERBOSE),1)
  quiet :=
  Q :=
else
  quiet := quiet_
  Q := @
endif

# O=DIR builds out of tree; the sources stay untouched.
srctree := $(CURDIR)
ifneq ($(O),)
  objtree := $(abspath $(O))
  $(shell mkdir -p $(objtree))
else
  objtree := $(CURDIR)
endif

# Tools. With -rR, make's built-in CC is gone: honour only a user's.
ifeq ($(filter environment command line,$(origin CC)),)
  CC := gcc
endif
LD	:= ld
AR	:= ar
CPP	:= $(CC) -E
NASM	:= nasm
MUSL_CC	:= musl-gcc
CHECK	:= sparse
# -Wsparse-all, less what glibc and <linux/kvm.h> trip by design.
CHECKFLAGS := -Wsparse-all -Wsparse-error -Wno-unknown-attribute \
	      -Wno-flexible-array-nested -Wno-flexible-array-sizeof \
	      -D__FLT_EVAL_METHOD__=0

# __FILE__ relative to the tree, as the stubs name their file with it.
# An unused parameter is no warning, as in the kernel's W=1: callbacks
# take the arguments of their type, whether they need them or not.
NOWARN_CFLAGS := -Wno-unused-parameter
HOST_CFLAGS := -std=gnu11 -O2 -g -D_GNU_SOURCE \
	       -Wall -Wextra -Werror -Wno-missing-field-initializers \
	       $(NOWARN_CFLAGS) -fmacro-prefix-map=$(srctree)/=
# W=1: the warnings a careful reviewer would turn on.
ifeq ($(W),1)
  HOST_CFLAGS += -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
		 -Wpointer-arith -Wcast-align -Wundef -Wformat=2 \
		 -Wwrite-strings -Wmissing-declarations
endif
# SANITIZE=1: the VMM and the checker with AddressSanitizer and
# UndefinedBehaviorSanitizer; any finding is fatal. Best in its own O=.
ifeq ($(SANITIZE),1)
  SANITIZE_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
		    -fno-sanitize-recover=all
  HOST_CFLAGS += $(SANITIZE_FLAGS)
endif
# Freestanding guest code: no libc, no PIC, no red zone, no SSE.
GUEST_CFLAGS := -std=gnu11 -O2 -ffreestanding -fno-builtin -nostdlib \
		-fno-pic -fno-pie -fno-stack-protector \
		-fno-asynchronous-unwind-tables -fcf-protection=none \
		-mgeneral-regs-only -Wall -Wextra -Werror $(NOWARN_CFLAGS)
# Freestanding guests: gcc's own headers, not glibc's (sparse only).
GUEST_CHECKFLAGS = -nostdinc -isystem $(shell $(CC) -print-file-name=include)
LDFLAGS := $(SANITIZE_FLAGS)

export VERSION srctree objtree quiet Q KBUILD_VERBOSE C USE_POOLING
export CC LD AR CPP NASM MUSL_CC CHECK CHECKFLAGS NOWARN_CFLAGS HOST_CFLAGS \
       GUEST_CFLAGS GUEST_CHECKFLAGS LDFLAGS

include $(srctree)/tools/build/Kbuild.include

build := -f $(srctree)/tools/build/Makefile.build obj

guest-dirs := guest_16_bits guest_32_bits guest_64_bits
vmm := $(objtree)/vmm/vmm
checker := $(objtree)/checker/checker

# Debian packages each goal needs; tools/deps.sh installs them as root.
# One chain, so that make -j never runs two apt-get at once.
deps-build := nasm musl-tools
deps-check := check pkg-config strace busybox-static gdb
deps-style := sparse cppcheck

PHONY := all
all: vmm

PHONY += deps-build deps-check deps-style
deps-build:
	$(Q)$(srctree)/tools/deps.sh $(deps-build)
deps-check: deps-build
	$(Q)$(srctree)/tools/deps.sh $(deps-check)
deps-style: deps-check
	$(Q)$(srctree)/tools/deps.sh $(deps-style)

PHONY += $(guest-dirs) vmm checker
$(guest-dirs): deps-build
	$(Q)$(MAKE) $(build)=$@
vmm: $(guest-dirs)
	$(Q)$(MAKE) $(build)=vmm
checker: vmm deps-check
	$(Q)$(MAKE) $(build)=checker

# The main scenario: the whole assignment, SIMVIRTIO in long mode.
SCENARIO ?= simvirtio
PHONY += run
run: vmm
	$(Q)$(vmm) $(RUNFLAGS) $(SCENARIO)

# The grader (Check): the rubric's tests on KVM and without it. ITEM=id
# grades one item. Results: checker/results/, transcripts: checker/logs/.
# REQUIREMENTS=1 prints the requirement table instead, and each
# requirement's tests. FORMAT=autolab ends with Autolab's scores line,
# FORMAT=vmchecker with vmchecker-next's "Total: N/100".
PHONY += check
ifneq ($(REQUIREMENTS),)
check: checker
	$(Q)KVMLAB_REQUIREMENTS=1 $(checker)
else
check: checker
	$(Q)rm -rf $(objtree)/checker/logs
	$(Q)KVMLAB_VMM=$(vmm) KVMLAB_OBJTREE=$(objtree) KVMLAB_ITEM=$(ITEM) \
		KVMLAB_FORMAT=$(FORMAT) \
		$(srctree)/tools/grade.sh $(checker) $(objtree)/checker/results
endif

# The grade again on a second KVM: kvm-amd in a QEMU guest (TCG, nested
# SVM), where 32-bit paging runs. Same report, its own score line;
# results: checker/results-svm/. Kernel and modules cached in .tools/svm/.
deps-svm := qemu-system-x86 busybox-static
# Under TCG every guest instruction is emulated: grade what this host
# cannot (paged mode) and the scored items, not the whole extra section.
SVM_ITEMS ?= scored,paged_mode,protected_mode
PHONY += check-svm
check-svm: checker
	$(Q)$(srctree)/tools/deps.sh $(deps-svm)
	$(Q)$(srctree)/tools/svm/build.sh $(srctree) $(objtree)
	$(Q)KVMLAB_OBJTREE=$(objtree) KVMLAB_ITEM=$(or $(ITEM),$(SVM_ITEMS)) \
		KVMLAB_RESULTS=$(objtree)/checker/results-svm \
		$(srctree)/tools/grade.sh $(srctree)/tools/svm/run.sh \
		$(objtree)/checker/results-svm

# The kit's own targets (skels, verify) need tools/skel/ and
# tools/verify.sh, which a student skeleton does not ship: there they
# are neither defined nor listed.
kit := $(wildcard $(srctree)/tools/skel/skels.sh)

# checkpatch, sparse (C=2) and cppcheck, on the tree and (in the kit) on
# the files the TODO=1 skeleton changes, as it holds every stub:
# non-zero on any finding.
PHONY += style
style: deps-style
	$(Q)$(MAKE) C=2 checker
	$(Q)$(srctree)/tools/layers.sh $(srctree)
	$(Q)$(srctree)/tools/style.sh $(srctree) $(objtree)
ifneq ($(kit),)
	$(Q)$(srctree)/tools/skel/skels.sh $(srctree) \
		$(objtree)/.tools/skel-style 1 >/dev/null
	$(Q)$(MAKE) -C $(objtree)/.tools/skel-style C=2 vmm >/dev/null
	$(Q)cd $(objtree)/.tools/skel-style && $(srctree)/tools/style.sh \
		$(objtree)/.tools/skel-style $(objtree) \
		$$(grep -rlE 'TODO [1-5]:' --include='*.[ch]' .)
endif

ifneq ($(kit),)
# Student skeletons: TODO=k removes the solutions of tasks k to 5.
TODO ?= 1
PHONY += skels
skels:
	$(Q)$(srctree)/tools/skel/skels.sh $(srctree) $(objtree)/skels $(TODO)

# A whole class (tools/grade/, docs/grading.md): each submission in
# SUBMISSIONS graded on a fresh copy of the TODO=k skeleton, only the
# student's files taken from it, student code in a sandbox, the judge
# built once. OUT (default grades/), JOBS (default nproc), FORCE=1,
# SHARD=i/N, ITEM=... grade-merge joins the OUTs of SHARDS="DIR...".
deps-grade := bubblewrap libarchive-dev jq git
PHONY += deps-grade grade grade-merge grade-test
deps-grade: deps-check
	$(Q)$(srctree)/tools/deps.sh $(deps-grade)
grade: deps-grade
	$(Q)SUBMISSIONS='$(SUBMISSIONS)' OUT='$(OUT)' JOBS='$(JOBS)' \
		TODO='$(TODO)' FORCE='$(FORCE)' SHARD='$(SHARD)' \
		ITEM='$(ITEM)' $(srctree)/tools/grade/grade.sh $(srctree) $(objtree)
grade-merge: deps-grade
	$(Q)$(srctree)/tools/grade/merge.sh $(or $(OUT),$(objtree)/grades) \
		$(SHARDS)
# The pipeline's own test: a small class, hostile archives included.
grade-test: deps-grade
	$(Q)$(srctree)/tools/deps.sh zip
	$(Q)$(srctree)/tools/grade/tests/run.sh $(srctree) $(objtree)
# Cheating submissions (tools/grade/cheats/), graded whole in one batch
# with a correct one: each must get its true score, the batch and the
# machine left as they were.
PHONY += cheat-test
cheat-test: deps-grade
	$(Q)$(srctree)/tools/deps.sh python3
	$(Q)$(srctree)/tools/grade/cheats/run.sh $(srctree) $(objtree)

# make grade's throughput (tools/bench/grade.sh): BENCH_GRADE_COPIES
# (30) solutions, then broken ones beside a correct one. As root; make
# bench ends with it.
BENCH_GRADE_COPIES ?= 30
PHONY += bench-grade
bench-grade: deps-grade
	$(Q)$(srctree)/tools/bench/grade.sh $(srctree) $(objtree) \
		$(BENCH_GRADE_COPIES)

# The grader's proof (tools/verify/): each realistic student mistake, in
# a copy of the built tree, must cost its own item all of its points and
# no other item any; each correct alternative solution must score 100;
# each skeleton TODO=k must score the tasks below k. VERIFY_JOBS lanes
# (default 2), VERIFY_ONLY=regex for some cases, VERIFY_PENDING=1 to
# grade the cases that wait for the grader too.
VERIFY_JOBS ?= 2
PHONY += verify
verify: deps-check
	$(Q)VERIFY_JOBS=$(VERIFY_JOBS) VERIFY_ONLY=$(VERIFY_ONLY) \
		VERIFY_PENDING=$(VERIFY_PENDING) \
		$(srctree)/tools/verify.sh $(srctree)
	$(Q)$(srctree)/tools/skel/roundtrip.sh $(srctree)
endif

ifneq ($(kit),)
# Gradescope: gradescope.zip (setup.sh, run_autograder, the kit) grades
# /autograder/submission with "make grade" for skeleton level TODO=k.
# gradescope-test unpacks it into a stand-in /autograder and grades the
# solution, a skeleton and a worker without KVM with it; it checks the
# GitHub Classroom and GitLab templates against the rubric too.
PHONY += gradescope gradescope-test
gradescope:
	$(Q)$(srctree)/tools/deps.sh zip
	$(Q)$(srctree)/tools/gradescope/pack.sh $(srctree) \
		$(objtree)/gradescope.zip $(TODO)
gradescope-test: gradescope checker
	$(Q)$(srctree)/tools/deps.sh unzip jq python3-yaml
	$(Q)$(srctree)/tools/gradescope/test.sh $(srctree) $(objtree) $(TODO)
endif

# Lab 2 against real programs (tools/lab2-matrix.sh): each command of
# tools/lab2-matrix.txt natively and in the VMM, on copies of one
# fixture; stdout, status and the tree left must agree. As root.
# MATRIX_ONLY=regex for some commands, MATRIX_TIMEOUT (10) seconds each.
deps-lab2-matrix := busybox-static bash-static zsh-static mksh sash \
	musl-tools dietlibc-dev bubblewrap
PHONY += lab2-matrix
lab2-matrix: vmm
	$(Q)$(srctree)/tools/deps.sh $(deps-lab2-matrix)
	$(Q)MATRIX_ONLY='$(MATRIX_ONLY)' MATRIX_TIMEOUT='$(MATRIX_TIMEOUT)' \
		$(srctree)/tools/lab2-matrix.sh $(srctree) $(objtree)

# A submission that hangs grades in at most HANG_BUDGET (20) seconds.
PHONY += hangcheck
hangcheck: deps-check
	$(Q)$(srctree)/tools/hangcheck.sh $(srctree)

# Every scenario, failing ones too, under valgrind's memcheck.
PHONY += memcheck
memcheck: checker
	$(Q)$(srctree)/tools/deps.sh valgrind
	$(Q)$(srctree)/tools/memcheck.sh $(vmm) $(objtree)

# Exits against polling, measured (not a test: times vary by host).
BENCH_PAYLOAD ?= 1048576
PHONY += bench
bench: vmm checker
	$(Q)$(srctree)/tools/bench.sh $(vmm) $(BENCH_PAYLOAD)
ifneq ($(kit),)
	$(Q)$(MAKE) --no-print-directory bench-grade
endif

# libFuzzer on the parts that need no KVM (fuzz/), built with clang, ASan
# and UBSan: each harness runs FUZZ_SECONDS; any crash fails the target.
FUZZ_SECONDS ?= 60
PHONY += fuzz
fuzz: deps-check
	$(Q)$(srctree)/tools/deps.sh clang libclang-rt-14-dev
	$(Q)$(MAKE) $(build)=fuzz CC=clang
	$(Q)$(srctree)/tools/fuzz.sh $(objtree)/fuzz $(FUZZ_SECONDS)

PHONY += clean mrproper
clean:
	$(Q)find $(objtree) \( -name '*.o' -o -name '*.a' -o -name '*.bin' \
		-o -name '*.lds' -o -name '*.inc' -o -name '*.so' -o -name '.*.cmd' \
		-o -name '.*.d' \) -type f -delete
	$(Q)rm -f $(vmm) $(checker) $(objtree)/checker/unit \
		$(addprefix $(objtree)/fuzz/,\
		fuzz_simvirtio fuzz_elf fuzz_syscall fuzz_args fuzz_gdb)
	$(Q)rm -rf $(objtree)/checker/logs $(objtree)/fuzz/out
mrproper: clean
	$(Q)rm -rf $(objtree)/skels $(objtree)/.tools $(objtree)/gradescope.zip

PHONY += help
help:
	@echo 'Targets:'
	@echo '  all (default)  - build vmm/vmm and the guests it embeds'
	@echo '  run            - build and run the main scenario'
	@echo '                   (SCENARIO=simvirtio|real|protected|paged|long|lab1,'
	@echo '                    RUNFLAGS="--dump-regs ...")'
	@echo '  check          - build, then grade: the rubric tests on KVM'
	@echo '                   (ITEM=real_mode|long_mode|simvirtio|... for one;'
	@echo '                    FORMAT=autolab|vmchecker for those graders)'
	@echo '  check-svm      - the same grade inside QEMU on kvm-amd (AMD SVM),'
	@echo '                   paged mode included (ITEM= as for check)'
ifneq ($(kit),)
	@echo '  skels          - write the student tree to skels/ (TODO=k: the'
	@echo '                   solutions of tasks k to 5 removed; default 1)'
	@echo '  grade          - grade a class: SUBMISSIONS=DIR (ID/, ID.tar.gz,'
	@echo '                   ID.zip, ID.bundle...), OUT=DIR (grades/), JOBS=N,'
	@echo '                   TODO=k, FORCE=1, SHARD=i/N (docs/grading.md)'
	@echo '  grade-merge    - merge the OUTs of shards: OUT=DIR SHARDS="DIR..."'
	@echo '  grade-test     - make grade on a small class, hostile ones too'
	@echo '  cheat-test     - cheating submissions in one batch: each gets its'
	@echo '                   true score, the machine is left as it was'
	@echo '  bench-grade    - make grade throughput: 30 solutions, then broken'
	@echo '                   ones (BENCH_GRADE_COPIES=30; as root)'
	@echo '  verify         - prove the grader: each student mistake in'
	@echo '                   tools/verify/ costs exactly its item, each'
	@echo '                   alternative scores 100 (VERIFY_ONLY=regex);'
	@echo '                   each skeleton, filled back, scores 100'
	@echo '  gradescope     - write gradescope.zip, the Gradescope autograder'
	@echo '                   (TODO=k: the skeleton level it grades)'
	@echo '  gradescope-test - run that zip on the solution, a skeleton and a'
	@echo '                   worker without KVM; check the CI templates'
endif
	@echo '  lab2-matrix    - real programs (busybox, shells, C) natively and'
	@echo '                   in Lab 2: what differs, "N of M match" (as root;'
	@echo '                   MATRIX_ONLY=regex, MATRIX_TIMEOUT=10)'
	@echo '  hangcheck      - a hanging submission grades in 20 s or less'
	@echo '  memcheck       - every scenario under valgrind: no leak, no error'
	@echo '  style          - checkpatch, sparse and cppcheck on the tree'
	@echo '  bench          - SIMVIRTIO exits against polling; Lab 2 syscall cost'
	@echo '                   (BENCH_PAYLOAD=bytes, default 1048576); in the kit,'
	@echo '                   then bench-grade'
	@echo '  fuzz           - libFuzzer on the pure parts (FUZZ_SECONDS=60 each)'
	@echo '  clean          - remove what the build made'
	@echo '  mrproper       - clean, and remove generated trees too'
	@echo '  help           - this text'
	@echo ''
	@echo 'Options:'
	@echo '  V=1            - print whole commands'
	@echo '  O=DIR          - build into DIR instead of the source tree'
	@echo '  C=1 | C=2      - run sparse on rebuilt | all C files'
	@echo '  W=1            - extra compiler warnings'
	@echo '  USE_POOLING=1  - SIMVIRTIO polls by default (the assignment macro)'
	@echo '  SANITIZE=1     - build with ASan and UBSan (e.g. O=build-asan)'

PHONY += FORCE
FORCE:

.PHONY: $(PHONY)
