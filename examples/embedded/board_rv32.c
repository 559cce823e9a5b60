/* board.h for RISC-V (rv32imc) on qemu's virt machine: output and exit over RISC-V
 * semihosting, and the instret counter as the instruction counter. */
#include "board.h"

/* RISC-V semihosting: the operation in a0 and its argument in a1, signalled by `ebreak`
 * between two marker instructions, all three uncompressed (RISC-V Semihosting spec §3). qemu
 * implements it with -semihosting-config enable=on,target=native. */
static uint32_t semihost(uint32_t op, const void *arg)
{
    register uint32_t a0 __asm("a0") = op;
    register const void *a1 __asm("a1") = arg;
    __asm volatile(".option push\n\t.option norvc\n\t.balign 16\n\t"
                   "slli x0, x0, 0x1f\n\tebreak\n\tsrai x0, x0, 7\n\t.option pop"
                   : "+r"(a0)
                   : "r"(a1)
                   : "memory");
    return a0;
}

#define SYS_WRITE0 0x04u
#define SYS_EXIT 0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUN_TIME_ERROR 0x20023u

void board_puts(const char *s)
{
    semihost(SYS_WRITE0, s);
}

void board_put_u64(uint64_t v)
{
    char buf[21];
    char *p = buf + sizeof buf - 1;
    *p = 0;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    board_puts(p);
}

void board_put_u32(uint32_t v)
{
    board_put_u64(v);
}

void board_exit(int code)
{
    /* On 32-bit targets SYS_EXIT takes the reason code itself. */
    semihost(SYS_EXIT, (const void *)(code == 0 ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUN_TIME_ERROR));
    for (;;) {
    }
}

void abort(void)
{
    board_puts("FAIL: abort() (a panic in the library)\n");
    board_exit(1);
}

/* instret (Zicntr): instructions retired. Under qemu's -icount it is the instruction count
 * itself, so BOARD_CPU_HZ is 1e9 (one "tick" per nanosecond, one nanosecond per instruction). */
void ticks_start(void)
{
}

void ticks_stop(void)
{
}

uint64_t ticks_now(void)
{
    uint32_t hi, lo, again;
    do {
        __asm volatile("rdinstreth %0" : "=r"(hi));
        __asm volatile("rdinstret %0" : "=r"(lo));
        __asm volatile("rdinstreth %0" : "=r"(again));
    } while (hi != again);
    return ((uint64_t)hi << 32) | lo;
}

/* The trap handler startup_rv32.S installs: any exception is a failure. */
void trap_handler(void)
{
    board_puts("FAIL: trap\n");
    board_exit(1);
}
