/*
 * jwtguard-verify: verify JWTs from the command line with the jwtguard C API.
 *
 *   jwtguard-verify [options] [TOKEN ...]     no TOKEN: one token per line from stdin
 *
 * With no options at all it verifies the bundled sample data (examples/data/), whose policy
 * is in examples/data/policy.args. Output: one JSON line per token. Exit status: 0 if every
 * token verified, 1 if any was rejected, 2 on a usage or key-loading error.
 *
 * It is a debugging tool and the proof that the C API covers a real program.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jwtguard.h"

#ifndef JWTGUARD_DATA_DIR
#define JWTGUARD_DATA_DIR "examples/data"
#endif

#define MAX_REQUIRED 16
#define OUT_CAP 4096
/* Longest stdin line read: a token of the library's capacity (16 KiB on hosts), room for
 * "Bearer " and surrounding spaces. A longer line is rejected as too long without being kept
 * in memory. */
#define MAX_LINE (JWTGUARD_MAX_TOKEN_CAPACITY + 256)

static const char *usage_text =
    "usage: jwtguard-verify [options] [TOKEN ...]     no TOKEN: read one token per line from stdin\n"
    "  --hs256 KID=SECRET        HS256 secret (repeatable; KID may be empty: \"=SECRET\")\n"
    "  --hs256-file KID=PATH     secret read from a file (trailing newline stripped)\n"
    "  --jwks PATH               JWKS document (RSA, oct, EC P-256/P-384, OKP Ed25519 keys)\n"
    "  --rsa-pem KID=PATH        RSA public key for RS256, PEM (PKCS#1 or SPKI); --rsa-der for DER\n"
    "  --key-pem ALG:KID=PATH    public key bound to ALG, PEM (SPKI, or PKCS#1 for RSA);\n"
    "                            --key-der ALG:KID=PATH for DER. ALG: RS256 RS384 RS512 PS256\n"
    "                            PS384 PS512 ES256 ES384 EdDSA (as the library was built)\n"
    "  --hmac-file ALG:KID=PATH  HMAC secret for HS256, HS384 or HS512, read from a file\n"
    "  --jwk PATH                one JWK\n"
    "  --iss ISSUER  --aud AUDIENCE  --azp PARTY          (each repeatable)\n"
    "  --any-iss                 accept any issuer (without it, no --iss is a setup error)\n"
    "  --no-aud                  tokens carry no aud (without it, no --aud is a setup error)\n"
    "  --require-kid             a token without kid is rejected (JWTGUARD_MISSING_KEY_ID)\n"
    "  --kidless-limit N         a token without kid is tried against at most N keys (default 4)\n"
    "  --leeway SECONDS          default 0\n"
    "  --max-age SECONDS         refuse tokens issued longer ago (iat becomes required)\n"
    "  --now UNIX_SECONDS        default: the system clock\n"
    "  --require PERMISSION      (repeatable)   --permissions-claim NAME (default permissions)\n"
    "  --field PATH[:NAME][!]    metadata field, ! = required (repeatable); PATH is a dot path\n"
    "                            or a JSON Pointer (/https:~1~1example.com~1roles:roles)\n"
    "  --access-token            RFC 9068 profile\n"
    "  --provider                start the next identity provider: the key and policy options\n"
    "                            after it are its own (before the first, the first provider's).\n"
    "                            A token is checked by the policy of the provider whose key\n"
    "                            verified it, and its iss must be one of that provider's --iss\n"
    "                            (JWTGUARD_ISSUER_KEY_MISMATCH when another provider's)\n"
    "  --providers-kidless-limit N  keys a kid-less token may try in all providers (default 4)\n"
    "  --max-token-size N        accept tokens of up to N bytes (default 2048, at most the\n"
    "                            library's capacity, 16384 on hosts)\n"
    "  --bearer                  inputs are Authorization header values\n"
    "  --explain                 list every check for each token, in order, with its outcome:\n"
    "                            each key tried (kid, alg) and why it failed, then each claim\n"
    "                            rule (the claims of a token whose signature fails are not read)\n"
    "Numbers are decimal digits only (no sign, no spaces), at most 2^64-1. Lines on stdin are\n"
    "at most the capacity plus 256 bytes; a longer one is rejected (JWTGUARD_TOKEN_TOO_LONG).\n"
    "Giving no token at all is a usage error.\n"
    "Exit status: 0 if every token verified, 1 if any was rejected, 2 on a usage or key error.\n"
    "With no options at all, verifies the bundled sample data in " JWTGUARD_DATA_DIR ".\n";

