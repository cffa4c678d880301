package flexwork

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestVersionAgreesWithHeader(t *testing.T) {
	d := cDefines(t, "version.h", "FW_VERSION_")
	text, err := os.ReadFile(filepath.Join(repoRoot(t), "include", "flexwork", "version.h"))
	if err != nil {
		t.Fatal(err)
	}
	str := regexp.MustCompile(`#define FW_VERSION_STRING "([^"]+)"`).FindStringSubmatch(string(text))[1]
	M, m, p := Version()
	if M != d["FW_VERSION_MAJOR"] || m != d["FW_VERSION_MINOR"] || p != d["FW_VERSION_PATCH"] {
		t.Fatalf("runtime %d.%d.%d, header %v", M, m, p, d)
	}
	if VersionString() != str || str != fmt.Sprintf("%d.%d.%d", M, m, p) {
		t.Fatalf("version string %q, header %q", VersionString(), str)
	}
	if VersionNumber() != M*10000+m*100+p {
		t.Fatalf("version number %d", VersionNumber())
	}
	if HeaderVersionMajor != M || HeaderVersionMinor != m || HeaderVersionPatch != p ||
		HeaderVersionString != str {
		t.Fatalf("compiled against %d.%d.%d %q", HeaderVersionMajor, HeaderVersionMinor,
			HeaderVersionPatch, HeaderVersionString)
	}
}

func TestStrerror(t *testing.T) {
	for code, want := range map[int]string{
		CodeOK:       "FW_OK: success",
		CodeInvalid:  "FW_EINVAL: invalid argument",
		CodeAuth:     "FW_EAUTH: key, MAC or signature does not verify",
		CodeIterOver: "FW_ITEROVER: no more items",
		-999:         "unknown error code",
	} {
		if got := Strerror(code); got != want {
			t.Errorf("Strerror(%d) = %q, want %q", code, got, want)
		}
	}
}

func TestConstantsAgreeWithHeaders(t *testing.T) {
	codes := cDefines(t, "errors.h", "FW_")
	want := map[string]int{
		"FW_OK": CodeOK, "FW_ERROR": CodeError, "FW_ENOMEM": CodeNoMem, "FW_EINVAL": CodeInvalid,
		"FW_ENOTFOUND": CodeNotFound, "FW_EEXISTS": CodeExists, "FW_ECONFLICT": CodeConflict,
		"FW_EPERM": CodePerm, "FW_ESTATE": CodeState, "FW_EBUSY": CodeBusy, "FW_EIO": CodeIO,
		"FW_ECORRUPT": CodeCorrupt, "FW_EJSON": CodeJSON, "FW_EAUTH": CodeAuth,
		"FW_EVERSION": CodeVersion, "FW_EOVERFLOW": CodeOverflow, "FW_EFUNDS": CodeFunds,
		"FW_ELIMIT": CodeLimit, "FW_EDENIED": CodeDenied, "FW_EPENDING": CodePending,
		"FW_ESHREDDED": CodeShredded, "FW_EPROVIDER": CodeProvider, "FW_ETIMEOUT": CodeTimeout,
		"FW_EUSER": CodeUser, "FW_ECLOSED": CodeClosed, "FW_ITEROVER": CodeIterOver,
	}
	if len(codes) != 26 || len(want) != 26 {
		t.Fatalf("errors.h has %d codes, the binding %d", len(codes), len(want))
	}
	for name, v := range codes {
		if want[name] != v {
			t.Errorf("%s: header %d, binding %d", name, v, want[name])
		}
	}
	roles := cDefines(t, "ctx.h", "FW_ROLE_")
	bound := []uint32{RoleNone, RoleAdmin, RoleOperator, RoleReviewer, RoleFinance, RoleTaxAgent,
		RoleAuditor, RoleEnterpriseUser, RoleWorker, RoleSystem, RoleCoordinator, RoleSupport}
	if len(roles) != len(bound) {
		t.Fatalf("ctx.h has %d roles, the binding %d", len(roles), len(bound))
	}
	for i, r := range bound {
		if r != uint32(i) {
			t.Errorf("role %d bound as %d", i, r)
		}
	}
	if roles["FW_ROLE_SUPPORT"] != 11 || roles["FW_ROLE_WORKER"] != int(RoleWorker) {
		t.Errorf("roles %v", roles)
	}
}

func TestSentinelsOnePerCode(t *testing.T) {
	sentinels := []*Error{ErrInternal, ErrNoMem, ErrInvalid, ErrNotFound, ErrExists, ErrConflict,
		ErrPerm, ErrState, ErrBusy, ErrIO, ErrCorrupt, ErrJSON, ErrAuth, ErrVersion, ErrOverflow,
		ErrFunds, ErrLimit, ErrDenied, ErrPending, ErrShredded, ErrProvider, ErrTimeout, ErrUser,
		ErrClosed}
	for i, s := range sentinels {
		if s.Code != -(i + 1) {
			t.Fatalf("sentinel %d has code %d", i, s.Code)
		}
		if s.Error() != Strerror(s.Code) {
			t.Errorf("sentinel %d says %q", i, s.Error())
		}
		err := fmt.Errorf("wrapped: %w", &Error{Code: s.Code, Message: "$.x: bad", Path: "$.x"})
		for j, other := range sentinels {
			if errors.Is(err, other) != (i == j) {
				t.Errorf("errors.Is(code %d, sentinel %d) = %v", s.Code, other.Code, !(i == j))
			}
		}
		if err.Error() != "wrapped: $.x: bad" {
			t.Errorf("message %q", err.Error())
		}
	}
}
