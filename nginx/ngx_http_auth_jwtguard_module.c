/*
 * ngx_http_auth_jwtguard_module: JWT (HS256, RS256) bearer authentication for nginx, on the
 * jwtguard C ABI.
 *
 * Keys and policy are loaded once, when the configuration is read: a bad key or policy fails
 * `nginx -t`. Each configuration level that sets keys or policy gets one verifier, shared by the
 * levels below it that add nothing but permissions; the verifier is read-only afterwards, so
 * worker processes share it copy-on-write. Per request the module parses the Authorization
 * header (RFC 6750 §2.1), verifies the token against ngx_time(), checks the location's required
 * permissions, and on success passes the configured claims upstream as request headers.
 *
 * The token comes from the Authorization header, or from the variable `auth_jwtguard_token` names
 * (a session cookie, a query argument). `$jwtguard_error` is the outcome's status name, for
 * access logs and `map`; the token itself is never logged.
 *
 * Responses follow RFC 6750 §3: no credentials -> 401 with `Bearer realm="..."`; a malformed
 * Authorization header -> 400 `error="invalid_request"`; a bad token -> 401
 * `error="invalid_token"` with jwtguard's message as error_description; missing permissions ->
 * 403 `error="insufficient_scope"`.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "jwtguard.h"

/* Key files are small; anything larger is a mistake in the configuration. */
#define JWTGUARD_NGX_MAX_KEY_FILE (1024 * 1024)

typedef enum { KEY_JWKS, KEY_HS256, KEY_PEM } jwtguard_key_kind_t;

typedef struct {
    jwtguard_key_kind_t kind;
    ngx_str_t kid;   /* empty: no kid (JWKS keys carry their own) */
    ngx_str_t data;  /* the file's contents, read at configuration time */
} jwtguard_key_conf_t;

typedef struct {
    ngx_str_t header; /* request header passed upstream */
    ngx_str_t path;   /* claim path: dot-separated, or a JSON Pointer (RFC 6901) */
} jwtguard_claim_header_t;

/* auth_jwtguard_require_claim PATH VALUE...: the claim must equal one of the values, or, for an
 * array claim, contain one. */
typedef struct {
    ngx_str_t path;
    ngx_str_t *values;
    ngx_uint_t n_values;
} jwtguard_claim_requirement_t;

/* A key set fetched by auth_jwtguard_key_request: its verifier (the location's policy and the
 * fetched keys), and, when the location has static keys too, a providers set over it and the
 * static verifier. Per worker; freed when it has been replaced and no request holds it. */
typedef struct {
    jwtguard_verifier *verifier;
    jwtguard_providers set;
    ngx_uint_t with_static; /* verify through `set` */
    ngx_uint_t refs;        /* the location's, plus one per request using it */
} jwtguard_keyset_t;

/* A location's fetched keys, per worker (the configuration is copied into each worker). */
typedef struct {
    jwtguard_keyset_t *current; /* NULL until a fetch succeeds */
    /* In ngx_current_msec (monotonic milliseconds): a throttle of whole seconds by the
     * calendar clock would let two fetches through across a second boundary. */
    ngx_msec_t loaded_at;       /* when `current` was fetched */
    ngx_msec_t last_start;      /* when the last fetch started, for the refetch throttle */
} jwtguard_keystate_t;

typedef struct {
    ngx_flag_t enable;
    ngx_str_t realm;
    ngx_array_t *keys;          /* of jwtguard_key_conf_t */
    ngx_array_t *issuers;       /* of ngx_str_t */
    ngx_array_t *audiences;     /* of ngx_str_t */
    ngx_array_t *parties;       /* of ngx_str_t */
    time_t leeway;
    ngx_flag_t any_issuer;    /* auth_jwtguard_allow_any_issuer */
    ngx_flag_t no_audience;   /* auth_jwtguard_allow_no_audience */
    ngx_array_t *permissions;   /* of ngx_str_t: required at this level */
    ngx_array_t *claim_headers; /* of jwtguard_claim_header_t */
    ngx_http_complex_value_t *token; /* auth_jwtguard_token; NULL: the Authorization header */
    ngx_array_t *requirements;  /* of jwtguard_claim_requirement_t, all must hold */
    ngx_flag_t require_kid;     /* auth_jwtguard_require_kid */
    ngx_array_t *provider_names; /* auth_jwtguard_providers: of ngx_str_t */
    ngx_uint_t providers_kidless_limit; /* its kidless_limit=N, 0 for the default */
    size_t max_token_size;      /* auth_jwtguard_max_token_size */
    ngx_str_t key_request;      /* auth_jwtguard_key_request: the internal location to fetch */
    time_t key_cache;           /* auth_jwtguard_key_cache */
    time_t key_refresh_min;     /* auth_jwtguard_key_refresh_min */
    jwtguard_keystate_t *keystate; /* with key_request: the fetched keys */

    /* Built at merge time from the above; NULL until then. */
    jwtguard_verifier *verifier;
    jwtguard_providers *set;    /* over the named providers' verifiers, instead of `verifier` */
    jwtguard_str *required;     /* `permissions` as jwtguard_str, for jwtguard_verify */
    ngx_uint_t n_required;
} ngx_http_auth_jwtguard_loc_conf_t;

typedef struct {
    const jwtguard_result *result; /* set when the token verified */
    jwtguard_status status;  /* the outcome, for $jwtguard_error */
    ngx_uint_t ran;          /* whether the module looked at this request's token */
    ngx_str_t provider;      /* the provider whose key verified it, for $jwtguard_provider */
    /* auth_jwtguard_key_request: this request's fetch (none, waiting, done, installed), its
     * response, and the key set it verifies with (held until the request ends). */
    ngx_uint_t fetch;
    ngx_uint_t fetch_status;
    ngx_str_t fetch_body;
    jwtguard_keyset_t *held;
    jwtguard_keystate_t *held_from;
} ngx_http_auth_jwtguard_ctx_t;

enum { FETCH_NONE = 0, FETCH_WAITING, FETCH_DONE, FETCH_USED };

/* auth_jwtguard_provider NAME { ... }: one identity provider's keys and policy, in the fields
 * of a location configuration, with its verifier built when the block ends. */
typedef struct {
    ngx_str_t name;
    ngx_http_auth_jwtguard_loc_conf_t *conf;
} jwtguard_provider_conf_t;

/* HS256 secret file contents, wiped once every level's verifier is built (postconfiguration):
 * the verifiers hold the keys, and nothing else needs the secret bytes for the process's life.
 * And the providers, which locations name. */
typedef struct {
    ngx_array_t secrets;   /* of ngx_str_t: the whole buffer read from each secret file */
    ngx_array_t providers; /* of jwtguard_provider_conf_t */
} ngx_http_auth_jwtguard_main_conf_t;

