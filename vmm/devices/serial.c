// SPDX-License-Identifier: GPL-2.0
/*
 * COM1 as a polled 16550: enough for a guest to print and to read
 * standard input. No interrupts, no FIFO, no baud rate.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <kvmlab/layout.h>

#include "devices/devices.h"

#define UART_NR_PORTS	8

/* Register offsets from the base port. */
#define UART_RBR	0	/* receive buffer (read) */
#define UART_THR	0	/* transmit holding (write) */
#define UART_DLL	0	/* divisor latch low, when LCR.DLAB */
#define UART_IER	1	/* interrupt enable */
#define UART_DLM	1	/* divisor latch high, when LCR.DLAB */
#define UART_IIR	2	/* interrupt identification (read) */
#define UART_FCR	2	/* FIFO control (write) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_MSR	6	/* modem status */
#define UART_SCR	7	/* scratch */

#define UART_LCR_DLAB	0x80	/* offsets 0 and 1 are the divisor */
#define UART_MCR_LOOP	0x10	/* transmitter wired to the receiver */
#define UART_MCR_MASK	0x1f
#define UART_IER_MASK	0x0f
#define UART_IIR_NONE	0x01	/* no interrupt pending */
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_LSR_TEMT	0x40	/* transmitter empty */
/* Outside loopback the modem lines say "connected": CTS, DSR, DCD. */
#define UART_MSR_IDLE	0xb0
/*
 * In loopback, MCR bits 0-3 (DTR RTS OUT1 OUT2) come back as MSR bits
 * 5 4 6 7 (DSR CTS RI DCD).
 */
#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80

static bool dlab(const struct serial *uart)
{
	return uart->lcr & UART_LCR_DLAB;
}

static bool loopback(const struct serial *uart)
{
	return uart->mcr & UART_MCR_LOOP;
}

/* Fetch one input byte if one is there now; never wait for it. */
static void serial_fill_rx(struct serial *uart)
{
	struct pollfd pfd = { .fd = uart->in_fd, .events = POLLIN };
	ssize_t n;

	if (uart->rx_full || uart->in_eof || uart->in_fd < 0 ||
	    loopback(uart))
		return;
	if (poll(&pfd, 1, 0) <= 0)
		return;
	n = read(uart->in_fd, &uart->rx, 1);
	if (n == 1)
		uart->rx_full = true;
	else if (n == 0 || errno != EINTR)
		uart->in_eof = true;
}

static uint8_t serial_msr(const struct serial *uart)
{
	uint8_t mcr = uart->mcr, msr = 0;

	if (!loopback(uart))
		return UART_MSR_IDLE;
	if (mcr & UART_MCR_DTR)
		msr |= UART_MSR_DSR;
	if (mcr & UART_MCR_RTS)
		msr |= UART_MSR_CTS;
	if (mcr & UART_MCR_OUT1)
		msr |= UART_MSR_RI;
	if (mcr & UART_MCR_OUT2)
		msr |= UART_MSR_DCD;
	return msr;
}

static uint8_t serial_read(struct serial *uart, uint64_t reg)
{
	uint8_t value;

	switch (reg) {
	case UART_RBR:
		if (dlab(uart))
			return uart->dll;
		serial_fill_rx(uart);
		value = uart->rx_full ? uart->rx : 0;
		uart->rx_full = false;
		return value;
	case UART_IER:
		return dlab(uart) ? uart->dlm : uart->ier;
	case UART_IIR:
		return UART_IIR_NONE;
	case UART_LCR:
		return uart->lcr;
	case UART_MCR:
		return uart->mcr;
	case UART_LSR:
		serial_fill_rx(uart);
		value = UART_LSR_THRE | UART_LSR_TEMT;
		return uart->rx_full ? value | UART_LSR_DR : value;
	case UART_MSR:
		return serial_msr(uart);
	default:
		return uart->scr;
	}
}

/* A byte to transmit: to the output, or back to ourselves. */
static void serial_transmit(struct serial *uart, uint8_t value)
{
	if (!loopback(uart)) {
		fputc(value, uart->out);
		return;
	}
	uart->rx = value;
	uart->rx_full = true;
}

static void serial_write(struct serial *uart, uint64_t reg, uint8_t value)
{
	switch (reg) {
	case UART_THR:
		if (dlab(uart))
			uart->dll = value;
		else
			serial_transmit(uart, value);
		break;
	case UART_IER:
		if (dlab(uart))
			uart->dlm = value;
		else
			uart->ier = value & UART_IER_MASK;
		break;
	case UART_FCR:
		uart->fcr = value;
		break;
	case UART_LCR:
		uart->lcr = value;
		break;
	case UART_MCR:
		uart->mcr = value & UART_MCR_MASK;
		break;
	case UART_SCR:
		uart->scr = value;
		break;
	default:
		break;		/* LSR and MSR: read-only */
	}
}

static int serial_io(void *opaque, uint64_t offset, uint8_t *data,
		     uint32_t len, bool is_write)
{
	struct serial *uart = opaque;
	uint32_t i;

	/* A wide access touches consecutive registers, as on hardware. */
	for (i = 0; i < len; i++) {
		if (is_write)
			serial_write(uart, offset + i, data[i]);
		else
			data[i] = serial_read(uart, offset + i);
	}
	return 0;
}

int serial_register(struct serial *uart, struct bus *pio, FILE *out,
		    int in_fd)
{
	memset(uart, 0, sizeof(*uart));
	uart->out = out;
	uart->in_fd = in_fd;
	return bus_register(pio, "serial", COM1_PORT, UART_NR_PORTS, serial_io,
			    uart);
}
