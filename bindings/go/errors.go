package flexwork

/*
#include <flexwork.h>
*/
import "C"

import "fmt"

// Error codes (include/flexwork/errors.h). Values are pinned.
const (
	CodeOK       = C.FW_OK
	CodeError    = C.FW_ERROR     // internal error not covered below
	CodeNoMem    = C.FW_ENOMEM    // out of memory
	CodeInvalid  = C.FW_EINVAL    // invalid argument or record; Path names the field
	CodeNotFound = C.FW_ENOTFOUND // no such record
	CodeExists   = C.FW_EEXISTS   // a record with that identity already exists
	CodeConflict = C.FW_ECONFLICT // idempotency key reused with a different request
	CodePerm     = C.FW_EPERM     // the actor may not do this (or no actor is set)
	CodeState    = C.FW_ESTATE    // the record's state does not allow this
	CodeBusy     = C.FW_EBUSY     // the store is locked by another writer past the busy timeout
	CodeIO       = C.FW_EIO       // the store could not be read or written
	CodeCorrupt  = C.FW_ECORRUPT  // the store or an exported log fails its integrity check
	CodeJSON     = C.FW_EJSON     // JSON text is malformed or exceeds a limit
	CodeAuth     = C.FW_EAUTH     // wrong master key, or a MAC or signature does not verify
	CodeVersion  = C.FW_EVERSION  // the store or a struct comes from an unknown version
	CodeOverflow = C.FW_EOVERFLOW // an amount would leave the int64 fen range
	CodeFunds    = C.FW_EFUNDS    // insufficient available balance
	CodeLimit    = C.FW_ELIMIT    // a configured limit would be exceeded
	CodeDenied   = C.FW_EDENIED   // refused by a risk or eligibility rule
	CodePending  = C.FW_EPENDING  // waits on a provider or an operator
	CodeShredded = C.FW_ESHREDDED // personal data was erased
	CodeProvider = C.FW_EPROVIDER // a provider failed or answered something unusable
	CodeTimeout  = C.FW_ETIMEOUT  // a provider did not answer in time
	CodeUser     = C.FW_EUSER     // a host callback asked to stop
	CodeClosed   = C.FW_ECLOSED   // the accounting or tax period is closed
	CodeIterOver = C.FW_ITEROVER  // an iterator has no more items (not an error)
)

// Error is a failed library call: the code (one of the Code constants), the library's
// message (what was wrong and what is accepted) and the JSON path of the offending input
// field ("$.amount_fen"), or "" when the error is not about one field.
type Error struct {
	Code    int
	Message string
	Path    string
}

// Error returns the message, or the code's description when there is none.
func (e *Error) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return Strerror(e.Code)
}

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, flexwork.ErrAuth) tests the code whatever the message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// GoString shows all three fields, for %#v.
func (e *Error) GoString() string {
	return fmt.Sprintf("&flexwork.Error{Code:%d, Message:%q, Path:%q}", e.Code, e.Message, e.Path)
}

// Sentinels for errors.Is, one per code.
var (
	ErrInternal = &Error{Code: CodeError}
	ErrNoMem    = &Error{Code: CodeNoMem}
	ErrInvalid  = &Error{Code: CodeInvalid}
	ErrNotFound = &Error{Code: CodeNotFound}
	ErrExists   = &Error{Code: CodeExists}
	ErrConflict = &Error{Code: CodeConflict}
	ErrPerm     = &Error{Code: CodePerm}
	ErrState    = &Error{Code: CodeState}
	ErrBusy     = &Error{Code: CodeBusy}
	ErrIO       = &Error{Code: CodeIO}
	ErrCorrupt  = &Error{Code: CodeCorrupt}
	ErrJSON     = &Error{Code: CodeJSON}
	ErrAuth     = &Error{Code: CodeAuth}
	ErrVersion  = &Error{Code: CodeVersion}
	ErrOverflow = &Error{Code: CodeOverflow}
	ErrFunds    = &Error{Code: CodeFunds}
	ErrLimit    = &Error{Code: CodeLimit}
	ErrDenied   = &Error{Code: CodeDenied}
	ErrPending  = &Error{Code: CodePending}
	ErrShredded = &Error{Code: CodeShredded}
	ErrProvider = &Error{Code: CodeProvider}
	ErrTimeout  = &Error{Code: CodeTimeout}
	ErrUser     = &Error{Code: CodeUser}
	ErrClosed   = &Error{Code: CodeClosed}
)

// errClosedContext is returned by every method of a closed Context.
func errClosedContext() error {
	return &Error{Code: CodeState, Message: "the context is closed"}
}
