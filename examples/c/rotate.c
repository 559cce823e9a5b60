/*
 * rotate.c: replacing a verifier while other threads verify with it, in C11 (issue 18).
 *
 * A server builds a new verifier off to the side (from a JWKS fetched again), then publishes
 * it; threads that are verifying keep the one they started with, and the old verifier is freed
 * when the last of them is done with it. The slot below does that with a mutex held only to
 * take or swap the pointer and count a reference (no verify runs under it), and an atomic count
 * per verifier:
 *
 *   struct held *h = slot_acquire(&slot);         // the current verifier, counted
 *   jwtguard_verify(h->verifier, ...);            // as long as it takes
 *   slot_release(h);                              // freed here if it was replaced meanwhile
 *
 *   slot_publish(&slot, new_verifier);            // any thread; the old one is released
 *
 * A bare atomic pointer is not enough: between a reader loading it and counting its reference,
 * the writer could free it. The mutex closes that window (as std::shared_ptr's atomic access
 * does in C++, see jwtguard::SwappableVerifier in jwtguard.hpp).
 *
 * Run as a test (make cpp-swap-test, under ThreadSanitizer and AddressSanitizer): 8 threads
 * verify while one thread publishes 1,000 verifiers, alternating two key sets, and every
 * verdict is checked against the set of the verifier that gave it.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jwtguard.h"

#ifndef JWTGUARD_DATA_DIR
#define JWTGUARD_DATA_DIR "examples/data"
#endif

/* ---- the slot ------------------------------------------------------------------------------ */

struct held {
    jwtguard_verifier *verifier;
    atomic_int refs; /* the slot's reference, plus one per thread using it */
    int set;         /* for the test: which key set it holds */
};

struct slot {
    pthread_mutex_t lock;
    struct held *current;
};

static struct held *slot_acquire(struct slot *s) {
    pthread_mutex_lock(&s->lock);
    struct held *h = s->current;
    atomic_fetch_add_explicit(&h->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&s->lock);
    return h;
}

static void slot_release(struct held *h) {
    /* acq_rel: the last release sees every use of the verifier before it frees it. */
    if (atomic_fetch_sub_explicit(&h->refs, 1, memory_order_acq_rel) == 1) {
        jwtguard_verifier_free(h->verifier);
        free(h);
    }
}

/* Publish `v` (configured and checked already); the slot's reference to the old one goes. */
static void slot_publish(struct slot *s, jwtguard_verifier *v, int set) {
    struct held *h = malloc(sizeof *h);
    if (!h) abort();
    h->verifier = v;
    h->set = set;
    atomic_init(&h->refs, 1);
    pthread_mutex_lock(&s->lock);
    struct held *old = s->current;
    s->current = h;
    pthread_mutex_unlock(&s->lock);
    if (old) slot_release(old);
}

/* ---- the test ------------------------------------------------------------------------------ */

static const uint64_t NOW = 1700000000;
static char *jwk_lines[3]; /* rsa-2024, rsa-2025, hmac-1 */
static char *tokens[3];    /* signed by rsa-2024, rsa-2025, hmac-1 */
static struct slot slot = {PTHREAD_MUTEX_INITIALIZER, NULL};
static atomic_bool done;
static atomic_long verdicts, wrong;

static char *slurp(const char *name) {
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
    return buf;
}

/* A verifier over set 0 (rsa-2024 and hmac-1) or set 1 (rsa-2025 and hmac-1). */
static jwtguard_verifier *build(int set) {
    jwtguard_verifier *v = jwtguard_verifier_new();
    const char *rsa = jwk_lines[set];
    if (!v || jwtguard_verifier_add_jwk(v, (const uint8_t *)rsa, strlen(rsa)) != JWTGUARD_OK ||
        jwtguard_verifier_add_jwk(v, (const uint8_t *)jwk_lines[2], strlen(jwk_lines[2])) != JWTGUARD_OK ||
        jwtguard_verifier_add_issuer(v, JWTGUARD_LIT("https://issuer.example")) != JWTGUARD_OK ||
        jwtguard_verifier_add_audience(v, JWTGUARD_LIT("api.example")) != JWTGUARD_OK ||
        jwtguard_verifier_add_authorized_party(v, JWTGUARD_LIT("https://app.example")) != JWTGUARD_OK ||
        jwtguard_verifier_check(v) != JWTGUARD_OK)
        abort();
    return v;
}

static bool passes(const jwtguard_verifier *v, const char *token) {
    jwtguard_result r;
    return jwtguard_verify(v, (const uint8_t *)token, strlen(token), NOW, NULL, 0, &r) == JWTGUARD_OK;
}

static void *reader(void *arg) {
    (void)arg;
    while (!atomic_load_explicit(&done, memory_order_acquire)) {
        struct held *h = slot_acquire(&slot);
        /* hmac-1 is in both sets: never fails. Each RSA token passes exactly with its set. */
        long bad = !passes(h->verifier, tokens[2]) + (passes(h->verifier, tokens[0]) != (h->set == 0)) +
                   (passes(h->verifier, tokens[1]) != (h->set == 1));
        slot_release(h);
        atomic_fetch_add(&wrong, bad);
        atomic_fetch_add(&verdicts, 3);
    }
    return NULL;
}

int main(void) {
    /* jwks.json: one key per line, "{"keys":[" first. */
    char *jwks = slurp("jwks.json"), *save = NULL;
    int k = 0;
    for (char *line = strtok_r(jwks, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] != '{' || strncmp(line, "{\"keys\"", 7) == 0 || k == 3) continue;
        size_t n = strlen(line);
        if (n && line[n - 1] == ',') line[n - 1] = '\0';
        jwk_lines[k++] = line;
    }
    char *text = slurp("tokens.txt"), *save2 = NULL;
    int t = 0;
    for (char *line = strtok_r(text, "\n", &save2); line && t < 3; line = strtok_r(NULL, "\n", &save2))
        if (line[0] != '#') tokens[t++] = line;
    if (k != 3 || t != 3) return 2;

    slot_publish(&slot, build(0), 0);
    pthread_t threads[8];
    for (int i = 0; i < 8; i++) pthread_create(&threads[i], NULL, reader, NULL);
    for (int i = 1; i <= 1000; i++) slot_publish(&slot, build(i % 2), i % 2);
    atomic_store_explicit(&done, true, memory_order_release);
    for (int i = 0; i < 8; i++) pthread_join(threads[i], NULL);
    slot_release(slot.current);
    free(jwks);
    free(text);
    printf("rotate: 1000 verifiers published, %ld verdicts, %ld wrong\n", atomic_load(&verdicts), atomic_load(&wrong));
    return atomic_load(&wrong) == 0 ? 0 : 1;
}
