/*
 * ngx_http_auth_jwtguard_module: JWT bearer authentication for nginx, on the jwtguard C ABI.
 * This file: the directives, the configuration levels and the verifiers built from them (the
 * fetched keys are in ngx_http_auth_jwtguard_keys.c, the access handler and the variables in
 * ngx_http_auth_jwtguard_handler.c).
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

#include "ngx_http_auth_jwtguard.h"

static void *ngx_http_auth_jwtguard_create_loc_conf(ngx_conf_t *cf);
static void *ngx_http_auth_jwtguard_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_auth_jwtguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static ngx_int_t ngx_http_auth_jwtguard_init(ngx_conf_t *cf);
static char *ngx_http_auth_jwtguard_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_claim_header(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_text(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_require_claim(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_provider(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_providers(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_key_request(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_token(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_jwtguard_require(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* Settings whose zero would silently mean "off": refused, naming the directive. */
static char *jg_at_least_one_second(ngx_conf_t *cf, void *post, void *data)
{
    (void)cf;
    (void)post;
    return *(time_t *)data < 1 ? "must be at least 1s (leave it out for no limit)" : NGX_CONF_OK;
}
static ngx_conf_post_t jg_positive_seconds = {jg_at_least_one_second};

static char *jg_not_empty(ngx_conf_t *cf, void *post, void *data)
{
    (void)cf;
    (void)post;
    return ((ngx_str_t *)data)->len == 0 ? "must not be empty" : NGX_CONF_OK;
}
static ngx_conf_post_t jg_non_empty = {jg_not_empty};

/* ngx_conf_set_enum_slot, with an error that names the directive and its values. */
static char *jg_enum_slot(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_uint_t *field = (ngx_uint_t *)((char *)conf + cmd->offset);
    ngx_str_t *value = cf->args->elts;
    if (*field != NGX_CONF_UNSET_UINT)
        return "is duplicate";
    u_char names[128], *p = names, *last = names + sizeof(names);
    for (ngx_conf_enum_t *e = cmd->post; e->name.len; e++) {
        if (e->name.len == value[1].len &&
            ngx_strncmp(e->name.data, value[1].data, value[1].len) == 0) {
            *field = e->value;
            return NGX_CONF_OK;
        }
        p = ngx_slprintf(p, last, "%s%V", p == names ? "" : ", ", &e->name);
    }
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid value \"%V\" in \"%V\" (one of: %*s)",
                       &value[1], &cmd->name, (size_t)(p - names), names);
    return NGX_CONF_ERROR;
}

static ngx_conf_enum_t jg_enable_values[] = {
    {ngx_string("off"), JG_OFF}, {ngx_string("on"), JG_ON}, {ngx_string("optional"), JG_OPTIONAL},
    {ngx_null_string, 0}};
static ngx_conf_enum_t jg_phase_values[] = {
    {ngx_string("access"), JG_PHASE_ACCESS}, {ngx_string("preaccess"), JG_PHASE_PREACCESS},
    {ngx_null_string, 0}};

#define JWTGUARD_ALL_LEVELS (NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF)

