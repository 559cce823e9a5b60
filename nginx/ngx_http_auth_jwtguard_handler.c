/*
 * ngx_http_auth_jwtguard_module: the access handler (the token, the keys, the verdict and its
 * RFC 6750 response), the claim headers passed upstream, and the variables.
 *
 * Per request the module takes the token from the Authorization header (RFC 6750 §2.1) or the
 * variable auth_jwtguard_token names, verifies it against ngx_time() with the level's keys
 * (static, fetched, or a providers set), checks the location's required permissions and claim
 * requirements, and on success passes the configured claims upstream as request headers.
 * `$jwtguard_error` is the outcome's status name, for access logs and `map`; the token itself
 * is never logged.
 *
 * Responses follow RFC 6750 §3: no credentials -> 401 with `Bearer realm="..."`; a malformed
 * Authorization header -> 400 `error="invalid_request"`; a bad token -> 401
 * `error="invalid_token"` with jwtguard's message as error_description; missing permissions ->
 * 403 `error="insufficient_scope"`. No usable key (a fetched set not loaded yet, or older than
 * auth_jwtguard_key_max_stale) -> 500, logged: never a pass.
 */

#include "ngx_http_auth_jwtguard.h"

static ngx_int_t challenge(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                           ngx_int_t http_status, const char *error, jwtguard_status s,
                           const char *desc);
static ngx_int_t strip_claim_headers(ngx_http_request_t *r,
                                     ngx_http_auth_jwtguard_loc_conf_t *lcf);
static ngx_int_t add_claim_headers(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                                   const jwtguard_result *res);

/* The first auth_jwtguard_require_claim of the location that does not hold for the verified
 * token, or NULL when all hold; `*why` says how it failed: JWTGUARD_CLAIM_NOT_FOUND (the claim
 * is absent) or JWTGUARD_CLAIM_MISMATCH (it is there, with none of the values). */
static jg_claim_requirement_t *failed_requirement(ngx_http_auth_jwtguard_loc_conf_t *lcf,
                                                  const jwtguard_result *res, jwtguard_status *why)
{
    if (lcf->requirements == NULL)
        return NULL;
    jg_claim_requirement_t *req = lcf->requirements->elts;
    for (ngx_uint_t i = 0; i < lcf->requirements->nelts; i++) {
        *why = JWTGUARD_CLAIM_MISMATCH;
        for (ngx_uint_t j = 0; j < req[i].n_values && *why != JWTGUARD_OK; j++)
            *why = jwtguard_result_claim_matches(res, req[i].path.data, req[i].path.len,
                                                 req[i].values[j].data, req[i].values[j].len);
        if (*why != JWTGUARD_OK)
            return &req[i];
    }
    return NULL;
}

/* ---- the access handler ------------------------------------------------------------------ */

/* RFC 6750 §3: the challenge, with an error and its description when there is one. */
static ngx_int_t challenge(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                           ngx_int_t http_status, const char *error, jwtguard_status s,
                           const char *desc)
{
    if (desc == NULL && error != NULL)
        desc = jwtguard_error_message(s);
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
                      desc, s == JWTGUARD_OK ? JG_REQUIREMENT_FAILED : jwtguard_error_name(s));
    return http_status;
}

/* A claim as a header value, or NULL: absent, or not safe in a header (control characters). */
static u_char *claim_value(ngx_http_request_t *r, const jwtguard_result *res, ngx_str_t *path,
                           size_t *len)
{
    /* Arrays of strings are joined with ", " (the list form of HTTP field values, RFC 9110
     * §5.6.1); strings are their text, anything else compact JSON. */
    static const uint8_t sep[] = ", ";
    /* Most claims fit a first buffer, read in one call; a longer one is read again into a
     * buffer of its size (the first stays in the pool). */
    size_t n = 0, cap = 128;
    u_char *buf = ngx_pnalloc(r->pool, cap);
    if (buf == NULL)
        return NULL;
    jwtguard_status s =
        jwtguard_result_claim_joined(res, path->data, path->len, sep, 2, buf, cap, &n);
    if (s == JWTGUARD_CLAIM_HAS_SEPARATOR) {
        /* ["reader, admin"] and ["reader","admin"] would be one header: not passed. */
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "auth_jwtguard: claim \"%V\" has an element containing \", \"; not passed",
                      path);
        return NULL;
    }
    if (s == JWTGUARD_BUFFER_TOO_SMALL) {
        buf = ngx_pnalloc(r->pool, n + 1);
        if (buf == NULL)
            return NULL;
        s = jwtguard_result_claim_joined(res, path->data, path->len, sep, 2, buf, n + 1, &n);
    }
    if (s != JWTGUARD_OK)
        return NULL;
    *len = n;
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
    jg_claim_header_t *ch = lcf->claim_headers->elts;
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
    jg_claim_header_t *ch = lcf->claim_headers->elts;
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
        /* The request's own copy of the name made at setup: a module that rewrites a header's
         * lowcase_key in place must not reach the configuration, which every request shares. */
        h->lowcase_key = ngx_pnalloc(r->pool, ch[j].header.len);
        if (h->lowcase_key == NULL)
            return NGX_ERROR;
        ngx_memcpy(h->lowcase_key, ch[j].lowcase, ch[j].header.len);
        h->hash = ch[j].hash;
    }
    return NGX_OK;
}