static ngx_int_t ngx_http_auth_jwtguard_handler(ngx_http_request_t *r);
static void *ngx_http_auth_jwtguard_create_loc_conf(ngx_conf_t *cf);
static void *ngx_http_auth_jwtguard_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_auth_jwtguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static ngx_int_t ngx_http_auth_jwtguard_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_auth_jwtguard_init(ngx_conf_t *cf);
static char *ngx_http_auth_jwtguard_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_claim_header(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_text(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_require_claim(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_provider(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_providers(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

#define JWTGUARD_ALL_LEVELS (NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF)

static ngx_command_t ngx_http_auth_jwtguard_commands[] = {
    {ngx_string("auth_jwtguard"), JWTGUARD_ALL_LEVELS | NGX_HTTP_LMT_CONF | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, enable), NULL},

    {ngx_string("auth_jwtguard_realm"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, realm), NULL},

    {ngx_string("auth_jwtguard_jwks"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_http_auth_jwtguard_key, NGX_HTTP_LOC_CONF_OFFSET, 0, (void *)KEY_JWKS},

    {ngx_string("auth_jwtguard_hs256"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE2,
     ngx_http_auth_jwtguard_key, NGX_HTTP_LOC_CONF_OFFSET, 0, (void *)KEY_HS256},

    {ngx_string("auth_jwtguard_key_pem"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE2,
     ngx_http_auth_jwtguard_key, NGX_HTTP_LOC_CONF_OFFSET, 0, (void *)KEY_PEM},

    {ngx_string("auth_jwtguard_issuer"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_http_auth_jwtguard_text, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, issuers), NULL},

    {ngx_string("auth_jwtguard_audience"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_http_auth_jwtguard_text, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, audiences), NULL},

    {ngx_string("auth_jwtguard_authorized_party"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_http_auth_jwtguard_text, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, parties), NULL},

    {ngx_string("auth_jwtguard_allow_any_issuer"), JWTGUARD_ALL_LEVELS | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, any_issuer), NULL},

    {ngx_string("auth_jwtguard_allow_no_audience"), JWTGUARD_ALL_LEVELS | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, no_audience), NULL},

    {ngx_string("auth_jwtguard_leeway"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_sec_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, leeway), NULL},

    {ngx_string("auth_jwtguard_require_permission"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_http_auth_jwtguard_text, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, permissions), NULL},

    {ngx_string("auth_jwtguard_claim_header"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE2,
     ngx_http_auth_jwtguard_claim_header, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    {ngx_string("auth_jwtguard_require_claim"), JWTGUARD_ALL_LEVELS | NGX_CONF_2MORE,
     ngx_http_auth_jwtguard_require_claim, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    {ngx_string("auth_jwtguard_token"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_http_set_complex_value_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, token), NULL},
    {ngx_string("auth_jwtguard_max_token_size"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_size_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, max_token_size), NULL},
    {ngx_string("auth_jwtguard_key_request"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, key_request), NULL},
    {ngx_string("auth_jwtguard_key_cache"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_sec_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, key_cache), NULL},
    {ngx_string("auth_jwtguard_key_refresh_min"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_sec_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, key_refresh_min), NULL},
    {ngx_string("auth_jwtguard_require_kid"), JWTGUARD_ALL_LEVELS | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, require_kid), NULL},
    {ngx_string("auth_jwtguard_provider"), NGX_HTTP_MAIN_CONF | NGX_CONF_BLOCK | NGX_CONF_TAKE1,
     ngx_http_auth_jwtguard_provider, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("auth_jwtguard_providers"), JWTGUARD_ALL_LEVELS | NGX_CONF_1MORE,
     ngx_http_auth_jwtguard_providers, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    ngx_null_command};

static ngx_http_module_t ngx_http_auth_jwtguard_module_ctx = {
    ngx_http_auth_jwtguard_add_variables,   /* preconfiguration */
    ngx_http_auth_jwtguard_init,            /* postconfiguration */
    ngx_http_auth_jwtguard_create_main_conf, /* create main configuration */
    NULL,                                   /* init main configuration */
    NULL,                                   /* create server configuration */
    NULL,                                   /* merge server configuration */
    ngx_http_auth_jwtguard_create_loc_conf, /* create location configuration */
    ngx_http_auth_jwtguard_merge_loc_conf   /* merge location configuration */
};

ngx_module_t ngx_http_auth_jwtguard_module = {
    NGX_MODULE_V1,
    &ngx_http_auth_jwtguard_module_ctx, /* module context */
    ngx_http_auth_jwtguard_commands,    /* module directives */
    NGX_HTTP_MODULE,                    /* module type */
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, /* init/exit hooks */
    NGX_MODULE_V1_PADDING};

/* ---- configuration ------------------------------------------------------------------------ */

static void *ngx_http_auth_jwtguard_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf = ngx_pcalloc(cf->pool, sizeof(*mcf));
    if (mcf == NULL || ngx_array_init(&mcf->secrets, cf->pool, 2, sizeof(ngx_str_t)) != NGX_OK ||
        ngx_array_init(&mcf->providers, cf->pool, 2, sizeof(jwtguard_provider_conf_t)) != NGX_OK)
        return NULL;
    return mcf;
}

static void *ngx_http_auth_jwtguard_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_auth_jwtguard_loc_conf_t *conf = ngx_pcalloc(cf->pool, sizeof(*conf));
    if (conf == NULL)
        return NULL;
    conf->enable = NGX_CONF_UNSET;
    conf->keys = NGX_CONF_UNSET_PTR;
    conf->issuers = NGX_CONF_UNSET_PTR;
    conf->audiences = NGX_CONF_UNSET_PTR;
    conf->parties = NGX_CONF_UNSET_PTR;
    conf->leeway = NGX_CONF_UNSET;
    conf->any_issuer = NGX_CONF_UNSET;
    conf->no_audience = NGX_CONF_UNSET;
    conf->permissions = NGX_CONF_UNSET_PTR;
    conf->claim_headers = NGX_CONF_UNSET_PTR;
    conf->token = NGX_CONF_UNSET_PTR;
    conf->requirements = NGX_CONF_UNSET_PTR;
    conf->require_kid = NGX_CONF_UNSET;
    conf->provider_names = NGX_CONF_UNSET_PTR;
    conf->providers_kidless_limit = NGX_CONF_UNSET_UINT;
    conf->max_token_size = NGX_CONF_UNSET_SIZE;
    conf->key_cache = NGX_CONF_UNSET;
    conf->key_refresh_min = NGX_CONF_UNSET;
    return conf;
}

/* A level verifies with its own keys or with named providers, not both (nginx prints the
 * directive's name before this). */
static const char both_keys_and_providers[] =
    "cannot be combined with auth_jwtguard_providers at the same level: put the keys in an "
    "auth_jwtguard_provider block";

/* Read a whole key file (relative paths are relative to the configuration prefix). */
static ngx_int_t read_key_file(ngx_conf_t *cf, ngx_str_t *name, ngx_str_t *out)
{
    if (ngx_conf_full_name(cf->cycle, name, 1) != NGX_OK)
        return NGX_ERROR;
    ngx_file_t file;
    ngx_memzero(&file, sizeof(file));
    file.name = *name;
    file.log = cf->log;
    file.fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, ngx_open_file_n " \"%s\" failed",
                           name->data);
        return NGX_ERROR;
    }
    ngx_int_t rc = NGX_ERROR;
    ngx_file_info_t fi;
    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, ngx_fd_info_n " \"%s\" failed",
                           name->data);
        goto done;
    }
    off_t size = ngx_file_size(&fi);
    if (size <= 0 || size > JWTGUARD_NGX_MAX_KEY_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "key file \"%s\" is empty or larger than 1 MiB",
                           name->data);
        goto done;
    }
    out->data = ngx_pnalloc(cf->pool, (size_t)size);
    if (out->data == NULL)
        goto done;
    ssize_t n = ngx_read_file(&file, out->data, (size_t)size, 0);
    if (n != (ssize_t)size) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, "reading \"%s\" failed", name->data);
        goto done;
    }
    out->len = (size_t)size;
    rc = NGX_OK;
done:
    ngx_close_file(file.fd);
    return rc;
}

/* Load one configured key into `v`. */
static jwtguard_status load_key(jwtguard_verifier *v, const jwtguard_key_conf_t *k,
                                size_t *loaded)
{
    *loaded = 1;
    switch (k->kind) {
    case KEY_JWKS: {
        size_t skipped = 0;
        return jwtguard_verifier_add_jwks(v, k->data.data, k->data.len, loaded, &skipped);
    }
    case KEY_HS256:
        return jwtguard_verifier_add_hs256(v, k->kid.data, k->kid.len, k->data.data, k->data.len);
    case KEY_PEM:
        return jwtguard_verifier_add_rsa_pem(v, k->kid.data, k->kid.len, k->data.data,
                                             k->data.len);
    }
    return JWTGUARD_INVALID_ARGUMENT;
}

/* auth_jwtguard_jwks FILE | auth_jwtguard_hs256 KID FILE | auth_jwtguard_key_pem KID FILE.
 * The file is read and the key loaded into a scratch verifier now, so `nginx -t` reports a bad
 * key at its own line. */