static ngx_command_t ngx_http_auth_jwtguard_commands[] = {
    {ngx_string("auth_jwtguard"), JWTGUARD_ALL_LEVELS | NGX_HTTP_LMT_CONF | NGX_CONF_TAKE1,
     jg_enum_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, enable), jg_enable_values},
    {ngx_string("auth_jwtguard_phase"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     jg_enum_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, phase), jg_phase_values},
    {ngx_string("auth_jwtguard_permissions_claim"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, permissions_claim), &jg_non_empty},
    {ngx_string("auth_jwtguard_access_token"), JWTGUARD_ALL_LEVELS | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, access_token), NULL},
    {ngx_string("auth_jwtguard_max_age"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_sec_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, max_age), &jg_positive_seconds},
    {ngx_string("auth_jwtguard_require_exp"), JWTGUARD_ALL_LEVELS | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, require_exp), NULL},
    {ngx_string("auth_jwtguard_require_sub"), JWTGUARD_ALL_LEVELS | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, require_sub), NULL},
    {ngx_string("auth_jwtguard_strip_token"), JWTGUARD_ALL_LEVELS | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, strip_token), NULL},
    {ngx_string("auth_jwtguard_require"), JWTGUARD_ALL_LEVELS | NGX_CONF_1MORE,
     ngx_http_auth_jwtguard_require, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    {ngx_string("auth_jwtguard_realm"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_str_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, realm), NULL},

    {ngx_string("auth_jwtguard_jwks"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_http_auth_jwtguard_key, NGX_HTTP_LOC_CONF_OFFSET, 0, (void *)KEY_JWKS},

    {ngx_string("auth_jwtguard_hs256"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE2,
     ngx_http_auth_jwtguard_key, NGX_HTTP_LOC_CONF_OFFSET, 0, (void *)KEY_HS256},

    {ngx_string("auth_jwtguard_key_pem"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE23,
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

    {ngx_string("auth_jwtguard_token"), JWTGUARD_ALL_LEVELS | NGX_CONF_1MORE,
     ngx_http_auth_jwtguard_token, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},
    {ngx_string("auth_jwtguard_max_token_size"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_size_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, max_token_size), NULL},
    {ngx_string("auth_jwtguard_key_request"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_http_auth_jwtguard_key_request, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, key_request), NULL},
    {ngx_string("auth_jwtguard_key_cache"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_sec_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, key_cache), NULL},
    {ngx_string("auth_jwtguard_key_refresh_min"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_sec_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, key_refresh_min), NULL},
    {ngx_string("auth_jwtguard_key_max_stale"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_sec_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, key_max_stale), NULL},
    {ngx_string("auth_jwtguard_key_max_size"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1,
     ngx_conf_set_size_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, key_max_size), NULL},
    {ngx_string("auth_jwtguard_key_zone"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE2, jg_key_zone,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("auth_jwtguard_cache"), JWTGUARD_ALL_LEVELS | NGX_CONF_TAKE1, jg_cache_directive,
     NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},
    {ngx_string("auth_jwtguard_status"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS | NGX_CONF_TAKE1,
     jg_status_directive, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},
    {ngx_string("auth_jwtguard_require_kid"), JWTGUARD_ALL_LEVELS | NGX_CONF_FLAG,
     ngx_conf_set_flag_slot, NGX_HTTP_LOC_CONF_OFFSET,
     offsetof(ngx_http_auth_jwtguard_loc_conf_t, require_kid), NULL},
    {ngx_string("auth_jwtguard_provider"), NGX_HTTP_MAIN_CONF | NGX_CONF_BLOCK | NGX_CONF_TAKE1,
     ngx_http_auth_jwtguard_provider, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("auth_jwtguard_providers"), JWTGUARD_ALL_LEVELS | NGX_CONF_1MORE,
     ngx_http_auth_jwtguard_providers, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},

    ngx_null_command};

static ngx_http_module_t ngx_http_auth_jwtguard_module_ctx = {
    jg_add_variables,                       /* preconfiguration */
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
        ngx_array_init(&mcf->providers, cf->pool, 2, sizeof(jg_provider_conf_t)) != NGX_OK ||
        ngx_array_init(&mcf->sources, cf->pool, 4, sizeof(jg_source_t *)) != NGX_OK ||
        ngx_array_init(&mcf->slots, cf->pool, 4, sizeof(jg_slot_key_t)) != NGX_OK)
        return NULL;
    return mcf;
}

static void *ngx_http_auth_jwtguard_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_auth_jwtguard_loc_conf_t *conf = ngx_pcalloc(cf->pool, sizeof(*conf));
    if (conf == NULL)
        return NULL;
    conf->enable = NGX_CONF_UNSET_UINT;
    conf->phase = NGX_CONF_UNSET_UINT;
    conf->require = NGX_CONF_UNSET_PTR;
    conf->access_token = NGX_CONF_UNSET;
    conf->max_age = NGX_CONF_UNSET;
    conf->require_exp = NGX_CONF_UNSET;
    conf->require_sub = NGX_CONF_UNSET;
    conf->strip_token = NGX_CONF_UNSET;
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
    conf->key_max_stale = NGX_CONF_UNSET;
    conf->key_max_size = NGX_CONF_UNSET_SIZE;
    conf->cache = NGX_CONF_UNSET_PTR;
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
    if (size <= 0 || size > JG_MAX_KEY_FILE) {
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
static jwtguard_status load_key(jwtguard_verifier *v, const jg_key_conf_t *k,
                                size_t *loaded)
{
    *loaded = 1;
    switch (k->kind) {
    case KEY_JWKS: {
        size_t skipped = 0;
        return jwtguard_verifier_add_jwks(v, k->data.data, k->data.len, loaded, &skipped);
    }
    case KEY_HS256:
        return jwtguard_verifier_add_hmac(v, JWTGUARD_ALG_HS256, k->kid.data, k->kid.len, k->data.data, k->data.len);
    case KEY_PEM:
        return jwtguard_verifier_add_key_pem(v, k->alg, k->kid.data, k->kid.len, k->data.data,
                                             k->data.len);
    }
    return JWTGUARD_INVALID_ARGUMENT;
}

/* auth_jwtguard_jwks FILE | auth_jwtguard_hs256 KID FILE | auth_jwtguard_key_pem ALG FILE [KID].
 * The file is read and the key loaded into a scratch verifier now, so `nginx -t` reports a bad
 * key at its own line. A PEM key is bound to the one algorithm named here (RFC 8725 §3.1): the
 * token's header never chooses it. */
static char *ngx_http_auth_jwtguard_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf = conf;
    ngx_str_t *args = cf->args->elts;
    if (lcf->provider_names != NGX_CONF_UNSET_PTR)
        return (char *)both_keys_and_providers;
    jg_key_conf_t key;
    ngx_memzero(&key, sizeof(key));
    key.kind = (jg_key_kind_t)(uintptr_t)cmd->post;
    ngx_str_t path = args[cf->args->nelts - 1];
    if (key.kind == KEY_HS256) {
        key.kid = args[1];
        if (key.kid.len == 1 && key.kid.data[0] == '-')
            key.kid.len = 0; /* "-": a key without a kid */
    } else if (key.kind == KEY_PEM) {
        path = args[2];
        if (cf->args->nelts == 4)
            key.kid = args[3];
        if (jwtguard_algorithm_from_name(args[1].data, args[1].len, &key.alg) != JWTGUARD_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\": \"%V\" is not a JWS algorithm (RS256, PS256, ES256, "
                               "EdDSA, ...)",
                               &cmd->name, &args[1]);
            return NGX_CONF_ERROR;
        }
        if (key.alg == JWTGUARD_ALG_HS256 || key.alg == JWTGUARD_ALG_HS384 ||
            key.alg == JWTGUARD_ALG_HS512) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\": %V is an HMAC algorithm: a PEM file holds a public key "
                               "(use auth_jwtguard_hs256 for a secret)",
                               &cmd->name, &args[1]);
            return NGX_CONF_ERROR;
        }
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
        lcf->keys = ngx_array_create(cf->pool, 2, sizeof(jg_key_conf_t));
        if (lcf->keys == NULL)
            return NGX_CONF_ERROR;
    }
    jg_key_conf_t *slot = ngx_array_push(lcf->keys);
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
        lcf->claim_headers = ngx_array_create(cf->pool, 4, sizeof(jg_claim_header_t));
        if (lcf->claim_headers == NULL)
            return NGX_CONF_ERROR;
    }
    jg_claim_header_t *h = ngx_array_push(lcf->claim_headers);
    if (h == NULL)
        return NGX_CONF_ERROR;
    h->header = value[1];
    h->path = value[2];
    h->lowcase = ngx_pnalloc(cf->pool, value[1].len);
    if (h->lowcase == NULL)
        return NGX_CONF_ERROR;
    h->hash = ngx_hash_strlow(h->lowcase, value[1].data, value[1].len);
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
        lcf->requirements = ngx_array_create(cf->pool, 2, sizeof(jg_claim_requirement_t));
        if (lcf->requirements == NULL)
            return NGX_CONF_ERROR;
    }
    jg_claim_requirement_t *req = ngx_array_push(lcf->requirements);
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

/* Compile `value` into a new element of `into`: a value with a variable, else refused, naming
 * the directive (a constant token or condition would be the same for every request). */
static char *push_variable_value(ngx_conf_t *cf, ngx_command_t *cmd, ngx_array_t *into,
                                 ngx_str_t *value)
{
    ngx_http_complex_value_t *cv = ngx_array_push(into);
    if (cv == NULL)
        return NGX_CONF_ERROR;
    ngx_http_compile_complex_value_t ccv;
    ngx_memzero(&ccv, sizeof(ccv));
    ccv.cf = cf;
    ccv.value = value;
    ccv.complex_value = cv;
    if (ngx_http_compile_complex_value(&ccv) != NGX_OK)
        return NGX_CONF_ERROR;
    if (cv->lengths == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": \"%V\" has no variable", &cmd->name,
                           value);
        return NGX_CONF_ERROR;
    }
    return NGX_CONF_OK;
}

