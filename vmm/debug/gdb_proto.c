// SPDX-License-Identifier: GPL-2.0
/*
 * The gdb remote protocol (gdb's manual, "Remote Protocol"): framing,
 * and the commands a VMM's stub needs. Everything here is bounded by
 * GDB_PACKET_MAX and checks each number it parses, so that any bytes
 * from the socket get a reply ("E01" for a bad command, "" for one
 * not supported), never a crash.
 *
 * Registers follow gdb's own layouts: i386:x86-64 in long mode, i386
 * (also i8086's) otherwise. The 'g' reply holds the general, RIP,
 * RFLAGS and segment registers; gdb takes the x87 and SSE registers
 * after them as unavailable, and 'p' says so for each.
 */
#include <string.h>

#include <kvmlab/kernel.h>
#include <kvmlab/x86.h>

#include "debug/gdb_proto.h"
#include "x86/regs.h"

#define GDB_ESCAPE		'}'
#define GDB_ESCAPE_XOR		0x20
#define GDB_INTERRUPT		0x03
/* A register of gdb's that the VMM does not transfer. */
#define REG_UNAVAILABLE		(-1)
/* The segment registers' slots, in gdb's order. */
enum { SEG_CS, SEG_SS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, NR_GDB_SEGS };

struct gdb_reg {
	uint8_t size;		/* bytes */
	int8_t gpr;		/* an enum reg_id, or REG_UNAVAILABLE */
	int8_t seg;		/* a SEG_ slot, or REG_UNAVAILABLE */
};

#define GPR(size, id)	{ size, REG_##id, REG_UNAVAILABLE }
#define SEG(id)		{ 4, REG_UNAVAILABLE, SEG_##id }
#define NONE(size)	{ size, REG_UNAVAILABLE, REG_UNAVAILABLE }

/* amd64: 0-23 are sent in 'g'; then st0-7, the x87 control, SSE, Linux's. */
static const struct gdb_reg regs64[] = {
	GPR(8, RAX), GPR(8, RBX), GPR(8, RCX), GPR(8, RDX),
	GPR(8, RSI), GPR(8, RDI), GPR(8, RBP), GPR(8, RSP),
	GPR(8, R8), GPR(8, R9), GPR(8, R10), GPR(8, R11),
	GPR(8, R12), GPR(8, R13), GPR(8, R14), GPR(8, R15),
	GPR(8, RIP), GPR(4, RFLAGS),
	SEG(CS), SEG(SS), SEG(DS), SEG(ES), SEG(FS), SEG(GS),
	NONE(10), NONE(10), NONE(10), NONE(10),
	NONE(10), NONE(10), NONE(10), NONE(10),
	NONE(4), NONE(4), NONE(4), NONE(4), NONE(4), NONE(4), NONE(4), NONE(4),
	NONE(16), NONE(16), NONE(16), NONE(16), NONE(16), NONE(16), NONE(16),
	NONE(16), NONE(16), NONE(16), NONE(16), NONE(16), NONE(16), NONE(16),
	NONE(16), NONE(16),
	NONE(4), NONE(8), NONE(8), NONE(8),
};
#define REGS64_CORE	24

/* i386 and i8086: 0-15 are sent in 'g'. */
static const struct gdb_reg regs32[] = {
	GPR(4, RAX), GPR(4, RCX), GPR(4, RDX), GPR(4, RBX),
	GPR(4, RSP), GPR(4, RBP), GPR(4, RSI), GPR(4, RDI),
	GPR(4, RIP), GPR(4, RFLAGS),
	SEG(CS), SEG(SS), SEG(DS), SEG(ES), SEG(FS), SEG(GS),
	NONE(10), NONE(10), NONE(10), NONE(10),
	NONE(10), NONE(10), NONE(10), NONE(10),
	NONE(4), NONE(4), NONE(4), NONE(4), NONE(4), NONE(4), NONE(4), NONE(4),
	NONE(16), NONE(16), NONE(16), NONE(16),
	NONE(16), NONE(16), NONE(16), NONE(16),
	NONE(4), NONE(4),
};
#define REGS32_CORE	16

