// Package rawsql reads and changes a store file behind libflexwork's back, so that tests
// can seed rows the public API cannot create yet and tamper with the audit log.
// Only the tests of package flexwork import it.
package rawsql

/*
#cgo pkg-config: sqlite3
#include <stdlib.h>
#include <sqlite3.h>
*/
import "C"

import (
	"errors"
	"unsafe"
)

func open(path string) (*C.sqlite3, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var db *C.sqlite3
	if rc := C.sqlite3_open_v2(cpath, &db, C.SQLITE_OPEN_READWRITE, nil); rc != C.SQLITE_OK {
		err := errors.New(C.GoString(C.sqlite3_errstr(rc)))
		C.sqlite3_close(db)
		return nil, err
	}
	C.sqlite3_busy_timeout(db, 5000)
	return db, nil
}

// Exec runs SQL statements (separated by semicolons) on the store at path.
func Exec(path, sql string) error {
	db, err := open(path)
	if err != nil {
		return err
	}
	defer C.sqlite3_close(db)
	csql := C.CString(sql)
	defer C.free(unsafe.Pointer(csql))
	var msg *C.char
	if rc := C.sqlite3_exec(db, csql, nil, nil, &msg); rc != C.SQLITE_OK {
		defer C.sqlite3_free(unsafe.Pointer(msg))
		return errors.New(C.GoString(msg))
	}
	return nil
}

// Row returns the first row of a query as text, with "NULL" for NULL values; nil when the
// query returns no row.
func Row(path, sql string) ([]string, error) {
	db, err := open(path)
	if err != nil {
		return nil, err
	}
	defer C.sqlite3_close(db)
	csql := C.CString(sql)
	defer C.free(unsafe.Pointer(csql))
	var stmt *C.sqlite3_stmt
	if rc := C.sqlite3_prepare_v2(db, csql, -1, &stmt, nil); rc != C.SQLITE_OK {
		return nil, errors.New(C.GoString(C.sqlite3_errmsg(db)))
	}
	defer C.sqlite3_finalize(stmt)
	switch C.sqlite3_step(stmt) {
	case C.SQLITE_ROW:
		n := int(C.sqlite3_column_count(stmt))
		row := make([]string, n)
		for i := 0; i < n; i++ {
			if C.sqlite3_column_type(stmt, C.int(i)) == C.SQLITE_NULL {
				row[i] = "NULL"
			} else {
				row[i] = C.GoString((*C.char)(unsafe.Pointer(C.sqlite3_column_text(stmt, C.int(i)))))
			}
		}
		return row, nil
	case C.SQLITE_DONE:
		return nil, nil
	default:
		return nil, errors.New(C.GoString(C.sqlite3_errmsg(db)))
	}
}