/* auth_jwtguard_token VALUE...: the first value that is not empty is the token, either a
 * token alone (a cookie, an argument) or an Authorization header's value ("Bearer <token>",
 * the scheme in any case, RFC 6750 §2.1): `auth_jwtguard_token $http_authorization
 * $cookie_session` takes the header, else the cookie. */
static char *ngx_http_auth_jwtguard_token(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf = conf;
    ngx_str_t *value = cf->args->elts;
    if (lcf->token != NGX_CONF_UNSET_PTR)
        return "is duplicate";
    lcf->token = ngx_array_create(cf->pool, cf->args->nelts - 1, sizeof(ngx_http_complex_value_t));
    if (lcf->token == NULL)
        return NGX_CONF_ERROR;
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++)
        if (push_variable_value(cf, cmd, lcf->token, &value[i]) != NGX_CONF_OK)
            return NGX_CONF_ERROR;
    return NGX_CONF_OK;
}

/* auth_jwtguard_require VALUE... [error=401|403]: after a token verifies, every value must be
 * non-empty and not "0" (as the commercial module's auth_jwt_require); with `map` that is any
 * condition on claims, headers or the client. */
static char *ngx_http_auth_jwtguard_require(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf = conf;
    ngx_str_t *value = cf->args->elts;
    if (lcf->require == NGX_CONF_UNSET_PTR) {
        lcf->require = ngx_array_create(cf->pool, 2, sizeof(jg_require_t));
        if (lcf->require == NULL)
            return NGX_CONF_ERROR;
    }
    jg_require_t *req = ngx_array_push(lcf->require);
    if (req == NULL)
        return NGX_CONF_ERROR;
    req->status = NGX_HTTP_UNAUTHORIZED;
    req->values = ngx_array_create(cf->pool, cf->args->nelts, sizeof(ngx_http_complex_value_t));
    if (req->values == NULL)
        return NGX_CONF_ERROR;
    /* The arguments as written, for the log line of a failed requirement. */
    size_t len = 0;
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++)
        len += value[i].len + 1;
    req->text.data = ngx_pnalloc(cf->pool, len);
    if (req->text.data == NULL)
        return NGX_CONF_ERROR;
    u_char *p = req->text.data;
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++) {
        if (i > 1)
            *p++ = ' ';
        p = ngx_cpymem(p, value[i].data, value[i].len);
    }
    req->text.len = (size_t)(p - req->text.data);
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++) {
        if (value[i].len > 6 && ngx_strncmp(value[i].data, "error=", 6) == 0) {
            ngx_int_t code = ngx_atoi(value[i].data + 6, value[i].len - 6);
            if (i != cf->args->nelts - 1 || (code != 401 && code != 403)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\": \"%V\": error= must be 401 or 403, last",
                                   &cmd->name, &value[i]);
                return NGX_CONF_ERROR;
            }
            req->status = (ngx_uint_t)code;
            continue;
        }
        if (push_variable_value(cf, cmd, req->values, &value[i]) != NGX_CONF_OK)
            return NGX_CONF_ERROR;
    }
    if (req->values->nelts == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\" names no value", &cmd->name);
        return NGX_CONF_ERROR;
    }
    return NGX_CONF_OK;
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
jwtguard_status jg_apply_policy(jwtguard_verifier *v, ngx_http_auth_jwtguard_loc_conf_t *conf,
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
    /* The profile first: it sets the permissions claim to "scope" unless one is named. */
    if (s == JWTGUARD_OK && conf->access_token == 1) {
        *what = "auth_jwtguard_access_token";
        s = jwtguard_verifier_set_access_token_profile(v, 1);
    }
    if (s == JWTGUARD_OK && conf->permissions_claim.len > 0) {
        *what = "auth_jwtguard_permissions_claim";
        s = jwtguard_verifier_set_permissions_claim(v, conf->permissions_claim.data,
                                                    conf->permissions_claim.len);
    }
    if (s == JWTGUARD_OK && conf->max_age > 0) {
        *what = "auth_jwtguard_max_age";
        s = jwtguard_verifier_set_max_age(v, (uint64_t)conf->max_age);
    }
    if (s == JWTGUARD_OK && conf->require_exp != NGX_CONF_UNSET) {
        *what = "auth_jwtguard_require_exp";
        s = jwtguard_verifier_set_require_exp(v, conf->require_exp ? 1 : 0);
    }
    if (s == JWTGUARD_OK && conf->require_sub != NGX_CONF_UNSET) {
        *what = "auth_jwtguard_require_sub";
        s = jwtguard_verifier_set_require_sub(v, conf->require_sub ? 1 : 0);
    }
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
        jg_key_conf_t *k = conf->keys->elts;
        for (ngx_uint_t i = 0; s == JWTGUARD_OK && i < conf->keys->nelts; i++) {
            size_t loaded;
            s = load_key(v, &k[i], &loaded);
        }
    }
    if (s == JWTGUARD_OK)
        s = jg_apply_policy(v, conf, &what);
    if (s != JWTGUARD_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "auth_jwtguard: %s: %s (%s)", what,
                           jwtguard_error_message(s), jwtguard_error_name(s));
        return NGX_CONF_ERROR;
    }
    conf->verifier = v;
    return NGX_CONF_OK;
}

