/* jwtguard on a Cortex-M4F with no heap, no OS and no clock: verify an HS256 and an RS256-2048
 * token held in flash, reject a tampered and an expired one, and measure what it costs.
 *
 * Everything lives in static storage or on the stack; there is no malloc in the image at all
 * (the link has no C library). Output goes over semihosting; scripts/embedded.sh runs this under
 * qemu-system-arm (-M mps2-an386 -icount shift=0) and checks every "ok"/"measure" line.
 *
 * Build variants, for the flash figures (JWTGUARD_EX_LEVEL):
 *   0  no library calls at all (startup, semihosting, measurement scaffolding);
 *   1  verifiers configured (keys and policy loaded), but no jwtguard_verify call;
 *   2  the full example (default).
 *
 * What a device opts into, for the per-feature flash costs (each needs the library feature of
 * the same name): -DEX_USE_DER, -DEX_USE_PEM, -DEX_USE_JWK load the RSA key in that format too;
 * -DEX_USE_MESSAGES and -DEX_USE_STATUS_NAMES call jwtguard_error_message and
 * jwtguard_error_name; -DEX_USE_TIME_FLOOR replays an old token after a clock reset;
 * -DEX_USE_ES256 loads a P-256 key and verifies an ES256 token (library feature es256). -DEX_NO_PERMISSIONS and -DEX_NO_METADATA leave out the policy's
 * permission and metadata field, for a library built without those features.
 *
 * -DEX_SMALL_RAM leaves out the second verifier, for parts with 16 KiB of RAM (Cortex-M0+ on
 * qemu's microbit). The file builds for Arm and RISC-V alike: board.h is the port. */
#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "embedded_vectors.h"
#include "jwtguard.h"

#ifndef JWTGUARD_EX_LEVEL
#define JWTGUARD_EX_LEVEL 2
#endif

#define STR(s) (const uint8_t *)(s), (sizeof(s) - 1)

static unsigned failures;

static void check(int ok, const char *what)
{
    board_puts(ok ? "ok   " : "FAIL ");
    board_puts(what);
    board_puts("\n");
    if (!ok)
        failures++;
}

static void measure(const char *what, uint32_t value, const char *unit)
{
    board_puts("measure ");
    board_puts(what);
    board_puts(": ");
    board_put_u32(value);
    board_puts(unit);
    board_puts("\n");
}

/* ---- instruction counting --------------------------------------------------------------- */