struct options {
    jwtguard_verifier *verifier; /* the provider being configured */
    jwtguard_verifier *providers[JWTGUARD_MAX_PROVIDERS];
    size_t n_providers;
    uint32_t providers_kidless_limit;
    size_t max_token_size; /* 0: the library's default */
    uint64_t now;
    bool now_set;
    bool bearer;
    bool explain;
    jwtguard_providers set; /* over `providers`, when there are several */
    jwtguard_str required[MAX_REQUIRED];
    size_t n_required;
    const char *base_dir; /* relative paths in an args file resolve against its directory */
    char *args_text;      /* the args file: --require entries point into it */
};

static int fail_usage(const char *what, const char *arg) {
    fprintf(stderr, "jwtguard-verify: %s%s%s\n%s", what, arg ? ": " : "", arg ? arg : "", usage_text);
    return 2;
}

static int fail_status(const char *what, const char *arg, jwtguard_status s) {
    fprintf(stderr, "jwtguard-verify: %s %s: %s (%s)\n", what, arg, jwtguard_error_message(s),
            jwtguard_error_name(s));
    return 2;
}

/* Read a whole file; the caller frees it. */
static char *read_file(const struct options *o, const char *path, size_t *len) {
    char full[4096];
    if (o->base_dir && path[0] != '/') {
        snprintf(full, sizeof full, "%s/%s", o->base_dir, path);
        path = full;
    }
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        /* Keep one byte for the NUL terminator callers that tokenize the text rely on. */
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (n < cap - 1) break;
        char *bigger = realloc(buf, cap *= 2);
        if (!bigger) { free(buf); buf = NULL; }
        else buf = bigger;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

/* Split "KID=VALUE" at the first '='. */
static bool split_kid(char *arg, const char **kid, size_t *kid_len, char **value) {
    char *eq = strchr(arg, '=');
    if (!eq) return false;
    *eq = '\0';
    *kid = arg;
    *kid_len = strlen(arg);
    *value = eq + 1;
    return true;
}

/* A decimal number of seconds: digits only (no sign, no spaces: strtoull reads " -1" as
 * 2^64-1, which as a leeway would accept any expired token), at most UINT64_MAX. */
static bool parse_u64(const char *s, uint64_t *out) {
    uint64_t v = 0;
    if (!*s) return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

#define NEED_ARG() do { if (i + 1 >= argc) return fail_usage("missing value for", opt); } while (0)
#define STR(s) (const uint8_t *)(s), strlen(s)

/* Apply one option (argv[i], maybe consuming argv[i+1]); returns 0, or the exit status. */
static int apply(struct options *o, int argc, char **argv, int *ip) {
    int i = *ip;
    const char *opt = argv[i];
    jwtguard_verifier *v = o->verifier;
    jwtguard_status s = JWTGUARD_OK;
    if (!strcmp(opt, "--access-token")) {
        s = jwtguard_verifier_set_access_token_profile(v, 1);
    } else if (!strcmp(opt, "--bearer")) {
        o->bearer = true;
    } else if (!strcmp(opt, "--explain")) {
        o->explain = true;
    } else if (!strcmp(opt, "--any-iss")) {
        s = jwtguard_verifier_allow_any_issuer(v);
    } else if (!strcmp(opt, "--no-aud")) {
        s = jwtguard_verifier_allow_no_audience(v);
    } else if (!strcmp(opt, "--require-kid")) {
        s = jwtguard_verifier_set_require_kid(v, 1);
    } else if (!strcmp(opt, "--provider")) {
        if (o->n_providers == JWTGUARD_MAX_PROVIDERS) return fail_usage("too many --provider", NULL);
        if (!(o->verifier = jwtguard_verifier_new())) return fail_usage("out of memory", NULL);
        o->providers[o->n_providers++] = o->verifier;
    } else if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
        fputs(usage_text, stdout);
        return -1;
    } else {
        static const char *with_value[] = {"--hs256", "--hs256-file", "--rsa-pem", "--rsa-der", "--jwks", "--jwk",
                                           "--key-pem", "--key-der", "--hmac-file",
                                           "--iss", "--aud", "--azp", "--leeway", "--max-age", "--now", "--require",
                                           "--permissions-claim", "--field", "--kidless-limit",
                                           "--providers-kidless-limit", "--max-token-size"};
        bool known = false;
        for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++) known |= !strcmp(opt, with_value[k]);
        if (!known) return fail_usage("unknown option", opt);
        NEED_ARG();
        char *arg = argv[++i];
        *ip = i;
        const char *kid;
        size_t kid_len;
        char *value;
        if (!strcmp(opt, "--hs256")) {
            if (!split_kid(arg, &kid, &kid_len, &value)) return fail_usage("expected KID=SECRET", arg);
            s = jwtguard_verifier_add_hmac(v, JWTGUARD_ALG_HS256, (const uint8_t *)kid, kid_len, STR(value));
        } else if (!strcmp(opt, "--hs256-file") || !strcmp(opt, "--rsa-pem") || !strcmp(opt, "--rsa-der")) {
            if (!split_kid(arg, &kid, &kid_len, &value)) return fail_usage("expected KID=PATH", arg);
            size_t len;
            char *data = read_file(o, value, &len);
            if (!data) return fail_usage("cannot read", value);
            if (!strcmp(opt, "--hs256-file")) {
                while (len && (data[len - 1] == '\n' || data[len - 1] == '\r')) len--;
                s = jwtguard_verifier_add_hmac(v, JWTGUARD_ALG_HS256, (const uint8_t *)kid, kid_len, (const uint8_t *)data, len);
            } else if (!strcmp(opt, "--rsa-pem")) {
                s = jwtguard_verifier_add_key_pem(v, JWTGUARD_ALG_RS256, (const uint8_t *)kid, kid_len, (const uint8_t *)data, len);
            } else {
                s = jwtguard_verifier_add_key_der(v, JWTGUARD_ALG_RS256, (const uint8_t *)kid, kid_len, (const uint8_t *)data, len);
            }
            free(data);
        } else if (!strcmp(opt, "--key-pem") || !strcmp(opt, "--key-der") || !strcmp(opt, "--hmac-file")) {
            /* ALG:KID=PATH: the algorithm the key is bound to, by its JWS name. */
            char *colon = strchr(arg, ':');
            if (!colon) return fail_usage("expected ALG:KID=PATH", arg);
            *colon = '\0';
            uint32_t alg;
            if (jwtguard_algorithm_from_name((const uint8_t *)arg, strlen(arg), &alg) != JWTGUARD_OK)
                return fail_usage("unknown or unsupported algorithm", arg);
            if (!split_kid(colon + 1, &kid, &kid_len, &value)) return fail_usage("expected ALG:KID=PATH", colon + 1);
            size_t len;
            char *data = read_file(o, value, &len);
            if (!data) return fail_usage("cannot read", value);
            if (!strcmp(opt, "--hmac-file")) {
                while (len && (data[len - 1] == '\n' || data[len - 1] == '\r')) len--;
                s = jwtguard_verifier_add_hmac(v, alg, (const uint8_t *)kid, kid_len, (const uint8_t *)data, len);
            } else if (!strcmp(opt, "--key-pem")) {
                s = jwtguard_verifier_add_key_pem(v, alg, (const uint8_t *)kid, kid_len, (const uint8_t *)data, len);
            } else {
                s = jwtguard_verifier_add_key_der(v, alg, (const uint8_t *)kid, kid_len, (const uint8_t *)data, len);
            }
            free(data);
        } else if (!strcmp(opt, "--jwks") || !strcmp(opt, "--jwk")) {
            size_t len;
            char *data = read_file(o, arg, &len);
            if (!data) return fail_usage("cannot read", arg);
            s = !strcmp(opt, "--jwks") ? jwtguard_verifier_add_jwks(v, (const uint8_t *)data, len, NULL, NULL)
                                       : jwtguard_verifier_add_jwk(v, (const uint8_t *)data, len);
            free(data);
        } else if (!strcmp(opt, "--iss")) {
            s = jwtguard_verifier_add_issuer(v, STR(arg));
        } else if (!strcmp(opt, "--aud")) {
            s = jwtguard_verifier_add_audience(v, STR(arg));
        } else if (!strcmp(opt, "--azp")) {
            s = jwtguard_verifier_add_authorized_party(v, STR(arg));
        } else if (!strcmp(opt, "--leeway")) {
            uint64_t n;
            if (!parse_u64(arg, &n)) return fail_usage("not a number of seconds", arg);
            s = jwtguard_verifier_set_leeway(v, n);
        } else if (!strcmp(opt, "--max-age")) {
            uint64_t n;
            if (!parse_u64(arg, &n) || n == 0) return fail_usage("not a number of seconds (at least 1)", arg);
            s = jwtguard_verifier_set_max_age(v, n);
        } else if (!strcmp(opt, "--kidless-limit")) {
            uint64_t n;
            if (!parse_u64(arg, &n) || n > UINT32_MAX) return fail_usage("not a number of keys", arg);
            s = jwtguard_verifier_set_kidless_limit(v, (uint32_t)n);
        } else if (!strcmp(opt, "--providers-kidless-limit")) {
            uint64_t n;
            if (!parse_u64(arg, &n) || n == 0 || n > 255) return fail_usage("not a number of keys (1-255)", arg);
            o->providers_kidless_limit = (uint32_t)n;
        } else if (!strcmp(opt, "--max-token-size")) {
            uint64_t n;
            if (!parse_u64(arg, &n) || n == 0 || n > JWTGUARD_MAX_TOKEN_CAPACITY)
                return fail_usage("not a token size (1 to the capacity)", arg);
            o->max_token_size = (size_t)n;
        } else if (!strcmp(opt, "--now")) {
            if (!parse_u64(arg, &o->now)) return fail_usage("not a unix time", arg);
            o->now_set = true;
        } else if (!strcmp(opt, "--require")) {
            if (o->n_required == MAX_REQUIRED) return fail_usage("too many --require", arg);
            o->required[o->n_required].ptr = (const uint8_t *)arg;
            o->required[o->n_required].len = strlen(arg);
            o->n_required++;
        } else if (!strcmp(opt, "--permissions-claim")) {
            s = jwtguard_verifier_set_permissions_claim(v, STR(arg));
        } else if (!strcmp(opt, "--field")) {
            size_t len = strlen(arg);
            bool required = len && arg[len - 1] == '!';
            if (required) arg[--len] = '\0';
            /* PATH:NAME. A JSON Pointer path (RFC 6901, starting with '/') may itself hold colons
             * (`/https:~1~1example.com~1roles`): its NAME is after the last colon, and only if
             * that is a name (no '/' or '~'); a pointer whose last token holds a colon needs one. */
            char *colon = arg[0] == '/' ? strrchr(arg, ':') : strchr(arg, ':');
            if (colon && arg[0] == '/' && strpbrk(colon + 1, "/~")) colon = NULL;
            const char *name = "";
            if (colon) { *colon = '\0'; name = colon + 1; }
            s = jwtguard_verifier_add_metadata_field(v, STR(arg), STR(name), required ? 1 : 0);
        } else {
            return fail_usage("unknown option", opt);
        }
    }
    if (s != JWTGUARD_OK) return fail_status("cannot apply", opt, s);
    return 0;
}