static const char hexdigits[] = "0123456789abcdef";

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void gdb_rx_init(struct gdb_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t c)
{
	int v;

	switch (rx->state) {
	case RX_IDLE:
		if (c == '$') {
			rx->state = RX_DATA;
			rx->len = 0;
			rx->sum = 0;
			rx->overflow = false;
		} else if (c == GDB_INTERRUPT) {
			return GDB_RX_INTERRUPT;
		} else if (c == '+') {
			return GDB_RX_ACK;
		} else if (c == '-') {
			return GDB_RX_NAK;
		}
		return GDB_RX_NONE;	/* noise between packets */
	case RX_DATA:
		if (c == '#') {
			rx->state = RX_SUM1;
			return GDB_RX_NONE;
		}
		rx->sum += c;
		if (rx->len < GDB_PACKET_MAX)
			rx->buf[rx->len++] = c;
		else
			rx->overflow = true;
		return GDB_RX_NONE;
	case RX_SUM1:
		v = hex_value(c);
		rx->want = v < 0 ? 0 : v << 4;
		rx->state = v < 0 ? RX_IDLE : RX_SUM2;
		return v < 0 ? GDB_RX_BAD : GDB_RX_NONE;
	case RX_SUM2:
	default:
		rx->state = RX_IDLE;
		v = hex_value(c);
		if (v < 0 || (rx->want | v) != rx->sum || rx->overflow)
			return GDB_RX_BAD;
		rx->buf[rx->len] = '\0';
		return GDB_RX_PACKET;
	}
}

size_t gdb_frame(char *out, const char *data, size_t len)
{
	uint8_t sum = 0;
	size_t i, n = 0;

	out[n++] = '$';
	for (i = 0; i < len; i++) {
		char c = data[i];

		if (c == '$' || c == '#' || c == GDB_ESCAPE || c == '*') {
			out[n++] = GDB_ESCAPE;
			sum += GDB_ESCAPE;
			c ^= GDB_ESCAPE_XOR;
		}
		out[n++] = c;
		sum += (uint8_t)c;
	}
	out[n++] = '#';
	out[n++] = hexdigits[sum >> 4];
	out[n++] = hexdigits[sum & 0xf];
	return n;
}

/* A command's reader: the rest of the packet, never past its end. */
struct cursor {
	const char *p, *end;
};

static bool take(struct cursor *c, char want)
{
	if (c->p < c->end && *c->p == want) {
		c->p++;
		return true;
	}
	return false;
}

/* A hex number of 1 to 16 digits. */
static int take_hex(struct cursor *c, uint64_t *value)
{
	unsigned int digits = 0;
	uint64_t v = 0;
	int d;

	while (c->p < c->end && (d = hex_value(*c->p)) >= 0) {
		if (++digits > 16)
			return -1;
		v = v << 4 | d;
		c->p++;
	}
	if (!digits)
		return -1;
	*value = v;
	return 0;
}

static void reply(struct gdb_session *s, const char *text)
{
	size_t len = strlen(text);

	if (len > GDB_PACKET_MAX)
		len = GDB_PACKET_MAX;
	memcpy(s->reply, text, len);
	s->reply[len] = '\0';
	s->reply_len = len;
}

static void reply_hex(struct gdb_session *s, const uint8_t *bytes,
		      size_t len)
{
	size_t i;

	for (i = 0; i < len && s->reply_len + 2 <= GDB_PACKET_MAX; i++) {
		s->reply[s->reply_len++] = hexdigits[bytes[i] >> 4];
		s->reply[s->reply_len++] = hexdigits[bytes[i] & 0xf];
	}
	s->reply[s->reply_len] = '\0';
}

static void reply_unavailable(struct gdb_session *s, size_t bytes)
{
	size_t i;

	for (i = 0; i < 2 * bytes && s->reply_len < GDB_PACKET_MAX; i++)
		s->reply[s->reply_len++] = 'x';
	s->reply[s->reply_len] = '\0';
}

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops,
		      void *target)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->target = target;
}

void gdb_reply_stop(struct gdb_session *s, const char *why)
{
	reply(s, why);
}

bool gdb_breakpoint_at(const struct gdb_session *s, uint64_t pc)
{
	unsigned int i;

	for (i = 0; i < s->nbreakpoints; i++)
		if (s->breakpoints[i] == pc)
			return true;
	return false;
}

