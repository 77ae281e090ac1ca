// SPDX-License-Identifier: GPL-2.0
/*
 * Reading strace's decoding of the vCPU state back (strace -v prints
 * every field of struct kvm_sregs and kvm_regs as name=value), and the
 * checks of what each mode requires of that state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kvmlab/kernel.h>
#include <kvmlab/layout.h>
#include <kvmlab/x86.h>

#include "vcpu_state.h"

#define REAL_SEG_SHIFT		4
#define REAL_IP_MAX		0xffffULL
#define PAGE_MASK_4K		0xfffULL
#define PAGE_4K			0x1000ULL
#define RFLAGS_TF		BIT(8)
#define RFLAGS_VM		BIT(17)
#define SEG_TYPE_CODE		BIT(3)
#define SEG_TYPE_WRITABLE	BIT(1)
#define PHYS_ADDR_MAX		(1ULL << 52)

const char *trace_call(const char *trace, const char *name, unsigned int nth)
{
	const char *p = trace;
	size_t len = strlen(name);

	while ((p = strstr(p, name))) {
		const char *next = p + len;

		/* "KVM_SET_REGS" is not "KVM_SET_REGS2", nor in a string. */
		if ((*next == ',' || *next == '(') && p > trace &&
		    (p[-1] == ' ' || p[-1] == '(')) {
			if (!nth--) {
				while (p > trace && p[-1] != '\n')
					p--;
				return p;
			}
		}
		p = next;
	}
	return NULL;
}

static const char *line_end(const char *line)
{
	const char *end = strchr(line, '\n');

	return end ? end : line + strlen(line);
}

/* "name=value" in [from, to), name preceded by a separator. */
static bool field_in(const char *from, const char *to, const char *name,
		     uint64_t *value)
{
	size_t len = strlen(name);
	const char *p = from;

	while ((p = strstr(p, name)) && p < to) {
		if (p > from && strchr("{ (,", p[-1]) && p[len] == '=') {
			*value = strtoull(p + len + 1, NULL, 0);
			return true;
		}
		p += len;
	}
	return false;
}

bool trace_field(const char *line, const char *name, uint64_t *value)
{
	return field_in(line, line_end(line), name, value);
}

bool trace_result(const char *line, long long *value)
{
	const char *end = line_end(line), *p = end;

	while (p > line && !(p[0] == '=' && p[-1] == ' '))
		p--;
	if (p == line)
		return false;
	*value = strtoll(p + 1, NULL, 0);
	return p < end;
}

static bool parse_segment(const char *line, const char *name,
			  struct kvm_segment *seg)
{
	char key[8];
	const char *p = line, *end;
	uint64_t v;

