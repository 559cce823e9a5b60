#include "board.h"

/* Arm semihosting (Arm IHI 0039): `bkpt 0xab` with the operation in r0 and its argument in r1.
 * qemu implements it with -semihosting-config enable=on,target=native. */
static uint32_t semihost(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm("r0") = op;
    register const void *r1 __asm("r1") = arg;
    __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
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
    /* On 32-bit Arm, SYS_EXIT takes the reason code itself; qemu exits 0 for
     * ApplicationExit and 1 for anything else. */
    semihost(SYS_EXIT, (const void *)(code == 0 ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUN_TIME_ERROR));
    for (;;) {
    }
}

void abort(void)
{
    board_puts("FAIL: abort() (a panic in the library)\n");
    board_exit(1);
}

/* SysTick registers, ARMv7-M ARM B3.3. */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_RELOAD 0x00FFFFFFu

static volatile uint32_t wraps;

void systick_handler(void)
{
    wraps++;
}

void ticks_start(void)
{
    SYST_CSR = 0;
    SYST_RVR = SYST_RELOAD;
    SYST_CVR = 0;
    wraps = 0;
    /* ENABLE | TICKINT | CLKSOURCE (processor clock). */
    SYST_CSR = 0x7u;
    /* Writing CVR cleared it; it holds 0 until the first tick reloads it. Start counting from
     * the reload, so that 0 afterwards always means "about to wrap". */
    while (SYST_CVR == 0) {
    }
    wraps = 0;
}

void ticks_stop(void)
{
    SYST_CSR = 0;
}

uint64_t ticks_now(void)
{
    /* Read the wrap count around the counter so a wrap in between is not lost. */
    uint32_t w, v;
    do {
        w = wraps;
        v = SYST_CVR;
    } while (w != wraps);
    return (uint64_t)w * (SYST_RELOAD + 1u) + (SYST_RELOAD - v);
}