/* gdb's layout for the vCPU's mode now: amd64 in 64-bit code. */
static const struct gdb_reg *layout(const struct kvm_sregs *sregs,
				    size_t *n, size_t *core)
{
	if ((sregs->efer & X86_EFER_LMA) && sregs->cs.l) {
		*n = ARRAY_SIZE(regs64);
		*core = REGS64_CORE;
		return regs64;
	}
	*n = ARRAY_SIZE(regs32);
	*core = REGS32_CORE;
	return regs32;
}

static const struct kvm_segment *seg_of(const struct kvm_sregs *sregs,
					int seg)
{
	const struct kvm_segment *segs[NR_GDB_SEGS] = {
		[SEG_CS] = &sregs->cs, [SEG_SS] = &sregs->ss,
		[SEG_DS] = &sregs->ds, [SEG_ES] = &sregs->es,
		[SEG_FS] = &sregs->fs, [SEG_GS] = &sregs->gs,
	};

	return segs[seg];
}

static void reply_reg(struct gdb_session *s, const struct gdb_reg *r,
		      const struct kvm_regs *regs,
		      const struct kvm_sregs *sregs)
{
	uint8_t bytes[sizeof(uint64_t)];
	uint64_t v;

	if (r->gpr == REG_UNAVAILABLE && r->seg == REG_UNAVAILABLE) {
		reply_unavailable(s, r->size);
		return;
	}
	v = r->gpr != REG_UNAVAILABLE ? regs_value(regs, r->gpr) :
					seg_of(sregs, r->seg)->selector;
	/* x86 is little-endian, as gdb's hex of a register is. */
	memcpy(bytes, &v, sizeof(bytes));
	reply_hex(s, bytes, r->size);
}

static int get_state(struct gdb_session *s, struct kvm_regs *regs,
		     struct kvm_sregs *sregs)
{
	return s->ops->get_regs(s->target, regs, sregs);
}

static enum gdb_action cmd_read_regs(struct gdb_session *s)
{
	const struct gdb_reg *table;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	size_t n, core, i;

	if (get_state(s, &regs, &sregs)) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	table = layout(&sregs, &n, &core);
	reply(s, "");
	for (i = 0; i < core; i++)
		reply_reg(s, &table[i], &regs, &sregs);
	return GDB_REPLY;
}

