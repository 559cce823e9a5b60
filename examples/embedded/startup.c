/* Reset and exception vectors for a Cortex-M, with no C library: copy .data from flash, zero
 * .bss, turn on the FPU where there is one (the M4F's library is built for the hard-float
 * ABI), call main. The Cortex-M0+ uses the same table (its vectors 4-6 and 12 are reserved). */
#include <stdint.h>

#include "board.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
int main(void);

void reset_handler(void)
{
    uint32_t *src = __data_load;
    for (uint32_t *dst = __data_start; dst < __data_end;)
        *dst++ = *src++;
    for (uint32_t *dst = __bss_start; dst < __bss_end;)
        *dst++ = 0;
#if defined(__ARM_FP)
    /* CPACR: full access to coprocessors 10 and 11 (the FPU), ARMv7-M ARM B3.2.20. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
    board_exit(main());
}

static void fault_handler(void)
{
    board_puts("FAIL: hard fault\n");
    board_exit(1);
}

void systick_handler(void);

__attribute__((section(".vectors"), used)) static const void *const vectors[16] = {
    __stack_top,        /* initial main stack pointer */
    reset_handler,      /* reset */
    fault_handler,      /* NMI */
    fault_handler,      /* hard fault */
    fault_handler,      /* memory management fault */
    fault_handler,      /* bus fault */
    fault_handler,      /* usage fault */
    0, 0, 0, 0,         /* reserved */
    fault_handler,      /* SVCall */
    fault_handler,      /* debug monitor */
    0,                  /* reserved */
    fault_handler,      /* PendSV */
    systick_handler,    /* SysTick */
};