/* ---- fetched keys and binding: what every level and provider is checked for ------------ */

/* The key request settings of a level or provider, once merged: values that cannot take effect
 * are refused here, at `nginx -t`. */
static char *check_key_settings(ngx_conf_t *cf, ngx_http_auth_jwtguard_loc_conf_t *conf)
{
    if (conf->key_request.len == 0)
        return NGX_CONF_OK;
    if (conf->key_request.data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_jwtguard_key_request \"%V\" must be a location's URI, starting with /",
                           &conf->key_request);
        return NGX_CONF_ERROR;
    }
    /* Without a throttle, tokens with random kids would make the gateway fetch on every
     * request: one second at least. */
    if (conf->key_refresh_min < 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_jwtguard_key_refresh_min must be at least 1s: it bounds how often "
                           "tokens with unknown kids make the gateway fetch");
        return NGX_CONF_ERROR;
    }
    if (conf->key_cache < 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "auth_jwtguard_key_cache must be at least 1s");
        return NGX_CONF_ERROR;
    }
    if (conf->key_max_stale < conf->key_cache) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_jwtguard_key_max_stale (%T s) must be at least "
                           "auth_jwtguard_key_cache (%T s): a set would be dropped before it is "
                           "refreshed",
                           conf->key_max_stale, conf->key_cache);
        return NGX_CONF_ERROR;
    }
    if (conf->key_max_size < 1024 || conf->key_max_size > 16 * 1024 * 1024) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "auth_jwtguard_key_max_size must be 1k to 16m");
        return NGX_CONF_ERROR;
    }
    return NGX_CONF_OK;
}

