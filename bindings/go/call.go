package flexwork

/*
#include <stdlib.h>
#include <flexwork.h>
*/
import "C"

import (
	"encoding/json"
	"unsafe"
)

// check turns a return code and its fw_error into a Go error, freeing the fw_error.
// Codes >= 0 (and those listed in allow, such as CodeIterOver) are not errors.
func check(rc C.int, e *C.fw_error, allow ...int) error {
	defer C.fw_error_free(e)
	if rc >= 0 {
		return nil
	}
	for _, a := range allow {
		if int(rc) == a {
			return nil
		}
	}
	if e == nil {
		return &Error{Code: int(rc), Message: Strerror(int(rc))}
	}
	code := int(C.fw_error_code(e))
	if code == 0 {
		code = int(rc)
	}
	return &Error{Code: code, Message: C.GoString(C.fw_error_message(e)),
		Path: C.GoString(C.fw_error_path(e))}
}

// cText is a C copy of a Go string; free it with C.free. "" stays "" (not NULL).
func cText(s string) *C.char {
	return C.CString(s)
}

// cOptText is cText, or NULL for "".
func cOptText(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

func free(p *C.char) {
	C.free(unsafe.Pointer(p))
}

// jsonIn is JSON input as a C buffer and its length: []byte, json.RawMessage and string are
// taken as JSON text, anything else is marshalled; nil is NULL (for the functions that accept
// no JSON). Free the buffer with C.free.
func jsonIn(v interface{}) (*C.char, C.size_t, error) {
	var data []byte
	switch t := v.(type) {
	case nil:
		return nil, 0, nil
	case []byte:
		data = t
	case json.RawMessage:
		data = t
	case string:
		data = []byte(t)
	default:
		var err error
		if data, err = json.Marshal(v); err != nil {
			return nil, 0, err
		}
	}
	return (*C.char)(C.CBytes(data)), C.size_t(len(data)), nil
}

// outText is a `char **out_json, size_t *out_len` pair: pass &o.p, &o.n to the call, then
// take() copies the text into Go memory and frees the library's buffer.
type outText struct {
	p *C.char
	n C.size_t
}

func (o *outText) take() []byte {
	if o.p == nil {
		return nil
	}
	b := C.GoBytes(unsafe.Pointer(o.p), C.int(o.n))
	C.fw_free(unsafe.Pointer(o.p))
	o.p = nil
	return b
}

// takeString copies a NUL-terminated `char *` result into Go memory and frees it.
func takeString(p *C.char) string {
	if p == nil {
		return ""
	}
	s := C.GoString(p)
	C.fw_free(unsafe.Pointer(p))
	return s
}
