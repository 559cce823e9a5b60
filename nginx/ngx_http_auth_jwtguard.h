/*
 * ngx_http_auth_jwtguard_module: what its three files share.
 *
 * - ngx_http_auth_jwtguard_module.c: directives, configuration, the verifiers built from it;
 * - ngx_http_auth_jwtguard_keys.c: keys fetched from identity providers (the subrequest, the
 *   shared zone, the per-worker key sets) and the status location;
 * - ngx_http_auth_jwtguard_handler.c: the access handler, the challenge, claim headers and
 *   variables.
 */

#ifndef NGX_HTTP_AUTH_JWTGUARD_H
#define NGX_HTTP_AUTH_JWTGUARD_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "jwtguard.h"

/* Key files are small; anything larger is a mistake in the configuration. */
#define JG_MAX_KEY_FILE (1024 * 1024)
/* Fetched key sets per configuration (each a (server, key request URI) pair), and named
 * providers whose verdicts the zone counts. */
#define JG_MAX_SLOTS 64
#define JG_MAX_NAMED 64
/* Status codes are numbered below this (include/jwtguard.h); the zone counts each. */
#define JG_STATUS_CODES 1024
/* How long a fetch in flight keeps other workers from starting one, and how long a request
 * that finds no key set waits for another worker's fetch, in milliseconds. */
#define JG_FETCH_LEASE 10000
#define JG_POLL_INTERVAL 50

typedef enum { KEY_JWKS, KEY_HS256, KEY_PEM } jg_key_kind_t;

typedef struct {
    jg_key_kind_t kind;
    uint32_t alg;   /* auth_jwtguard_key_pem's algorithm (JWTGUARD_ALG_*) */
    ngx_str_t kid;  /* empty: no kid (JWKS keys carry their own) */
    ngx_str_t data; /* the file's contents, read at configuration time */
} jg_key_conf_t;

typedef struct {
    ngx_str_t header;   /* request header passed upstream */
    u_char *lowcase;    /* its name in lower case, and that name's hash, made once at */
    ngx_uint_t hash;    /* configuration time (each request's header copies them) */
    ngx_str_t path;     /* claim path: dot-separated, or a JSON Pointer (RFC 6901) */
} jg_claim_header_t;

/* auth_jwtguard_require_claim PATH VALUE...: the claim must equal one of the values, or, for an
 * array claim, contain one. */
typedef struct {
    ngx_str_t path;
    ngx_str_t *values;
    ngx_uint_t n_values;
} jg_claim_requirement_t;

/* auth_jwtguard_require $var... [error=401|403]: every value must be non-empty and not "0". */
typedef struct {
    ngx_array_t *values; /* of ngx_http_complex_value_t */
    ngx_uint_t status;   /* the HTTP status when one fails */
    ngx_str_t text;      /* the directive's arguments, for the log */
} jg_require_t;

/* $jwtguard_error when an auth_jwtguard_require failed: the module's own verdict, not one of
 * the library's statuses (the token itself was valid). */
#define JG_REQUIREMENT_FAILED "JWTGUARD_REQUIREMENT_FAILED"

/* auth_jwtguard on | off | optional. */
enum { JG_OFF = 0, JG_ON = 1, JG_OPTIONAL = 2 };
/* auth_jwtguard_phase access | preaccess. */
enum { JG_PHASE_ACCESS = 0, JG_PHASE_PREACCESS = 1 };

/* Why a fetch did not count, as the zone counts them and the status location names them. */
enum {
    JG_FAIL_STATUS,    /* the key location answered something other than 200 */
    JG_FAIL_UPSTREAM,  /* the subrequest did not complete (connect, TLS, timeout, cut short) */
    JG_FAIL_TOO_LARGE, /* the body is over auth_jwtguard_key_max_size */
    JG_FAIL_NOT_JWKS,  /* the body is not a JWKS with a public key this build verifies */
    JG_FAIL_ZONE_FULL, /* the shared zone has no room for the document */
    JG_FAIL_REASONS
};
extern const char *const jg_fail_names[JG_FAIL_REASONS];

/* One fetched key set in the shared zone: the last good JWKS document and what is known about
 * fetching it. Shared by every worker; written under the zone's mutex, read without it where a
 * word-sized read is enough (generation, times). */
typedef struct {
    u_char *doc; /* the last good document (slab memory), NULL before the first */
    size_t doc_len;
    ngx_atomic_t generation;  /* bumped when the document changes */
    ngx_atomic_t fetched_at;  /* ngx_current_msec of the last good fetch (monotonic, shared) */
    ngx_atomic_t last_start;  /* when the last fetch started (the throttle); 0: never */
    ngx_atomic_t lease_until; /* a fetch is in flight until then */
    time_t fetched_wall;      /* ngx_time() of the last good fetch, for the status location */
    ngx_atomic_t fetch_ok;
    ngx_atomic_t fetch_failed[JG_FAIL_REASONS];
    ngx_atomic_t keys, skipped, secrets_skipped; /* of the last good fetch */
} jg_slot_sh_t;

