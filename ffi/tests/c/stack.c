/* Peak stack of a verify through the C ABI, per algorithm family and token capacity (issue 28):
 * the figures the README's "memory per verify" row gives, and a regression gate on them.
 *
 * Each case verifies in a thread whose stack is a buffer painted with a pattern; after the
 * thread ends, the deepest byte that changed gives the stack it used, less what a thread that
 * verifies nothing uses (the thread's start and this file's frame). The result lives outside the
 * stack: it is the caller's memory, counted apart (JWTGUARD_RESULT_SIZE, _LARGE_RESULT_SIZE).
 *
 * `stack` prints the table; `stack --check` also fails when a case uses more than its budget
 * below (the README's figures), and runs each case once more in an ordinary thread whose stack
 * is its budget plus STACK_MARGIN (a libc thread with a guard page: an overflow crashes).
 * Built by `make c-test` against the release library, which is what gateways link. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jwtguard.h"

static const uint64_t NOW = 1700000000;
#define PAINT 0xa5
#define PAINTED_STACK (512 * 1024)
/* What an ordinary thread needs beyond the library: libc's thread start, TLS, this file's frame
 * (and glibc counts its guard page in the size). */
#define STACK_MARGIN (16 * 1024)

typedef struct {
    const char *name;
    const char *keys;  /* a JWKS file in examples/data */
    const char *tokens; /* a token file, and the line of the token in it */
    int line;
    int large;         /* through jwtguard_verify_large */
    size_t budget;     /* bytes: the README's figure */
    /* filled in */
    jwtguard_verifier *v;
    char *token;
    jwtguard_status got;
    size_t used;
} stack_case;

/* The budgets are the README's "stack per verify" table (README.md, "Hard limits"), rounded
 * up from the figures measured on x86-64 with the release profile. */
static stack_case cases[] = {
    {"HS256", "algs.jwks.json", "algs.tokens.txt", 0, 0, 5120, NULL, NULL, JWTGUARD_OK, 0},
    {"HS512", "algs.jwks.json", "algs.tokens.txt", 2, 0, 5120, NULL, NULL, JWTGUARD_OK, 0},
    {"RS256-2048", "algs.jwks.json", "algs.tokens.txt", 3, 0, 7168, NULL, NULL, JWTGUARD_OK, 0},
    {"RS256-4096", "rsa4096.jwks.json", "rsa4096.tokens.txt", 0, 0, 9216, NULL, NULL, JWTGUARD_OK, 0},
    {"PS256-2048", "algs.jwks.json", "algs.tokens.txt", 6, 0, 7168, NULL, NULL, JWTGUARD_OK, 0},
    {"PS512-4096", "rsa4096.jwks.json", "rsa4096.tokens.txt", 1, 0, 9216, NULL, NULL, JWTGUARD_OK, 0},
    {"ES256", "algs.jwks.json", "algs.tokens.txt", 9, 0, 12288, NULL, NULL, JWTGUARD_OK, 0},
    {"ES384", "algs.jwks.json", "algs.tokens.txt", 10, 0, 16384, NULL, NULL, JWTGUARD_OK, 0},
    {"EdDSA", "algs.jwks.json", "algs.tokens.txt", 11, 0, 14336, NULL, NULL, JWTGUARD_OK, 0},
    {"RS256-2048, 14.6 KB token", "jwks.json", "large-token.txt", 0, 1, 13312, NULL, NULL, JWTGUARD_OK, 0},
};
#define N_CASES (sizeof cases / sizeof *cases)

static char *slurp(const char *name, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", JWTGUARD_DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = calloc((size_t)n + 1, 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) exit(2);
    fclose(f);
    if (len) *len = (size_t)n;
    return buf;
}

static char *nth_line(const char *file, int n) {
    char *text = slurp(file, NULL), *save = NULL, *out = NULL;
    int i = 0;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (l[0] == '#') continue;
        if (i++ == n) { out = strdup(l); break; }
    }
    free(text);
    if (!out) { fprintf(stderr, "%s has no line %d\n", file, n); exit(2); }
    return out;
}