/* RFC 8725 §3.8: a key belongs to its issuer. Keys from one source (one JWKS, one key request,
 * one file) may serve several issuers (a multi-tenant identity provider's keys); keys from
 * several sources with several issuers, or with the issuer check waived, would let each source
 * sign for every issuer, which is what provider blocks are for. */
static char *check_binding(ngx_conf_t *cf, ngx_http_auth_jwtguard_loc_conf_t *conf,
                           ngx_str_t *provider)
{
    ngx_uint_t sources = (conf->keys != NULL && conf->keys != NGX_CONF_UNSET_PTR ? conf->keys->nelts : 0) +
                         (conf->key_request.len > 0);
    ngx_uint_t issuers = conf->issuers != NULL && conf->issuers != NGX_CONF_UNSET_PTR ? conf->issuers->nelts : 0;
    if (sources < 2 || (issuers < 2 && !conf->any_issuer))
        return NGX_CONF_OK;
    static ngx_str_t level = ngx_string("a level's keys");
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "auth_jwtguard: %s%V%s: keys from %ui sources (key files and "
                       "auth_jwtguard_key_request) with %s would let each source sign for every "
                       "issuer: put each identity provider's keys and issuers in an "
                       "auth_jwtguard_provider block, and name the blocks with "
                       "auth_jwtguard_providers (RFC 8725 section 3.8)",
                       provider ? "provider \"" : "", provider ? provider : &level,
                       provider ? "\"" : "", sources,
                       conf->any_issuer ? "the issuer check waived" : "several issuers");
    return NGX_CONF_ERROR;
}