/* Key-stage and signature failures: with a provider's fetched set left out, such a token may
 * be that provider's, so it is refused as an outage (500), not as a bad token. */
static ngx_uint_t key_stage(jwtguard_status s)
{
    return s == JWTGUARD_UNKNOWN_KEY || s == JWTGUARD_ALGORITHM_MISMATCH ||
           s == JWTGUARD_MISSING_KEY_ID || s == JWTGUARD_SIGNATURE_LENGTH ||
           s == JWTGUARD_INVALID_SIGNATURE;
}

/* The verdict, counted in the zone (when there is one), then its response. */
static ngx_int_t verdict(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                         ngx_http_auth_jwtguard_ctx_t *ctx, ngx_int_t http_status,
                         const char *error, jwtguard_status s)
{
    ctx->status = s;
    jg_count(r, s, NULL);
    return challenge(r, lcf, http_status, error, error != NULL ? s : JWTGUARD_OK, NULL);
}

/* The token of the request: the first non-empty value of auth_jwtguard_token (a token, or an
 * Authorization value "Bearer <token>"), else the Authorization header. NGX_DECLINED when there
 * is none (`*s` says why: no header, or another scheme), NGX_OK with `token`, or an HTTP status
 * with `*s` set for the response. */
static ngx_int_t find_token(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                            ngx_str_t *token, jwtguard_status *s)
{
    ngx_str_t value;
    ngx_str_null(&value);
    if (lcf->token != NULL) {
        /* auth_jwtguard_token: the Authorization header is looked at only through a value
         * that names it ($http_authorization). */
        ngx_http_complex_value_t *cv = lcf->token->elts;
        for (ngx_uint_t i = 0; i < lcf->token->nelts && value.len == 0; i++)
            if (ngx_http_complex_value(r, &cv[i], &value) != NGX_OK)
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
        *s = JWTGUARD_MISSING_BEARER_TOKEN;
        if (value.len == 0)
            return NGX_DECLINED;
        /* A token has no space in it (base64url and dots); a value with one is an
         * Authorization header's. */
        if (ngx_strlchr(value.data, value.data + value.len, ' ') == NULL &&
            ngx_strlchr(value.data, value.data + value.len, '\t') == NULL) {
            *token = value;
            return NGX_OK;
        }
    } else {
        *s = JWTGUARD_MISSING_BEARER_TOKEN;
        if (r->headers_in.authorization == NULL)
            return NGX_DECLINED;
        value = r->headers_in.authorization->value;
    }
    const uint8_t *t = NULL;
    size_t len = 0;
    *s = jwtguard_bearer_token(value.data, value.len, &t, &len);
    if (*s == JWTGUARD_NOT_BEARER)
        /* Another scheme: no bearer credentials at all (RFC 6750 §3.1: no error code). */
        return NGX_DECLINED;
    if (*s != JWTGUARD_OK)
        return NGX_HTTP_BAD_REQUEST;
    token->data = (u_char *)t;
    token->len = len;
    return NGX_OK;
}

/* Whether `value` is the token: the whole value, or "Bearer <token>". */
static ngx_uint_t holds_token(ngx_str_t *value, ngx_str_t *token)
{
    if (value->len == token->len && ngx_memcmp(value->data, token->data, token->len) == 0)
        return 1;
    const uint8_t *t = NULL;
    size_t len = 0;
    return jwtguard_bearer_token(value->data, value->len, &t, &len) == JWTGUARD_OK &&
           len == token->len && ngx_memcmp(t, token->data, len) == 0;
}