static char *ngx_http_auth_jwtguard_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf = conf;
    ngx_str_t *args = cf->args->elts;
    if (lcf->provider_names != NGX_CONF_UNSET_PTR)
        return (char *)both_keys_and_providers;
    jwtguard_key_conf_t key;
    ngx_memzero(&key, sizeof(key));
    key.kind = (jwtguard_key_kind_t)(uintptr_t)cmd->post;
    ngx_str_t path = args[cf->args->nelts - 1];
    if (key.kind != KEY_JWKS) {
        key.kid = args[1];
        if (key.kid.len == 1 && key.kid.data[0] == '-')
            key.kid.len = 0; /* "-": a key without a kid */
    }
    if (read_key_file(cf, &path, &key.data) != NGX_OK)
        return NGX_CONF_ERROR;
    if (key.kind == KEY_HS256) {
        ngx_http_auth_jwtguard_main_conf_t *mcf =
            ngx_http_conf_get_module_main_conf(cf, ngx_http_auth_jwtguard_module);
        ngx_str_t *wipe = ngx_array_push(&mcf->secrets);
        if (wipe == NULL)
            return NGX_CONF_ERROR;
        *wipe = key.data;
        /* A secret file normally ends with a newline, which is not part of the secret. */
        while (key.data.len > 0 &&
               (key.data.data[key.data.len - 1] == '\n' || key.data.data[key.data.len - 1] == '\r'))
            key.data.len--;
    }

    jwtguard_verifier *scratch = jwtguard_verifier_new();
    if (scratch == NULL)
        return NGX_CONF_ERROR;
    size_t loaded = 0;
    jwtguard_status s = load_key(scratch, &key, &loaded);
    jwtguard_verifier_free(scratch);
    if (s != JWTGUARD_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": cannot load a key from \"%s\": %s (%s)",
                           &cmd->name, path.data, jwtguard_error_message(s), jwtguard_error_name(s));
        return NGX_CONF_ERROR;
    }
    if (key.kind == KEY_JWKS && loaded == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": \"%s\" has no usable signing key",
                           &cmd->name, path.data);
        return NGX_CONF_ERROR;
    }

    if (lcf->keys == NGX_CONF_UNSET_PTR) {
        lcf->keys = ngx_array_create(cf->pool, 2, sizeof(jwtguard_key_conf_t));
        if (lcf->keys == NULL)
            return NGX_CONF_ERROR;
    }
    jwtguard_key_conf_t *slot = ngx_array_push(lcf->keys);
    if (slot == NULL)
        return NGX_CONF_ERROR;
    *slot = key;
    return NGX_CONF_OK;
}

/* Repeatable text directives (issuer, audience, party, permission), checked against the C
 * ABI's limit on string length here so the error has a line number. */
static char *ngx_http_auth_jwtguard_text(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t *value = cf->args->elts;
    if (value[1].len == 0 || value[1].len > JWTGUARD_MAX_TEXT) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\" must be 1 to %d bytes", &cmd->name,
                           JWTGUARD_MAX_TEXT);
        return NGX_CONF_ERROR;
    }
    /* (cmd->post must stay NULL: ngx_conf_set_str_array_slot calls it as a post handler.) */
    ngx_uint_t scope = cmd->offset == offsetof(ngx_http_auth_jwtguard_loc_conf_t, permissions);
    for (size_t i = 0; scope && i < value[1].len; i++) {
        /* A permission goes into the 403 challenge's scope attribute: RFC 6749 §3.3
         * scope-token characters only (%x21 / %x23-5B / %x5D-7E). */
        u_char c = value[1].data[i];
        if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\": \"%V\" is not a scope token (RFC 6749 section 3.3)",
                               &cmd->name, &value[1]);
            return NGX_CONF_ERROR;
        }
    }
    return ngx_conf_set_str_array_slot(cf, cmd, conf);
}

/* auth_jwtguard_claim_header HEADER PATH */
static char *ngx_http_auth_jwtguard_claim_header(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf = conf;
    ngx_str_t *value = cf->args->elts;
    for (size_t i = 0; i < value[1].len; i++) {
        u_char c = value[1].data[i];
        if (!(c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z'))) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": invalid header name \"%V\"",
                               &cmd->name, &value[1]);
            return NGX_CONF_ERROR;
        }
    }
    if (value[1].len == 0 || value[2].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": empty header name or claim path",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }
    /* A dot path with an empty segment (a..b, .a, a.) names no claim: a configuration error,
     * not a header that is silently never set. (A path starting with '/' is a JSON Pointer,
     * whose member names may hold dots.) */
    u_char *path = value[2].data, *end = value[2].data + value[2].len;
    if (path[0] != '/' &&
        (path[0] == '.' || end[-1] == '.' || ngx_strnstr(path, "..", value[2].len) != NULL)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": claim path \"%V\" has an empty segment",
                           &cmd->name, &value[2]);
        return NGX_CONF_ERROR;
    }
    if (lcf->claim_headers == NGX_CONF_UNSET_PTR) {
        lcf->claim_headers = ngx_array_create(cf->pool, 4, sizeof(jwtguard_claim_header_t));
        if (lcf->claim_headers == NULL)
            return NGX_CONF_ERROR;
    }
    jwtguard_claim_header_t *h = ngx_array_push(lcf->claim_headers);
    if (h == NULL)
        return NGX_CONF_ERROR;
    h->header = value[1];
    h->path = value[2];
    return NGX_CONF_OK;
}

static char *ngx_http_auth_jwtguard_require_claim(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf = conf;
    ngx_str_t *value = cf->args->elts;
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++) {
        if (value[i].len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": empty claim path or value",
                               &cmd->name);
            return NGX_CONF_ERROR;
        }
    }
    if (lcf->requirements == NGX_CONF_UNSET_PTR) {
        lcf->requirements = ngx_array_create(cf->pool, 2, sizeof(jwtguard_claim_requirement_t));
        if (lcf->requirements == NULL)
            return NGX_CONF_ERROR;
    }
    jwtguard_claim_requirement_t *req = ngx_array_push(lcf->requirements);
    if (req == NULL)
        return NGX_CONF_ERROR;
    req->path = value[1];
    /* cf->args is reused for the next directive: keep copies of the values (their bytes live
     * in the configuration's pool already). */
    req->n_values = cf->args->nelts - 2;
    req->values = ngx_palloc(cf->pool, req->n_values * sizeof(ngx_str_t));
    if (req->values == NULL)
        return NGX_CONF_ERROR;
    ngx_memcpy(req->values, &value[2], req->n_values * sizeof(ngx_str_t));
    return NGX_CONF_OK;
}

/* Whether every auth_jwtguard_require_claim of the location holds for the verified token. */
static ngx_uint_t claims_required_hold(ngx_http_auth_jwtguard_loc_conf_t *lcf,
                                       const jwtguard_result *res)
{
    if (lcf->requirements == NULL)
        return 1;
    jwtguard_claim_requirement_t *req = lcf->requirements->elts;
    for (ngx_uint_t i = 0; i < lcf->requirements->nelts; i++) {
        ngx_uint_t any = 0;
        for (ngx_uint_t j = 0; j < req[i].n_values && !any; j++)
            any = jwtguard_result_claim_matches(res, req[i].path.data, req[i].path.len,
                                                req[i].values[j].data,
                                                req[i].values[j].len) == JWTGUARD_OK;
        if (!any)
            return 0;
    }
    return 1;
}

static void free_verifier(void *data)
{
    jwtguard_verifier_free(data);
}

typedef jwtguard_status (*add_text_fn)(jwtguard_verifier *, const uint8_t *, size_t);

static jwtguard_status add_texts(jwtguard_verifier *v, ngx_array_t *a, add_text_fn add)
{
    if (a == NULL)
        return JWTGUARD_OK;
    ngx_str_t *s = a->elts;
    for (ngx_uint_t i = 0; i < a->nelts; i++) {
        jwtguard_status st = add(v, s[i].data, s[i].len);
        if (st != JWTGUARD_OK)
            return st;
    }
    return JWTGUARD_OK;
}

/* The policy of `conf` (merged) into `v`: what a level's verifier and a fetched key set's
 * verifier share. `*what` names the directive a failure is about. */
static jwtguard_status apply_policy(jwtguard_verifier *v, ngx_http_auth_jwtguard_loc_conf_t *conf,
                                    const char **what)
{
    jwtguard_status s;
    *what = "auth_jwtguard_issuer";
    s = add_texts(v, conf->issuers, jwtguard_verifier_add_issuer);
    if (s == JWTGUARD_OK) {
        *what = "auth_jwtguard_audience";
        s = add_texts(v, conf->audiences, jwtguard_verifier_add_audience);
    }
    if (s == JWTGUARD_OK) {
        *what = "auth_jwtguard_authorized_party";
        s = add_texts(v, conf->parties, jwtguard_verifier_add_authorized_party);
    }
    if (s == JWTGUARD_OK) {
        *what = "auth_jwtguard_leeway";
        s = jwtguard_verifier_set_leeway(v, (uint64_t)conf->leeway);
    }
    if (s == JWTGUARD_OK && conf->any_issuer)
        s = jwtguard_verifier_allow_any_issuer(v);
    if (s == JWTGUARD_OK && conf->no_audience)
        s = jwtguard_verifier_allow_no_audience(v);
    if (s == JWTGUARD_OK && conf->require_kid == 1)
        s = jwtguard_verifier_set_require_kid(v, 1);
    if (s == JWTGUARD_OK) {
        *what = "auth_jwtguard_max_token_size";
        s = jwtguard_verifier_set_max_token_size(v, conf->max_token_size);
    }
    if (s == JWTGUARD_OK) {
        /* Fail-safe defaults: keys without an issuer (or an audience) to check are a
         * configuration error here, at nginx -t, not a 500 on every request. */
        s = jwtguard_verifier_check(v);
        *what = s == JWTGUARD_ISSUER_NOT_CONFIGURED
                    ? "auth_jwtguard_issuer (or auth_jwtguard_allow_any_issuer on)"
                    : "auth_jwtguard_audience (or auth_jwtguard_allow_no_audience on)";
    }
    return s;
}