/* ---- providers ------------------------------------------------------------------------- */

/* The directives a provider block takes: its keys (static and fetched) and its policy, by the
 * names they have at a location. auth_jwtguard_allow_any_issuer is not one of them: a
 * provider's issuers are what its keys are bound to. */
static const char *const provider_directives[] = {
    "auth_jwtguard_jwks",          "auth_jwtguard_hs256",           "auth_jwtguard_key_pem",
    "auth_jwtguard_issuer",        "auth_jwtguard_audience",        "auth_jwtguard_authorized_party",
    "auth_jwtguard_leeway",        "auth_jwtguard_allow_no_audience", "auth_jwtguard_require_kid",
    "auth_jwtguard_key_request",   "auth_jwtguard_key_cache",       "auth_jwtguard_key_refresh_min",
    "auth_jwtguard_key_max_stale", "auth_jwtguard_key_max_size",    "auth_jwtguard_permissions_claim",
    "auth_jwtguard_access_token",  "auth_jwtguard_max_age",         "auth_jwtguard_require_exp",
    "auth_jwtguard_require_sub",   NULL};

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
                           "keys, auth_jwtguard_key_request and its settings, "
                           "auth_jwtguard_issuer, audience, authorized_party, leeway, "
                           "allow_no_audience, require_kid, permissions_claim, access_token, "
                           "max_age, require_exp and require_sub)",
                           &args[0]);
        return NGX_CONF_ERROR;
    }
    for (ngx_command_t *cmd = ngx_http_auth_jwtguard_commands; cmd->name.len; cmd++) {
        if (cmd->name.len != args[0].len || ngx_strncmp(cmd->name.data, args[0].data, args[0].len))
            continue;
        ngx_uint_t n = cf->args->nelts - 1;
        ngx_uint_t ok = (cmd->type & NGX_CONF_TAKE23) == NGX_CONF_TAKE23 ? n == 2 || n == 3
                        : (cmd->type & NGX_CONF_TAKE2)                    ? n == 2
                                                                          : n == 1; /* TAKE1, FLAG */
        if (!ok) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid number of arguments in \"%V\"",
                               &cmd->name);
            return NGX_CONF_ERROR;
        }
        return cmd->set(cf, cmd, conf);
    }
    return NGX_CONF_ERROR;
}

/* The defaults of the key request settings, shared by levels and providers. */
static void merge_key_settings(ngx_http_auth_jwtguard_loc_conf_t *conf,
                               ngx_http_auth_jwtguard_loc_conf_t *prev)
{
    ngx_conf_merge_str_value(conf->key_request, prev->key_request, "");
    ngx_conf_merge_sec_value(conf->key_cache, prev->key_cache, 600);
    ngx_conf_merge_sec_value(conf->key_refresh_min, prev->key_refresh_min, 30);
    ngx_conf_merge_sec_value(conf->key_max_stale, prev->key_max_stale, 86400);
    ngx_conf_merge_size_value(conf->key_max_size, prev->key_max_size, 256 * 1024);
}

/* auth_jwtguard_provider NAME { keys and policy }: at the http level, named for
 * auth_jwtguard_providers. Its verifier (its static keys and policy, and the template of its
 * fetched key sets) is built when the block ends, so `nginx -t` reports a bad key or policy
 * there. */