/* Options from a file, one per line ("--opt value"); '#' lines are comments. */
static int apply_file(struct options *o, const char *path) {
    size_t len;
    char *text = read_file(o, path, &len);
    if (!text) return fail_usage("cannot read", path);
    int status = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && !status; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0') continue;
        char *args[2] = {line, NULL};
        char *space = strchr(line, ' ');
        if (space) { *space = '\0'; args[1] = space + 1; }
        int i = 0;
        status = apply(o, args[1] ? 2 : 1, args, &i);
    }
    /* --require entries point into the text: it lives until main frees it. */
    o->args_text = text;
    return status;
}

static void json_string(const char *s, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

/* --explain: every check for one token, as one JSON line:
 * {"ok":false,"code":"JWTGUARD_EXPIRED","checks":[{"check":"format","code":"JWTGUARD_OK"},
 *  ...,{"check":"key","kid":"rsa-2024","alg":"RS256","code":"JWTGUARD_OK"},...]} */
static bool explain_one(const struct options *o, const uint8_t *token, size_t token_len) {
    static jwtguard_check steps[JWTGUARD_EXPLAIN_MAX_STEPS];
    size_t n = 0;
    jwtguard_status s = jwtguard_explain(o->verifier, token, token_len, o->now, o->required, o->n_required,
                                         steps, JWTGUARD_EXPLAIN_MAX_STEPS, &n);
    printf("{\"ok\":%s,\"code\":\"%s\",\"checks\":[", s == JWTGUARD_OK ? "true" : "false",
           jwtguard_error_name(s));
    for (size_t i = 0; i < n && i < JWTGUARD_EXPLAIN_MAX_STEPS; i++) {
        printf("%s{\"check\":\"%s\"", i ? "," : "", jwtguard_check_name(steps[i].check));
        if (steps[i].check == JWTGUARD_CHECK_KEY) {
            fputs(",\"kid\":", stdout);
            if (steps[i].kid.ptr) json_string((const char *)steps[i].kid.ptr, steps[i].kid.len);
            else fputs("null", stdout);
        }
        if (steps[i].algorithm) printf(",\"alg\":\"%s\"", jwtguard_algorithm_name(steps[i].algorithm));
        printf(",\"code\":\"%s\"}", jwtguard_error_name(steps[i].status));
    }
    puts("]}");
    return s == JWTGUARD_OK;
}

/* Verify one input; prints its line and returns whether it verified. */
static bool verify_one(const struct options *o, const char *input, size_t len) {
    const uint8_t *token = (const uint8_t *)input;
    size_t token_len = len;
    jwtguard_status s = JWTGUARD_OK;
    /* Large enough for any token the library takes (16 KiB on hosts): a debugging tool can
     * afford to zero 12 KiB per token. */
    static jwtguard_large_result large;
    const jwtguard_result *res = jwtguard_large_result_get(&large);
    if (o->bearer) s = jwtguard_bearer_token((const uint8_t *)input, len, &token, &token_len);
    if (s == JWTGUARD_OK && o->explain) return explain_one(o, token, token_len);
    if (s == JWTGUARD_OK && o->n_providers > 1)
        s = jwtguard_providers_verify_large(&o->set, token, token_len, o->now, o->required, o->n_required, &large);
    else if (s == JWTGUARD_OK)
        s = jwtguard_verify_large(o->verifier, token, token_len, o->now, o->required, o->n_required, &large);
    if (s != JWTGUARD_OK) {
        const char *msg = jwtguard_error_message(s);
        printf("{\"ok\":false,\"code\":\"%s\",\"error\":", jwtguard_error_name(s));
        json_string(msg, strlen(msg));
        int field = s == JWTGUARD_MISSING_METADATA_FIELD ? jwtguard_result_field(res) : -1;
        if (field >= 0) printf(",\"field\":%d", field);
        puts("}");
        return false;
    }
    static uint8_t claims[OUT_CAP], metadata[OUT_CAP];
    size_t claims_len = 0, metadata_len = 0;
    jwtguard_status c = jwtguard_result_claims_json(res, claims, sizeof claims, &claims_len);
    /* With providers, the metadata fields are those of the provider that verified the token. */
    int provider = jwtguard_result_provider(res);
    const jwtguard_verifier *fields = provider >= 0 ? o->providers[provider] : o->verifier;
    jwtguard_status m = jwtguard_result_metadata(fields, res, metadata, sizeof metadata, &metadata_len);
    if (c != JWTGUARD_OK || m != JWTGUARD_OK) {
        printf("{\"ok\":false,\"code\":\"%s\",\"error\":\"output too large\"}\n",
               jwtguard_error_name(c != JWTGUARD_OK ? c : m));
        return false;
    }
    fputs("{\"ok\":true,", stdout);
    if (provider >= 0) printf("\"provider\":%d,", provider);
    printf("\"claims\":%.*s,\"metadata\":%.*s}\n", (int)claims_len, claims, (int)metadata_len, metadata);
    return true;
}

/* Read one line of at most `cap` bytes (without its newline) into `buf`. Returns false at end
 * of input; a longer line is consumed to its end and reported with *too_long. */
static bool read_line(FILE *in, char *buf, size_t cap, size_t *len, bool *too_long) {
    size_t n = 0;
    int c;
    *too_long = false;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (n < cap) buf[n++] = (char)c;
        else *too_long = true;
    }
    if (c == EOF && n == 0 && !*too_long) return false;
    while (n && buf[n - 1] == '\r') n--;
    *len = n;
    return true;
}