/* auth_jwtguard_strip_token: the upstream never sees the token. Every request header that is
 * the token (Authorization: Bearer <token>, or a custom header), every cookie whose value it is,
 * and every query argument whose value it is are removed, whichever the token was read from. */
static ngx_int_t strip_token(ngx_http_request_t *r, ngx_str_t *token)
{
    ngx_uint_t count = 0, dropped = 0;
    ngx_list_part_t *part;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        ngx_table_elt_t *h = part->elts;
        for (ngx_uint_t i = 0; i < part->nelts; i++) {
            count++;
            if (h[i].key.len == 6 && ngx_strncasecmp(h[i].key.data, (u_char *)"cookie", 6) == 0) {
                /* Cookie: a=1; session=<token>; b=2 -> a=1; b=2, in place (the $cookie_
                 * variables and the list share the element). */
                u_char *w = h[i].value.data, *p = h[i].value.data,
                       *end = h[i].value.data + h[i].value.len;
                while (p < end) {
                    u_char *semi = ngx_strlchr(p, end, ';');
                    u_char *pair_end = semi != NULL ? semi : end;
                    u_char *a = p;
                    while (a < pair_end && *a == ' ')
                        a++;
                    u_char *eq = ngx_strlchr(a, pair_end, '=');
                    ngx_uint_t drop = 0;
                    if (eq != NULL) {
                        ngx_str_t v = {(size_t)(pair_end - eq - 1), eq + 1};
                        drop = v.len == token->len && ngx_memcmp(v.data, token->data, v.len) == 0;
                    }
                    if (!drop && pair_end > a) {
                        if (w != h[i].value.data) {
                            *w++ = ';';
                            *w++ = ' ';
                        }
                        w = ngx_movemem(w, a, (size_t)(pair_end - a));
                    }
                    p = semi != NULL ? semi + 1 : end;
                }
                h[i].value.len = (size_t)(w - h[i].value.data);
                if (h[i].value.len == 0) {
                    h[i].hash = 0;
                    dropped++;
                }
                continue;
            }
            if (holds_token(&h[i].value, token)) {
                h[i].hash = 0;
                dropped++;
            }
        }
    }
    if (dropped > 0) {
        /* Rebuilt as strip_claim_headers does; the old parts stay in the pool. */
        ngx_list_t old = r->headers_in.headers;
        if (ngx_list_init(&r->headers_in.headers, r->pool, count - dropped + 4,
                          sizeof(ngx_table_elt_t)) != NGX_OK)
            return NGX_ERROR;
        for (part = &old.part; part; part = part->next) {
            ngx_table_elt_t *h = part->elts;
            for (ngx_uint_t i = 0; i < part->nelts; i++) {
                if (h[i].hash == 0 && (h[i].value.len == 0 || holds_token(&h[i].value, token))) {
                    if (r->headers_in.authorization == &h[i])
                        r->headers_in.authorization = NULL;
                    continue;
                }
                ngx_table_elt_t *copy = ngx_list_push(&r->headers_in.headers);
                if (copy == NULL)
                    return NGX_ERROR;
                *copy = h[i];
            }
        }
    }
    /* Query arguments: name=<token> pairs go, and the upstream gets the URI rebuilt from
     * r->uri and the remaining arguments. */
    if (r->args.len > 0) {
        u_char *w = r->args.data, *p = r->args.data, *end = r->args.data + r->args.len;
        ngx_uint_t changed = 0;
        while (p < end) {
            u_char *amp = ngx_strlchr(p, end, '&');
            u_char *pair_end = amp != NULL ? amp : end;
            u_char *eq = ngx_strlchr(p, pair_end, '=');
            ngx_uint_t drop = 0;
            if (eq != NULL) {
                ngx_str_t v = {(size_t)(pair_end - eq - 1), eq + 1};
                drop = v.len == token->len && ngx_memcmp(v.data, token->data, v.len) == 0;
            }
            if (drop) {
                changed = 1;
            } else if (pair_end > p) {
                if (w != r->args.data)
                    *w++ = '&';
                w = ngx_movemem(w, p, (size_t)(pair_end - p));
            }
            p = amp != NULL ? amp + 1 : end;
        }
        if (changed) {
            r->args.len = (size_t)(w - r->args.data);
            r->valid_unparsed_uri = 0;
        }
    }
    return NGX_OK;
}

