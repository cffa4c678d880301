"""Pinned constants of the C API: error codes, roles, open options, struct versions.

The values mirror ``include/flexwork/errors.h``, ``ctx.h`` and ``sys/provider.h``; they never
change within major version 1.
"""

# Error codes (include/flexwork/errors.h).
OK = 0
ERROR = -1
ENOMEM = -2
EINVAL = -3
ENOTFOUND = -4
EEXISTS = -5
ECONFLICT = -6
EPERM = -7
ESTATE = -8
EBUSY = -9
EIO = -10
ECORRUPT = -11
EJSON = -12
EAUTH = -13
EVERSION = -14
EOVERFLOW = -15
EFUNDS = -16
ELIMIT = -17
EDENIED = -18
EPENDING = -19
ESHREDDED = -20
EPROVIDER = -21
ETIMEOUT = -22
EUSER = -23
ECLOSED = -24
ITEROVER = -25  # an iterator has no more items: not an error

# Actor roles (include/flexwork/ctx.h).
ROLE_NONE = 0
ROLE_ADMIN = 1
ROLE_OPERATOR = 2
ROLE_REVIEWER = 3
ROLE_FINANCE = 4
ROLE_TAX_AGENT = 5
ROLE_AUDITOR = 6
ROLE_ENTERPRISE_USER = 7
ROLE_WORKER = 8
ROLE_SYSTEM = 9
ROLE_COORDINATOR = 10
ROLE_SUPPORT = 11

# fw_open_options.synchronous.
SYNC_FULL = 0
SYNC_NORMAL = 1

# Struct versions.
OPEN_OPTIONS_VERSION = 1
IDENTITY_PROVIDER_VERSION = 1
PAYMENT_PROVIDER_VERSION = 1
INVOICE_PROVIDER_VERSION = 1
TAX_PROVIDER_VERSION = 1
