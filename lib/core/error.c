/* Error objects and codes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static struct fw_error nomem_error = { FW_ENOMEM, (char *)"out of memory", (char *)"" };

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

int fw__error_nomem(fw_error **err)
{
    if (err) {
        fw_error_free(*err);
        *err = &nomem_error;
    }
    return FW_ENOMEM;
}

int fw__error_copy(fw_error **err, int code, const char *path, const char *message)
{
    fw_error *e;

    if (!err)
        return code;
    e = malloc(sizeof(*e));
    if (!e)
        return fw__error_nomem(err);
    e->code = code;
    e->path = dup_str(path ? path : "");
    e->message = dup_str(message ? message : fw_strerror(code));
    if (!e->path || !e->message) {
        free(e->path);
        free(e->message);
        free(e);
        return fw__error_nomem(err);
    }
    fw_error_free(*err);
    *err = e;
    return code;
}

int fw__error_set(fw_error **err, int code, const char *path, const char *fmt, ...)
{
    char text[1024];
    char msg[1400];
    va_list ap;

    if (!err)
        return code;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (path && *path)
        snprintf(msg, sizeof(msg), "%s: %s", path, text);
    else
        snprintf(msg, sizeof(msg), "%s", text);
    return fw__error_copy(err, code, path, msg);
}

int fw_error_code(const fw_error *e)
{
    return e ? e->code : FW_OK;
}

const char *fw_error_message(const fw_error *e)
{
    return e ? e->message : "";
}

const char *fw_error_path(const fw_error *e)
{
    return e ? e->path : "";
}

void fw_error_free(fw_error *e)
{
    if (!e || e == &nomem_error)
        return;
    free(e->message);
    free(e->path);
    free(e);
}

const char *fw_strerror(int code)
{
    switch (code) {
    case FW_OK:        return "FW_OK: success";
    case FW_ERROR:     return "FW_ERROR: internal error";
    case FW_ENOMEM:    return "FW_ENOMEM: out of memory";
    case FW_EINVAL:    return "FW_EINVAL: invalid argument";
    case FW_ENOTFOUND: return "FW_ENOTFOUND: no such record";
    case FW_EEXISTS:   return "FW_EEXISTS: already exists";
    case FW_ECONFLICT: return "FW_ECONFLICT: idempotency key reused with a different request";
    case FW_EPERM:     return "FW_EPERM: not permitted for this actor";
    case FW_ESTATE:    return "FW_ESTATE: not allowed in the record's state";
    case FW_EBUSY:     return "FW_EBUSY: store is locked by another writer";
    case FW_EIO:       return "FW_EIO: store input/output error";
    case FW_ECORRUPT:  return "FW_ECORRUPT: integrity check failed";
    case FW_EJSON:     return "FW_EJSON: malformed JSON or limit exceeded";
    case FW_EAUTH:     return "FW_EAUTH: key, MAC or signature does not verify";
    case FW_EVERSION:  return "FW_EVERSION: unknown version";
    case FW_EOVERFLOW: return "FW_EOVERFLOW: amount out of range";
    case FW_EFUNDS:    return "FW_EFUNDS: insufficient available balance";
    case FW_ELIMIT:    return "FW_ELIMIT: limit exceeded";
    case FW_EDENIED:   return "FW_EDENIED: refused by a risk or eligibility rule";
    case FW_EPENDING:  return "FW_EPENDING: waiting on a provider or an operator";
    case FW_ESHREDDED: return "FW_ESHREDDED: personal data erased";
    case FW_EPROVIDER: return "FW_EPROVIDER: provider failure";
    case FW_ETIMEOUT:  return "FW_ETIMEOUT: provider timed out";
    case FW_EUSER:     return "FW_EUSER: stopped by a host callback";
    case FW_ECLOSED:   return "FW_ECLOSED: period closed";
    case FW_ITEROVER:  return "FW_ITEROVER: no more items";
    default:           return "unknown error code";
    }
}