/* The verifier for `conf`'s keys and policy (all already merged), freed with the cycle. */
static char *build_verifier(ngx_conf_t *cf, ngx_http_auth_jwtguard_loc_conf_t *conf)
{
    jwtguard_verifier *v = jwtguard_verifier_new();
    if (v == NULL)
        return NGX_CONF_ERROR;
    ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        jwtguard_verifier_free(v);
        return NGX_CONF_ERROR;
    }
    cln->handler = free_verifier;
    cln->data = v;

    const char *what = "keys";
    jwtguard_status s = JWTGUARD_OK;
    if (conf->keys != NULL) {
        jwtguard_key_conf_t *k = conf->keys->elts;
        for (ngx_uint_t i = 0; s == JWTGUARD_OK && i < conf->keys->nelts; i++) {
            size_t loaded;
            s = load_key(v, &k[i], &loaded);
        }
    }
    if (s == JWTGUARD_OK)
        s = apply_policy(v, conf, &what);
    if (s != JWTGUARD_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "auth_jwtguard: %s: %s (%s)", what,
                           jwtguard_error_message(s), jwtguard_error_name(s));
        return NGX_CONF_ERROR;
    }
    conf->verifier = v;
    return NGX_CONF_OK;
}

/* ---- providers ------------------------------------------------------------------------- */

/* The directives a provider block takes: its keys and its policy, by the names they have at a
 * location. auth_jwtguard_allow_any_issuer is not one of them: a provider's issuers are what
 * its keys are bound to. */
static const char *const provider_directives[] = {
    "auth_jwtguard_jwks",     "auth_jwtguard_hs256",           "auth_jwtguard_key_pem",
    "auth_jwtguard_issuer",   "auth_jwtguard_audience",        "auth_jwtguard_authorized_party",
    "auth_jwtguard_leeway",   "auth_jwtguard_allow_no_audience", "auth_jwtguard_require_kid",
    NULL};

/* One directive inside auth_jwtguard_provider { }: found in the module's own table and run on
 * the provider's configuration, so it is parsed and checked exactly as at a location. */
static char *provider_directive(ngx_conf_t *cf, ngx_command_t *dummy, void *conf)
{
    (void)dummy;
    ngx_str_t *args = cf->args->elts;
    ngx_uint_t allowed = 0;
    for (const char *const *d = provider_directives; *d != NULL && !allowed; d++)
        allowed = args[0].len == ngx_strlen(*d) && ngx_strncmp(args[0].data, *d, args[0].len) == 0;
    if (!allowed) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" is not allowed in auth_jwtguard_provider (a provider takes "
                           "keys, auth_jwtguard_issuer, audience, authorized_party, leeway, "
                           "allow_no_audience and require_kid)",
                           &args[0]);
        return NGX_CONF_ERROR;
    }
    for (ngx_command_t *cmd = ngx_http_auth_jwtguard_commands; cmd->name.len; cmd++) {
        if (cmd->name.len != args[0].len || ngx_strncmp(cmd->name.data, args[0].data, args[0].len))
            continue;
        ngx_uint_t n = cf->args->nelts - 1;
        ngx_uint_t ok = (cmd->type & NGX_CONF_TAKE2) ? n == 2 : n == 1; /* TAKE1 and FLAG */
        if (!ok) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid number of arguments in \"%V\"",
                               &cmd->name);
            return NGX_CONF_ERROR;
        }
        return cmd->set(cf, cmd, conf);
    }
    return NGX_CONF_ERROR;
}

/* auth_jwtguard_provider NAME { keys and policy }: at the http level, named for
 * auth_jwtguard_providers. Its verifier is built when the block ends, so `nginx -t` reports a
 * bad key or policy there. */
static char *ngx_http_auth_jwtguard_provider(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf = conf;
    ngx_str_t name = ((ngx_str_t *)cf->args->elts)[1];
    jwtguard_provider_conf_t *known = mcf->providers.elts;
    for (ngx_uint_t i = 0; i < mcf->providers.nelts; i++) {
        if (known[i].name.len == name.len && ngx_strncmp(known[i].name.data, name.data, name.len) == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "auth_jwtguard_provider \"%V\" is defined twice",
                               &name);
            return NGX_CONF_ERROR;
        }
    }
    ngx_http_auth_jwtguard_loc_conf_t *p = ngx_http_auth_jwtguard_create_loc_conf(cf);
    if (p == NULL)
        return NGX_CONF_ERROR;
    ngx_conf_t saved = *cf;
    cf->handler = provider_directive;
    cf->handler_conf = (char *)p;
    char *rv = ngx_conf_parse(cf, NULL);
    *cf = saved;
    if (rv != NGX_CONF_OK)
        return rv;
    if (p->keys == NGX_CONF_UNSET_PTR || p->issuers == NGX_CONF_UNSET_PTR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_jwtguard_provider \"%V\" needs a key and auth_jwtguard_issuer: a "
                           "provider's keys are bound to its issuers (RFC 8725 section 3.8)",
                           &name);
        return NGX_CONF_ERROR;
    }
    /* The rest of its configuration: what was given, else the defaults. */
    p->audiences = p->audiences == NGX_CONF_UNSET_PTR ? NULL : p->audiences;
    p->parties = p->parties == NGX_CONF_UNSET_PTR ? NULL : p->parties;
    ngx_conf_init_value(p->leeway, 0);
    ngx_conf_init_value(p->no_audience, 0);
    ngx_conf_init_value(p->require_kid, 0);
    ngx_conf_init_size_value(p->max_token_size, JWTGUARD_DEFAULT_MAX_TOKEN_SIZE);
    p->any_issuer = 0;
    (void)cmd;
    if (build_verifier(cf, p) != NGX_CONF_OK)
        return NGX_CONF_ERROR;
    jwtguard_provider_conf_t *slot = ngx_array_push(&mcf->providers);
    if (slot == NULL)
        return NGX_CONF_ERROR;
    slot->name = name;
    slot->conf = p;
    return NGX_CONF_OK;
}

/* auth_jwtguard_providers NAME... [kidless_limit=N]: verify with these providers, each token
 * checked by the policy of the provider whose key verified it. */
static char *ngx_http_auth_jwtguard_providers(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf = conf;
    ngx_str_t *value = cf->args->elts;
    if (lcf->provider_names != NGX_CONF_UNSET_PTR)
        return "is duplicate";
    if (lcf->keys != NGX_CONF_UNSET_PTR)
        return (char *)both_keys_and_providers;
    lcf->provider_names = ngx_array_create(cf->pool, cf->args->nelts, sizeof(ngx_str_t));
    if (lcf->provider_names == NULL)
        return NGX_CONF_ERROR;
    lcf->providers_kidless_limit = 0;
    static const char limit[] = "kidless_limit=";
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++) {
        if (value[i].len > sizeof(limit) - 1 && ngx_strncmp(value[i].data, limit, sizeof(limit) - 1) == 0) {
            ngx_int_t n = ngx_atoi(value[i].data + sizeof(limit) - 1, value[i].len - (sizeof(limit) - 1));
            if (n < 1 || n > 255) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": kidless_limit must be 1 to 255",
                                   &cmd->name);
                return NGX_CONF_ERROR;
            }
            lcf->providers_kidless_limit = (ngx_uint_t)n;
            continue;
        }
        ngx_str_t *slot = ngx_array_push(lcf->provider_names);
        if (slot == NULL)
            return NGX_CONF_ERROR;
        *slot = value[i]; /* cf->args is reused: the struct is copied, its bytes are pooled */
    }
    if (lcf->provider_names->nelts == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\" names no provider", &cmd->name);
        return NGX_CONF_ERROR;
    }
    if (lcf->provider_names->nelts > JWTGUARD_MAX_PROVIDERS) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": at most %d providers", &cmd->name,
                           JWTGUARD_MAX_PROVIDERS);
        return NGX_CONF_ERROR;
    }
    return NGX_CONF_OK;
}