static char *ngx_http_auth_jwtguard_provider(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf = conf;
    ngx_str_t name = ((ngx_str_t *)cf->args->elts)[1];
    jg_provider_conf_t *known = mcf->providers.elts;
    for (ngx_uint_t i = 0; i < mcf->providers.nelts; i++) {
        if (known[i].name.len == name.len && ngx_strncmp(known[i].name.data, name.data, name.len) == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "auth_jwtguard_provider \"%V\" is defined twice",
                               &name);
            return NGX_CONF_ERROR;
        }
    }
    ngx_http_auth_jwtguard_loc_conf_t *p = ngx_http_auth_jwtguard_create_loc_conf(cf);
    ngx_http_auth_jwtguard_loc_conf_t *defaults = ngx_http_auth_jwtguard_create_loc_conf(cf);
    if (p == NULL || defaults == NULL)
        return NGX_CONF_ERROR;
    ngx_conf_t saved = *cf;
    cf->handler = provider_directive;
    cf->handler_conf = (char *)p;
    char *rv = ngx_conf_parse(cf, NULL);
    *cf = saved;
    if (rv != NGX_CONF_OK)
        return rv;
    if ((p->keys == NGX_CONF_UNSET_PTR && p->key_request.len == 0) ||
        p->issuers == NGX_CONF_UNSET_PTR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_jwtguard_provider \"%V\" needs keys (a key file or "
                           "auth_jwtguard_key_request) and auth_jwtguard_issuer: a provider's keys "
                           "are bound to its issuers (RFC 8725 section 3.8)",
                           &name);
        return NGX_CONF_ERROR;
    }
    /* The rest of its configuration: what was given, else the defaults. */
    p->keys = p->keys == NGX_CONF_UNSET_PTR ? NULL : p->keys;
    p->audiences = p->audiences == NGX_CONF_UNSET_PTR ? NULL : p->audiences;
    p->parties = p->parties == NGX_CONF_UNSET_PTR ? NULL : p->parties;
    ngx_conf_init_value(p->leeway, 0);
    ngx_conf_init_value(p->no_audience, 0);
    ngx_conf_init_value(p->require_kid, 0);
    if (p->max_age == NGX_CONF_UNSET)
        p->max_age = 0;
    ngx_conf_init_size_value(p->max_token_size, JWTGUARD_DEFAULT_MAX_TOKEN_SIZE);
    merge_key_settings(p, defaults);
    p->any_issuer = 0;
    (void)cmd;
    if (check_key_settings(cf, p) != NGX_CONF_OK || check_binding(cf, p, &name) != NGX_CONF_OK ||
        build_verifier(cf, p) != NGX_CONF_OK)
        return NGX_CONF_ERROR;
    jg_provider_conf_t *slot = ngx_array_push(&mcf->providers);
    if (slot == NULL)
        return NGX_CONF_ERROR;
    slot->name = name;
    slot->index = mcf->providers.nelts - 1;
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
    if (lcf->keys != NGX_CONF_UNSET_PTR || lcf->key_request.data != NULL)
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

/* auth_jwtguard_key_request URI: not beside auth_jwtguard_providers, where it would bind to no
 * provider (an inherited one is left behind with the level's other keys). */
static char *ngx_http_auth_jwtguard_key_request(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf = conf;
    if (lcf->provider_names != NGX_CONF_UNSET_PTR)
        return (char *)both_keys_and_providers;
    return ngx_conf_set_str_slot(cf, cmd, conf);
}

/* The providers `conf` names (merged): a set built now when all have static keys only, else
 * the members a request builds its set from, with each fetched provider's key set in this
 * server. */
static char *build_providers(ngx_conf_t *cf, ngx_http_auth_jwtguard_loc_conf_t *conf)
{
    ngx_http_auth_jwtguard_main_conf_t *mcf =
        ngx_http_conf_get_module_main_conf(cf, ngx_http_auth_jwtguard_module);
    ngx_str_t *names = conf->provider_names->elts;
    ngx_uint_t n = conf->provider_names->nelts, fetched = 0;
    jg_member_t *members = ngx_pcalloc(cf->pool, n * sizeof(jg_member_t));
    if (members == NULL)
        return NGX_CONF_ERROR;
    for (ngx_uint_t i = 0; i < n; i++) {
        jg_provider_conf_t *known = mcf->providers.elts;
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
        members[i].provider = &known[j];
        if (known[j].conf->key_request.len > 0) {
            members[i].source = jg_source_for(cf, known[j].conf, &known[j].name);
            if (members[i].source == NULL)
                return NGX_CONF_ERROR;
            fetched++;
        }
    }
    conf->members = members;
    conf->n_members = n;

    /* The set over the static verifiers: the whole answer when nothing is fetched, and the
     * check of every provider's policy either way. */
    jwtguard_providers *set = ngx_palloc(cf->pool, sizeof(jwtguard_providers));
    if (set == NULL)
        return NGX_CONF_ERROR;
    jwtguard_status s = jwtguard_providers_init(set, sizeof(*set));
    for (ngx_uint_t i = 0; s == JWTGUARD_OK && i < n; i++)
        s = jwtguard_providers_add(set, members[i].provider->conf->verifier);
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
    conf->n_fetched = fetched;
    if (fetched == 0)
        conf->set = set;
    return NGX_CONF_OK;
}