static void free_options(struct options *o) {
    for (size_t p = 0; p < o->n_providers; p++) jwtguard_verifier_free(o->providers[p]);
    free(o->args_text);
}

int main(int argc, char **argv) {
    struct options o;
    memset(&o, 0, sizeof o);
    o.verifier = jwtguard_verifier_new();
    if (!o.verifier) return fail_usage("out of memory", NULL);
    o.providers[o.n_providers++] = o.verifier;

    FILE *in = stdin;
    int status = 0, first_token = argc;
    if (argc == 1) {
        /* No options: the bundled sample data and its policy. */
        o.base_dir = JWTGUARD_DATA_DIR;
        status = apply_file(&o, "policy.args");
        if (!status) {
            char path[4096];
            snprintf(path, sizeof path, "%s/tokens.txt", JWTGUARD_DATA_DIR);
            in = fopen(path, "r");
            if (!in) status = fail_usage("cannot read", path);
        }
    } else {
        for (int i = 1; i < argc && !status; i++) {
            if (strncmp(argv[i], "--", 2) != 0) { first_token = i; break; }
            status = apply(&o, argc, argv, &i);
        }
    }
    if (status) {
        free_options(&o);
        return status < 0 ? 0 : status;
    }
    if (!o.now_set) o.now = (uint64_t)time(NULL);
    /* Fail-safe defaults: no issuer or no audience is a setup error unless waived, for every
     * provider; in a set, every provider must list its issuers. */
    for (size_t p = 0; p < o.n_providers; p++) {
        jwtguard_status setup = jwtguard_verifier_check(o.providers[p]);
        if (setup != JWTGUARD_OK) {
            fprintf(stderr, "jwtguard-verify: provider %zu: %s (%s): give %s\n", p, jwtguard_error_message(setup),
                    jwtguard_error_name(setup),
                    setup == JWTGUARD_ISSUER_NOT_CONFIGURED ? "--iss ISSUER, or --any-iss" : "--aud AUDIENCE, or --no-aud");
            free_options(&o);
            return 2;
        }
    }
    /* The size limit is the input's, not a provider's: every provider and the set get it. */
    for (size_t p = 0; p < o.n_providers && o.max_token_size; p++) {
        jwtguard_status s = jwtguard_verifier_set_max_token_size(o.providers[p], o.max_token_size);
        if (s != JWTGUARD_OK) {
            free_options(&o);
            return fail_status("cannot apply", "--max-token-size", s);
        }
    }
    if (o.explain && o.n_providers > 1) {
        /* The walk is one verifier's: with several providers, explain each on its own. */
        free_options(&o);
        return fail_usage("--explain takes one provider's keys and policy", NULL);
    }
    if (o.n_providers > 1) {
        jwtguard_status s = jwtguard_providers_init(&o.set, sizeof o.set);
        if (s == JWTGUARD_OK && o.max_token_size) s = jwtguard_providers_set_max_token_size(&o.set, o.max_token_size);
        for (size_t p = 0; p < o.n_providers && s == JWTGUARD_OK; p++) s = jwtguard_providers_add(&o.set, o.providers[p]);
        if (s == JWTGUARD_OK && o.providers_kidless_limit)
            s = jwtguard_providers_set_kidless_limit(&o.set, o.providers_kidless_limit);
        if (s == JWTGUARD_OK) s = jwtguard_providers_check(&o.set);
        if (s != JWTGUARD_OK) {
            free_options(&o);
            return fail_status("cannot build", "the providers", s);
        }
    }

    bool all_ok = true;
    size_t seen = 0;
    if (first_token < argc) {
        for (int i = first_token; i < argc; i++, seen++) all_ok &= verify_one(&o, argv[i], strlen(argv[i]));
    } else {
        static char line[MAX_LINE];
        size_t n;
        bool too_long;
        while (read_line(in, line, sizeof line, &n, &too_long)) {
            if (too_long) {
                printf("{\"ok\":false,\"code\":\"%s\",\"error\":\"Line is longer than %d bytes\"}\n",
                       jwtguard_error_name(JWTGUARD_TOKEN_TOO_LONG), (int)MAX_LINE);
                all_ok = false;
                seen++;
                continue;
            }
            if (n == 0 || line[0] == '#') continue;
            all_ok &= verify_one(&o, line, n);
            seen++;
        }
        if (in != stdin) fclose(in);
    }
    free_options(&o);
    /* No token at all is not a pass: a script feeding an empty file must not read 0 as "valid". */
    if (seen == 0) return fail_usage("no token given (as arguments or one per line on stdin)", NULL);
    return all_ok ? 0 : 1;
}