/* auth_jwtguard_require: the first that does not hold, or NULL. */
static jg_require_t *failed_require(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                                    ngx_int_t *error)
{
    *error = NGX_OK;
    if (lcf->require == NULL)
        return NULL;
    jg_require_t *req = lcf->require->elts;
    for (ngx_uint_t i = 0; i < lcf->require->nelts; i++) {
        ngx_http_complex_value_t *cv = req[i].values->elts;
        for (ngx_uint_t j = 0; j < req[i].values->nelts; j++) {
            ngx_str_t v;
            if (ngx_http_complex_value(r, &cv[j], &v) != NGX_OK) {
                *error = NGX_ERROR;
                return &req[i];
            }
            if (v.len == 0 || (v.len == 1 && v.data[0] == '0'))
                return &req[i];
        }
    }
    return NULL;
}

/* What the module answers for this request: NGX_OK (a valid token), NGX_DECLINED (no token
 * where auth_jwtguard is optional, or nothing to check), NGX_AGAIN (waiting for keys), or an
 * HTTP status. */
static ngx_int_t decide(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                        ngx_http_auth_jwtguard_ctx_t *ctx)
{
    if (lcf->verifier == NULL && lcf->set == NULL && lcf->source == NULL && lcf->n_fetched == 0) {
        /* Fail closed: tokens are required here but no key was configured for this level. */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "auth_jwtguard is on but no key is configured for this request's level");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    ctx->ran = 1;
    ctx->result = NULL;
    ngx_str_null(&ctx->provider);

    ctx->require_failed = 0;
    ngx_str_t tok;
    jwtguard_status s;
    ngx_int_t found = find_token(r, lcf, &tok, &s);
    if (found == NGX_DECLINED) {
        if (lcf->enable == JG_OPTIONAL) {
            /* Optional authentication: no token passes, with no identity (the claim variables
             * are empty, forged claim headers already gone); a bad token is still refused. */
            ctx->status = s == JWTGUARD_NOT_BEARER ? JWTGUARD_MISSING_BEARER_TOKEN : s;
            jg_count(r, ctx->status, NULL);
            return NGX_DECLINED;
        }
        return verdict(r, lcf, ctx, NGX_HTTP_UNAUTHORIZED, NULL, s);
    }
    if (found == NGX_HTTP_BAD_REQUEST)
        return verdict(r, lcf, ctx, NGX_HTTP_BAD_REQUEST, "invalid_request", s);
    if (found != NGX_OK)
        return found;
    ctx->token = tok;
    const uint8_t *token = tok.data;
    size_t token_len = tok.len;

    /* The keys: static, or a fetched set (which this request may wait for: the first fetch,
     * or another worker's fetch in flight), or providers built over both. */
    const jwtguard_verifier *verifier;
    jwtguard_providers *set;
    ngx_uint_t missing;
    ngx_int_t rc = jg_request_keys(r, lcf, ctx, &verifier, &set, &missing);
    if (rc == NGX_AGAIN)
        return NGX_AGAIN;
    ctx->verifier = set == NULL ? verifier : NULL;
    if (rc != NGX_OK) {
        ctx->status = JWTGUARD_NO_USABLE_KEYS;
        jg_count(r, ctx->status, NULL);
        return NGX_HTTP_INTERNAL_SERVER_ERROR; /* fail closed, logged */
    }

    /* A result of 1.9 KiB for tokens of up to 2 KiB; the 12.4 KiB large one only where
     * auth_jwtguard_max_token_size allows more (every verify zeroes its result). */
    const jwtguard_result *res;
    uint64_t now = (uint64_t)ngx_time();
    /* The verify cache (auth_jwtguard_cache): a token this configuration accepted before is
     * answered without its signature check; everything below (claim headers, variables, the
     * forged headers' removal) runs on its result as on a verify's. Sets of providers are
     * verified in full. */
    const jwtguard_cache *cache =
        lcf->cache != NULL ? *(jwtguard_cache **)lcf->cache->data : NULL;
    if (lcf->max_token_size > JWTGUARD_DEFAULT_MAX_TOKEN_SIZE) {
        jwtguard_large_result *large = ngx_palloc(r->pool, sizeof(jwtguard_large_result));
        if (large == NULL)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        if (set != NULL)
            s = jwtguard_providers_verify_large(set, token, token_len, now, lcf->required,
                                                lcf->n_required, large);
        else if (cache != NULL)
            s = jwtguard_verify_cached_large(verifier, cache, token, token_len, now,
                                             lcf->required, lcf->n_required, large);
        else
            s = jwtguard_verify_large(verifier, token, token_len, now, lcf->required,
                                      lcf->n_required, large);
        res = jwtguard_large_result_get(large);
    } else {
        jwtguard_result *small = ngx_palloc(r->pool, sizeof(jwtguard_result));
        if (small == NULL)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        if (set != NULL)
            s = jwtguard_providers_verify(set, token, token_len, now, lcf->required,
                                          lcf->n_required, small);
        else if (cache != NULL)
            s = jwtguard_verify_cached(verifier, cache, token, token_len, now, lcf->required,
                                       lcf->n_required, small);
        else
            s = jwtguard_verify(verifier, token, token_len, now, lcf->required, lcf->n_required,
                                small);
        res = small;
    }
    ctx->keys_tried += jwtguard_result_keys_tried(res);
    const jg_provider_conf_t *by = NULL;
    if (set != NULL) {
        int i = jwtguard_result_provider(res);
        if (i >= 0 && (ngx_uint_t)i < lcf->provider_names->nelts) {
            ctx->provider = ((ngx_str_t *)lcf->provider_names->elts)[i];
            by = lcf->members != NULL ? lcf->members[i].provider : NULL;
        }
    }
    ctx->status = s;
    /* A kid the fetched sets do not have: the identity provider may have rotated its keys.
     * Fetch again (each set at most once per its refresh time, once per request) and retry. */
    if (s == JWTGUARD_UNKNOWN_KEY && (lcf->source != NULL || lcf->n_fetched > 0)) {
        rc = jg_refetch(r, lcf, ctx);
        if (rc == NGX_AGAIN)
            return NGX_AGAIN;
        if (rc == NGX_ERROR)
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (missing > 0 && key_stage(s)) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "auth_jwtguard: %s (%s), and %ui provider(s) had no usable key set: "
                      "refused as an outage",
                      jwtguard_error_message(s), jwtguard_error_name(s), missing);
        jg_count(r, s, NULL);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (s == JWTGUARD_INSUFFICIENT_PERMISSIONS)
        return verdict(r, lcf, ctx, NGX_HTTP_FORBIDDEN, "insufficient_scope", s);
    if (((int)s >= 1 && (int)s < 100) || (int)s >= 900) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "auth_jwtguard: %s (%s)",
                      jwtguard_error_message(s), jwtguard_error_name(s));
        jg_count(r, s, NULL);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (s != JWTGUARD_OK)
        return verdict(r, lcf, ctx, NGX_HTTP_UNAUTHORIZED, "invalid_token", s);

    /* Claim requirements: the token is valid but does not grant this route, so 403 as for a
     * missing permission (RFC 6750 §3.1's insufficient_scope: more privileges are needed).
     * The log names the requirement, and $jwtguard_error says absent or mismatched. */
    jwtguard_status why;
    jg_claim_requirement_t *failed = failed_requirement(lcf, res, &why);
    if (failed != NULL) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "auth_jwtguard: auth_jwtguard_require_claim %V (%ui value%s) failed: %s",
                      &failed->path, failed->n_values, failed->n_values == 1 ? "" : "s",
                      jwtguard_error_name(why));
        return verdict(r, lcf, ctx, NGX_HTTP_FORBIDDEN, "insufficient_scope", why);
    }
    /* auth_jwtguard_require: conditions on variables, the claims' among them. */
    ctx->result = res;
    ngx_int_t err;
    jg_require_t *unmet = failed_require(r, lcf, &err);
    if (err != NGX_OK)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    if (unmet != NULL) {
        ctx->result = NULL;
        ctx->require_failed = 1;
        ctx->status = JWTGUARD_OK;
        jg_count(r, JWTGUARD_OK, NULL);
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "auth_jwtguard: auth_jwtguard_require %V failed", &unmet->text);
        return challenge(r, lcf, (ngx_int_t)unmet->status,
                         unmet->status == NGX_HTTP_FORBIDDEN ? "insufficient_scope"
                                                             : "invalid_token",
                         JWTGUARD_OK, "A requirement of this location is not met");
    }
    jg_count(r, JWTGUARD_OK, by);
    if (add_claim_headers(r, lcf, res) != NGX_OK)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return NGX_OK;
}