static char *ngx_http_auth_jwtguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_auth_jwtguard_loc_conf_t *prev = parent;
    ngx_http_auth_jwtguard_loc_conf_t *conf = child;

    ngx_conf_merge_uint_value(conf->enable, prev->enable, JG_OFF);
    ngx_conf_merge_uint_value(conf->phase, prev->phase, JG_PHASE_ACCESS);
    ngx_conf_merge_ptr_value(conf->require, prev->require, NULL);
    ngx_conf_merge_str_value(conf->permissions_claim, prev->permissions_claim, "");
    ngx_conf_merge_value(conf->access_token, prev->access_token, NGX_CONF_UNSET);
    ngx_conf_merge_sec_value(conf->max_age, prev->max_age, 0);
    ngx_conf_merge_value(conf->require_exp, prev->require_exp, NGX_CONF_UNSET);
    ngx_conf_merge_value(conf->require_sub, prev->require_sub, NGX_CONF_UNSET);
    ngx_conf_merge_value(conf->strip_token, prev->strip_token, 0);
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
    ngx_conf_merge_ptr_value(conf->cache, prev->cache, NULL);
    merge_key_settings(conf, prev);
    if (check_key_settings(cf, conf) != NGX_CONF_OK)
        return NGX_CONF_ERROR;
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

    if (conf->provider_names != NULL) {
        /* Providers replace the level's own keys and policy: those inherited from outer levels
         * do not apply here. Share the parent's set when it names the same providers and
         * nothing is fetched (fetched key sets belong to this level's server). */
        if (conf->provider_names == prev->provider_names &&
            conf->providers_kidless_limit == prev->providers_kidless_limit &&
            conf->max_token_size == prev->max_token_size && prev->set != NULL) {
            conf->set = prev->set;
            conf->members = prev->members;
            conf->n_members = prev->n_members;
            return NGX_CONF_OK;
        }
        return build_providers(cf, conf);
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
                               "(auth_jwtguard_jwks, auth_jwtguard_hs256, auth_jwtguard_key_pem or "
                               "auth_jwtguard_key_request)",
                               &clcf->name);
            return NGX_CONF_ERROR;
        }
        return NGX_CONF_OK;
    }
    if (check_binding(cf, conf, NULL) != NGX_CONF_OK)
        return NGX_CONF_ERROR;
    /* Share the parent's verifier when this level changes nothing it is built from. */
    if (conf->keys == prev->keys && conf->issuers == prev->issuers &&
        conf->audiences == prev->audiences && conf->parties == prev->parties &&
        conf->leeway == prev->leeway && conf->any_issuer == prev->any_issuer &&
        conf->no_audience == prev->no_audience && conf->require_kid == prev->require_kid &&
        conf->max_token_size == prev->max_token_size &&
        conf->permissions_claim.data == prev->permissions_claim.data &&
        conf->access_token == prev->access_token && conf->max_age == prev->max_age &&
        conf->require_exp == prev->require_exp && conf->require_sub == prev->require_sub) {
        if (prev->verifier == NULL && build_verifier(cf, prev) != NGX_CONF_OK)
            return NGX_CONF_ERROR;
        conf->verifier = prev->verifier;
    } else if (build_verifier(cf, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }
    /* Fetched keys: a key set per template verifier, key request and server. */
    if (conf->key_request.len > 0 && (conf->source = jg_source_for(cf, conf, NULL)) == NULL)
        return NGX_CONF_ERROR;
    return NGX_CONF_OK;
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

    if (jg_zone_check(cf) != NGX_OK)
        return NGX_ERROR;
    ngx_http_core_main_conf_t *cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    ngx_http_handler_pt *h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL)
        return NGX_ERROR;
    *h = jg_access_handler;
    /* auth_jwtguard_phase preaccess. Handlers of a phase run in the reverse order of their
     * registration, and this module's postconfiguration runs after limit_req's and limit_conn's
     * (a dynamic module is loaded after the built-in ones), so it runs before them. */
    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PREACCESS_PHASE].handlers);
    if (h == NULL)
        return NGX_ERROR;
    *h = jg_preaccess_handler;
    /* The capture of key requests' responses: filters at the top of the chains. */
    return jg_keys_init(cf);
}
