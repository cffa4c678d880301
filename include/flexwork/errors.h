/**
 * @file errors.h
 * Error codes. Values are pinned: never renumbered or reused; a retired code stays reserved.
 * Every fallible function returns FW_OK (0) or one of these negative codes.
 */
#ifndef FLEXWORK_ERRORS_H
#define FLEXWORK_ERRORS_H

#define FW_OK          0   /**< success */
#define FW_ERROR      -1   /**< internal error not covered below */
#define FW_ENOMEM     -2   /**< out of memory */
#define FW_EINVAL     -3   /**< invalid argument or record: the message and path name the field */
#define FW_ENOTFOUND  -4   /**< no such record */
#define FW_EEXISTS    -5   /**< a record with that identity already exists */
#define FW_ECONFLICT  -6   /**< idempotency key reused with a different request */
#define FW_EPERM      -7   /**< the actor may not do this (or no actor is set) */
#define FW_ESTATE     -8   /**< the record's state does not allow this */
#define FW_EBUSY      -9   /**< the store is locked by another writer past the busy timeout */
#define FW_EIO       -10   /**< the store could not be read or written */
#define FW_ECORRUPT  -11   /**< the store or an exported log fails its integrity check */
#define FW_EJSON     -12   /**< JSON text is malformed or exceeds a size or depth limit */
#define FW_EAUTH     -13   /**< wrong master key, or a MAC or signature does not verify */
#define FW_EVERSION  -14   /**< the store or a struct comes from an unknown version */
#define FW_EOVERFLOW -15   /**< an amount would leave the int64 fen range */
#define FW_EFUNDS    -16   /**< insufficient available balance */
#define FW_ELIMIT    -17   /**< a configured limit would be exceeded */
#define FW_EDENIED   -18   /**< refused by a risk or eligibility rule (see the message for the reason code) */
#define FW_EPENDING  -19   /**< the operation waits on a provider or an operator */
#define FW_ESHREDDED -20   /**< personal data was erased (its key destroyed) */
#define FW_EPROVIDER -21   /**< a provider failed or answered something unusable */
#define FW_ETIMEOUT  -22   /**< a provider did not answer in time */
#define FW_EUSER     -23   /**< a host callback asked to stop; its code is passed on */
#define FW_ECLOSED   -24   /**< the accounting or tax period is closed */
#define FW_ITEROVER  -25   /**< an iterator has no more items (not an error) */

#endif