/* Everything before the verdict that runs whatever it is: forged claim headers go, the context
 * is made. NULL: nothing to do here (the module's own key request), or out of memory (`*rc`). */
static ngx_http_auth_jwtguard_ctx_t *prepare(ngx_http_request_t *r,
                                             ngx_http_auth_jwtguard_loc_conf_t *lcf,
                                             ngx_int_t *rc)
{
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    *rc = NGX_DECLINED;
    /* A key request is the module's own: nothing of it is checked here. */
    if (ctx != NULL && ctx->fetch != NULL)
        return NULL;
    /* First, whatever follows: forged claim headers never reach an upstream. */
    if (strip_claim_headers(r, lcf) != NGX_OK) {
        *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        return NULL;
    }
    if (ctx == NULL && (lcf->enable || lcf->status == 2)) {
        ctx = ngx_pcalloc(r->pool, sizeof(*ctx));
        if (ctx == NULL) {
            *rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
            return NULL;
        }
        ngx_http_set_ctx(r, ctx, ngx_http_auth_jwtguard_module);
    }
    return ctx;
}

/* A verdict made (not a wait): the token leaves the request when auth_jwtguard_strip_token is
 * on, whatever the verdict (under `satisfy any` a refused request can still be let through). */
static ngx_int_t finish(ngx_http_request_t *r, ngx_http_auth_jwtguard_loc_conf_t *lcf,
                        ngx_http_auth_jwtguard_ctx_t *ctx, ngx_int_t rc)
{
    if (rc != NGX_AGAIN && lcf->strip_token && ctx->token.len > 0 &&
        strip_token(r, &ctx->token) != NGX_OK)
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    return rc;
}

