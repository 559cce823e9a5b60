/* The README's C quick start, compiled and run by scripts/install-test.sh against an installed
 * jwtguard (static and shared). Usage: quickstart JWKS_FILE "Authorization: value" NOW */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jwtguard.h"

static int setup_failed(const char *what, jwtguard_status s) {
    fprintf(stderr, "%s: %s (%s)\n", what, jwtguard_error_message(s), jwtguard_error_name(s));
    return 2;
}

int main(int argc, char **argv) {
    if (argc != 4) return 2;
    static char jwks[64 * 1024];
    FILE *f = fopen(argv[1], "rb");
    size_t jwks_len = f ? fread(jwks, 1, sizeof jwks, f) : 0;
    if (f) fclose(f);
    const char *auth = argv[2];                       /* the Authorization header's value */
    uint64_t now = strtoull(argv[3], NULL, 10);       /* unix seconds: the caller's clock */

    /* README: begin */
    /* Configure once; every setup call returns a status worth checking. */
    jwtguard_verifier *v = jwtguard_verifier_new();
    if (!v) return 2;
    jwtguard_jwks_report keys;
    jwtguard_status s = jwtguard_verifier_add_jwks_report(v, (const uint8_t *)jwks, jwks_len, &keys);
    if (s != JWTGUARD_OK) return setup_failed("keys", s);
    if ((s = jwtguard_verifier_add_issuer(v, JWTGUARD_LIT("https://issuer.example"))) != JWTGUARD_OK ||
        (s = jwtguard_verifier_add_audience(v, JWTGUARD_LIT("api.example"))) != JWTGUARD_OK ||
        (s = jwtguard_verifier_add_authorized_party(v, JWTGUARD_LIT("https://app.example"))) != JWTGUARD_OK ||
        (s = jwtguard_verifier_add_required_permission(v, JWTGUARD_LIT("leagues:read"))) != JWTGUARD_OK ||
        (s = jwtguard_verifier_add_metadata_field(v, JWTGUARD_LIT("user_data.name"), NULL, 0, 1)) != JWTGUARD_OK ||
        (s = jwtguard_verifier_check(v)) != JWTGUARD_OK)
        return setup_failed("policy", s);

    /* Then, per request, from any number of threads: */
    const uint8_t *token;
    size_t token_len;
    jwtguard_result r; /* ~1.9 KiB, no malloc */
    s = jwtguard_bearer_token((const uint8_t *)auth, strlen(auth), &token, &token_len);
    if (s == JWTGUARD_OK) s = jwtguard_verify(v, token, token_len, now, NULL, 0, &r);
    int http = 200;
    if (s == JWTGUARD_INSUFFICIENT_PERMISSIONS) {
        http = 403; /* authenticated, but not allowed: RFC 6750 insufficient_scope */
    } else if (s != JWTGUARD_OK) {
        http = 401; /* "Token has expired", "Invalid audience.", ... */
    }
    if (http != 200) {
        printf("%d %s\n", http, jwtguard_error_message(s));
    } else {
        uint8_t name[256];
        size_t n;
        s = jwtguard_result_claim(&r, JWTGUARD_LIT("user_data.name"), name, sizeof name, &n);
        printf("200 hello %.*s\n", s == JWTGUARD_OK ? (int)n : 0, (const char *)name);
    }
    /* README: end */
    jwtguard_verifier_free(v);
    return http == 200 ? 0 : 1;
}
