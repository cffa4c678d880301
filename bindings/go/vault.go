package flexwork

/*
#include <flexwork.h>
*/
import "C"

import "runtime"

// VaultShred destroys the data key of one person ("worker:17", "enterprise:3"): their
// personal fields read as ErrShredded from then on; nothing else changes. Audited,
// idempotent. Errors: ErrNotFound when the subject has no key; ErrPerm (admin only).
func (c *Context) VaultShred(subject string) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	cs := cText(subject)
	defer free(cs)
	var e *C.fw_error
	rc := C.fw_vault_shred(h, cs, &e)
	runtime.KeepAlive(c)
	return check(rc, e)
}