/* auth_jwtguard_phase preaccess: the verdict is made here, before limit_req and limit_conn, so
 * that their keys can be claims ($jwt_claim_sub), and kept in the request's context; the access
 * phase answers with it (under `satisfy`, as a verdict made there), without a second verify. */
ngx_int_t jg_preaccess_handler(ngx_http_request_t *r)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf =
        ngx_http_get_module_loc_conf(r, ngx_http_auth_jwtguard_module);
    if (lcf->phase != JG_PHASE_PREACCESS || !lcf->enable || lcf->status)
        return NGX_DECLINED;
    ngx_int_t rc;
    ngx_http_auth_jwtguard_ctx_t *ctx = prepare(r, lcf, &rc);
    if (ctx == NULL)
        return rc;
    if (ctx->decided == lcf)
        return NGX_DECLINED;
    rc = finish(r, lcf, ctx, decide(r, lcf, ctx));
    if (rc == NGX_AGAIN)
        return NGX_AGAIN;
    ctx->decision = rc;
    ctx->decided = lcf;
    /* (NGX_OK would end the preaccess phase here, before limit_req.) */
    return NGX_DECLINED;
}

ngx_int_t jg_access_handler(ngx_http_request_t *r)
{
    ngx_http_auth_jwtguard_loc_conf_t *lcf =
        ngx_http_get_module_loc_conf(r, ngx_http_auth_jwtguard_module);
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    /* Decided in the preaccess phase for this location: that verdict, once. (An internal
     * redirect clears the context, and another location's configuration is another pointer.) */
    if (ctx != NULL && ctx->fetch == NULL && ctx->decided == lcf)
        return ctx->decision;
    ngx_int_t rc;
    ctx = prepare(r, lcf, &rc);
    if (ctx == NULL)
        return rc;
    /* A status location answers about the gateway, not for a token (protect it with allow and
     * deny, as stub_status); a readiness one (auth_jwtguard_status ready) first fetches what
     * its server lacks. */
    if (lcf->status == 2) {
        rc = jg_warm(r, ctx);
        return rc == NGX_ERROR ? NGX_HTTP_INTERNAL_SERVER_ERROR : rc == NGX_AGAIN ? NGX_AGAIN
                                                                                  : NGX_DECLINED;
    }
    if (lcf->status || !lcf->enable)
        return NGX_DECLINED;
    /* Every pass verifies: there is no "already verified" shortcut but the preaccess phase's
     * verdict for this very location (above), which would skip this location's permissions if
     * a request ever reached the handler twice. (An internal redirect clears module contexts
     * anyway; a pass that waited for keys runs again.) The context records the outcome for
     * $jwtguard_error, whatever it is. */
    return finish(r, lcf, ctx, decide(r, lcf, ctx));
}

