package flexwork

// The Go functions the C stubs of bridge.c call. This file holds only //export functions:
// cgo allows no C definitions in a file that exports.

/*
#include "bridge.h"
*/
import "C"

import (
	"runtime/cgo"
	"time"
	"unsafe"
)

type clockFunc func() int64

//export fwgoClock
func fwgoClock(h C.uintptr_t) (ms C.int64_t) {
	fn := cgo.Handle(h).Value().(clockFunc)
	defer func() {
		if recover() != nil { // a panic may not unwind through C: use the system clock
			ms = C.int64_t(time.Now().UnixNano() / 1e6)
		}
	}()
	return C.int64_t(fn())
}

//export fwgoProviderCall
func fwgoProviderCall(h C.uintptr_t, slot C.int, req *C.char, n C.size_t, reply *C.fw_reply) C.int {
	set := cgo.Handle(h).Value().(*providerSet)
	fn := set.fns[int(slot)]
	var request []byte
	if req != nil {
		request = C.GoBytes(unsafe.Pointer(req), C.int(n))
	}
	code, out := dispatch(fn, request)
	if out != nil {
		if len(out) == 0 {
			out = []byte{0} // a non-NULL pointer for an empty reply; its length stays 0
			out = out[:0:1]
		}
		// fw_reply_set copies the text before returning.
		p := (*C.char)(unsafe.Pointer(&out[:1][0]))
		if rc := C.fw_reply_set(reply, p, C.size_t(len(out))); rc != C.FW_OK {
			return rc
		}
	}
	return C.int(code)
}