/* Results outside any stack. */
static jwtguard_result result;
static jwtguard_large_result large_result;

static void *verify_case(void *arg) {
    stack_case *c = arg;
    if (!c) return NULL; /* the baseline: a thread that verifies nothing */
    c->got = c->large ? jwtguard_verify_large(c->v, (const uint8_t *)c->token, strlen(c->token), NOW, NULL, 0, &large_result)
                      : jwtguard_verify(c->v, (const uint8_t *)c->token, strlen(c->token), NOW, NULL, 0, &result);
    return NULL;
}

/* The stack a thread running verify_case(c) used, measured on a painted stack. */
static size_t painted_use(stack_case *c) {
    unsigned char *stk = aligned_alloc(4096, PAINTED_STACK);
    if (!stk) exit(2);
    memset(stk, PAINT, PAINTED_STACK);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stk, PAINTED_STACK);
    pthread_t t;
    if (pthread_create(&t, &attr, verify_case, c) != 0) exit(2);
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    size_t low = 0;
    while (low < PAINTED_STACK && stk[low] == PAINT) low++;
    free(stk);
    return PAINTED_STACK - low;
}

int main(int argc, char **argv) {
    int check = argc > 1 && strcmp(argv[1], "--check") == 0;
    int failures = 0;
    size_t baseline = painted_use(NULL);
    printf("%-28s %10s %10s  %s\n", "verify (release library)", "stack", "budget", "status");
    for (size_t i = 0; i < N_CASES; i++) {
        stack_case *c = &cases[i];
        size_t len;
        char *jwks = slurp(c->keys, &len);
        c->v = jwtguard_verifier_new();
        jwtguard_jwks_report rep;
        if (jwtguard_verifier_add_jwks_report(c->v, (const uint8_t *)jwks, len, &rep) != JWTGUARD_OK ||
            jwtguard_verifier_add_issuer(c->v, JWTGUARD_LIT("https://issuer.example")) != JWTGUARD_OK ||
            jwtguard_verifier_add_audience(c->v, JWTGUARD_LIT("api.example")) != JWTGUARD_OK ||
            jwtguard_verifier_set_max_token_size(c->v, JWTGUARD_MAX_TOKEN_CAPACITY) != JWTGUARD_OK) {
            fprintf(stderr, "%s: setup failed\n", c->name);
            return 2;
        }
        free(jwks);
        c->token = nth_line(c->tokens, c->line);
        size_t used = painted_use(c);
        c->used = used > baseline ? used - baseline : 0;
        int over = c->used > c->budget;
        int bad = c->got != JWTGUARD_OK;
        printf("%-28s %8zu B %8zu B  %s%s\n", c->name, c->used, c->budget, jwtguard_error_name(c->got),
               over ? "  OVER BUDGET" : "");
        if (check && (over || bad)) failures++;
    }
    if (check) {
        /* Each case again in an ordinary thread of budget + margin bytes of stack. */
        for (size_t i = 0; i < N_CASES; i++) {
            stack_case *c = &cases[i];
            pthread_attr_t attr;
            pthread_attr_init(&attr);
            pthread_attr_setstacksize(&attr, c->budget + STACK_MARGIN);
            pthread_t t;
            c->got = JWTGUARD_UNKNOWN_ERROR;
            if (pthread_create(&t, &attr, verify_case, c) != 0) exit(2);
            pthread_join(t, NULL);
            pthread_attr_destroy(&attr);
            if (c->got != JWTGUARD_OK) {
                fprintf(stderr, "%s in a thread of %zu bytes: %s\n", c->name, c->budget + STACK_MARGIN,
                        jwtguard_error_name(c->got));
                failures++;
            }
        }
        printf("%s: every verify within its budget, and in a thread of budget + %d bytes\n",
               failures ? "FAIL" : "ok", STACK_MARGIN);
    }
    for (size_t i = 0; i < N_CASES; i++) {
        jwtguard_verifier_free(cases[i].v);
        free(cases[i].token);
    }
    return failures ? 1 : 0;
}