/* A variable's value: found, `len` bytes at `data` (request memory, or static). */
static ngx_int_t found(ngx_http_variable_value_t *v, u_char *data, size_t len)
{
    v->data = data;
    v->len = len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
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
    return found(v, value, len);
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
    const char *name = ctx->require_failed ? JG_REQUIREMENT_FAILED
                                           : jwtguard_error_name((uint32_t)ctx->status);
    return found(v, (u_char *)name, ngx_strlen(name));
}

/* A value a verified result gives through `read` (two calls: the size, then the bytes). */
typedef jwtguard_status (*jg_read_fn)(const jwtguard_result *, const uint8_t *, size_t, uint8_t *,
                                      size_t, size_t *);

static jwtguard_status read_payload(const jwtguard_result *res, const uint8_t *name, size_t len,
                                    uint8_t *out, size_t cap, size_t *out_len)
{
    (void)name;
    (void)len;
    return jwtguard_result_payload(res, out, cap, out_len);
}

static ngx_int_t result_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                 jg_read_fn read, ngx_str_t *name)
{
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    v->not_found = 1;
    if (ctx == NULL || ctx->result == NULL)
        return NGX_OK;
    size_t n = 0;
    jwtguard_status s = read(ctx->result, name->data, name->len, NULL, 0, &n);
    if (s != JWTGUARD_BUFFER_TOO_SMALL && s != JWTGUARD_OK)
        return NGX_OK;
    u_char *buf = ngx_pnalloc(r->pool, n + 1);
    if (buf == NULL)
        return NGX_ERROR;
    size_t len = 0;
    if (read(ctx->result, name->data, name->len, buf, n + 1, &len) != JWTGUARD_OK)
        return NGX_OK;
    /* For headers and logs: control characters (a signed "\r\n") are not passed. */
    for (size_t i = 0; i < len; i++)
        if (buf[i] < 0x20 || buf[i] == 0x7f)
            return NGX_OK;
    return found(v, buf, len);
}

/* $jwt_payload: the validated claims as compact JSON. */
static ngx_int_t payload_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                  uintptr_t data)
{
    (void)data;
    ngx_str_t none = ngx_null_string;
    return result_variable(r, v, read_payload, &none);
}

/* $jwt_header_NAME: a member of the verified token's protected header (alg, kid, typ, ...). */
static ngx_int_t header_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                 uintptr_t data)
{
    ngx_str_t *full = (ngx_str_t *)data;
    ngx_str_t name = {full->len - (sizeof("jwt_header_") - 1),
                      full->data + sizeof("jwt_header_") - 1};
    return result_variable(r, v, jwtguard_result_header, &name);
}

/* $jwtguard_explain: every check of this request's token, in order, for a debug log format:
 * `format=OK header=OK key[rsa-2024/RS256]=OK signature=OK ... exp=EXPIRED aud=INVALID_AUDIENCE`
 * (jwtguard_explain; a token whose signature fails ends at `signature=`, its claims unread).
 * It verifies the token again when the log line is written: for debugging, not for every
 * request's access log. Not found where the module did not look at a token, and in locations
 * with auth_jwtguard_providers (a walk is one verifier's). */