/* The set over `conf`'s named providers (merged), in the configuration's pool. */
static char *build_set(ngx_conf_t *cf, ngx_http_auth_jwtguard_loc_conf_t *conf)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf =
        ngx_http_conf_get_module_main_conf(cf, ngx_http_auth_jwtguard_module);
    jwtguard_providers *set = ngx_palloc(cf->pool, sizeof(jwtguard_providers));
    if (set == NULL)
        return NGX_CONF_ERROR;
    jwtguard_status s = jwtguard_providers_init(set);
    ngx_str_t *names = conf->provider_names->elts;
    for (ngx_uint_t i = 0; s == JWTGUARD_OK && i < conf->provider_names->nelts; i++) {
        jwtguard_provider_conf_t *known = mcf->providers.elts;
        ngx_uint_t j = 0;
        while (j < mcf->providers.nelts &&
               (known[j].name.len != names[i].len ||
                ngx_strncmp(known[j].name.data, names[i].data, names[i].len) != 0))
            j++;
        if (j == mcf->providers.nelts) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "auth_jwtguard_providers: no auth_jwtguard_provider \"%V\"",
                               &names[i]);
            return NGX_CONF_ERROR;
        }
        s = jwtguard_providers_add(set, known[j].conf->verifier);
    }
    if (s == JWTGUARD_OK && conf->providers_kidless_limit > 0)
        s = jwtguard_providers_set_kidless_limit(set, (uint32_t)conf->providers_kidless_limit);
    if (s == JWTGUARD_OK)
        s = jwtguard_providers_set_max_token_size(set, conf->max_token_size);
    if (s == JWTGUARD_OK)
        s = jwtguard_providers_check(set);
    if (s != JWTGUARD_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "auth_jwtguard_providers: %s (%s)",
                           jwtguard_error_message(s), jwtguard_error_name(s));
        return NGX_CONF_ERROR;
    }
    conf->set = set;
    return NGX_CONF_OK;
}

static char *ngx_http_auth_jwtguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_auth_jwtguard_loc_conf_t *prev = parent;
    ngx_http_auth_jwtguard_loc_conf_t *conf = child;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_str_value(conf->realm, prev->realm, "api");
    ngx_conf_merge_ptr_value(conf->keys, prev->keys, NULL);
    ngx_conf_merge_ptr_value(conf->issuers, prev->issuers, NULL);
    ngx_conf_merge_ptr_value(conf->audiences, prev->audiences, NULL);
    ngx_conf_merge_ptr_value(conf->parties, prev->parties, NULL);
    ngx_conf_merge_sec_value(conf->leeway, prev->leeway, 0);
    ngx_conf_merge_value(conf->any_issuer, prev->any_issuer, 0);
    ngx_conf_merge_value(conf->no_audience, prev->no_audience, 0);
    ngx_conf_merge_ptr_value(conf->permissions, prev->permissions, NULL);
    ngx_conf_merge_ptr_value(conf->claim_headers, prev->claim_headers, NULL);
    ngx_conf_merge_ptr_value(conf->token, prev->token, NULL);
    ngx_conf_merge_ptr_value(conf->requirements, prev->requirements, NULL);
    ngx_conf_merge_value(conf->require_kid, prev->require_kid, 0);
    ngx_conf_merge_ptr_value(conf->provider_names, prev->provider_names, NULL);
    ngx_conf_merge_uint_value(conf->providers_kidless_limit, prev->providers_kidless_limit, 0);
    ngx_conf_merge_size_value(conf->max_token_size, prev->max_token_size,
                              JWTGUARD_DEFAULT_MAX_TOKEN_SIZE);
    ngx_conf_merge_str_value(conf->key_request, prev->key_request, "");
    ngx_conf_merge_sec_value(conf->key_cache, prev->key_cache, 600);
    ngx_conf_merge_sec_value(conf->key_refresh_min, prev->key_refresh_min, 30);
    if (conf->key_request.len > 0 && conf->key_request.data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_jwtguard_key_request \"%V\" must be a location's URI, starting with /",
                           &conf->key_request);
        return NGX_CONF_ERROR;
    }
    if (conf->max_token_size == 0 || conf->max_token_size > JWTGUARD_MAX_TOKEN_CAPACITY) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_jwtguard_max_token_size must be 1 to %d bytes (the library's "
                           "capacity)",
                           JWTGUARD_MAX_TOKEN_CAPACITY);
        return NGX_CONF_ERROR;
    }

    for (size_t i = 0; i < conf->realm.len; i++) {
        if (conf->realm.data[i] == '"' || conf->realm.data[i] == '\\' || conf->realm.data[i] < 0x20) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "auth_jwtguard_realm must not contain quotes, backslashes or "
                               "control characters");
            return NGX_CONF_ERROR;
        }
    }

    if (conf->permissions != NULL) {
        if (conf->permissions->nelts > JWTGUARD_MAX_CALL_PERMISSIONS) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "auth_jwtguard_require_permission: at most %d per location",
                               JWTGUARD_MAX_CALL_PERMISSIONS);
            return NGX_CONF_ERROR;
        }
        ngx_str_t *p = conf->permissions->elts;
        conf->n_required = conf->permissions->nelts;
        conf->required = ngx_palloc(cf->pool, sizeof(jwtguard_str) * conf->n_required);
        if (conf->required == NULL)
            return NGX_CONF_ERROR;
        for (ngx_uint_t i = 0; i < conf->n_required; i++) {
            conf->required[i].ptr = p[i].data;
            conf->required[i].len = p[i].len;
        }
    }

    if (conf->provider_names != NULL && conf->key_request.len > 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_jwtguard_key_request and auth_jwtguard_providers at one level: "
                           "not supported");
        return NGX_CONF_ERROR;
    }
    if (conf->provider_names != NULL) {
        /* Providers replace the level's own keys and policy: those inherited from outer levels
         * do not apply here. Share the parent's set when it names the same providers. */
        if (conf->provider_names == prev->provider_names &&
            conf->providers_kidless_limit == prev->providers_kidless_limit &&
            conf->max_token_size == prev->max_token_size) {
            if (prev->set == NULL && build_set(cf, prev) != NGX_CONF_OK)
                return NGX_CONF_ERROR;
            conf->set = prev->set;
            return NGX_CONF_OK;
        }
        return build_set(cf, conf);
    }
    if (conf->keys == NULL && conf->key_request.len == 0) {
        /* A location that requires tokens but has no key can only refuse everything: a
         * configuration error. At the http and server levels (no location name) keys may
         * still come with each location, so it is not one; a request that reaches such a
         * level gets 500 from the handler, never a pass. */
        ngx_http_core_loc_conf_t *clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
        if (conf->enable && clcf != NULL && clcf->name.len > 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "auth_jwtguard is on in location \"%V\" but no key is configured "
                               "(auth_jwtguard_jwks, auth_jwtguard_hs256 or auth_jwtguard_key_pem)",
                               &clcf->name);
            return NGX_CONF_ERROR;
        }
        return NGX_CONF_OK;
    }
    /* Share the parent's verifier when this level changes nothing it is built from. */
    if (conf->keys == prev->keys && conf->issuers == prev->issuers &&
        conf->audiences == prev->audiences && conf->parties == prev->parties &&
        conf->leeway == prev->leeway && conf->any_issuer == prev->any_issuer &&
        conf->no_audience == prev->no_audience && conf->require_kid == prev->require_kid &&
        conf->max_token_size == prev->max_token_size &&
        conf->key_request.data == prev->key_request.data && conf->key_cache == prev->key_cache &&
        conf->key_refresh_min == prev->key_refresh_min) {
        if (prev->verifier == NULL && build_verifier(cf, prev) != NGX_CONF_OK)
            return NGX_CONF_ERROR;
        if (prev->key_request.len > 0 && prev->keystate == NULL &&
            (prev->keystate = ngx_pcalloc(cf->pool, sizeof(jwtguard_keystate_t))) == NULL)
            return NGX_CONF_ERROR;
        conf->verifier = prev->verifier;
        conf->keystate = prev->keystate;
        return NGX_CONF_OK;
    }
    if (build_verifier(cf, conf) != NGX_CONF_OK)
        return NGX_CONF_ERROR;
    if (conf->key_request.len > 0) {
        /* Static keys and fetched ones are combined as two providers with this policy, which
         * binds keys to issuers: the issuer check cannot be waived then. */
        if (conf->keys != NULL && conf->any_issuer) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "auth_jwtguard_key_request with static keys needs "
                               "auth_jwtguard_issuer, not auth_jwtguard_allow_any_issuer");
            return NGX_CONF_ERROR;
        }
        conf->keystate = ngx_pcalloc(cf->pool, sizeof(jwtguard_keystate_t));
        if (conf->keystate == NULL)
            return NGX_CONF_ERROR;
    }
    return NGX_CONF_OK;
}

