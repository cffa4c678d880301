package flexwork

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
)

func echo(name string) ProviderFunc {
	return func(req []byte) ([]byte, error) {
		return []byte(fmt.Sprintf(`{"callback":%q,"echo":%s}`, name, req)), nil
	}
}

func TestRegisterAndRemoveProviders(t *testing.T) {
	ctx := openAdmin(t, nil)
	steps := []struct {
		kind   string
		set    func() error
		clear  func() error
		expect []bool
	}{
		{"identity", func() error {
			return ctx.SetIdentityProvider(&IdentityProvider{VerifyPerson: echo("verify_person")})
		}, func() error { return ctx.SetIdentityProvider(nil) }, []bool{true, false, false, false}},
		{"payment", func() error {
			return ctx.SetPaymentProvider(&PaymentProvider{Submit: echo("submit"), Query: echo("query")})
		}, func() error { return ctx.SetPaymentProvider(&PaymentProvider{}) }, []bool{true, true, false, false}},
		{"invoice", func() error {
			return ctx.SetInvoiceProvider(&InvoiceProvider{Cancel: echo("cancel")})
		}, func() error { return ctx.SetInvoiceProvider(nil) }, []bool{false, true, false, false}},
		{"tax", func() error {
			return ctx.SetTaxProvider(&TaxProvider{RegisterTaxpayer: echo("r"), Declare: echo("d"),
				Pay: echo("p"), Certificate: echo("c")})
		}, func() error { return ctx.SetTaxProvider(nil) }, []bool{true, true, true, true}},
	}
	for _, s := range steps {
		if err := s.set(); err != nil {
			t.Fatalf("%s: %v", s.kind, err)
		}
		got := ctx.registered(s.kind)
		if fmt.Sprint(got) != fmt.Sprint(s.expect) {
			t.Fatalf("%s registered %v, want %v", s.kind, got, s.expect)
		}
		if err := s.set(); err != nil { // replacing releases the old handle
			t.Fatal(err)
		}
	}
	if len(ctx.providers) != 4 {
		t.Fatalf("%d handles held", len(ctx.providers))
	}
	for _, s := range steps {
		if err := s.clear(); err != nil {
			t.Fatal(err)
		}
		if ctx.registered(s.kind) != nil {
			t.Fatalf("%s still registered", s.kind)
		}
		if err := s.clear(); err != nil { // removing twice is fine
			t.Fatal(err)
		}
	}
	if len(ctx.providers) != 0 {
		t.Fatalf("%d handles held after removal", len(ctx.providers))
	}
	if err := ctx.SetPaymentProvider(&PaymentProvider{Submit: echo("submit")}); err != nil {
		t.Fatal(err)
	}
	ctx.Close()
	if len(ctx.providers) != 0 {
		t.Fatal("Close kept provider handles")
	}
}

func TestUnknownProviderVersion(t *testing.T) {
	ctx := openAdmin(t, nil)
	for _, version := range []uint32{2, 99} {
		for kind, err := range map[string]error{
			"identity": ctx.SetIdentityProvider(&IdentityProvider{Version: version, VerifyPerson: echo("v")}),
			"payment":  ctx.SetPaymentProvider(&PaymentProvider{Version: version, Submit: echo("s")}),
			"invoice":  ctx.SetInvoiceProvider(&InvoiceProvider{Version: version, Issue: echo("i")}),
			"tax":      ctx.SetTaxProvider(&TaxProvider{Version: version, Pay: echo("p")}),
		} {
			wantError(t, err, ErrVersion, "provider.version", fmt.Sprintf(
				"provider.version: the %s provider struct version must be 1..1, got %d", kind, version))
			if ctx.registered(kind) != nil {
				t.Fatalf("%s registered after a refusal", kind)
			}
		}
	}
	if len(ctx.providers) != 0 {
		t.Fatalf("refused registrations hold %d handles", len(ctx.providers))
	}
}

func TestCallbackAnswers(t *testing.T) {
	cases := []struct {
		name  string
		fn    ProviderFunc
		code  int
		reply string
	}{
		{"reply", echo("x"), CodeOK, `{"callback":"x","echo":{"n":1}}`},
		{"pending with reference", func([]byte) ([]byte, error) {
			return []byte(`{"channel_ref":"B-1"}`), ErrPending
		}, CodePending, `{"channel_ref":"B-1"}`},
		{"pending wrapped", func([]byte) ([]byte, error) {
			return nil, fmt.Errorf("bank queue: %w", ErrPending)
		}, CodePending, ""},
		{"denied", func([]byte) ([]byte, error) {
			return nil, &Error{Code: CodeDenied, Message: "blacklisted"}
		}, CodeDenied, ""},
		{"timeout", func([]byte) ([]byte, error) { return nil, ErrTimeout }, CodeTimeout, ""},
		{"deadline", func([]byte) ([]byte, error) { return nil, context.DeadlineExceeded }, CodeTimeout, ""},
		{"os deadline", func([]byte) ([]byte, error) {
			return nil, fmt.Errorf("read: %w", os.ErrDeadlineExceeded)
		}, CodeTimeout, ""},
		{"other error", func([]byte) ([]byte, error) { return nil, errors.New("down") }, CodeProvider, ""},
		{"panic", func([]byte) ([]byte, error) { panic("bug") }, CodeProvider, ""},
		{"absent", nil, CodeProvider, ""},
	}
	for _, c := range cases {
		code, reply := dispatch(c.fn, []byte(`{"n":1}`))
		if code != c.code || string(reply) != c.reply {
			t.Errorf("%s: code %d reply %q, want %d %q", c.name, code, reply, c.code, c.reply)
		}
	}
}