	snprintf(key, sizeof(key), "%s={", name);
	while ((p = strstr(p, key)) && p < line_end(line) &&
	       !(p > line && strchr("{ ", p[-1])))
		p++;
	if (!p || p > line_end(line))
		return false;
	p += strlen(key) - 1;
	end = strchr(p, '}');
	if (!end)
		return false;
	memset(seg, 0, sizeof(*seg));
#define SEG_FIELD(f)						\
	do {							\
		if (field_in(p, end, #f, &v))			\
			seg->f = v;				\
	} while (0)
	SEG_FIELD(base);
	SEG_FIELD(limit);
	SEG_FIELD(selector);
	SEG_FIELD(type);
	SEG_FIELD(present);
	SEG_FIELD(dpl);
	SEG_FIELD(db);
	SEG_FIELD(s);
	SEG_FIELD(l);
	SEG_FIELD(g);
	SEG_FIELD(avl);
#undef SEG_FIELD
	return true;
}

bool trace_sregs(const char *trace, struct kvm_sregs *s)
{
	const char *line = trace_call(trace, "KVM_SET_SREGS", 0);
	uint64_t v;

	memset(s, 0, sizeof(*s));
	if (!line || !parse_segment(line, "cs", &s->cs))
		return false;
	parse_segment(line, "ds", &s->ds);
	parse_segment(line, "es", &s->es);
	parse_segment(line, "fs", &s->fs);
	parse_segment(line, "gs", &s->gs);
	parse_segment(line, "ss", &s->ss);
#define SREG(f)						\
	do {						\
		if (trace_field(line, #f, &v))		\
			s->f = v;			\
	} while (0)
	SREG(cr0);
	SREG(cr3);
	SREG(cr4);
	SREG(efer);
#undef SREG
	return true;
}

bool trace_regs(const char *trace, struct kvm_regs *r)
{
	const char *line = trace_call(trace, "KVM_SET_REGS", 0);

	uint64_t rip, rflags, rsp;

	memset(r, 0, sizeof(*r));
	if (!line || !trace_field(line, "rip", &rip) ||
	    !trace_field(line, "rflags", &rflags) ||
	    !trace_field(line, "rsp", &rsp))
		return false;
	r->rip = rip;
	r->rflags = rflags;
	r->rsp = rsp;
	return true;
}

#define WHY(...)	(snprintf(buf, len, __VA_ARGS__), buf)

static __printf(4, 5) const char *problem(char *buf, size_t len,
					  const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return id;
}

#define PROBLEM(id, ...)	problem(buf, len, id, __VA_ARGS__)

const char *sregs_refused(const struct kvm_sregs *s, char *buf, size_t len)
{
	const bool lme = s->efer & X86_EFER_LME, lma = s->efer & X86_EFER_LMA;
	const bool pg = s->cr0 & X86_CR0_PG;

	if (pg && !(s->cr0 & X86_CR0_PE))
		return WHY("CR0.PG is set without CR0.PE (cr0 0x%llx)",
			   (unsigned long long)s->cr0);
	if ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD))
		return WHY("CR0.NW is set without CR0.CD (cr0 0x%llx)",
			   (unsigned long long)s->cr0);
	if (lme && pg && !(s->cr4 & X86_CR4_PAE))
		return WHY("EFER.LME and CR0.PG are set but CR4.PAE is not (cr4 0x%llx): long mode pages with PAE",
			   (unsigned long long)s->cr4);
	if (lme && pg && !lma)
		return WHY("EFER.LME and CR0.PG are set but EFER.LMA is not (efer 0x%llx): KVM wants them to agree",
			   (unsigned long long)s->efer);
	if (lma && !(lme && pg))
		return WHY("EFER.LMA is set without EFER.LME and CR0.PG (efer 0x%llx, cr0 0x%llx)",
			   (unsigned long long)s->efer,
			   (unsigned long long)s->cr0);
	if (s->cs.l && !lma)
		return WHY("CS.L (a 64-bit code segment) is set outside long mode (EFER.LMA clear)");
	if (s->cs.l && s->cs.db)
		return WHY("CS has both L and D set: no such code segment");
	if (lma && s->cr3 >= PHYS_ADDR_MAX)
		return WHY("CR3 0x%llx is beyond any physical address",
			   (unsigned long long)s->cr3);
	if ((s->cr0 & X86_CR0_PE) &&
	    (!s->cs.present || !s->cs.s || !(s->cs.type & SEG_TYPE_CODE)))
		return WHY("CS is not a present code segment (present %u, s %u, type 0x%x)",
			   s->cs.present, s->cs.s, s->cs.type);
	return NULL;
}

const char *real_mode_problem(const struct kvm_sregs *s,
			      const struct kvm_regs *r, uint64_t entry,
			      char *buf, size_t len)
{
	if (s->cr0 & (X86_CR0_PE | X86_CR0_PG))
		return PROBLEM("real.cr0", "cr0 0x%llx has PE or PG set: that is not real mode",
			   (unsigned long long)s->cr0);
	if (s->cs.base != (uint64_t)s->cs.selector << REAL_SEG_SHIFT ||
	    r->rip > REAL_IP_MAX || s->cs.base + r->rip != entry)
		return PROBLEM("real.cs_ip", "expected cs.base == cs.selector << 4 and cs.base + ip == entry 0x%llx; got cs.selector 0x%x, cs.base 0x%llx, ip 0x%llx",
			   (unsigned long long)entry, s->cs.selector,
			   (unsigned long long)s->cs.base,
			   (unsigned long long)r->rip);
	if (r->rflags != X86_RFLAGS_FIXED)
		return PROBLEM("real.rflags", "expected rflags 0x2; got 0x%llx",
			   (unsigned long long)r->rflags);
	return NULL;
}

static bool data_segment_ok(const struct kvm_segment *seg)
{
	return seg->present && seg->s && !(seg->type & SEG_TYPE_CODE) &&
	       (seg->type & SEG_TYPE_WRITABLE);
}

const char *long_mode_problem(const struct kvm_sregs *s,
			      const struct kvm_regs *r, uint64_t entry,
			      uint64_t mem_size, char *buf, size_t len)
{
	const struct {
		const char *name;
		const struct kvm_segment *seg;
	} data[] = { { "DS", &s->ds }, { "ES", &s->es }, { "SS", &s->ss } };
	unsigned int i;

	if (!(s->efer & X86_EFER_LME) || !(s->efer & X86_EFER_LMA))
		return PROBLEM("long.efer", "expected EFER.LME and EFER.LMA set; got efer 0x%llx",
			   (unsigned long long)s->efer);
	if (!(s->cr0 & X86_CR0_PE) || !(s->cr0 & X86_CR0_PG) ||
	    ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD)))
		return PROBLEM("long.cr0", "expected CR0.PE and CR0.PG set (NW only with CD); got cr0 0x%llx",
			   (unsigned long long)s->cr0);
	if (!(s->cr4 & X86_CR4_PAE))
		return PROBLEM("long.cr4", "expected CR4.PAE set; got cr4 0x%llx",
			   (unsigned long long)s->cr4);
	if (!s->cs.present || !s->cs.s || !(s->cs.type & SEG_TYPE_CODE) ||
	    !s->cs.l || s->cs.db || s->cs.dpl)
		return PROBLEM("long.cs", "expected a present 64-bit code segment (L 1, D 0, code type, S 1, DPL 0); got present %u l %u db %u type 0x%x s %u dpl %u",
			   s->cs.present, s->cs.l, s->cs.db, s->cs.type,
			   s->cs.s, s->cs.dpl);
	for (i = 0; i < ARRAY_SIZE(data); i++)
		if (!data_segment_ok(data[i].seg))
			return PROBLEM("long.data_segs", "expected %s a present, writable data segment; got present %u type 0x%x s %u",
				   data[i].name, data[i].seg->present,
				   data[i].seg->type, data[i].seg->s);
	if ((s->cr3 & ~PAGE_MASK_4K) + PAGE_4K > mem_size)
		return PROBLEM("long.cr3", "expected CR3 to point at a PML4 inside the %llu bytes of RAM; got 0x%llx",
			   (unsigned long long)mem_size,
			   (unsigned long long)s->cr3);
	if (r->rip != entry || !(r->rflags & X86_RFLAGS_FIXED) ||
	    (r->rflags & (RFLAGS_TF | RFLAGS_VM)) ||
	    r->rsp <= GUEST_IMAGE_ADDR || r->rsp > mem_size)
		return PROBLEM("long.entry", "expected rip 0x%llx, rflags 0x2 and rsp at the top of RAM (0x%llx); got rip 0x%llx, rflags 0x%llx, rsp 0x%llx",
			   (unsigned long long)entry,
			   (unsigned long long)mem_size,
			   (unsigned long long)r->rip,
			   (unsigned long long)r->rflags,
			   (unsigned long long)r->rsp);
	return NULL;
}