/* ---- fetched keys (auth_jwtguard_key_request) ------------------------------------------- */

static void keyset_release(jwtguard_keyset_t *k)
{
    if (k != NULL && --k->refs == 0) {
        jwtguard_verifier_free(k->verifier);
        ngx_free(k);
    }
}

/* The request's hold on its key set, released with the request. */
static void release_held(void *data)
{
    ngx_http_auth_jwtguard_ctx_t *ctx = data;
    keyset_release(ctx->held);
    ctx->held = NULL;
}

static ngx_int_t fetch_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_http_auth_jwtguard_ctx_t *ctx = data;
    ctx->fetch = FETCH_DONE;
    ctx->fetch_status = sr->headers_out.status;
    ngx_str_null(&ctx->fetch_body);
    if (sr->out != NULL && sr->out->buf != NULL) {
        ctx->fetch_body.data = sr->out->buf->pos;
        ctx->fetch_body.len = (size_t)(sr->out->buf->last - sr->out->buf->pos);
    }
    return rc;
}

/* Fetch the JWKS through the internal location, into memory; the access phase comes back to
 * the handler when it is done. */
static ngx_int_t start_fetch(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                             ngx_http_auth_jwtguard_ctx_t *ctx)
{
    ngx_http_post_subrequest_t *ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL)
        return NGX_ERROR;
    ps->handler = fetch_done;
    ps->data = ctx;
    ngx_http_request_t *sr;
    /* (Never 0: 0 means "never started".) */
    lcf->keystate->last_start = ngx_current_msec | 1;
    if (ngx_http_subrequest(r, &lcf->key_request, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY | NGX_HTTP_SUBREQUEST_WAITED) != NGX_OK)
        return NGX_ERROR;
    /* No request body for the key server (as auth_request does). */
    sr->request_body = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));
    if (sr->request_body == NULL)
        return NGX_ERROR;
    ctx->fetch = FETCH_WAITING;
    return NGX_AGAIN;
}

/* A fetch is done: a new key set from its body, or a warning and the last good set kept. */
static void install_fetched(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                            ngx_http_auth_jwtguard_ctx_t *ctx)
{
    jwtguard_keystate_t *ks = lcf->keystate;
    const char *why = NULL;
    jwtguard_status s = JWTGUARD_OK;
    jwtguard_keyset_t *k = NULL;
    jwtguard_jwks_report report;
    ngx_memzero(&report, sizeof(report));
    if (ctx->fetch_status != NGX_HTTP_OK) {
        why = "the key server did not answer 200";
    } else if (ctx->fetch_body.len == 0) {
        why = "an empty response (is subrequest_output_buffer_size large enough?)";
    } else if ((k = ngx_alloc(sizeof(*k), r->connection->log)) == NULL) {
        why = "out of memory";
    } else {
        ngx_memzero(k, sizeof(*k));
        const char *what;
        k->verifier = jwtguard_verifier_new();
        s = k->verifier == NULL ? JWTGUARD_UNKNOWN_ERROR : apply_policy(k->verifier, lcf, &what);
        if (s == JWTGUARD_OK)
            s = jwtguard_verifier_add_jwks_report(k->verifier, ctx->fetch_body.data,
                                                  ctx->fetch_body.len, &report);
        if (s == JWTGUARD_OK && report.loaded == 0)
            s = JWTGUARD_NO_USABLE_KEYS;
        if (s == JWTGUARD_OK && lcf->keys != NULL) {
            /* Static keys too: the fetched set first, then the static verifier, each a
             * provider with this location's policy. */
            k->with_static = 1;
            s = jwtguard_providers_init(&k->set);
            if (s == JWTGUARD_OK)
                s = jwtguard_providers_add(&k->set, k->verifier);
            if (s == JWTGUARD_OK)
                s = jwtguard_providers_add(&k->set, lcf->verifier);
            if (s == JWTGUARD_OK)
                s = jwtguard_providers_set_max_token_size(&k->set, lcf->max_token_size);
            if (s == JWTGUARD_OK)
                s = jwtguard_providers_check(&k->set);
        }
        if (s != JWTGUARD_OK)
            why = "the response is not a usable JWKS";
    }
    if (why != NULL) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "auth_jwtguard: key request \"%V\" failed: %s%s%s%s; %s", &lcf->key_request,
                      why, s != JWTGUARD_OK ? " (" : "", s != JWTGUARD_OK ? jwtguard_error_name(s) : "",
                      s != JWTGUARD_OK ? ")" : "",
                      ks->current != NULL ? "keeping the last key set" : "no key set yet");
        if (k != NULL) {
            jwtguard_verifier_free(k->verifier);
            ngx_free(k);
        }
        return;
    }
    k->refs = 1; /* the location's */
    jwtguard_keyset_t *old = ks->current;
    ks->current = k;
    ks->loaded_at = ngx_current_msec;
    keyset_release(old);
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "auth_jwtguard: key request \"%V\": %uz keys loaded, %uz skipped",
                  &lcf->key_request, report.loaded, report.skipped + report.rejected + report.left_out);
}

/* ---- the access handler ------------------------------------------------------------------ */

/* RFC 6750 §3: the challenge, with an error and its description when there is one. */
static ngx_int_t challenge(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                           ngx_int_t http_status, const char *error, jwtguard_status s)
{
    const char *desc = error != NULL ? jwtguard_error_message(s) : NULL;
    size_t len = sizeof("Bearer realm=\"\"") - 1 + lcf->realm.len;
    if (error != NULL)
        len += sizeof(", error=\"\", error_description=\"\"") - 1 + ngx_strlen(error) +
               ngx_strlen(desc);
    if (s == JWTGUARD_INSUFFICIENT_PERMISSIONS) {
        len += sizeof(", scope=\"\"") - 1;
        for (ngx_uint_t i = 0; i < lcf->n_required; i++)
            len += lcf->required[i].len + 1;
    }
    u_char *buf = ngx_pnalloc(r->pool, len);
    if (buf == NULL)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    u_char *p = ngx_sprintf(buf, "Bearer realm=\"%V\"", &lcf->realm);
    if (error != NULL) {
        p = ngx_sprintf(p, ", error=\"%s\", error_description=\"", error);
        /* RFC 6750 §3: error_description excludes '"' and '\'; jwtguard's messages have
         * neither, and this keeps it so. */
        for (const char *c = desc; *c; c++)
            *p++ = (*c == '"' || *c == '\\') ? '\'' : (u_char)*c;
        *p++ = '"';
    }
    if (s == JWTGUARD_INSUFFICIENT_PERMISSIONS && lcf->n_required > 0) {
        p = ngx_cpymem(p, ", scope=\"", sizeof(", scope=\"") - 1);
        for (ngx_uint_t i = 0; i < lcf->n_required; i++) {
            if (i > 0)
                *p++ = ' ';
            p = ngx_cpymem(p, lcf->required[i].ptr, lcf->required[i].len);
        }
        *p++ = '"';
    }

    ngx_table_elt_t *h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    h->hash = 1;
#if (nginx_version >= 1023000)
    h->next = NULL; /* 1.23 links repeated headers */
#endif
    ngx_str_set(&h->key, "WWW-Authenticate");
    h->value.data = buf;
    h->value.len = (size_t)(p - buf);
    r->headers_out.www_authenticate = h;
    if (error != NULL)
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0, "auth_jwtguard: %s: %s (%s)", error,
                      desc, jwtguard_error_name(s));
    return http_status;
}

