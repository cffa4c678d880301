package flexwork

// The Go functions the C stubs of bridge.c call. This file holds only //export functions:
// cgo allows no C definitions in a file that exports.

/*
#include "bridge.h"
*/
import "C"

import (
	"encoding/json"
	"errors"
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

//export fwgoHoldCheck
func fwgoHoldCheck(h C.uintptr_t, partyKind *C.char, partyID, docID C.fw_id, category *C.char,
	why *C.char, whySize C.size_t) (rc C.int) {
	fn := cgo.Handle(h).Value().(HoldCheck)
	defer func() {
		if recover() != nil { // a panic may not unwind through C
			rc = C.int(CodeProvider)
		}
	}()
	held, err := fn(C.GoString(partyKind), int64(partyID), int64(docID), C.GoString(category))
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) && fe.Code < 0 {
			return C.int(fe.Code)
		}
		return C.int(CodeProvider)
	}
	if held == "" {
		return 0
	}
	out := unsafe.Slice((*byte)(unsafe.Pointer(why)), int(whySize))
	n := copy(out[:len(out)-1], held)
	out[n] = 0
	return 1
}

//export fwgoRiskRule
func fwgoRiskRule(h C.uintptr_t, fromMs, toMs C.int64_t, out *C.fw_risk_findings) (rc C.int) {
	fn := cgo.Handle(h).Value().(func(fromMs, toMs int64) ([]RiskFinding, error))
	defer func() {
		if recover() != nil { // a panic may not unwind through C
			rc = C.int(CodeUser)
		}
	}()
	findings, err := fn(int64(fromMs), int64(toMs))
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) && fe.Code < 0 {
			return C.int(fe.Code)
		}
		return C.int(CodeUser)
	}
	for _, f := range findings {
		var detail *C.char
		if f.Detail != nil {
			data, err := json.Marshal(f.Detail)
			if err != nil {
				return C.int(CodeUser)
			}
			detail = C.CString(string(data))
		}
		rc := C.fw_risk_finding_add(out, C.fw_id(f.EnterpriseID), C.fw_id(f.WorkerID), C.int64_t(f.AmountFen), detail)
		C.free(unsafe.Pointer(detail))
		if rc != C.FW_OK {
			return rc
		}
	}
	return C.FW_OK
}