/* @len hex digits at @c as little-endian bytes, @size of them. */
static int take_bytes(struct cursor *c, uint8_t *out, size_t size)
{
	size_t i;

	if ((size_t)(c->end - c->p) < 2 * size)
		return -1;
	for (i = 0; i < size; i++) {
		int hi = hex_value(c->p[0]), lo = hex_value(c->p[1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = hi << 4 | lo;
		c->p += 2;
	}
	return 0;
}

/* One register from gdb's hex; segments and the rest are not written. */
static int set_reg(const struct gdb_reg *r, struct cursor *c,
		   struct kvm_regs *regs)
{
	uint8_t bytes[sizeof(uint64_t)] = { 0 };
	struct reg_assign a;
	uint64_t old;

	if (r->gpr == REG_UNAVAILABLE) {
		/* Skip its digits: 'G' sends every register. */
		if ((size_t)(c->end - c->p) < 2 * (size_t)r->size)
			return -1;
		c->p += 2 * r->size;
		return 1;
	}
	if (take_bytes(c, bytes, r->size))
		return -1;
	old = regs_value(regs, r->gpr);
	memcpy(&a.value, bytes, sizeof(a.value));
	/* A 4-byte register (i386, eflags) keeps the upper half. */
	if (r->size < sizeof(uint64_t))
		a.value |= old & ~((1ULL << (8 * r->size)) - 1);
	a.reg = r->gpr;
	regs_assign(regs, &a);
	return 0;
}

static enum gdb_action cmd_write_regs(struct gdb_session *s, struct cursor *c)
{
	const struct gdb_reg *table;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	size_t n, core, i;

	if (get_state(s, &regs, &sregs)) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	table = layout(&sregs, &n, &core);
	for (i = 0; i < core && c->p < c->end; i++) {
		if (set_reg(&table[i], c, &regs) < 0) {
			reply(s, "E01");
			return GDB_REPLY;
		}
	}
	reply(s, s->ops->set_regs(s->target, &regs) ? "E01" : "OK");
	return GDB_REPLY;
}

/* 'p n' and 'P n=value'. */
static enum gdb_action cmd_reg(struct gdb_session *s, struct cursor *c,
			       bool write)
{
	const struct gdb_reg *table;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	size_t n, core;
	uint64_t num;

	if (take_hex(c, &num) || get_state(s, &regs, &sregs)) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	table = layout(&sregs, &n, &core);
	if (num >= n) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	if (!write) {
		reply(s, "");
		reply_reg(s, &table[num], &regs, &sregs);
		return GDB_REPLY;
	}
	if (!take(c, '=') || set_reg(&table[num], c, &regs) != 0 ||
	    c->p != c->end) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	reply(s, s->ops->set_regs(s->target, &regs) ? "E01" : "OK");
	return GDB_REPLY;
}

/* "addr,len": both hex; len at most what a reply can carry. */
static int take_range(struct cursor *c, uint64_t *addr, uint64_t *len)
{
	if (take_hex(c, addr) || !take(c, ',') || take_hex(c, len))
		return -1;
	return 0;
}

static enum gdb_action cmd_read_mem(struct gdb_session *s, struct cursor *c)
{
	uint8_t buf[GDB_PACKET_MAX / 2];
	uint64_t addr, len;
	int got;

	if (take_range(c, &addr, &len) || c->p != c->end) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	if (len > sizeof(buf))
		len = sizeof(buf);	/* gdb asks again for the rest */
	got = len ? s->ops->read_mem(s->target, addr, buf, len) : 0;
	if (got < 0 || (len && got == 0)) {
		reply(s, "E14");	/* EFAULT: not RAM, or not mapped */
		return GDB_REPLY;
	}
	reply(s, "");
	reply_hex(s, buf, got);
	return GDB_REPLY;
}

static enum gdb_action cmd_write_mem(struct gdb_session *s, struct cursor *c)
{
	uint8_t buf[GDB_PACKET_MAX / 2];
	uint64_t addr, len;

	if (take_range(c, &addr, &len) || !take(c, ':') ||
	    len > sizeof(buf) || take_bytes(c, buf, len) || c->p != c->end) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	if (len && s->ops->write_mem(s->target, addr, buf, len) != (int)len) {
		reply(s, "E14");
		return GDB_REPLY;
	}
	reply(s, "OK");
	return GDB_REPLY;
}

/* Z0/Z1 (software and hardware breakpoints) alike: by address. */
static enum gdb_action cmd_breakpoint(struct gdb_session *s,
				      struct cursor *c, bool insert)
{
	uint64_t type, addr, kind;
	unsigned int i;

	if (take_hex(c, &type) || !take(c, ',') || take_hex(c, &addr) ||
	    !take(c, ',') || take_hex(c, &kind)) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	if (type > 1) {
		reply(s, "");		/* watchpoints: not supported */
		return GDB_REPLY;
	}
	for (i = 0; i < s->nbreakpoints; i++)
		if (s->breakpoints[i] == addr)
			break;
	if (insert && i == s->nbreakpoints) {
		if (s->nbreakpoints == GDB_BREAKPOINTS_MAX) {
			reply(s, "E28");	/* ENOSPC */
			return GDB_REPLY;
		}
		s->breakpoints[s->nbreakpoints++] = addr;
	} else if (!insert && i < s->nbreakpoints) {
		s->breakpoints[i] = s->breakpoints[--s->nbreakpoints];
	}
	reply(s, "OK");
	return GDB_REPLY;
}

/* 'c [addr]', 's [addr]', 'C sig[;addr]', 'S sig[;addr]'. */
static enum gdb_action cmd_resume(struct gdb_session *s, struct cursor *c,
				  bool with_signal, enum gdb_action action)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	uint64_t v;

	if (with_signal && (take_hex(c, &v) || (c->p < c->end &&
						!take(c, ';')))) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	if (c->p == c->end)
		return action;
	if (take_hex(c, &v) || c->p != c->end || get_state(s, &regs, &sregs)) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	regs.rip = v;
	if (s->ops->set_regs(s->target, &regs)) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	return action;
}

static bool starts(const struct cursor *c, const char *word)
{
	size_t len = strlen(word);

	return (size_t)(c->end - c->p) >= len && !memcmp(c->p, word, len);
}

/* gdb's name for the architecture of the vCPU's mode now. */
static const char *architecture(const struct kvm_sregs *sregs)
{
	if (!(sregs->cr0 & X86_CR0_PE))
		return "i8086";
	if ((sregs->efer & X86_EFER_LMA) && sregs->cs.l)
		return "i386:x86-64";
	return "i386";
}

/*
 * qXfer:features:read:target.xml:OFFSET,LENGTH: a target description
 * that names the architecture only, so that gdb picks the register
 * layout of the mode the vCPU is in, with no "set architecture".
 */
static enum gdb_action cmd_target_xml(struct gdb_session *s,
				      struct cursor *c)
{
	char xml[128];
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	uint64_t offset, len;
	size_t total;

	if (take_range(c, &offset, &len) || c->p != c->end ||
	    get_state(s, &regs, &sregs)) {
		reply(s, "E01");
		return GDB_REPLY;
	}
	total = snprintf(xml, sizeof(xml),
			 "<?xml version=\"1.0\"?><target><architecture>%s</architecture></target>",
			 architecture(&sregs));
	if (offset >= total) {
		reply(s, "l");
		return GDB_REPLY;
	}
	if (len > GDB_PACKET_MAX - 1)
		len = GDB_PACKET_MAX - 1;
	if (len >= total - offset) {
		reply(s, "l");
		len = total - offset;
	} else {
		reply(s, "m");
	}
	memcpy(s->reply + 1, xml + offset, len);
	s->reply_len = 1 + len;
	s->reply[s->reply_len] = '\0';
	return GDB_REPLY;
}

static enum gdb_action cmd_query(struct gdb_session *s, struct cursor *c)
{
	static const char xfer[] = "qXfer:features:read:target.xml:";

	if (starts(c, xfer)) {
		c->p += sizeof(xfer) - 1;
		return cmd_target_xml(s, c);
	}
	if (starts(c, "qSupported"))
		/* GDB_PACKET_MAX, in hex; and the target description. */
		reply(s, "PacketSize=1000;qXfer:features:read+");
	else if (starts(c, "qAttached"))
		reply(s, "1");
	else if (starts(c, "qfThreadInfo"))
		reply(s, "m1");
	else if (starts(c, "qsThreadInfo"))
		reply(s, "l");
	else if (starts(c, "qC"))
		reply(s, "QC1");
	else if (starts(c, "qSymbol"))
		reply(s, "OK");
	else
		reply(s, "");
	return GDB_REPLY;
}

enum gdb_action gdb_handle(struct gdb_session *s, const char *pkt,
			   size_t len)
{
	struct cursor c = { pkt, pkt + len };

	reply(s, "");
	if (!len)
		return GDB_REPLY;
	switch (*c.p++) {
	case '?':
		reply(s, "S05");
		return GDB_REPLY;
	case 'g':
		return cmd_read_regs(s);
	case 'G':
		return cmd_write_regs(s, &c);
	case 'p':
		return cmd_reg(s, &c, false);
	case 'P':
		return cmd_reg(s, &c, true);
	case 'm':
		return cmd_read_mem(s, &c);
	case 'M':
		return cmd_write_mem(s, &c);
	case 'Z':
		return cmd_breakpoint(s, &c, true);
	case 'z':
		return cmd_breakpoint(s, &c, false);
	case 'c':
		return cmd_resume(s, &c, false, GDB_CONTINUE);
	case 'C':
		return cmd_resume(s, &c, true, GDB_CONTINUE);
	case 's':
		return cmd_resume(s, &c, false, GDB_STEP);
	case 'S':
		return cmd_resume(s, &c, true, GDB_STEP);
	case 'k':
		return GDB_KILL;
	case 'D':
		reply(s, "OK");
		return GDB_DETACH;
	case 'H':
	case 'T':
		reply(s, "OK");		/* one thread: the vCPU */
		return GDB_REPLY;
	case 'q':
		c.p--;
		return cmd_query(s, &c);
	default:
		return GDB_REPLY;	/* "": not supported */
	}
}