/* A claim as a header value, or NULL: absent, or not safe in a header (control characters). */
static u_char *claim_value(ngx_http_request_t *r, const jwtguard_result *res, ngx_str_t *path,
                           size_t *len)
{
    /* Arrays of strings are joined with ", " (the list form of HTTP field values, RFC 9110
     * §5.6.1); strings are their text, anything else compact JSON. */
    static const uint8_t sep[] = ", ";
    size_t n = 0;
    jwtguard_status s =
        jwtguard_result_claim_joined(res, path->data, path->len, sep, 2, NULL, 0, &n);
    if (s != JWTGUARD_BUFFER_TOO_SMALL && s != JWTGUARD_OK)
        return NULL;
    u_char *buf = ngx_pnalloc(r->pool, n + 1);
    if (buf == NULL)
        return NULL;
    if (jwtguard_result_claim_joined(res, path->data, path->len, sep, 2, buf, n + 1, len) !=
        JWTGUARD_OK)
        return NULL;
    for (size_t i = 0; i < *len; i++) {
        if (buf[i] < 0x20 || buf[i] == 0x7f) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "auth_jwtguard: claim \"%V\" has control characters; not passed", path);
            return NULL;
        }
    }
    return buf;
}

/* Whether a request header's name is the configured claim header's, ignoring case and treating
 * '-' and '_' alike: with `underscores_in_headers on` a client can send X_Jwt_Sub, which CGI,
 * FastCGI and many frameworks map to the same variable as X-Jwt-Sub. */
static ngx_uint_t same_header_name(const ngx_str_t *a, const ngx_str_t *b)
{
    if (a->len != b->len)
        return 0;
    for (size_t i = 0; i < a->len; i++) {
        u_char x = ngx_tolower(a->data[i]), y = ngx_tolower(b->data[i]);
        if (x == '_')
            x = '-';
        if (y == '_')
            y = '-';
        if (x != y)
            return 0;
    }
    return 1;
}

static ngx_uint_t is_claim_header(ngx_http_auth_jwtguard_loc_conf_t *lcf, const ngx_str_t *name)
{
    jwtguard_claim_header_t *ch = lcf->claim_headers->elts;
    for (ngx_uint_t j = 0; j < lcf->claim_headers->nelts; j++)
        if (same_header_name(name, &ch[j].header))
            return 1;
    return 0;
}

/* Remove every client-sent header that has a configured claim header's name, so an upstream
 * never sees a forged one. It runs first on every path through the handler (the module off,
 * a missing or bad token): under `satisfy any` another access module can let the request
 * through after this one refused it. With no such header the list is left as it is; otherwise
 * it is rebuilt without them, and the old list stays in the pool, so the pointers nginx keeps
 * into it (Host, User-Agent, ...) stay valid. */
static ngx_int_t strip_claim_headers(ngx_http_request_t *r,
                                     ngx_http_auth_jwtguard_loc_conf_t *lcf)
{
    if (lcf->claim_headers == NULL)
        return NGX_OK;
    ngx_uint_t count = 0, forged = 0;
    ngx_list_part_t *part;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        ngx_table_elt_t *h = part->elts;
        for (ngx_uint_t i = 0; i < part->nelts; i++) {
            count++;
            forged += is_claim_header(lcf, &h[i].key);
        }
    }
    if (forged == 0)
        return NGX_OK;
    /* The new list is built in place (its `last` points into itself, so it must not be
     * copied), from a copy of the old one's head, whose parts stay where they are. */
    ngx_list_t old = r->headers_in.headers;
    /* Room for the claim headers added on success, too. */
    if (ngx_list_init(&r->headers_in.headers, r->pool, count - forged + lcf->claim_headers->nelts,
                      sizeof(ngx_table_elt_t)) != NGX_OK)
        return NGX_ERROR;
    for (part = &old.part; part; part = part->next) {
        ngx_table_elt_t *h = part->elts;
        for (ngx_uint_t i = 0; i < part->nelts; i++) {
            if (is_claim_header(lcf, &h[i].key))
                continue;
            ngx_table_elt_t *copy = ngx_list_push(&r->headers_in.headers);
            if (copy == NULL)
                return NGX_ERROR;
            *copy = h[i];
        }
    }
    return NGX_OK;
}

/* After a successful verify: the configured claims as request headers for the upstream. */
static ngx_int_t add_claim_headers(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                                   const jwtguard_result *res)
{
    if (lcf->claim_headers == NULL)
        return NGX_OK;
    jwtguard_claim_header_t *ch = lcf->claim_headers->elts;
    for (ngx_uint_t j = 0; j < lcf->claim_headers->nelts; j++) {
        size_t len = 0;
        u_char *value = claim_value(r, res, &ch[j].path, &len);
        if (value == NULL)
            continue;
        ngx_table_elt_t *h = ngx_list_push(&r->headers_in.headers);
        if (h == NULL)
            return NGX_ERROR;
#if (nginx_version >= 1023000)
        h->next = NULL;
#endif
        h->key = ch[j].header;
        h->value.data = value;
        h->value.len = len;
        h->lowcase_key = ngx_pnalloc(r->pool, ch[j].header.len);
        if (h->lowcase_key == NULL)
            return NGX_ERROR;
        h->hash = ngx_hash_strlow(h->lowcase_key, ch[j].header.data, ch[j].header.len);
    }
    return NGX_OK;
}

