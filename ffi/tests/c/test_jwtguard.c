/* C tests of the jwtguard C API against the committed header and the static library.
 * Built by `make c-test` with -Wall -Wextra -Werror and, where available, ASan + UBSan. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jwtguard.h"

static int failures, checks;

#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STATUS(expr, want) do { jwtguard_status got_ = (expr); checks++; if (got_ != (want)) { \
    failures++; fprintf(stderr, "%s:%d: %s = %s (%d), want %s\n", __FILE__, __LINE__, #expr, \
    jwtguard_error_name(got_), (int)got_, #want); } } while (0)
#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

static const uint64_t NOW = 1700000000;

static bool contains(const uint8_t *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0) return true;
    return false;
}

/* The sample tokens, in the order make_sample_data writes them. */
enum { VALID_RS1, VALID_RS2, VALID_HS, EXPIRED, WRONG_AUD, NO_AZP, TAMPERED, UNKNOWN_KID, ALG_NONE,
       MISSING_PERMISSION, MISSING_FIELD, N_SAMPLES };
static char *samples[N_SAMPLES];
static char *jwks;
static size_t jwks_len;

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

static void load_samples(void) {
    jwks = slurp("jwks.json", &jwks_len);
    char *text = slurp("tokens.txt", NULL), *save = NULL;
    int i = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (line[0] != '#' && i < N_SAMPLES) samples[i++] = strdup(line);
    free(text);
    if (i != N_SAMPLES) { fprintf(stderr, "expected %d samples, got %d\n", N_SAMPLES, i); exit(2); }
}

/* The bundled policy, through the API. */
static jwtguard_status configure(jwtguard_verifier *v) {
    jwtguard_status s;
    size_t loaded = 0, skipped = 99;
    if ((s = jwtguard_verifier_add_jwks(v, (const uint8_t *)jwks, jwks_len, &loaded, &skipped))) return s;
    if (loaded != 3 || skipped != 0) return JWTGUARD_UNKNOWN_ERROR;
    if ((s = jwtguard_verifier_add_issuer(v, S("https://issuer.example")))) return s;
    if ((s = jwtguard_verifier_add_audience(v, S("api.example")))) return s;
    if ((s = jwtguard_verifier_add_authorized_party(v, S("https://app.example")))) return s;
    if ((s = jwtguard_verifier_add_required_permission(v, S("leagues:read")))) return s;
    if ((s = jwtguard_verifier_add_metadata_field(v, S("user_data.name"), NULL, 0, true))) return s;
    return jwtguard_verifier_add_metadata_field(v, S("user_data.aliases"), NULL, 0, false);
}

static jwtguard_status verify(const jwtguard_verifier *v, const char *token, jwtguard_result *r) {
    return jwtguard_verify(v, (const uint8_t *)token, strlen(token), NOW, NULL, 0, r);
}

static void test_each_sample(const jwtguard_verifier *v) {
    static const jwtguard_status want[N_SAMPLES] = {
        JWTGUARD_OK, JWTGUARD_OK, JWTGUARD_OK, JWTGUARD_EXPIRED, JWTGUARD_INVALID_AUDIENCE,
        JWTGUARD_INVALID_AUTHORIZED_PARTY, JWTGUARD_INVALID_SIGNATURE, JWTGUARD_UNKNOWN_KEY,
        JWTGUARD_UNSUPPORTED_ALGORITHM, JWTGUARD_INSUFFICIENT_PERMISSIONS, JWTGUARD_MISSING_METADATA_FIELD,
    };
    for (int i = 0; i < N_SAMPLES; i++) {
        jwtguard_result r;
        CHECK_STATUS(verify(v, samples[i], &r), want[i]);
    }
    jwtguard_result r;
    CHECK_STATUS(verify(v, samples[MISSING_FIELD], &r), JWTGUARD_MISSING_METADATA_FIELD);
    CHECK(jwtguard_result_field(&r) == 0);
    CHECK(strcmp(jwtguard_error_message(JWTGUARD_EXPIRED), "Token has expired") == 0);
    CHECK(strcmp(jwtguard_error_message(JWTGUARD_INVALID_AUDIENCE), "Invalid audience.") == 0);
    CHECK(strcmp(jwtguard_error_message(JWTGUARD_INVALID_AUTHORIZED_PARTY), "Invalid authorized party.") == 0);
    CHECK(strcmp(jwtguard_error_name(JWTGUARD_EXPIRED), "JWTGUARD_EXPIRED") == 0);
}