/* The zone: counters over all workers, and the key sets of this configuration. */
typedef struct {
    ngx_atomic_t verdicts[JG_STATUS_CODES + 1]; /* by status code; the last, any other */
    ngx_atomic_t verified_by[JG_MAX_NAMED];     /* tokens each named provider verified */
    ngx_atomic_t cycle; /* bumped at each configuration load: slots belong to one */
    jg_slot_sh_t slots[JG_MAX_SLOTS];
} jg_shctx_t;

typedef struct ngx_http_auth_jwtguard_loc_conf_s ngx_http_auth_jwtguard_loc_conf_t;

/* A verifier with fetched keys, per worker; freed when it has been replaced and no request
 * holds it. */
typedef struct {
    jwtguard_verifier *verifier;
    ngx_uint_t refs; /* the source's, plus one per request using it */
} jg_keyset_t;

/* Where a fetched key set comes from and what it is for: a key request URI in one server (the
 * subrequest resolves its URI there), with the template verifier of a level or a provider
 * (its static keys and policy) that each fetched document is added to. Made at configuration
 * time; `current` and `generation` are per worker (the configuration is copied into each). */
typedef struct {
    ngx_str_t uri;
    void *server;                 /* the ngx_http_core_srv_conf_t it is fetched in */
    const jwtguard_verifier *tmpl;
    ngx_str_t name;               /* the provider's name, empty for a level's own keys */
    time_t cache, refresh_min, max_stale;
    size_t max_size;
    ngx_uint_t slot; /* in the zone */
    jg_keyset_t *current;
    ngx_atomic_uint_t generation;
} jg_source_t;

/* auth_jwtguard_provider NAME { ... }: one identity provider's keys and policy. */
typedef struct {
    ngx_str_t name;
    ngx_uint_t index; /* in the zone's verified_by */
    ngx_http_auth_jwtguard_loc_conf_t *conf;
} jg_provider_conf_t;

/* A provider as one location uses it: its static verifier, or its fetched keys in this
 * location's server. */
typedef struct {
    jg_provider_conf_t *provider;
    jg_source_t *source; /* NULL: static keys only */
} jg_member_t;

struct ngx_http_auth_jwtguard_loc_conf_s {
    ngx_uint_t enable;          /* JG_OFF, JG_ON or JG_OPTIONAL */
    ngx_str_t realm;
    ngx_array_t *keys;          /* of jg_key_conf_t */
    ngx_array_t *issuers;       /* of ngx_str_t */
    ngx_array_t *audiences;     /* of ngx_str_t */
    ngx_array_t *parties;       /* of ngx_str_t */
    time_t leeway;
    ngx_flag_t any_issuer;      /* auth_jwtguard_allow_any_issuer */
    ngx_flag_t no_audience;     /* auth_jwtguard_allow_no_audience */
    ngx_array_t *permissions;   /* of ngx_str_t: required at this level */
    ngx_array_t *claim_headers; /* of jg_claim_header_t */
    ngx_array_t *token;         /* auth_jwtguard_token: of ngx_http_complex_value_t, the first
                                 * non-empty is the token; NULL: the Authorization header */
    ngx_array_t *require;       /* auth_jwtguard_require: of jg_require_t, all must hold */
    ngx_str_t permissions_claim; /* auth_jwtguard_permissions_claim */
    ngx_flag_t access_token;    /* auth_jwtguard_access_token (RFC 9068) */
    time_t max_age;             /* auth_jwtguard_max_age */
    ngx_flag_t require_exp;     /* auth_jwtguard_require_exp */
    ngx_flag_t require_sub;     /* auth_jwtguard_require_sub */
    ngx_flag_t strip_token;     /* auth_jwtguard_strip_token */
    ngx_uint_t phase;           /* auth_jwtguard_phase */
    ngx_array_t *requirements;  /* of jg_claim_requirement_t, all must hold */
    ngx_flag_t require_kid;     /* auth_jwtguard_require_kid */
    ngx_array_t *provider_names; /* auth_jwtguard_providers: of ngx_str_t */
    ngx_uint_t providers_kidless_limit; /* its kidless_limit=N, 0 for the default */
    size_t max_token_size;      /* auth_jwtguard_max_token_size */
    ngx_str_t key_request;      /* auth_jwtguard_key_request: the internal location to fetch */
    time_t key_cache;           /* auth_jwtguard_key_cache */
    time_t key_refresh_min;     /* auth_jwtguard_key_refresh_min */
    time_t key_max_stale;       /* auth_jwtguard_key_max_stale */
    size_t key_max_size;        /* auth_jwtguard_key_max_size */
    ngx_shm_zone_t *cache;      /* auth_jwtguard_cache zone=NAME:SIZE; NULL: off */
    ngx_uint_t status;          /* auth_jwtguard_status: 0 none, 1 counters, 2 readiness */

