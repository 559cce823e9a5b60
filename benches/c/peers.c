/* C peers side by side with jwtguard's C ABI, on the bench fixtures (benches/c/peers.sh).
 *
 * Candidates, each configured to check what jwtguard checks (signature, exp/nbf, iss, aud),
 * as far as its API allows:
 *   jwtguard-c-abi      jwtguard_verify on a configured verifier
 *   libjwt              jwt_decode with the key, then alg, iss, aud, exp and nbf by hand
 *                       (Debian's libjwt 1.10 has no validation API)
 *   floor:openssl-rsa   EVP_DigestVerify with a parsed EVP_PKEY over the signing input and the
 *                       pre-decoded signature: OpenSSL's signature check alone, no JWT work
 *   floor:openssl-hmac  EVP_MAC HMAC-SHA-256 with the key set once, tag compared
 * Every candidate must accept the token and reject a tampered copy before it is timed. Times:
 * rounds of about 300 us per candidate, interleaved, order rotated each round; each reduced to
 * its fastest round. Allocations per verify are counted by wrapping malloc and friends in this
 * executable (glibc's __libc_* entry points), which covers OpenSSL, libjwt and jansson.
 *
 * Usage: peers DIR [ROUNDS], DIR as written by `cargo run --release --bin fixtures DIR`. */
#define _GNU_SOURCE
#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jwtguard.h"

#define NOW 1700000000ULL
#define ISSUER "https://clerk.example.com"
#define AUDIENCE "api.example.com"
#define PARTY "https://app.example.com"