static void test_other_error_classes(const jwtguard_verifier *v) {
    jwtguard_result r;
    /* format */
    CHECK_STATUS(verify(v, "abc", &r), JWTGUARD_MALFORMED);
    CHECK_STATUS(verify(v, "a.b.c+", &r), JWTGUARD_BASE64);
    char *long_token = malloc(2050);
    memset(long_token, 'A', 2049);
    long_token[2049] = '\0';
    CHECK_STATUS(verify(v, long_token, &r), JWTGUARD_TOKEN_TOO_LONG);
    free(long_token);
    /* an embedded NUL: the length says where the token ends, and the NUL is a format error */
    size_t n = strlen(samples[VALID_RS1]);
    char *with_nul = strdup(samples[VALID_RS1]);
    with_nul[10] = '\0';
    CHECK_STATUS(jwtguard_verify(v, (const uint8_t *)with_nul, n, NOW, NULL, 0, &r), JWTGUARD_BASE64);
    free(with_nul);
    /* time, with the clock moved */
    CHECK_STATUS(jwtguard_verify(v, (const uint8_t *)samples[VALID_RS1], n, NOW + 7200, NULL, 0, &r), JWTGUARD_EXPIRED);
    /* per-call permissions */
    jwtguard_str need[2] = {{S("leagues:write")}, {S("admin")}};
    CHECK_STATUS(jwtguard_verify(v, (const uint8_t *)samples[VALID_RS1], n, NOW, need, 1, &r), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verify(v, (const uint8_t *)samples[VALID_RS1], n, NOW, need, 2, &r), JWTGUARD_INSUFFICIENT_PERMISSIONS);
    /* key loading */
    jwtguard_verifier *k = jwtguard_verifier_new();
    CHECK_STATUS(jwtguard_verifier_add_hmac(k, JWTGUARD_ALG_HS256, NULL, 0, S("short")), JWTGUARD_KEY_TOO_SHORT);
    CHECK_STATUS(jwtguard_verifier_add_key_pem(k, JWTGUARD_ALG_RS256, S("x"), S("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")), JWTGUARD_KEY_FORMAT);
    CHECK_STATUS(jwtguard_verifier_add_key_der(k, JWTGUARD_ALG_RS256, NULL, 0, S("\x30\x00")), JWTGUARD_KEY_FORMAT);
    CHECK_STATUS(jwtguard_verifier_add_jwk(k, S("{\"kty\":\"EC\",\"crv\":\"P-521\"}")), JWTGUARD_UNSUPPORTED_KEY_TYPE);
    /* an EC JWK without its curve is malformed (RFC 7518 6.2.1.1) */
    CHECK_STATUS(jwtguard_verifier_add_jwk(k, S("{\"kty\":\"EC\"}")), JWTGUARD_KEY_FORMAT);
    CHECK_STATUS(jwtguard_verifier_add_jwks(k, S("{\"keys\":[]}"), NULL, NULL), JWTGUARD_NO_USABLE_KEYS);
    CHECK_STATUS(jwtguard_verifier_add_metadata_field(k, S("a..b"), NULL, 0, false), JWTGUARD_INVALID_METADATA_FIELD);
    CHECK_STATUS(jwtguard_verifier_add_issuer(k, S("")), JWTGUARD_INVALID_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_add_issuer(k, S("\xff")), JWTGUARD_INVALID_ARGUMENT);
    for (int i = 0; i < JWTGUARD_MAX_ENTRIES; i++) CHECK_STATUS(jwtguard_verifier_add_audience(k, S("a")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_audience(k, S("a")), JWTGUARD_CAPACITY_EXCEEDED);
    /* fail-safe defaults: no issuer is a setup error at verify and in jwtguard_verifier_check,
     * until one is added or the check is waived explicitly */
    CHECK_STATUS(jwtguard_verifier_check(k), JWTGUARD_ISSUER_NOT_CONFIGURED);
    CHECK_STATUS(verify(k, samples[VALID_RS1], &r), JWTGUARD_ISSUER_NOT_CONFIGURED);
    CHECK_STATUS(jwtguard_verifier_allow_any_issuer(k), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_check(k), JWTGUARD_OK);
    /* an empty verifier knows no key */
    CHECK_STATUS(verify(k, samples[VALID_RS1], &r), JWTGUARD_UNKNOWN_KEY);
    jwtguard_verifier_free(k);
    jwtguard_verifier *na = jwtguard_verifier_new();
    CHECK_STATUS(jwtguard_verifier_add_issuer(na, S("https://issuer.example")), JWTGUARD_OK);
    CHECK_STATUS(verify(na, samples[VALID_RS1], &r), JWTGUARD_AUDIENCE_NOT_CONFIGURED);
    CHECK_STATUS(jwtguard_verifier_allow_no_audience(na), JWTGUARD_OK);
    CHECK_STATUS(verify(na, samples[VALID_RS1], &r), JWTGUARD_UNKNOWN_KEY);
    jwtguard_verifier_free(na);
}

static void test_accessors(const jwtguard_verifier *v) {
    jwtguard_result r;
    CHECK_STATUS(verify(v, samples[VALID_RS1], &r), JWTGUARD_OK);
    uint8_t out[512];
    size_t len = 0;
    CHECK_STATUS(jwtguard_result_metadata(v, &r, out, sizeof out, &len), JWTGUARD_OK);
    const char *want_meta = "{\"name\":\"Jean Valjean\",\"aliases\":[\"Monsieur Madeleine\",\"Ultime Fauchelevent\"]}";
    CHECK(len == strlen(want_meta) && memcmp(out, want_meta, len) == 0);
    /* too small: the size needed comes back, nothing is promised in the buffer */
    size_t needed = 0;
    CHECK_STATUS(jwtguard_result_metadata(v, &r, out, 4, &needed), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(needed == len);
    CHECK_STATUS(jwtguard_result_metadata(v, &r, NULL, 0, &needed), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK_STATUS(jwtguard_result_claims_json(&r, out, sizeof out, &len), JWTGUARD_OK);
    CHECK(len > 0 && out[0] == '{' && contains(out, len, "\"sub\":\"user_24601\""));
    CHECK_STATUS(jwtguard_result_claim(&r, S("user_data.name"), out, sizeof out, &len), JWTGUARD_OK);
    CHECK(len == 12 && memcmp(out, "Jean Valjean", 12) == 0);
    CHECK_STATUS(jwtguard_result_claim(&r, S("permissions"), out, sizeof out, &len), JWTGUARD_OK);
    CHECK(len == 32 && memcmp(out, "[\"leagues:read\",\"leagues:write\"]", 32) == 0);
    CHECK_STATUS(jwtguard_result_claim(&r, S("exp"), out, sizeof out, &len), JWTGUARD_OK);
    CHECK(len == 10 && memcmp(out, "1700003600", 10) == 0);
    CHECK_STATUS(jwtguard_result_claim(&r, S("nope"), out, sizeof out, &len), JWTGUARD_CLAIM_NOT_FOUND);
    CHECK_STATUS(jwtguard_result_claim(&r, S("user_data.name"), out, 3, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == 12);
    {
        /* Several claims in one call, as a gateway copying claims to headers reads them. */
        const jwtguard_str paths[3] = {{JWTGUARD_LIT("user_data.name")}, {JWTGUARD_LIT("nope")},
                                       {JWTGUARD_LIT("exp")}};
        jwtguard_str values[3];
        uint8_t both[32];
        size_t used = 0;
        CHECK_STATUS(jwtguard_result_claims_batch(&r, paths, 3, both, sizeof both, values, &used),
                     JWTGUARD_OK);
        CHECK(used == 22);
        CHECK(values[0].len == 12 && memcmp(values[0].ptr, "Jean Valjean", 12) == 0);
        CHECK(values[1].ptr == NULL && values[1].len == 0);
        CHECK(values[2].len == 10 && memcmp(values[2].ptr, "1700003600", 10) == 0);
        CHECK_STATUS(jwtguard_result_claims_batch(&r, paths, 3, both, 21, values, &used),
                     JWTGUARD_BUFFER_TOO_SMALL);
        CHECK(used == 22);
    }
    uint64_t exp = 0;
    CHECK_STATUS(jwtguard_result_exp(&r, &exp), JWTGUARD_OK);
    CHECK(exp == NOW + 3600);
    /* The whole payload, compact; and the protected header's members (authenticated by the
     * same signature). */
    CHECK_STATUS(jwtguard_result_payload(&r, out, sizeof out, &len), JWTGUARD_OK);
    CHECK(len > 0 && out[0] == '{' && out[len - 1] == '}' && contains(out, len, "\"sub\":\"user_24601\"") &&
          contains(out, len, "\"user_data\":{\"name\":\"Jean Valjean\"") && !contains(out, len, ": "));
    CHECK_STATUS(jwtguard_result_payload(&r, NULL, 0, &needed), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(needed == len);
    CHECK_STATUS(jwtguard_result_header(&r, S("alg"), out, sizeof out, &len), JWTGUARD_OK);
    CHECK(len == 5 && memcmp(out, "RS256", 5) == 0);
    CHECK_STATUS(jwtguard_result_header(&r, S("kid"), out, sizeof out, &len), JWTGUARD_OK);
    CHECK(len == 8 && memcmp(out, "rsa-2024", 8) == 0);
    CHECK_STATUS(jwtguard_result_header(&r, S("x5u"), out, sizeof out, &len), JWTGUARD_CLAIM_NOT_FOUND);
    CHECK_STATUS(jwtguard_result_header(&r, S("alg"), out, 2, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == 5);
    /* The signature checks a verify cost, whatever its verdict. */
    CHECK(jwtguard_result_keys_tried(&r) == 1);
    CHECK_STATUS(verify(v, samples[TAMPERED], &r), JWTGUARD_INVALID_SIGNATURE);
    CHECK(jwtguard_result_keys_tried(&r) == 1);
    CHECK_STATUS(verify(v, samples[UNKNOWN_KID], &r), JWTGUARD_UNKNOWN_KEY);
    CHECK(jwtguard_result_keys_tried(&r) == 0);
    CHECK(jwtguard_result_keys_tried(NULL) == 0);
    /* a failed result has no claims */
    CHECK_STATUS(verify(v, samples[EXPIRED], &r), JWTGUARD_EXPIRED);
    CHECK(jwtguard_result_keys_tried(&r) == 1);
    CHECK_STATUS(jwtguard_result_claims_json(&r, out, sizeof out, &len), JWTGUARD_NO_RESULT);
    CHECK_STATUS(jwtguard_result_payload(&r, out, sizeof out, &len), JWTGUARD_NO_RESULT);
    CHECK_STATUS(jwtguard_result_header(&r, S("alg"), out, sizeof out, &len), JWTGUARD_NO_RESULT);
    CHECK(jwtguard_result_field(&r) == -1);
    /* a result never filled is recognised as such */
    jwtguard_result blank;
    memset(&blank, 0xA5, sizeof blank);
    CHECK_STATUS(jwtguard_result_claims_json(&blank, out, sizeof out, &len), JWTGUARD_NO_RESULT);
}

/* The explain walk (explain.cases.txt, the table the CLI's tests read too): for tokens that fail
 * in none, one, two and five ways, and before the signature, the verdict is jwtguard_verify's,
 * the failing checks are listed in order, and nothing after a failed signature is looked at. */
static void test_explain(const jwtguard_verifier *v) {
    char *text = slurp("explain.cases.txt", NULL), *save = NULL;
    int cases = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') continue;
        char *fields[4], *f = line;
        for (int i = 0; i < 4; i++) {
            fields[i] = f;
            char *bar = i < 3 ? strstr(f, " | ") : NULL;
            if (bar) { *bar = 0; f = bar + 3; }
        }
        const char *verdict = fields[1], *failing = fields[2], *token = fields[3];
        jwtguard_check steps[JWTGUARD_EXPLAIN_MAX_STEPS];
        size_t n = 0;
        jwtguard_status s = jwtguard_explain(v, (const uint8_t *)token, strlen(token), NOW, NULL, 0, steps,
                                             JWTGUARD_EXPLAIN_MAX_STEPS, &n);
        jwtguard_result r;
        CHECK_STATUS(s, verify(v, token, &r));
        CHECK(strcmp(jwtguard_error_name(s), verdict) == 0);
        /* The failing checks, keys left out, joined as the table writes them. */
        char got[256] = "";
        bool signature_failed = false, read_after = false;
        for (size_t i = 0; i < n; i++) {
            if (signature_failed) read_after = true;
            if (steps[i].check == JWTGUARD_CHECK_SIGNATURE && steps[i].status != JWTGUARD_OK) signature_failed = true;
            if (steps[i].check == JWTGUARD_CHECK_KEY) {
                CHECK(steps[i].algorithm == JWTGUARD_ALG_RS256 && steps[i].kid.len == 8 &&
                      memcmp(steps[i].kid.ptr, "rsa-2024", 8) == 0);
                continue;
            }
            if (steps[i].status == JWTGUARD_OK) continue;
            if (got[0]) strcat(got, ",");
            strcat(got, jwtguard_check_name(steps[i].check));
        }
        if (!got[0]) strcpy(got, "-");
        if (strcmp(got, failing) != 0) fprintf(stderr, "explain %s: failing %s, want %s\n", fields[0], got, failing);
        CHECK(strcmp(got, failing) == 0);
        CHECK(!read_after);
        cases++;
    }
    CHECK(cases == 6);
    /* A short array gets the first steps and the whole count; bad arguments are refused. */
    jwtguard_check two[2];
    size_t n = 0;
    CHECK_STATUS(jwtguard_explain(v, (const uint8_t *)samples[EXPIRED], strlen(samples[EXPIRED]), NOW, NULL, 0,
                                  two, 2, &n),
                 JWTGUARD_EXPIRED);
    CHECK(n > 2 && two[0].check == JWTGUARD_CHECK_FORMAT && two[1].check == JWTGUARD_CHECK_HEADER);
    CHECK_STATUS(jwtguard_explain(v, (const uint8_t *)"a.b.c", 5, NOW, NULL, 0, NULL, 0, NULL),
                 JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_explain(NULL, (const uint8_t *)"a.b.c", 5, NOW, NULL, 0, NULL, 0, &n),
                 JWTGUARD_NULL_ARGUMENT);
    CHECK(jwtguard_check_name(0) == NULL && jwtguard_check_name(JWTGUARD_CHECK_METADATA + 1) == NULL);
    CHECK(strcmp(jwtguard_check_name(JWTGUARD_CHECK_EXP), "exp") == 0);
    free(text);
}

/* The conformance file (tests/conformance/cases.txt): every case gets the status it names,
 * through the C ABI, with the real clock (its times are fixed far from now). */
static jwtguard_verifier *conformance_verifier(char *settings) {
    jwtguard_verifier *v = jwtguard_verifier_new();
    CHECK(v != NULL);
    /* Its key set: keys=FILE, else keys.jwks.json. */
    char file[128] = "keys.jwks.json";
    const char *k = strstr(settings, "keys=");
    if (k) sscanf(k + 5, "%127s", file);
    char path[192];
    snprintf(path, sizeof path, "../../tests/conformance/%s", file);
    size_t jwks_n = 0;
    char *jwks_text = slurp(path, &jwks_n);
    CHECK_STATUS(jwtguard_verifier_add_jwks(v, (const uint8_t *)jwks_text, jwks_n, NULL, NULL), JWTGUARD_OK);
    free(jwks_text);
    char *save = NULL;
    for (char *kv = strtok_r(settings, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
        char *value = strchr(kv, '=');
        CHECK(value != NULL);
        if (!value) continue;
        *value++ = 0;
        size_t n = strlen(value);
        jwtguard_status s = JWTGUARD_INVALID_ARGUMENT;
        if (!strcmp(kv, "keys")) s = JWTGUARD_OK;
        else if (!strcmp(kv, "iss")) s = jwtguard_verifier_add_issuer(v, (const uint8_t *)value, n);
        else if (!strcmp(kv, "aud")) s = jwtguard_verifier_add_audience(v, (const uint8_t *)value, n);
        else if (!strcmp(kv, "azp")) s = jwtguard_verifier_add_authorized_party(v, (const uint8_t *)value, n);
        else if (!strcmp(kv, "permission")) s = jwtguard_verifier_add_required_permission(v, (const uint8_t *)value, n);
        else if (!strcmp(kv, "max_age")) s = jwtguard_verifier_set_max_age(v, strtoull(value, NULL, 10));
        else if (!strcmp(kv, "access_token")) s = jwtguard_verifier_set_access_token_profile(v, !strcmp(value, "on"));
        else if (!strcmp(kv, "require_kid")) s = jwtguard_verifier_set_require_kid(v, !strcmp(value, "on"));
        CHECK_STATUS(s, JWTGUARD_OK);
    }
    return v;
}

static void test_conformance(void) {
    char *text = slurp("../../tests/conformance/cases.txt", NULL), *save = NULL;
    jwtguard_verifier *policies[8];
    char names[8][16];
    int n_policies = 0, cases = 0;
    /* One providers set (@providers NAME POLICY...). */
    jwtguard_providers set;
    char set_name[16] = "";
    uint64_t now = (uint64_t)time(NULL);
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') continue;
        if (!strncmp(line, "@policy ", 8)) {
            char *name = line + 8, *settings = strchr(name, ' ');
            if (!settings || n_policies == 8) { CHECK(false); continue; }
            *settings++ = 0;
            snprintf(names[n_policies], sizeof names[0], "%s", name);
            policies[n_policies++] = conformance_verifier(settings);
            continue;
        }
        if (!strncmp(line, "@providers ", 11)) {
            char *rest = line + 11, *save2 = NULL;
            char *name = strtok_r(rest, " ", &save2);
            CHECK(name != NULL && set_name[0] == 0);
            if (!name) continue;
            snprintf(set_name, sizeof set_name, "%s", name);
            CHECK_STATUS(jwtguard_providers_init(&set, sizeof set), JWTGUARD_OK);
            for (char *m = strtok_r(NULL, " ", &save2); m; m = strtok_r(NULL, " ", &save2))
                for (int i = 0; i < n_policies; i++)
                    if (!strcmp(names[i], m)) CHECK_STATUS(jwtguard_providers_add(&set, policies[i]), JWTGUARD_OK);
            continue;
        }
        char *f[4], *p = line;
        for (int i = 0; i < 4; i++) {
            f[i] = p;
            char *bar = i < 3 ? strstr(p, " | ") : NULL;
            if (bar) { *bar = 0; p = bar + 3; }
        }
        const jwtguard_verifier *v = NULL;
        for (int i = 0; i < n_policies; i++)
            if (!strcmp(names[i], f[1])) v = policies[i];
        bool in_set = set_name[0] && !strcmp(set_name, f[1]);
        CHECK(v != NULL || in_set);
        if (!v && !in_set) continue;
        jwtguard_result r;
        jwtguard_status s = in_set ? jwtguard_providers_verify(&set, (const uint8_t *)f[3], strlen(f[3]), now, NULL, 0, &r)
                                   : jwtguard_verify(v, (const uint8_t *)f[3], strlen(f[3]), now, NULL, 0, &r);
        if (strcmp(jwtguard_error_name(s), f[2]) != 0)
            fprintf(stderr, "conformance: %s: %s, want %s\n", f[0], jwtguard_error_name(s), f[2]);
        CHECK(strcmp(jwtguard_error_name(s), f[2]) == 0);
        cases++;
    }
    CHECK(cases >= 60 && n_policies == 4 && set_name[0]);
    for (int i = 0; i < n_policies; i++) jwtguard_verifier_free(policies[i]);
    free(text);
}

/* The time floor: after a verify passes the floor rises to the token's iat (NOW - 60 in the
 * samples), and a clock set back past an old token's expiry no longer accepts it. */
static void test_time_floor(const jwtguard_verifier *v) {
    CHECK(jwtguard_time_floor_now(100, 50) == 100);
    CHECK(jwtguard_time_floor_now(100, 500) == 500);
    jwtguard_result r;
    CHECK_STATUS(verify(v, samples[VALID_RS1], &r), JWTGUARD_OK);
    uint64_t floor = jwtguard_time_floor_raise(v, &r, NOW, 0);
    CHECK(floor == NOW - 60);
    /* never down, and never above now plus leeway */
    CHECK(jwtguard_time_floor_raise(v, &r, NOW, NOW) == NOW);
    CHECK(jwtguard_time_floor_raise(v, &r, NOW - 100, 0) == NOW - 100);
    /* a failed result, a NULL argument: the floor as it was */
    CHECK_STATUS(verify(v, samples[EXPIRED], &r), JWTGUARD_EXPIRED);
    CHECK(jwtguard_time_floor_raise(v, &r, NOW, 7) == 7);
    CHECK(jwtguard_time_floor_raise(NULL, &r, NOW, 7) == 7);
    CHECK(jwtguard_time_floor_raise(v, NULL, NOW, 7) == 7);
    /* The expired sample (exp NOW - 1) verifies at a clock set back 30 s, and not at the
     * floor raised above its expiry. */
    const char *expired = samples[EXPIRED];
    CHECK_STATUS(jwtguard_verify(v, (const uint8_t *)expired, strlen(expired), NOW - 30, NULL, 0, &r),
                 JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verify(v, (const uint8_t *)expired, strlen(expired),
                                 jwtguard_time_floor_now(NOW, NOW - 30), NULL, 0, &r),
                 JWTGUARD_EXPIRED);
}

/* An EC key from its SEC 1 point, as a device without key formats loads it: the key of
 * RFC 7515 A.3 verifies its ES256 token; a point off the curve and a non-ECDSA algorithm are
 * refused. */
static void test_ec_point(void) {
    static const uint8_t point[65] = {
        0x04, 0x7f, 0xcd, 0xce, 0x27, 0x70, 0xf6, 0xc4, 0x5d, 0x41, 0x83, 0xcb, 0xee, 0x6f, 0xdb,
        0x4b, 0x7b, 0x58, 0x07, 0x33, 0x35, 0x7b, 0xe9, 0xef, 0x13, 0xba, 0xcf, 0x6e, 0x3c, 0x7b,
        0xd1, 0x54, 0x45, 0xc7, 0xf1, 0x44, 0xcd, 0x1b, 0xbd, 0x9b, 0x7e, 0x87, 0x2c, 0xdf, 0xed,
        0xb9, 0xee, 0xb9, 0xf4, 0xb3, 0x69, 0x5d, 0x6e, 0xa9, 0x0b, 0x24, 0xad, 0x8a, 0x46, 0x23,
        0x28, 0x85, 0x88, 0xe5, 0xad};
    const char *token =
        "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxl"
        "LmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISl"
        "SApmWQxfKTUJqPP3-Kg6NU1Q";
    jwtguard_verifier *v = jwtguard_verifier_new();
    CHECK_STATUS(jwtguard_verifier_add_ec_point(v, JWTGUARD_ALG_ES256, S("a3"), point, sizeof point), JWTGUARD_OK);
    uint8_t off[65];
    memcpy(off, point, sizeof off);
    off[64] ^= 1;
    CHECK_STATUS(jwtguard_verifier_add_ec_point(v, JWTGUARD_ALG_ES256, S("off"), off, sizeof off),
                 JWTGUARD_INVALID_PUBLIC_KEY);
    CHECK_STATUS(jwtguard_verifier_add_ec_point(v, JWTGUARD_ALG_RS256, S("r"), point, sizeof point),
                 JWTGUARD_KEY_TYPE_MISMATCH);
    CHECK_STATUS(jwtguard_verifier_add_issuer(v, S("joe")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_allow_no_audience(v), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_set_require_sub(v, 0), JWTGUARD_OK);
    jwtguard_result r;
    CHECK_STATUS(jwtguard_verify(v, (const uint8_t *)token, strlen(token), 1300819379, NULL, 0, &r), JWTGUARD_OK);
    jwtguard_verifier_free(v);
}

static void test_bearer(void) {
    const uint8_t *t = NULL;
    size_t n = 0;
    CHECK_STATUS(jwtguard_bearer_token(S("Bearer abc.def.ghi"), &t, &n), JWTGUARD_OK);
    CHECK(n == 11 && memcmp(t, "abc.def.ghi", 11) == 0);
    CHECK_STATUS(jwtguard_bearer_token(S("bEaReR  x"), &t, &n), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_bearer_token(S("Basic abc"), &t, &n), JWTGUARD_NOT_BEARER);
    CHECK_STATUS(jwtguard_bearer_token(S("Bearer"), &t, &n), JWTGUARD_MISSING_BEARER_TOKEN);
    CHECK_STATUS(jwtguard_bearer_token(S("Bearer a b"), &t, &n), JWTGUARD_MALFORMED_AUTHORIZATION);
}

static void test_null_arguments(const jwtguard_verifier *v) {
    jwtguard_result r;
    uint8_t out[8];
    size_t len;
    const uint8_t *tp;
    CHECK_STATUS(jwtguard_verify(NULL, S("a.b.c"), NOW, NULL, 0, &r), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_verify(v, NULL, 5, NOW, NULL, 0, &r), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_verify(v, NULL, 0, NOW, NULL, 0, &r), JWTGUARD_MALFORMED);
    CHECK_STATUS(jwtguard_verify(v, S("a.b.c"), NOW, NULL, 1, &r), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_verify(v, S("a.b.c"), NOW, NULL, 0, NULL), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_add_hmac(NULL, JWTGUARD_ALG_HS256, NULL, 0, S("0123456789abcdef0123456789abcdef")), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_add_issuer(NULL, S("x")), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_set_leeway(NULL, 1), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_result_claims_json(NULL, out, sizeof out, &len), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(verify(v, samples[VALID_HS], &r), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_result_claims_json(&r, out, sizeof out, NULL), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_result_metadata(NULL, &r, out, sizeof out, &len), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_result_claim(&r, NULL, 3, out, sizeof out, &len), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_bearer_token(NULL, 3, &tp, &len), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_bearer_token(S("Bearer x"), NULL, &len), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_init(NULL, 0, NULL), JWTGUARD_NULL_ARGUMENT);
    jwtguard_verifier_free(NULL);
    jwtguard_verifier_deinit(NULL);
}

/* Issue 14: statuses come back from C as integers and are mapped totally; flags are 0 or 1;
 * out-parameters are written only on success (the BUFFER_TOO_SMALL size report aside). */
static void test_boundary_values(const jwtguard_verifier *v) {
    static const uint32_t unknown[] = {(uint32_t)-1, 11, 97, 150, 999, 1000, 12345, 0x80000000u};
    for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++) {
        CHECK(strcmp(jwtguard_error_message(unknown[i]), "Unknown status") == 0);
        CHECK(strcmp(jwtguard_error_name(unknown[i]), "JWTGUARD_UNKNOWN") == 0);
    }
    CHECK(strcmp(jwtguard_error_name(JWTGUARD_UNKNOWN_ERROR), "JWTGUARD_UNKNOWN_ERROR") == 0);
    CHECK(strcmp(jwtguard_error_name(JWTGUARD_OK), "JWTGUARD_OK") == 0);
    CHECK(strcmp(jwtguard_error_name(JWTGUARD_NESTED_TOKEN), "JWTGUARD_NESTED_TOKEN") == 0);

    jwtguard_verifier *k = jwtguard_verifier_new();
    CHECK_STATUS(jwtguard_verifier_set_require_exp(k, 2), JWTGUARD_INVALID_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_set_require_sub(k, 0xFF), JWTGUARD_INVALID_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_set_access_token_profile(k, (uint32_t)-1), JWTGUARD_INVALID_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_add_metadata_field(k, S("a"), NULL, 0, 7), JWTGUARD_INVALID_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_set_require_exp(k, 0), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_set_require_exp(k, 1), JWTGUARD_OK);
    /* empty path segments are configuration errors */
    CHECK_STATUS(jwtguard_verifier_add_metadata_field(k, S(".a"), NULL, 0, 0), JWTGUARD_INVALID_METADATA_FIELD);
    CHECK_STATUS(jwtguard_verifier_add_metadata_field(k, S("a."), NULL, 0, 0), JWTGUARD_INVALID_METADATA_FIELD);
    /* a private key is named as such; a token with a trailing newline says so */
    size_t sk_len;
    char *sk = slurp("../../crates/jwtguard/tests/data/rsa2048.key.pem", &sk_len);
    CHECK_STATUS(jwtguard_verifier_add_key_pem(k, JWTGUARD_ALG_RS256, NULL, 0, (const uint8_t *)sk, sk_len), JWTGUARD_PRIVATE_KEY);
    free(sk);
    jwtguard_result wr;
    char with_newline[4096];
    snprintf(with_newline, sizeof with_newline, "%s\n", samples[VALID_HS]);
    CHECK_STATUS(verify(v, with_newline, &wr), JWTGUARD_TOKEN_WHITESPACE);
    CHECK(strstr(jwtguard_error_message(JWTGUARD_TOKEN_WHITESPACE), "whitespace") != NULL);
    /* the JWKS report: counts and the first rejection's reason */
    jwtguard_jwks_report report;
    CHECK_STATUS(jwtguard_verifier_add_jwks_report(k, (const uint8_t *)jwks, jwks_len, &report), JWTGUARD_OK);
    CHECK(report.loaded == 3 && report.skipped == 0 && report.rejected == 0 && report.left_out == 0);
    CHECK(report.first_rejection == JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_jwks_report(k, S("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}"), &report),
                 JWTGUARD_RSA_MODULUS_TOO_SMALL);
    /* an RSA public key is not an HMAC secret */
    size_t pem_len;
    char *pem = slurp("../../crates/jwtguard/tests/data/rsa2048.pub.pem", &pem_len);
    CHECK_STATUS(jwtguard_verifier_add_hmac(k, JWTGUARD_ALG_HS256, NULL, 0, (const uint8_t *)pem, pem_len), JWTGUARD_SECRET_IS_KEY);
    free(pem);

    /* out-parameters untouched on every error */
    const size_t SENTINEL = 0x5A5A5A5A;
    size_t loaded = SENTINEL, skipped = SENTINEL;
    CHECK_STATUS(jwtguard_verifier_add_jwks(k, S("{\"keys\":[]}"), &loaded, &skipped), JWTGUARD_NO_USABLE_KEYS);
    CHECK(loaded == SENTINEL && skipped == SENTINEL);
    jwtguard_verifier_free(k);

    jwtguard_result r;
    CHECK_STATUS(verify(v, samples[VALID_HS], &r), JWTGUARD_OK);
    uint8_t out[64];
    memset(out, 0xEE, sizeof out);
    size_t len = SENTINEL;
    CHECK_STATUS(jwtguard_result_claim(&r, S("sub"), NULL, 100, &len), JWTGUARD_NULL_ARGUMENT);
    CHECK(len == SENTINEL);
    CHECK_STATUS(jwtguard_result_claim(&r, S("nope"), out, sizeof out, &len), JWTGUARD_CLAIM_NOT_FOUND);
    CHECK(len == SENTINEL && out[0] == 0xEE);
    CHECK_STATUS(jwtguard_result_claim(&r, S("user_data..name"), out, sizeof out, &len), JWTGUARD_CLAIM_NOT_FOUND);
    CHECK(len == SENTINEL);
    CHECK_STATUS(jwtguard_result_claims_json(&r, NULL, 4096, &len), JWTGUARD_NULL_ARGUMENT);
    CHECK(len == SENTINEL);
    CHECK_STATUS(jwtguard_result_metadata(v, &r, NULL, 4096, &len), JWTGUARD_NULL_ARGUMENT);
    CHECK(len == SENTINEL);
    /* too small: only the size needed is written, the buffer is not touched */
    CHECK_STATUS(jwtguard_result_claims_json(&r, out, 4, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len > 4 && len != SENTINEL && out[0] == 0xEE);
    len = SENTINEL;
    CHECK_STATUS(jwtguard_result_claim(&r, S("sub"), out, 2, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == 10 && out[0] == 0xEE);
    uint64_t exp = 77;
    jwtguard_result failed;
    CHECK_STATUS(verify(v, samples[EXPIRED], &failed), JWTGUARD_EXPIRED);
    CHECK_STATUS(jwtguard_result_exp(&failed, &exp), JWTGUARD_NO_RESULT);
    CHECK(exp == 77);
    len = SENTINEL;
    CHECK_STATUS(jwtguard_result_claim(&failed, S("sub"), out, sizeof out, &len), JWTGUARD_NO_RESULT);
    CHECK(len == SENTINEL);
    const uint8_t *tp = (const uint8_t *)"keep";
    len = SENTINEL;
    CHECK_STATUS(jwtguard_bearer_token(S("Basic abc"), &tp, &len), JWTGUARD_NOT_BEARER);
    CHECK(len == SENTINEL && memcmp(tp, "keep", 4) == 0);
    static jwtguard_verifier_storage storage;
    jwtguard_verifier *sv = (jwtguard_verifier *)&storage;
    CHECK_STATUS(jwtguard_verifier_init(&storage, 8, &sv), JWTGUARD_STORAGE_TOO_SMALL);
    CHECK(sv == (jwtguard_verifier *)&storage);
    /* a zero-initialised result is a valid "no result" for every accessor */
    jwtguard_result zero = {0};
    CHECK_STATUS(jwtguard_result_claims_json(&zero, out, sizeof out, &len), JWTGUARD_NO_RESULT);
    CHECK_STATUS(jwtguard_result_exp(&zero, &exp), JWTGUARD_NO_RESULT);
    CHECK(jwtguard_result_field(&zero) == -1);
}

static void test_caller_storage(void) {
    /* Firmware style: no malloc, the verifier lives in static storage. */
    static jwtguard_verifier_storage storage;
    jwtguard_verifier *v = NULL;
    CHECK_STATUS(jwtguard_verifier_init(&storage, 16, &v), JWTGUARD_STORAGE_TOO_SMALL);
    CHECK_STATUS(jwtguard_verifier_init(&storage, sizeof storage, &v), JWTGUARD_OK);
    CHECK(v != NULL);
    CHECK_STATUS(configure(v), JWTGUARD_OK);
    jwtguard_result r;
    CHECK_STATUS(verify(v, samples[VALID_RS2], &r), JWTGUARD_OK);
    CHECK_STATUS(verify(v, samples[WRONG_AUD], &r), JWTGUARD_INVALID_AUDIENCE);
    jwtguard_verifier_deinit(v);
    /* the storage can be used again, and holds a fresh verifier */
    CHECK_STATUS(jwtguard_verifier_init(&storage, sizeof storage, &v), JWTGUARD_OK);
    CHECK_STATUS(verify(v, samples[VALID_RS2], &r), JWTGUARD_ISSUER_NOT_CONFIGURED);
    jwtguard_verifier_deinit(v);
}

/* Eight threads share one const verifier, each with its own result. */
struct worker { const jwtguard_verifier *v; int errors; };

static void *work(void *arg) {
    struct worker *w = arg;
    static const int order[] = {VALID_RS1, EXPIRED, VALID_HS, TAMPERED, VALID_RS2, NO_AZP};
    static const jwtguard_status want[] = {JWTGUARD_OK, JWTGUARD_EXPIRED, JWTGUARD_OK,
                                           JWTGUARD_INVALID_SIGNATURE, JWTGUARD_OK, JWTGUARD_INVALID_AUTHORIZED_PARTY};
    for (int i = 0; i < 300; i++) {
        int k = i % 6;
        jwtguard_result r;
        if (verify(w->v, samples[order[k]], &r) != want[k]) w->errors++;
        uint8_t out[64];
        size_t len;
        if (want[k] == JWTGUARD_OK &&
            (jwtguard_result_claim(&r, S("sub"), out, sizeof out, &len) != JWTGUARD_OK || len != 10)) w->errors++;
    }
    return NULL;
}

/* The verify cache: 8 threads over one cache, each verdict the uncached verify's. */
static jwtguard_cache *shared_cache;

static void *cached_work(void *arg) {
    struct worker *w = arg;
    static const int order[] = {VALID_RS1, EXPIRED, VALID_HS, TAMPERED, VALID_RS2, NO_AZP};
    static const jwtguard_status want[] = {JWTGUARD_OK, JWTGUARD_EXPIRED, JWTGUARD_OK,
                                           JWTGUARD_INVALID_SIGNATURE, JWTGUARD_OK, JWTGUARD_INVALID_AUTHORIZED_PARTY};
    for (int i = 0; i < 300; i++) {
        int k = i % 6;
        jwtguard_result r;
        const char *t = samples[order[k]];
        if (jwtguard_verify_cached(w->v, shared_cache, (const uint8_t *)t, strlen(t), NOW, NULL, 0, &r) != want[k])
            w->errors++;
        uint8_t out[64];
        size_t len;
        if (want[k] == JWTGUARD_OK &&
            (jwtguard_result_claim(&r, S("sub"), out, sizeof out, &len) != JWTGUARD_OK || len != 10)) w->errors++;
    }
    return NULL;
}

static void test_cache(const jwtguard_verifier *v) {
    static uint64_t storage[8192];
    CHECK(jwtguard_cache_size(16) <= sizeof storage);
    jwtguard_cache *c = NULL;
    CHECK_STATUS(jwtguard_cache_init((uint8_t *)storage, 64, &c), JWTGUARD_STORAGE_TOO_SMALL);
    CHECK_STATUS(jwtguard_cache_init((uint8_t *)storage + 4, jwtguard_cache_size(16), &c),
                 JWTGUARD_STORAGE_TOO_SMALL);
    CHECK_STATUS(jwtguard_cache_init((uint8_t *)storage, jwtguard_cache_size(16), &c), JWTGUARD_OK);
    const char *t = samples[VALID_RS1];
    jwtguard_result r;
    uint64_t hits = 9, misses = 9, exp = 0;
    /* kept on its second verify (the first leaves a probe), answered from the third */
    CHECK_STATUS(jwtguard_verify_cached(v, c, (const uint8_t *)t, strlen(t), NOW, NULL, 0, &r), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verify_cached(v, c, (const uint8_t *)t, strlen(t), NOW, NULL, 0, &r), JWTGUARD_OK);
    CHECK(jwtguard_result_keys_tried(&r) == 1);
    CHECK_STATUS(jwtguard_verify_cached(v, c, (const uint8_t *)t, strlen(t), NOW, NULL, 0, &r), JWTGUARD_OK);
    CHECK(jwtguard_result_keys_tried(&r) == 0);
    CHECK_STATUS(jwtguard_cache_stats(c, &hits, &misses), JWTGUARD_OK);
    CHECK(hits == 1 && misses == 2);
    /* a hit answers the accessors as a verify does */
    uint8_t out[64];
    size_t len = 0;
    CHECK_STATUS(jwtguard_result_claim(&r, S("user_data.name"), out, sizeof out, &len), JWTGUARD_OK);
    CHECK(len == 12 && memcmp(out, "Jean Valjean", 12) == 0);
    CHECK_STATUS(jwtguard_result_exp(&r, &exp), JWTGUARD_OK);
    CHECK(exp == NOW + 3600);
    /* time again on a hit; the call's permissions too */
    CHECK_STATUS(jwtguard_verify_cached(v, c, (const uint8_t *)t, strlen(t), NOW + 7200, NULL, 0, &r),
                 JWTGUARD_EXPIRED);
    CHECK_STATUS(jwtguard_result_claim(&r, S("sub"), out, sizeof out, &len), JWTGUARD_NO_RESULT);
    const jwtguard_str need[1] = {{JWTGUARD_LIT("leagues:admin")}};
    CHECK_STATUS(jwtguard_verify_cached(v, c, (const uint8_t *)t, strlen(t), NOW, need, 1, &r),
                 JWTGUARD_INSUFFICIENT_PERMISSIONS);
    CHECK_STATUS(jwtguard_cache_stats(c, &hits, &misses), JWTGUARD_OK);
    CHECK(hits == 3 && misses == 2);
    /* a verifier with another audience never answers from this verifier's entry */
    jwtguard_verifier *other = jwtguard_verifier_clone(v);
    CHECK_STATUS(jwtguard_verifier_add_audience(other, S("another.example")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verify_cached(other, c, (const uint8_t *)t, strlen(t), NOW, NULL, 0, &r), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_cache_stats(c, &hits, &misses), JWTGUARD_OK);
    CHECK(hits == 3 && misses == 3);
    jwtguard_verifier_free(other);
    CHECK_STATUS(jwtguard_verify_cached(v, NULL, (const uint8_t *)t, strlen(t), NOW, NULL, 0, &r),
                 JWTGUARD_NULL_ARGUMENT);
    /* threads */
    shared_cache = c;
    pthread_t th[8];
    struct worker w[8];
    for (int i = 0; i < 8; i++) {
        w[i].v = v;
        w[i].errors = 0;
        CHECK(pthread_create(&th[i], NULL, cached_work, &w[i]) == 0);
    }
    int errors = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        errors += w[i].errors;
    }
    CHECK(errors == 0);
}

static void test_threads(const jwtguard_verifier *v) {
    pthread_t t[8];
    struct worker w[8];
    for (int i = 0; i < 8; i++) {
        w[i].v = v;
        w[i].errors = 0;
        CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
    }
    int errors = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        errors += w[i].errors;
    }
    CHECK(errors == 0);
}

/* Issue 17: every algorithm, each key bound to one at load. */
static void test_algorithms(void) {
    jwtguard_verifier *v = jwtguard_verifier_new();
    size_t len, loaded = 0, skipped = 99;
    char *set = slurp("algs.jwks.json", &len);
    CHECK_STATUS(jwtguard_verifier_add_jwks(v, (const uint8_t *)set, len, &loaded, &skipped), JWTGUARD_OK);
    CHECK(loaded == 12 && skipped == 0);
    free(set);
    CHECK_STATUS(jwtguard_verifier_add_issuer(v, S("https://issuer.example")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_audience(v, S("api.example")), JWTGUARD_OK);
    char *text = slurp("algs.tokens.txt", NULL), *save = NULL;
    int n = 0;
    jwtguard_result r;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++)
        CHECK_STATUS(verify(v, line, &r), JWTGUARD_OK);
    CHECK(n == 12);
    free(text);
    jwtguard_verifier_free(v);

    /* Names and codes. */
    uint32_t code = 0;
    CHECK_STATUS(jwtguard_algorithm_from_name(S("PS384"), &code), JWTGUARD_OK);
    CHECK(code == JWTGUARD_ALG_PS384 && strcmp(jwtguard_algorithm_name(code), "PS384") == 0);
    CHECK_STATUS(jwtguard_algorithm_from_name(S("ES512"), &code), JWTGUARD_UNSUPPORTED_ALGORITHM);
    CHECK_STATUS(jwtguard_algorithm_from_name(S("eddsa"), &code), JWTGUARD_UNSUPPORTED_ALGORITHM);
    CHECK(jwtguard_algorithm_name(0) == NULL && jwtguard_algorithm_name(13) == NULL);

    /* Loading with an algorithm: the key must fit it; codes are mapped totally. */
    jwtguard_verifier *k = jwtguard_verifier_new();
    char *ec = slurp("es256.pub.pem", &len);
    CHECK_STATUS(jwtguard_verifier_add_key_pem(k, JWTGUARD_ALG_ES256, S("ec"), (const uint8_t *)ec, len), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_key_pem(k, JWTGUARD_ALG_ES384, S("ec2"), (const uint8_t *)ec, len), JWTGUARD_KEY_TYPE_MISMATCH);
    CHECK_STATUS(jwtguard_verifier_add_key_pem(k, JWTGUARD_ALG_RS256, S("ec3"), (const uint8_t *)ec, len), JWTGUARD_KEY_TYPE_MISMATCH);
    CHECK_STATUS(jwtguard_verifier_add_key_pem(k, 0, S("ec4"), (const uint8_t *)ec, len), JWTGUARD_INVALID_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_add_key_pem(k, 0xffffffffu, S("ec5"), (const uint8_t *)ec, len), JWTGUARD_INVALID_ARGUMENT);
    /* an EC public key is not an HMAC secret */
    CHECK_STATUS(jwtguard_verifier_add_hmac(k, JWTGUARD_ALG_HS256, S("h"), (const uint8_t *)ec, len), JWTGUARD_SECRET_IS_KEY);
    free(ec);
    CHECK_STATUS(jwtguard_verifier_add_hmac(k, JWTGUARD_ALG_HS512, S("h"), S("0123456789012345678901234567890123456789012345678901234567890")), JWTGUARD_KEY_TOO_SHORT);
    CHECK_STATUS(jwtguard_verifier_add_hmac(k, JWTGUARD_ALG_ES256, S("h"), S("0123456789012345678901234567890123456789")), JWTGUARD_KEY_TYPE_MISMATCH);
    CHECK_STATUS(jwtguard_verifier_add_key_der(k, JWTGUARD_ALG_EDDSA, S("d"), S("\x30\x00")), JWTGUARD_KEY_FORMAT);
    CHECK(strcmp(jwtguard_error_name(JWTGUARD_KEY_TYPE_MISMATCH), "JWTGUARD_KEY_TYPE_MISMATCH") == 0);
    CHECK(strcmp(jwtguard_error_message(JWTGUARD_WEAK_KEY), "Public key is of small order") == 0);
    jwtguard_verifier_free(k);
}

/* Two providers, each issuer bound to its own keys (RFC 8725 §3.8): the samples in
 * providers.tokens.txt say what each token must get and from which provider. */
/* Verify every line of a provider sample file (NAME EXPECTED PROVIDER TOKEN) through `set`;
 * copies the token named a-ok into `a_ok` when there is one. Returns the lines run. */
static int run_provider_samples(const jwtguard_providers *set, const char *file, char *a_ok) {
    char *text = slurp(file, NULL), *save = NULL;
    int n = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') continue;
        char name[64], want[64], token[2048];
        int provider;
        if (sscanf(line, "%63s %63s %d %2047s", name, want, &provider, token) != 4) { CHECK(0); continue; }
        if (a_ok && strcmp(name, "a-ok") == 0) strcpy(a_ok, token);
        char want_name[96];
        snprintf(want_name, sizeof want_name, "JWTGUARD_%s", want);
        jwtguard_result r;
        jwtguard_status got = jwtguard_providers_verify(set, (const uint8_t *)token, strlen(token), NOW, NULL, 0, &r);
        checks++;
        if (strcmp(jwtguard_error_name(got), want_name) != 0 || jwtguard_result_provider(&r) != provider) {
            failures++;
            fprintf(stderr, "FAIL %s %s: got %s from provider %d, want %s from %d\n", file, name,
                    jwtguard_error_name(got), jwtguard_result_provider(&r), want_name, provider);
        }
        n++;
    }
    free(text);
    return n;
}

/* Issue 28: one key set for three tenants, each a provider with its own issuer (Entra ID's
 * `common` keys); a fourth provider with another key lists a fourth tenant. Each tenant's token
 * is judged by its own provider; the fourth tenant's issuer with the shared key is
 * ISSUER_KEY_MISMATCH, an issuer nobody lists INVALID_ISSUER. */
static void test_tenants(void) {
    size_t jwk_len, len;
    char *jwk = slurp("rsa-2024.jwk.json", &jwk_len);
    char *secret = slurp("hs256.secret", &len);
    while (len > 0 && (secret[len - 1] == '\n' || secret[len - 1] == '\r')) len--;
    jwtguard_verifier *v[4];
    jwtguard_providers set;
    CHECK_STATUS(jwtguard_providers_init(&set, sizeof set), JWTGUARD_OK);
    for (int i = 0; i < 4; i++) {
        v[i] = jwtguard_verifier_new();
        char iss[64];
        snprintf(iss, sizeof iss, "https://login.example/tenant-%d/v2.0", i + 1);
        if (i < 3)
            CHECK_STATUS(jwtguard_verifier_add_jwk(v[i], (const uint8_t *)jwk, jwk_len), JWTGUARD_OK);
        else
            CHECK_STATUS(jwtguard_verifier_add_hmac(v[i], JWTGUARD_ALG_HS256, NULL, 0, (const uint8_t *)secret, len), JWTGUARD_OK);
        CHECK_STATUS(jwtguard_verifier_add_issuer(v[i], (const uint8_t *)iss, strlen(iss)), JWTGUARD_OK);
        CHECK_STATUS(jwtguard_verifier_add_audience(v[i], S("api")), JWTGUARD_OK);
        CHECK_STATUS(jwtguard_providers_add(&set, v[i]), JWTGUARD_OK);
    }
    CHECK_STATUS(jwtguard_providers_check(&set), JWTGUARD_OK);
    CHECK(run_provider_samples(&set, "tenants.tokens.txt", NULL) == 6);
    for (int i = 0; i < 4; i++) jwtguard_verifier_free(v[i]);
    free(jwk);
    free(secret);
}

static void test_providers(void) {
    size_t len;
    char *secret = slurp("hs256.secret", &len);
    while (len > 0 && (secret[len - 1] == '\n' || secret[len - 1] == '\r')) len--;
    jwtguard_verifier *a = jwtguard_verifier_new(), *b = jwtguard_verifier_new();
    CHECK_STATUS(jwtguard_verifier_add_hmac(a, JWTGUARD_ALG_HS256, NULL, 0, (const uint8_t *)secret, len), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_issuer(a, S("https://a.example")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_audience(a, S("a-api")), JWTGUARD_OK);
    free(secret);
    char *jwk = slurp("rsa-2024.jwk.json", &len);
    CHECK_STATUS(jwtguard_verifier_add_jwk(b, (const uint8_t *)jwk, len), JWTGUARD_OK);
    free(jwk);
    CHECK_STATUS(jwtguard_verifier_add_issuer(b, S("https://b.example")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_audience(b, S("b-api")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_set_leeway(b, 120), JWTGUARD_OK);

    jwtguard_providers set;
    memset(&set, 0, sizeof set);
    CHECK_STATUS(jwtguard_providers_add(&set, a), JWTGUARD_INVALID_ARGUMENT); /* not made yet */
    CHECK_STATUS(jwtguard_providers_init(&set, sizeof set), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_providers_add(&set, a), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_providers_add(&set, a), JWTGUARD_INVALID_ARGUMENT); /* twice */
    CHECK_STATUS(jwtguard_providers_add(&set, NULL), JWTGUARD_NULL_ARGUMENT);
    CHECK_STATUS(jwtguard_providers_add(&set, b), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_providers_set_kidless_limit(&set, 0), JWTGUARD_INVALID_ARGUMENT);
    CHECK_STATUS(jwtguard_providers_set_kidless_limit(&set, 256), JWTGUARD_INVALID_ARGUMENT);
    CHECK_STATUS(jwtguard_providers_set_kidless_limit(&set, 2), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_providers_check(&set), JWTGUARD_OK);

    char a_ok[2048] = "";
    CHECK(run_provider_samples(&set, "providers.tokens.txt", a_ok) == 8);

    /* A kid-less token tries at most the set's limit of keys in all providers: three decoy
     * secrets first, then A's; with a limit of 3, A's key is never tried. */
    jwtguard_verifier *decoys = jwtguard_verifier_new();
    CHECK_STATUS(jwtguard_verifier_add_hmac(decoys, JWTGUARD_ALG_HS256, NULL, 0, S("decoy-secret-1-0123456789-abcdefghijklmnop")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_hmac(decoys, JWTGUARD_ALG_HS256, NULL, 0, S("decoy-secret-2-0123456789-abcdefghijklmnop")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_hmac(decoys, JWTGUARD_ALG_HS256, NULL, 0, S("decoy-secret-3-0123456789-abcdefghijklmnop")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_issuer(decoys, S("https://decoy.example")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_audience(decoys, S("a-api")), JWTGUARD_OK);
    jwtguard_providers capped;
    CHECK_STATUS(jwtguard_providers_init(&capped, sizeof capped), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_providers_add(&capped, decoys), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_providers_add(&capped, a), JWTGUARD_OK);
    {
        jwtguard_result r;
        CHECK_STATUS(jwtguard_providers_verify(&capped, (const uint8_t *)a_ok, strlen(a_ok), NOW, NULL, 0, &r), JWTGUARD_OK);
        CHECK(jwtguard_result_provider(&r) == 1);
        CHECK_STATUS(jwtguard_providers_set_kidless_limit(&capped, 3), JWTGUARD_OK);
        CHECK_STATUS(jwtguard_providers_verify(&capped, (const uint8_t *)a_ok, strlen(a_ok), NOW, NULL, 0, &r), JWTGUARD_INVALID_SIGNATURE);
    }
    jwtguard_verifier_free(decoys);

    /* A provider whose issuer check is waived cannot be part of a set: its key verifies the
     * token, and the set refuses it all the same. */
    secret = slurp("hs256.secret", &len);
    while (len > 0 && (secret[len - 1] == '\n' || secret[len - 1] == '\r')) len--;
    jwtguard_verifier *waived = jwtguard_verifier_new();
    CHECK_STATUS(jwtguard_verifier_add_hmac(waived, JWTGUARD_ALG_HS256, NULL, 0, (const uint8_t *)secret, len), JWTGUARD_OK);
    free(secret);
    CHECK_STATUS(jwtguard_verifier_allow_any_issuer(waived), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_audience(waived, S("a-api")), JWTGUARD_OK);
    jwtguard_result r;
    CHECK_STATUS(verify(waived, a_ok, &r), JWTGUARD_OK);
    CHECK(jwtguard_result_provider(&r) == -1);
    jwtguard_providers solo;
    CHECK_STATUS(jwtguard_providers_init(&solo, sizeof solo), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_providers_add(&solo, waived), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_providers_check(&solo), JWTGUARD_ISSUER_NOT_CONFIGURED);
    CHECK_STATUS(jwtguard_providers_verify(&solo, (const uint8_t *)a_ok, strlen(a_ok), NOW, NULL, 0, &r),
                 JWTGUARD_ISSUER_NOT_CONFIGURED);
    jwtguard_verifier_free(waived);
    jwtguard_verifier_free(a);
    jwtguard_verifier_free(b);
}

/* A Keycloak-sized token (15,988 bytes): too long for a jwtguard_result, and for a large result
 * at the default limit; verified into a large result once the verifier's limit is raised to
 * the build's capacity; the limit's range is checked. */
static void test_large_token(jwtguard_verifier *v) {
    size_t len;
    char *t = slurp("large-token.txt", &len);
    while (len > 0 && t[len - 1] == '\n') t[--len] = '\0';
    CHECK(len > 15000);
    jwtguard_large_result *big = malloc(sizeof *big);
    jwtguard_result small;
    CHECK(JWTGUARD_LARGE_RESULT_SIZE == sizeof *big && JWTGUARD_RESULT_SIZE == sizeof small);
    const uint8_t *tok = (const uint8_t *)t;
    CHECK_STATUS(jwtguard_verify_large(v, tok, len, NOW, NULL, 0, big), JWTGUARD_TOKEN_TOO_LONG);
    CHECK_STATUS(jwtguard_verifier_set_max_token_size(v, 0), JWTGUARD_INVALID_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_set_max_token_size(v, JWTGUARD_MAX_TOKEN_CAPACITY + 1), JWTGUARD_INVALID_ARGUMENT);
    CHECK_STATUS(jwtguard_verifier_set_max_token_size(v, JWTGUARD_MAX_TOKEN_CAPACITY), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verify_large(v, tok, len, NOW, NULL, 0, big), JWTGUARD_OK);
    /* The small result holds 2 KiB tokens whatever the verifier's limit. */
    CHECK_STATUS(jwtguard_verify(v, tok, len, NOW, NULL, 0, &small), JWTGUARD_TOKEN_TOO_LONG);
    const jwtguard_result *r = jwtguard_large_result_get(big);
    uint8_t out[64];
    size_t n = 0;
    CHECK_STATUS(jwtguard_result_claim(r, S("/groups/0"), out, sizeof out, &n), JWTGUARD_OK);
    CHECK(n == 30 && memcmp(out, "/acme/department-000/team-0000", 30) == 0);
    CHECK_STATUS(jwtguard_result_claim(r, S("user_data.name"), out, sizeof out, &n), JWTGUARD_OK);
    CHECK(n == 12 && memcmp(out, "Jean Valjean", 12) == 0);
    /* Small tokens go into a large result as well. */
    CHECK_STATUS(jwtguard_verify_large(v, (const uint8_t *)samples[0], strlen(samples[0]), NOW, NULL, 0, big), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_result_claim(r, S("sub"), out, sizeof out, &n), JWTGUARD_OK);
    CHECK(n == 10 && memcmp(out, "user_24601", 10) == 0);
    CHECK_STATUS(jwtguard_verifier_set_max_token_size(v, JWTGUARD_DEFAULT_MAX_TOKEN_SIZE), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verify_large(v, tok, len, NOW, NULL, 0, big), JWTGUARD_TOKEN_TOO_LONG);
    CHECK_STATUS(jwtguard_result_claim(r, S("sub"), out, sizeof out, &n), JWTGUARD_NO_RESULT);
    free(big);
    free(t);
}

/* Issue 27: a gateway keeps its static keys and policy in one verifier, and for each fetched
 * JWKS clones it and adds the fetched keys, public ones only: the sample set's HMAC key (an
 * `oct` JWK) is passed over and counted, and its token does not verify. The template is
 * untouched. */
static void test_fetched_keys(void) {
    jwtguard_verifier *tmpl = jwtguard_verifier_new();
    CHECK(tmpl != NULL);
    CHECK_STATUS(jwtguard_verifier_add_issuer(tmpl, S("https://issuer.example")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_audience(tmpl, S("api.example")), JWTGUARD_OK);
    CHECK_STATUS(jwtguard_verifier_add_authorized_party(tmpl, S("https://app.example")), JWTGUARD_OK);
    CHECK(jwtguard_verifier_clone(NULL) == NULL);
    jwtguard_verifier *v = jwtguard_verifier_clone(tmpl);
    CHECK(v != NULL);
    jwtguard_jwks_report rep;
    memset(&rep, 0xff, sizeof rep);
    CHECK_STATUS(jwtguard_verifier_add_jwks_public(v, (const uint8_t *)jwks, jwks_len, &rep), JWTGUARD_OK);
    CHECK(rep.loaded == 2 && rep.secrets_skipped == 1 && rep.skipped == 0 && rep.rejected == 0);
    jwtguard_result r;
    CHECK_STATUS(verify(v, samples[VALID_RS1], &r), JWTGUARD_OK);
    CHECK_STATUS(verify(v, samples[VALID_HS], &r), JWTGUARD_UNKNOWN_KEY);
    CHECK_STATUS(verify(tmpl, samples[VALID_RS1], &r), JWTGUARD_UNKNOWN_KEY);
    /* The configured loader still takes the secret. */
    CHECK_STATUS(jwtguard_verifier_add_jwks_report(tmpl, (const uint8_t *)jwks, jwks_len, &rep), JWTGUARD_OK);
    CHECK(rep.loaded == 3 && rep.secrets_skipped == 0);
    CHECK_STATUS(verify(tmpl, samples[VALID_HS], &r), JWTGUARD_OK);
    /* Nothing but secrets: no usable key. */
    static const char only_oct[] = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"MjMxYTU4YjAwNjMyYzljNGQ4YWMwMmIyNjhjYTRjYWY4ZGQ0OGZkMDIwZTNkZmZhNzI2NjY1MjNkODYwOTg4Zg\"}]}";
    CHECK_STATUS(jwtguard_verifier_add_jwks_public(v, S(only_oct), &rep), JWTGUARD_NO_USABLE_KEYS);
    CHECK_STATUS(jwtguard_verifier_add_jwks_public(v, S(only_oct), NULL), JWTGUARD_NULL_ARGUMENT);
    jwtguard_verifier_free(v);
    jwtguard_verifier_free(tmpl);
}

int main(void) {
    load_samples();
    test_fetched_keys();
    test_tenants();
    test_algorithms();
    test_providers();
    jwtguard_verifier *v = jwtguard_verifier_new();
    CHECK(v != NULL);
    CHECK_STATUS(configure(v), JWTGUARD_OK);
    test_each_sample(v);
    test_other_error_classes(v);
    test_accessors(v);
    test_explain(v);
    test_conformance();
    test_time_floor(v);
    test_ec_point();
    test_large_token(v);
    test_bearer();
    test_null_arguments(v);
    test_boundary_values(v);
    test_caller_storage();
    test_threads(v);
    test_cache(v);
    jwtguard_verifier_free(v);
    for (int i = 0; i < N_SAMPLES; i++) free(samples[i]);
    free(jwks);
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
}