static ngx_int_t explain_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                  uintptr_t data)
{
    (void)data;
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    v->not_found = 1;
    if (ctx == NULL || ctx->verifier == NULL || ctx->token.len == 0)
        return NGX_OK;
    ngx_http_auth_jwtguard_loc_conf_t *lcf =
        ngx_http_get_module_loc_conf(r, ngx_http_auth_jwtguard_module);
    jwtguard_check *steps = ngx_palloc(r->pool, sizeof(jwtguard_check) * JWTGUARD_EXPLAIN_MAX_STEPS);
    if (steps == NULL)
        return NGX_ERROR;
    size_t n = 0;
    jwtguard_status verdict =
        jwtguard_explain(ctx->verifier, ctx->token.data, ctx->token.len, (uint64_t)ngx_time(),
                         lcf->required, lcf->n_required, steps, JWTGUARD_EXPLAIN_MAX_STEPS, &n);
    if (n > JWTGUARD_EXPLAIN_MAX_STEPS)
        n = JWTGUARD_EXPLAIN_MAX_STEPS;
    /* A step is at most a name, a kid (JWTGUARD_MAX_TEXT), an algorithm and a status name. */
    size_t cap = n * (JWTGUARD_MAX_TEXT + 96) + 64;
    u_char *buf = ngx_pnalloc(r->pool, cap), *p = buf, *last = buf + cap;
    if (buf == NULL)
        return NGX_ERROR;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *p++ = ' ';
        for (const char *c = jwtguard_check_name(steps[i].check); c != NULL && *c; c++)
            *p++ = *c == ' ' ? '_' : (u_char)*c;
        if (steps[i].check == JWTGUARD_CHECK_KEY) {
            *p++ = '[';
            /* The kid as loaded (from configuration or the identity provider's key set):
             * printable ASCII only in a log line. */
            for (size_t k = 0; k < steps[i].kid.len && k < JWTGUARD_MAX_TEXT; k++) {
                u_char ch = steps[i].kid.ptr[k];
                *p++ = ch > 0x20 && ch < 0x7f && ch != ']' && ch != '"' ? ch : '?';
            }
            if (steps[i].kid.ptr == NULL)
                p = ngx_cpymem(p, "-", 1);
            const char *alg = jwtguard_algorithm_name(steps[i].algorithm);
            p = ngx_slprintf(p, last, "/%s]", alg != NULL ? alg : "?");
        }
        const char *name = jwtguard_error_name(steps[i].status);
        if (ngx_strncmp(name, "JWTGUARD_", 9) == 0)
            name += 9;
        p = ngx_slprintf(p, last, "=%s", name);
    }
    (void)verdict;
    return found(v, buf, (size_t)(p - buf));
}

/* $jwtguard_keys_tried: how many signature checks this request cost (every verify of it: a
 * refetch after an unknown kid verifies again), for capacity planning; 0 for a cache hit and
 * for a token refused before a key was chosen. Not found where the module did not run. */
static ngx_int_t keys_tried_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
                                     uintptr_t data)
{
    (void)data;
    ngx_http_auth_jwtguard_ctx_t *ctx = ngx_http_get_module_ctx(r, ngx_http_auth_jwtguard_module);
    v->not_found = 1;
    if (ctx == NULL || !ctx->ran)
        return NGX_OK;
    u_char *buf = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (buf == NULL)
        return NGX_ERROR;
    return found(v, buf, (size_t)(ngx_sprintf(buf, "%ui", ctx->keys_tried) - buf));
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
    return found(v, ctx->provider.data, ctx->provider.len);
}

/* Every variable the module defines: none is cacheable (each request has its own verdict), and
 * the two prefixes take any name after them. */
static struct {
    ngx_str_t name;
    ngx_http_get_variable_pt get;
    ngx_uint_t flags;
} jg_variables[] = {
    {ngx_string("jwtguard_provider"), provider_variable, 0},
    {ngx_string("jwtguard_error"), error_variable, 0},
    {ngx_string("jwt_sub"), sub_variable, 0},
    {ngx_string("jwtguard_keys_tried"), keys_tried_variable, 0},
    {ngx_string("jwtguard_explain"), explain_variable, 0},
    {ngx_string("jwt_payload"), payload_variable, 0},
    {ngx_string("jwt_header_"), header_variable, NGX_HTTP_VAR_PREFIX},
    {ngx_string("jwt_claim_"), prefix_variable, NGX_HTTP_VAR_PREFIX},
};

ngx_int_t jg_add_variables(ngx_conf_t *cf)
{
    for (size_t i = 0; i < sizeof(jg_variables) / sizeof(jg_variables[0]); i++) {
        ngx_http_variable_t *v =
            ngx_http_add_variable(cf, &jg_variables[i].name, jg_variables[i].flags | NGX_HTTP_VAR_NOCACHEABLE);
        if (v == NULL)
            return NGX_ERROR;
        v->get_handler = jg_variables[i].get;
    }
    return NGX_OK;
}