/* ---- allocation counter ---- */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static unsigned long allocs;
void *malloc(size_t n) { allocs++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { allocs++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { allocs++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }

static void die(const char *what) {
    fprintf(stderr, "peers: %s\n", what);
    exit(1);
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = __libc_malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) die("read");
    buf[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* base64url without padding, for the floors' pre-decoded signature. */
static size_t b64url_decode(const char *in, size_t n, unsigned char *out) {
    size_t bits = 0, len = 0;
    unsigned acc = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26
              : c >= '0' && c <= '9' ? c - '0' + 52 : c == '-' ? 62 : c == '_' ? 63 : -1;
        if (v < 0) die("bad base64url");
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[len++] = (unsigned char)(acc >> bits);
        }
    }
    return len;
}

/* ---- one case: the token, its tampered copy, and everything the candidates need ---- */
struct fixture {
    int rsa;
    char *token, *bad;
    size_t len;
    char *pem;
    size_t pem_len;
    char *secret;
    size_t secret_len;
    const unsigned char *input;
    size_t input_len;
    unsigned char sig[1024];
    size_t sig_len;
    struct jwtguard_verifier *jg;
    EVP_PKEY *pkey;
    EVP_MD_CTX *md;
    EVP_MAC_CTX *mac;
};

static int jg_verify(struct fixture *f, const char *tok) {
    struct jwtguard_result r;
    return jwtguard_verify(f->jg, (const uint8_t *)tok, strlen(tok), NOW, NULL, 0, &r) ==
           JWTGUARD_OK;
}

static int libjwt_verify(struct fixture *f, const char *tok) {
    jwt_t *jwt = NULL;
    const unsigned char *key = (const unsigned char *)(f->rsa ? f->pem : f->secret);
    int key_len = (int)(f->rsa ? f->pem_len : f->secret_len);
    int ok = jwt_decode(&jwt, tok, key, key_len) == 0 &&
             jwt_get_alg(jwt) == (f->rsa ? JWT_ALG_RS256 : JWT_ALG_HS256);
    if (ok) {
        const char *iss = jwt_get_grant(jwt, "iss"), *aud = jwt_get_grant(jwt, "aud");
        const char *azp = jwt_get_grant(jwt, "azp");
        long exp = jwt_get_grant_int(jwt, "exp"), nbf = jwt_get_grant_int(jwt, "nbf");
        ok = iss && strcmp(iss, ISSUER) == 0 && aud && strcmp(aud, AUDIENCE) == 0 && azp &&
             strcmp(azp, PARTY) == 0 && exp > (long)NOW && nbf <= (long)NOW;
    }
    jwt_free(jwt);
    return ok;
}

static int openssl_rsa(struct fixture *f, const unsigned char *input) {
    EVP_MD_CTX_reset(f->md);
    return EVP_DigestVerifyInit(f->md, NULL, EVP_sha256(), NULL, f->pkey) == 1 &&
           EVP_DigestVerify(f->md, f->sig, f->sig_len, input, f->input_len) == 1;
}

static int openssl_hmac(struct fixture *f, const unsigned char *input) {
    unsigned char tag[32];
    size_t n = 0;
    return EVP_MAC_init(f->mac, NULL, 0, NULL) == 1 &&
           EVP_MAC_update(f->mac, input, f->input_len) == 1 &&
           EVP_MAC_final(f->mac, tag, &n, sizeof tag) == 1 && n == f->sig_len &&
           CRYPTO_memcmp(tag, f->sig, n) == 0;
}

enum { JWTGUARD, LIBJWT, FLOOR, NCAND };
static const char *names[NCAND] = {"jwtguard-c-abi", "libjwt", "floor"};

static int run(int cand, struct fixture *f, const char *tok) {
    switch (cand) {
    case JWTGUARD: return jg_verify(f, tok);
    case LIBJWT: return libjwt_verify(f, tok);
    default: {
        /* The floors check the signature over the signing input: the tampered token's own
         * input (same length) for the rejection check, the fixture's otherwise. */
        const unsigned char *input = (const unsigned char *)tok;
        return f->rsa ? openssl_rsa(f, input) : openssl_hmac(f, input);
    }
    }
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void load(struct fixture *f, const char *dir, const char *name) {
    char path[4096];
    memset(f, 0, sizeof *f);
    f->rsa = strncmp(name, "rs256", 5) == 0;
    snprintf(path, sizeof path, "%s/%s.jwt", dir, name);
    if (!(f->token = slurp(path, &f->len))) die(path);
    f->bad = __libc_malloc(f->len + 1);
    memcpy(f->bad, f->token, f->len + 1);
    char *payload = strchr(f->bad, '.') + 1;
    payload[10] = payload[10] == 'A' ? 'B' : 'A';
    const char *last = strrchr(f->token, '.');
    f->input = (const unsigned char *)f->token;
    f->input_len = (size_t)(last - f->token);
    f->sig_len = b64url_decode(last + 1, strlen(last + 1), f->sig);

    f->jg = jwtguard_verifier_new();
    if (!f->jg) die("jwtguard_verifier_new");
    enum jwtguard_status st;
    if (f->rsa) {
        /* "rs256-2048-700" -> "rs256-2048.pem" */
        snprintf(path, sizeof path, "%s/%.*s.pem", dir, (int)(strrchr(name, '-') - name), name);
        if (!(f->pem = slurp(path, &f->pem_len))) die(path);
        st = jwtguard_verifier_add_key_pem(f->jg, JWTGUARD_ALG_RS256, JWTGUARD_LIT("ins_2bench"),
                                           (const uint8_t *)f->pem, f->pem_len);
        BIO *bio = BIO_new_mem_buf(f->pem, (int)f->pem_len);
        f->pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        BIO_free(bio);
        f->md = EVP_MD_CTX_new();
        if (!f->pkey || !f->md) die("OpenSSL key");
    } else {
        snprintf(path, sizeof path, "%s/hs256.key", dir);
        if (!(f->secret = slurp(path, &f->secret_len))) die(path);
        st = jwtguard_verifier_add_hmac(f->jg, JWTGUARD_ALG_HS256, NULL, 0, (const uint8_t *)f->secret,
                                         f->secret_len);
        EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        f->mac = EVP_MAC_CTX_new(mac);
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
            OSSL_PARAM_construct_end()};
        if (!f->mac || EVP_MAC_init(f->mac, (const unsigned char *)f->secret, f->secret_len,
                                    params) != 1)
            die("OpenSSL HMAC");
        EVP_MAC_free(mac);
    }
    if (st != JWTGUARD_OK ||
        jwtguard_verifier_add_issuer(f->jg, JWTGUARD_LIT(ISSUER)) != JWTGUARD_OK ||
        jwtguard_verifier_add_audience(f->jg, JWTGUARD_LIT(AUDIENCE)) != JWTGUARD_OK ||
        jwtguard_verifier_add_authorized_party(f->jg, JWTGUARD_LIT(PARTY)) != JWTGUARD_OK)
        die("jwtguard configuration");
}

int main(int argc, char **argv) {
    if (argc < 2) die("usage: peers DIR [ROUNDS]");
    const char *dir = argv[1];
    int rounds = argc > 2 ? atoi(argv[2]) : 300;
    char path[4096];
    size_t list_len;
    snprintf(path, sizeof path, "%s/cases", dir);
    char *list = slurp(path, &list_len);
    if (!list) die(path);
    printf("%d interleaved rounds per group; ratio = jwtguard-c-abi's minimum / the candidate's "
           "minimum; allocations counted per verify\n\n",
           rounds);
    printf("| group | library | min | median | jwtguard-c-abi ÷ library | allocations |\n");
    printf("|---|---|---:|---:|---:|---:|\n");
    for (char *name = strtok(list, "\n"); name; name = strtok(NULL, "\n")) {
        struct fixture f;
        load(&f, dir, name);
        long iters[NCAND];
        double *t[NCAND];
        unsigned long per_verify[NCAND];
        for (int c = 0; c < NCAND; c++) {
            if (!run(c, &f, f.token)) { fprintf(stderr, "%s rejects %s\n", names[c], name); return 1; }
            if (run(c, &f, f.bad)) { fprintf(stderr, "%s accepts tampered %s\n", names[c], name); return 1; }
            unsigned long before = allocs;
            for (int i = 0; i < 100; i++) run(c, &f, f.token);
            per_verify[c] = (allocs - before) / 100;
            double start = now_s();
            long n = 0;
            while (now_s() - start < 75e-6 || n < 2) { run(c, &f, f.token); n++; }
            iters[c] = n * 4;
            t[c] = __libc_malloc(sizeof(double) * (size_t)rounds);
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < NCAND; k++) {
                int c = (k + r) % NCAND;
                double start = now_s();
                for (long i = 0; i < iters[c]; i++)
                    if (!run(c, &f, f.token)) die("a verify failed mid-run");
                t[c][r] = (now_s() - start) / (double)iters[c];
            }
        }
        double mins[NCAND], meds[NCAND];
        for (int c = 0; c < NCAND; c++) {
            /* insertion sort: a few hundred values */
            for (int i = 1; i < rounds; i++)
                for (int j = i; j > 0 && t[c][j - 1] > t[c][j]; j--) {
                    double x = t[c][j]; t[c][j] = t[c][j - 1]; t[c][j - 1] = x;
                }
            mins[c] = t[c][0];
            meds[c] = t[c][rounds / 2];
        }
        /* "rs256-2048-700" -> "rs256-2048/700b", the Rust benches' group names */
        char group[64];
        snprintf(group, sizeof group, "%sb", name);
        *strrchr(group, '-') = '/';
        for (int c = 0; c < NCAND; c++) {
            const char *label = c == FLOOR ? (f.rsa ? "floor:openssl-rsa" : "floor:openssl-hmac") : names[c];
            char ratio[32] = "";
            if (c != JWTGUARD) snprintf(ratio, sizeof ratio, "%.2f×", mins[JWTGUARD] / mins[c]);
            printf("| %s | %s | %.2f µs | %.2f µs | %s | %lu |\n", group, label, mins[c] * 1e6,
                   meds[c] * 1e6, ratio, per_verify[c]);
        }
    }
    return 0;
}