    /* Built at merge time from the above; NULL until then. */
    jwtguard_verifier *verifier; /* static keys and policy (a fetched set's template) */
    jg_source_t *source;         /* with key_request: the fetched keys, in this server */
    jwtguard_providers *set;     /* auth_jwtguard_providers, all with static keys only */
    jg_member_t *members;        /* auth_jwtguard_providers, each with its key set */
    ngx_uint_t n_members;
    ngx_uint_t n_fetched;        /* members with fetched keys: the set is built per request */
    jwtguard_str *required;      /* `permissions` as jwtguard_str, for jwtguard_verify */
    ngx_uint_t n_required;
};

typedef struct {
    ngx_array_t secrets;   /* of ngx_str_t: HS256 secret files, wiped at postconfiguration */
    ngx_array_t providers; /* of jg_provider_conf_t */
    ngx_array_t sources;   /* of jg_source_t *: every fetched key set's source */
    ngx_array_t slots;     /* of jg_slot_key_t: the zone's slot of each (server, URI) */
    ngx_shm_zone_t *zone;  /* auth_jwtguard_key_zone */
    jg_shctx_t *sh;        /* set when the zone is initialised */
    ngx_slab_pool_t *shpool;
    ngx_atomic_uint_t cycle; /* this configuration's cycle number in the zone */
} ngx_http_auth_jwtguard_main_conf_t;

typedef struct {
    void *server;
    ngx_str_t uri;
    ngx_str_t server_name; /* for the status location */
    ngx_str_t provider;    /* the first provider fetching it, for the status location */
} jg_slot_key_t;

typedef struct jg_fetch_s jg_fetch_t;

/* Per request. */
typedef struct {
    const jwtguard_result *result; /* set when the token verified */
    jwtguard_status status;        /* the outcome, for $jwtguard_error */
    ngx_uint_t ran;                /* whether the module looked at this request's token */
    ngx_uint_t require_failed;     /* an auth_jwtguard_require did not hold */
    ngx_uint_t keys_tried;         /* signature checks over every pass ($jwtguard_keys_tried) */
    ngx_str_t provider;            /* the provider whose key verified it ($jwtguard_provider) */
    ngx_int_t decision;            /* the handler's answer, kept for the access phase when the
                                    * verify ran in preaccess (auth_jwtguard_phase) */
    void *decided;                 /* the location configuration it was made for; NULL: none */
    ngx_str_t token;               /* the token looked at (for $jwtguard_explain) */
    const jwtguard_verifier *verifier; /* the verifier it was checked with (ditto) */
    /* Fetched keys: this request's fetches in flight (it waits for them), whether it already
     * refetched for an unknown kid, how long it has waited for another worker's fetch, and
     * the key sets it verifies with (held until the request ends). */
    ngx_uint_t pending;
    ngx_uint_t refetched;
    ngx_msec_t waited;
    jg_keyset_t *held[2 * JWTGUARD_MAX_PROVIDERS]; /* (a refetch adds the new sets) */
    ngx_uint_t n_held;
    ngx_uint_t cleanup_added;
    /* Set on a fetch subrequest only: its capture. */
    jg_fetch_t *fetch;
} ngx_http_auth_jwtguard_ctx_t;

extern ngx_module_t ngx_http_auth_jwtguard_module;

/* ngx_http_auth_jwtguard_module.c */
jwtguard_status jg_apply_policy(jwtguard_verifier *v, ngx_http_auth_jwtguard_loc_conf_t *conf,
                                const char **what);

/* ngx_http_auth_jwtguard_handler.c */
ngx_int_t jg_access_handler(ngx_http_request_t *r);
ngx_int_t jg_preaccess_handler(ngx_http_request_t *r);
ngx_int_t jg_add_variables(ngx_conf_t *cf);

/* ngx_http_auth_jwtguard_keys.c */
char *jg_key_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *jg_cache_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *jg_status_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
jg_source_t *jg_source_for(ngx_conf_t *cf, ngx_http_auth_jwtguard_loc_conf_t *owner,
                           ngx_str_t *provider_name);
ngx_int_t jg_keys_init(ngx_conf_t *cf);
ngx_int_t jg_zone_check(ngx_conf_t *cf);
/* The verifiers a request verifies with (held in `ctx`); NGX_AGAIN while it waits for keys,
 * NGX_ERROR when a key set it needs cannot be had (fail closed: 500), NGX_OK otherwise.
 * `*missing` counts the providers left out because their fetched set is not usable. */
ngx_int_t jg_request_keys(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                          ngx_http_auth_jwtguard_ctx_t *ctx, const jwtguard_verifier **verifier,
                          jwtguard_providers **set, ngx_uint_t *missing);
/* After an unknown kid: start a fetch of every fetched key set the request used (each at most
 * once per refresh time); NGX_AGAIN if the request now waits for one. */
ngx_int_t jg_refetch(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                     ngx_http_auth_jwtguard_ctx_t *ctx);
/* Readiness (auth_jwtguard_status ready): fetch what this server lacks; NGX_AGAIN to wait. */
ngx_int_t jg_warm(ngx_http_request_t *r, ngx_http_auth_jwtguard_ctx_t *ctx);
void jg_count(ngx_http_request_t *r, jwtguard_status s, const jg_provider_conf_t *by);

#endif