static ngx_int_t ngx_http_auth_jwtguard_handler(ngx_http_request_t *r)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf =
        ngx_http_get_module_loc_conf(r, ngx_http_auth_jwtguard_module);
    /* First, whatever follows: forged claim headers never reach an upstream. */
    if (strip_claim_headers(r, lcf) != NGX_OK)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    if (!lcf->enable)
        return NGX_DECLINED;
    if (lcf->verifier == NULL && lcf->set == NULL && lcf->keystate == NULL) {
        /* Fail closed: tokens are required here but no key was configured for this level. */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "auth_jwtguard is on but no key is configured for this request's level");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* Every call verifies: there is no "already verified" shortcut, which would skip this
     * location's permissions if a request ever reached the handler twice. (An internal
     * redirect clears module contexts anyway.) The context records the outcome for
     * $jwtguard_error, whatever it is. */
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->pool, sizeof(*ctx));
        if (ctx == NULL)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        ngx_http_set_ctx(r, ctx, ngx_http_auth_jwtguard_module);
    }
    ctx->ran = 1;
    ctx->result = NULL;
    ngx_str_null(&ctx->provider);

    const uint8_t *token = NULL;
    size_t token_len = 0;
    jwtguard_status s;
    if (lcf->token != NULL) {
        /* auth_jwtguard_token: the token is the variable's value (a cookie, an argument); the
         * Authorization header is not looked at. */
        ngx_str_t value;
        if (ngx_http_complex_value(r, lcf->token, &value) != NGX_OK)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        if (value.len == 0) {
            ctx->status = JWTGUARD_MISSING_BEARER_TOKEN;
            return challenge(r, lcf, NGX_HTTP_UNAUTHORIZED, NULL, JWTGUARD_OK);
        }
        token = value.data;
        token_len = value.len;
    } else {
        if (r->headers_in.authorization == NULL) {
            ctx->status = JWTGUARD_MISSING_BEARER_TOKEN;
            return challenge(r, lcf, NGX_HTTP_UNAUTHORIZED, NULL, JWTGUARD_OK);
        }
        ngx_str_t *auth = &r->headers_in.authorization->value;
        s = jwtguard_bearer_token(auth->data, auth->len, &token, &token_len);
        ctx->status = s;
        if (s == JWTGUARD_NOT_BEARER)
            /* Another scheme: no bearer credentials at all (RFC 6750 §3.1: no error code). */
            return challenge(r, lcf, NGX_HTTP_UNAUTHORIZED, NULL, JWTGUARD_OK);
        if (s != JWTGUARD_OK)
            return challenge(r, lcf, NGX_HTTP_BAD_REQUEST, "invalid_request", s);
    }

    /* Fetched keys: fetch when there are none yet, or the cache time is over (at most once per
     * auth_jwtguard_key_refresh_min); the request waits for its fetch and then verifies with
     * the newest set. */
    const jwtguard_verifier *verifier = lcf->verifier;
    const jwtguard_providers *set = lcf->set;
    if (lcf->keystate != NULL) {
        jwtguard_keystate_t *ks = lcf->keystate;
        if (ctx->fetch == FETCH_WAITING)
            return NGX_AGAIN;
        if (ctx->fetch == FETCH_DONE) {
            install_fetched(r, lcf, ctx);
            ctx->fetch = FETCH_USED;
        }
        ngx_msec_t t = ngx_current_msec;
        ngx_uint_t stale =
            ks->current == NULL || t - ks->loaded_at >= (ngx_msec_t)lcf->key_cache * 1000;
        /* The throttle holds with no key set too: an IdP that is down at start-up gets one
         * fetch per auth_jwtguard_key_refresh_min, not one per request (which are refused with
         * 500 meanwhile). */
        ngx_uint_t allowed = ks->last_start == 0 ||
                             t - ks->last_start >= (ngx_msec_t)lcf->key_refresh_min * 1000;
        if (stale && allowed && ctx->fetch == FETCH_NONE)
            return start_fetch(r, lcf, ctx) == NGX_AGAIN ? NGX_AGAIN : NGX_HTTP_INTERNAL_SERVER_ERROR;
        if (ks->current == NULL) {
            /* Fail closed: no key set was ever loaded. */
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "auth_jwtguard: no key set from \"%V\" yet", &lcf->key_request);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
        if (ctx->held != ks->current) {
            if (ctx->held == NULL) {
                ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(r->pool, 0);
                if (cln == NULL)
                    return NGX_HTTP_INTERNAL_SERVER_ERROR;
                cln->handler = release_held;
                cln->data = ctx;
            }
            keyset_release(ctx->held);
            ctx->held = ks->current;
            ctx->held->refs++;
        }
        verifier = ctx->held->verifier;
        set = ctx->held->with_static ? &ctx->held->set : NULL;
    }

    /* A result of 1.9 KiB for tokens of up to 2 KiB; the 12.4 KiB large one only where
     * auth_jwtguard_max_token_size allows more (every verify zeroes its result). */
    const jwtguard_result *res;
    uint64_t now = (uint64_t)ngx_time();
    if (lcf->max_token_size > JWTGUARD_DEFAULT_MAX_TOKEN_SIZE) {
        jwtguard_large_result *large = ngx_palloc(r->pool, sizeof(jwtguard_large_result));
        if (large == NULL)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        s = set != NULL ? jwtguard_providers_verify_large(set, token, token_len, now,
                                                          lcf->required, lcf->n_required, large)
                        : jwtguard_verify_large(verifier, token, token_len, now, lcf->required,
                                                lcf->n_required, large);
        res = jwtguard_large_result_get(large);
    } else {
        jwtguard_result *small = ngx_palloc(r->pool, sizeof(jwtguard_result));
        if (small == NULL)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        s = set != NULL ? jwtguard_providers_verify(set, token, token_len, now, lcf->required,
                                                    lcf->n_required, small)
                        : jwtguard_verify(verifier, token, token_len, now, lcf->required,
                                          lcf->n_required, small);
        res = small;
    }
    if (lcf->set != NULL) {
        int i = jwtguard_result_provider(res);
        if (i >= 0 && (ngx_uint_t)i < lcf->provider_names->nelts)
            ctx->provider = ((ngx_str_t *)lcf->provider_names->elts)[i];
    }
    ctx->status = s;
    /* A kid the fetched set does not have: the provider may have rotated its keys. Fetch again
     * (at most once per auth_jwtguard_key_refresh_min, and once per request) and retry. */
    if (s == JWTGUARD_UNKNOWN_KEY && lcf->keystate != NULL && ctx->fetch == FETCH_NONE &&
        ngx_current_msec - lcf->keystate->last_start >= (ngx_msec_t)lcf->key_refresh_min * 1000)
        return start_fetch(r, lcf, ctx) == NGX_AGAIN ? NGX_AGAIN : NGX_HTTP_INTERNAL_SERVER_ERROR;
    if (s == JWTGUARD_INSUFFICIENT_PERMISSIONS)
        return challenge(r, lcf, NGX_HTTP_FORBIDDEN, "insufficient_scope", s);
    if (((int)s >= 1 && (int)s < 100) || (int)s >= 900) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "auth_jwtguard: %s (%s)",
                      jwtguard_error_message(s), jwtguard_error_name(s));
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (s != JWTGUARD_OK)
        return challenge(r, lcf, NGX_HTTP_UNAUTHORIZED, "invalid_token", s);

    /* Claim requirements: the token is valid but does not grant this route, so 403 as for a
     * missing permission (RFC 6750 §3.1's insufficient_scope: more privileges are needed). */
    if (!claims_required_hold(lcf, res)) {
        ctx->status = JWTGUARD_CLAIM_NOT_FOUND;
        return challenge(r, lcf, NGX_HTTP_FORBIDDEN, "insufficient_scope", JWTGUARD_CLAIM_NOT_FOUND);
    }
    ctx->result = res;
    if (add_claim_headers(r, lcf, res) != NGX_OK)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return NGX_OK;
}

/* ---- variables: $jwt_sub, $jwt_claim_<name> ----------------------------------------------- */

static ngx_int_t claim_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                ngx_str_t *path)
{
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    size_t len = 0;
    u_char *value = ctx != NULL && ctx->result != NULL ? claim_value(r, ctx->result, path, &len)
                                                       : NULL;
    if (value == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }
    v->data = value;
    v->len = len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}

static ngx_int_t sub_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                              uintptr_t data)
{
    (void)data;
    ngx_str_t path = ngx_string("sub");
    return claim_variable(r, v, &path);
}

static ngx_int_t prefix_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                 uintptr_t data)
{
    /* `data` is the variable's full name, e.g. "jwt_claim_email". */
    ngx_str_t *name = (ngx_str_t *)data;
    ngx_str_t path;
    path.data = name->data + sizeof("jwt_claim_") - 1;
    path.len = name->len - (sizeof("jwt_claim_") - 1);
    return claim_variable(r, v, &path);
}

/* $jwtguard_error: the status name of the module's verdict on this request ("JWTGUARD_OK",
 * "JWTGUARD_EXPIRED", "JWTGUARD_MISSING_BEARER_TOKEN" when there was no token, ...); not found
 * when the module did not run (auth_jwtguard off). A static string: never the token. */
static ngx_int_t error_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                uintptr_t data)
{
    (void)data;
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    if (ctx == NULL || !ctx->ran) {
        v->not_found = 1;
        return NGX_OK;
    }
    const char *name = jwtguard_error_name((uint32_t)ctx->status);
    v->data = (u_char *)name;
    v->len = ngx_strlen(name);
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}

/* $jwtguard_provider: the name of the provider whose key verified the token (a location with
 * auth_jwtguard_providers); not found otherwise. */
static ngx_int_t provider_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                   uintptr_t data)
{
    (void)data;
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    if (ctx == NULL || ctx->provider.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }
    v->data = ctx->provider.data;
    v->len = ctx->provider.len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    return NGX_OK;
}

static ngx_int_t ngx_http_auth_jwtguard_add_variables(ngx_conf_t *cf)
{
    ngx_str_t provider = ngx_string("jwtguard_provider");
    ngx_http_variable_t *pv = ngx_http_add_variable(cf, &provider, NGX_HTTP_VAR_NOCACHEABLE);
    if (pv == NULL)
        return NGX_ERROR;
    pv->get_handler = provider_variable;

    ngx_str_t error = ngx_string("jwtguard_error");
    ngx_http_variable_t *ev = ngx_http_add_variable(cf, &error, NGX_HTTP_VAR_NOCACHEABLE);
    if (ev == NULL)
        return NGX_ERROR;
    ev->get_handler = error_variable;

    ngx_str_t sub = ngx_string("jwt_sub");
    ngx_http_variable_t *v = ngx_http_add_variable(cf, &sub, NGX_HTTP_VAR_NOCACHEABLE);
    if (v == NULL)
        return NGX_ERROR;
    v->get_handler = sub_variable;

    ngx_str_t prefix = ngx_string("jwt_claim_");
    v = ngx_http_add_variable(cf, &prefix, NGX_HTTP_VAR_PREFIX | NGX_HTTP_VAR_NOCACHEABLE);
    if (v == NULL)
        return NGX_ERROR;
    v->get_handler = prefix_variable;
    return NGX_OK;
}

static ngx_int_t ngx_http_auth_jwtguard_init(ngx_conf_t *cf)
{
    /* Every level's verifier has been built (merging precedes postconfiguration): the HS256
     * secrets read from files are needed no longer. */
    ngx_http_auth_jwtguard_main_conf_t *mcf =
        ngx_http_conf_get_module_main_conf(cf, ngx_http_auth_jwtguard_module);
    ngx_str_t *secret = mcf->secrets.elts;
    for (ngx_uint_t i = 0; i < mcf->secrets.nelts; i++)
        ngx_explicit_memzero(secret[i].data, secret[i].len);

    ngx_http_core_main_conf_t *cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    ngx_http_handler_pt *h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL)
        return NGX_ERROR;
    *h = ngx_http_auth_jwtguard_handler;
    return NGX_OK;
}