/* 2n instructions (a decrement and a branch per iteration, the last branch not taken). */
__attribute__((noinline)) static void spin(uint32_t n)
{
#if defined(__riscv)
    __asm volatile("1:\n\taddi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
#else
    __asm volatile(".syntax unified\n1:\n\tsubs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
#endif
}

/* Instructions in `ticks` of the board's counter: under `qemu -icount shift=0` one instruction
 * is one nanosecond, and the counter runs at BOARD_CPU_HZ. */
static uint32_t instructions(uint64_t ticks)
{
    return (uint32_t)(ticks * 1000000000ull / BOARD_CPU_HZ);
}

/* The counter's rate, measured on a loop of known length: whether it counts what the board
 * says (1 ns per instruction), within 1%. */
static int calibrate(void)
{
    const uint32_t n = 1000000;
    ticks_start();
    uint64_t t0 = ticks_now();
    spin(n);
    uint64_t t1 = ticks_now();
    uint64_t counted = instructions(t1 - t0);
    measure("calibration: instructions counted in a loop of 2000000", (uint32_t)counted, "");
    uint64_t diff = counted > 2ull * n ? counted - 2ull * n : 2ull * n - counted;
    return diff * 100 <= 2ull * n;
}

/* ---- stack painting ---------------------------------------------------------------------- */

extern uint32_t __stack_limit[];
#define PAINT 0xC5A5C5A5u

static inline uint32_t *current_sp(void)
{
    uint32_t *sp;
#if defined(__riscv)
    __asm volatile("mv %0, sp" : "=r"(sp));
#else
    __asm volatile("mov %0, sp" : "=r"(sp));
#endif
    return sp;
}

/* Fill the free stack (from its limit to 256 bytes below this frame) with PAINT. */
__attribute__((noinline)) static void paint_stack(void)
{
    uint32_t *end = current_sp() - 64;
    for (uint32_t *p = __stack_limit; p < end; p++)
        *p = PAINT;
}

/* Bytes below `sp` written since the paint: the deepest non-PAINT word decides. */
static uint32_t stack_used_below(const uint32_t *sp)
{
    const uint32_t *p = __stack_limit;
    while (p < sp && *p == PAINT)
        p++;
    return (uint32_t)((const uint8_t *)sp - (const uint8_t *)p);
}

#if JWTGUARD_EX_LEVEL >= 1

/* ---- the example ------------------------------------------------------------------------- */

/* Caller-provided storage: no malloc. Both are plain .bss. */
static jwtguard_verifier_storage storage;
#ifndef EX_SMALL_RAM
static jwtguard_verifier_storage storage4;
#endif

/* The device's RSA key as its modulus and exponent: no DER or PEM parser in the image (the
 * library is built without its key-format features). */
static enum jwtguard_status add_rsa_key(jwtguard_verifier *v, const uint8_t *kid, size_t kid_len)
{
    return jwtguard_verifier_add_rsa_components(v, JWTGUARD_ALG_RS256, kid, kid_len, EX_RSA2048_N,
                                                sizeof EX_RSA2048_N, EX_RSA2048_E,
                                                sizeof EX_RSA2048_E);
}

static const jwtguard_verifier *configure(void)
{
    jwtguard_verifier *v = NULL;
    check(jwtguard_verifier_init(&storage, sizeof storage / 2, &v) == JWTGUARD_STORAGE_TOO_SMALL,
          "storage of half the size is refused");
    check(jwtguard_verifier_init(&storage, sizeof storage, &v) == JWTGUARD_OK,
          "verifier built in static storage");
    check(jwtguard_verifier_add_hmac(v, JWTGUARD_ALG_HS256, STR("hmac-1"), STR(EX_HS256_SECRET)) == JWTGUARD_OK,
          "HS256 secret loaded");
    ticks_start();
    uint64_t t0 = ticks_now();
    enum jwtguard_status s = add_rsa_key(v, STR("rsa-2024"));
    uint64_t t1 = ticks_now();
    check(s == JWTGUARD_OK, "RSA-2048 public key loaded from its modulus and exponent");
    /* Includes computing R^2 mod n: done once per key, at load. */
    measure("instructions: RSA-2048 key load", instructions(t1 - t0), "");
    check(jwtguard_verifier_add_issuer(v, STR("https://issuer.example")) == JWTGUARD_OK &&
              jwtguard_verifier_add_audience(v, STR("api.example")) == JWTGUARD_OK &&
              jwtguard_verifier_add_authorized_party(v, STR("https://app.example")) == JWTGUARD_OK,
          "policy: issuer, audience, authorized party");
#ifndef EX_NO_PERMISSIONS
    check(jwtguard_verifier_add_required_permission(v, STR("leagues:read")) == JWTGUARD_OK,
          "policy: required permission");
#endif
#ifndef EX_NO_METADATA
    check(jwtguard_verifier_add_metadata_field(v, STR("user_data.name"), STR("name"), true) ==
              JWTGUARD_OK,
          "policy: metadata field");
#endif
#ifdef EX_USE_ES256
    check(jwtguard_verifier_add_ec_point(v, JWTGUARD_ALG_ES256, STR("es256-key"), EX_ES256_POINT,
                                         sizeof EX_ES256_POINT) == JWTGUARD_OK,
          "ES256 public key loaded from its SEC 1 point");
#endif
    return v;
}

static int same_text(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* The optional features a device opts into, each exercised once, in a verifier that is then
 * released (its storage is reused by the next one). */
static void exercise_features(void)
{
#if defined(EX_USE_DER) || defined(EX_USE_PEM) || defined(EX_USE_JWK)
    jwtguard_verifier *v = NULL;
    check(jwtguard_verifier_init(&storage4, sizeof storage4, &v) == JWTGUARD_OK,
          "key-format verifier built");
#ifdef EX_USE_DER
    check(jwtguard_verifier_add_key_der(v, JWTGUARD_ALG_RS256, STR("der"), EX_RSA2048_DER,
                                        sizeof EX_RSA2048_DER) == JWTGUARD_OK,
          "feature der: RSA key loaded from PKCS#1 DER");
#endif
#ifdef EX_USE_PEM
    check(jwtguard_verifier_add_key_pem(v, JWTGUARD_ALG_RS256, STR("pem"), STR(EX_RSA2048_PEM)) ==
              JWTGUARD_OK,
          "feature pem: RSA key loaded from SPKI PEM");
#endif
#ifdef EX_USE_JWK
    check(jwtguard_verifier_add_jwk(v, STR(EX_RSA2048_JWK)) == JWTGUARD_OK,
          "feature jwk: RSA key loaded from a JWK");
#endif
    jwtguard_verifier_deinit(v);
#endif
#ifdef EX_USE_MESSAGES
    check(same_text(jwtguard_error_message(JWTGUARD_EXPIRED), "Token has expired"),
          "feature messages: JWTGUARD_EXPIRED is \"Token has expired\"");
#endif
#ifdef EX_USE_STATUS_NAMES
    check(same_text(jwtguard_error_name(JWTGUARD_EXPIRED), "JWTGUARD_EXPIRED"),
          "feature status-names: JWTGUARD_EXPIRED is named");
#endif
    (void)same_text;
}

#ifndef EX_SMALL_RAM
/* A second verifier filled to its capacity with RSA-2048 keys: the RAM figure's subject. */
static const jwtguard_verifier *configure_four_rsa_keys(void)
{
    static const char kids[4][sizeof "rsa-2024"] = {"rsa-2024", "rsa-2025", "rsa-2026",
                                                     "rsa-2027"};
    jwtguard_verifier *v = NULL;
    int ok = jwtguard_verifier_init(&storage4, sizeof storage4, &v) == JWTGUARD_OK;
    for (unsigned i = 0; ok && i < 4; i++)
        ok = add_rsa_key(v, (const uint8_t *)kids[i], sizeof kids[i] - 1) == JWTGUARD_OK;
    check(ok && JWTGUARD_MAX_KEYS == 4, "second verifier holds 4 RSA-2048 keys");
    check(add_rsa_key(v, STR("rsa-2028")) == JWTGUARD_KEY_RING_FULL,
          "a fifth key is refused: JWTGUARD_KEY_RING_FULL");
    check(jwtguard_verifier_add_issuer(v, STR("https://issuer.example")) == JWTGUARD_OK &&
              jwtguard_verifier_add_audience(v, STR("api.example")) == JWTGUARD_OK,
          "second verifier policy set");
    return v;
}
#endif

#endif

#if JWTGUARD_EX_LEVEL >= 2

static jwtguard_result result;

struct cost {
    uint32_t stack;
    uint32_t instructions;
};

/* One verify, twice: once on a painted stack with SysTick stopped (so its exception frame cannot
 * land in the measurement), once counting instructions. The result must be the same both times. */
__attribute__((noinline)) static enum jwtguard_status
verify_measured(const jwtguard_verifier *v, const char *token, size_t len, struct cost *cost)
{
    ticks_stop();
    paint_stack();
    const uint32_t *sp = current_sp();
    enum jwtguard_status first = jwtguard_verify(v, (const uint8_t *)token, len, EX_NOW, NULL, 0,
                                                 &result);
    cost->stack = stack_used_below(sp);

    ticks_start();
    uint64_t t0 = ticks_now();
    uint64_t t1 = ticks_now();
    enum jwtguard_status second = jwtguard_verify(v, (const uint8_t *)token, len, EX_NOW, NULL,
                                                  0, &result);
    uint64_t t2 = ticks_now();
    /* Subtract the cost of reading the counter itself. */
    uint64_t ticks = (t2 - t1) - (t1 - t0);
    cost->instructions = instructions(ticks);
    return first == second ? first : JWTGUARD_UNKNOWN_ERROR;
}

/* The names of the statuses this example expects: the library's own table
 * (jwtguard_error_name) is a feature this build leaves out, 3 KB of flash a device need not
 * carry. Any other status prints as its number. */
static void put_status(enum jwtguard_status s)
{
    switch (s) {
    case JWTGUARD_OK: board_puts("JWTGUARD_OK"); return;
    case JWTGUARD_INVALID_SIGNATURE: board_puts("JWTGUARD_INVALID_SIGNATURE"); return;
    case JWTGUARD_EXPIRED: board_puts("JWTGUARD_EXPIRED"); return;
    default: board_puts("status "); board_put_u32((uint32_t)s); return;
    }
}

static void expect(const jwtguard_verifier *v, const char *what, const char *token,
                   enum jwtguard_status want, struct cost *cost)
{
    enum jwtguard_status got = verify_measured(v, token, __builtin_strlen(token), cost);
    board_puts(got == want ? "ok   " : "FAIL ");
    board_puts(what);
    board_puts(": ");
    put_status(got);
    board_puts("\n");
    if (got != want)
        failures++;
}

static int claim_is(const uint8_t *path, size_t path_len, const uint8_t *want, size_t want_len)
{
    uint8_t buf[64];
    size_t n = 0;
    if (jwtguard_result_claim(&result, path, path_len, buf, sizeof buf, &n) !=
            JWTGUARD_OK ||
        n != want_len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (buf[i] != want[i])
            return 0;
    return 1;
}

#endif

int main(void)
{
    board_puts("jwtguard firmware example: " BOARD_NAME ", no heap\n");
    int calibrated = calibrate();
    check(calibrated, "instruction counter calibrated (1 ns per instruction)");

#if JWTGUARD_EX_LEVEL >= 1
    const jwtguard_verifier *v = configure();
    exercise_features();
#ifndef EX_SMALL_RAM
    const jwtguard_verifier *v4 = configure_four_rsa_keys();
#endif
    measure("ram: jwtguard_verifier_storage", (uint32_t)sizeof(jwtguard_verifier_storage),
            " bytes");
    measure("ram: jwtguard_result", (uint32_t)sizeof(jwtguard_result), " bytes");
#endif

#if JWTGUARD_EX_LEVEL >= 2
    struct cost hs, rs, rs4, bad;
    expect(v, "HS256 token verified", EX_TOKEN_HS256, JWTGUARD_OK, &hs);
    check(claim_is(STR("sub"), STR("user_24601")), "HS256 claims read back: sub is user_24601");
    expect(v, "RS256-2048 token verified", EX_TOKEN_RS256, JWTGUARD_OK, &rs);
    check(claim_is(STR("user_data.name"), STR("Jean Valjean")),
          "RS256 claims read back: user_data.name is Jean Valjean");
    expect(v, "tampered token rejected", EX_TOKEN_TAMPERED, JWTGUARD_INVALID_SIGNATURE, &bad);
    expect(v, "expired token rejected", EX_TOKEN_EXPIRED, JWTGUARD_EXPIRED, &bad);
#ifndef EX_SMALL_RAM
    expect(v4, "RS256-2048 token verified by the 4-key verifier", EX_TOKEN_RS256, JWTGUARD_OK, &rs4);
#else
    (void)rs4;
#endif

    /* The time floor: the device stores it across reboots (here, a variable). After the
     * HS256 token passed, the floor rose to its iat; after a "reboot" that set the clock
     * 5,000 s back, a replayed token that expired an hour before EX_NOW passes against the
     * clock and fails against the floor. (A variant, -DEX_USE_TIME_FLOOR: its extra token would
     * count against the base example's flash budget.) */
#ifdef EX_USE_TIME_FLOOR
    {
        uint64_t floor = 0;
        check(jwtguard_verify(v, STR(EX_TOKEN_HS256), EX_NOW, NULL, 0, &result) == JWTGUARD_OK,
              "time floor: a fresh token verified");
        floor = jwtguard_time_floor_raise(v, &result, EX_NOW, floor);
        check(floor == EX_NOW - 60, "time floor: raised to the token's iat");
        const uint64_t clock = EX_NOW - 5000;
        check(jwtguard_verify(v, STR(EX_TOKEN_OLD), clock, NULL, 0, &result) == JWTGUARD_OK,
              "time floor: the set-back clock alone accepts a replayed old token");
        check(jwtguard_verify(v, STR(EX_TOKEN_OLD), jwtguard_time_floor_now(floor, clock), NULL, 0,
                              &result) == JWTGUARD_EXPIRED,
              "time floor: the floor refuses it: JWTGUARD_EXPIRED");
    }
#endif

#ifdef EX_USE_ES256
    struct cost es;
    expect(v, "ES256 token verified", EX_TOKEN_ES256, JWTGUARD_OK, &es);
    measure("stack: ES256 verify", es.stack, " bytes");
    measure("instructions: ES256 verify", es.instructions, "");
#endif

    measure("stack: HS256 verify", hs.stack, " bytes");
    measure("stack: RS256 verify", rs.stack, " bytes");
    measure("instructions: HS256 verify", hs.instructions, "");
    measure("instructions: RS256 verify", rs.instructions, "");
#elif JWTGUARD_EX_LEVEL == 1
    (void)v;
#ifndef EX_SMALL_RAM
    (void)v4;
#endif
#endif
#if JWTGUARD_EX_LEVEL < 2
    (void)stack_used_below;
    (void)paint_stack;
#endif

    if (failures != 0) {
        board_puts("FAIL: ");
        board_put_u32(failures);
        board_puts(" check(s) failed\n");
        return 1;
    }
    board_puts("all checks passed\n");
    return 0;
}
