package flexwork

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
)

type auditVector struct {
	MasterKey  string          `json:"master_key"`
	PublicKey  string          `json:"public_key"`
	Records    int             `json:"records"`
	Checkpoint Checkpoint      `json:"checkpoint"`
	Export     json.RawMessage `json:"export"`
}

func loadAuditVector(t *testing.T) auditVector {
	var v auditVector
	readVector(t, "audit_export.json", &v)
	return v
}

// tamper decodes the export, lets edit change it, and encodes it again.
func tamper(t *testing.T, export []byte, edit func(m map[string]interface{})) []byte {
	t.Helper()
	var m map[string]interface{}
	d := json.NewDecoder(bytes.NewReader(export))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func record(m map[string]interface{}, i int) map[string]interface{} {
	return m["records"].([]interface{})[i].(map[string]interface{})
}

func TestGoldenExportVerifiesOffline(t *testing.T) { // .j
	v := loadAuditVector(t)
	key, _ := hex.DecodeString(v.PublicKey)
	if bad, err := AuditVerifyExport(v.Export, key); bad != 0 || err != nil {
		t.Fatalf("with key: %d %v", bad, err)
	}
	if bad, err := AuditVerifyExport(v.Export, nil); bad != 0 || err != nil {
		t.Fatalf("without key: %d %v", bad, err)
	}
	// Re-encoding keeps it valid: the hashes cover values, not the text's layout.
	same := tamper(t, v.Export, func(map[string]interface{}) {})
	if _, err := AuditVerifyExport(same, key); err != nil {
		t.Fatal(err)
	}
	if v.Records != 3 || v.Checkpoint.Seq != 3 || v.Checkpoint.PublicKey != v.PublicKey {
		t.Fatalf("vector %+v", v.Checkpoint)
	}
}

func TestTamperedExportIsCorrupt(t *testing.T) {
	v := loadAuditVector(t)
	changed := tamper(t, v.Export, func(m map[string]interface{}) {
		record(m, 1)["detail"] = `{"state":"rejected"}`
	})
	bad, err := AuditVerifyExport(changed, nil)
	wantError(t, err, ErrCorrupt, "", "exported audit record 2 does not verify")
	if bad != 2 {
		t.Fatalf("first bad %d", bad)
	}
	changed = tamper(t, v.Export, func(m map[string]interface{}) {
		record(m, 0)["actor_role"] = RoleOperator
	})
	if bad, err := AuditVerifyExport(changed, nil); bad != 1 || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("role changed: %d %v", bad, err)
	}
	changed = tamper(t, v.Export, func(m map[string]interface{}) {
		m["records"] = m["records"].([]interface{})[:2]
	})
	bad, err = AuditVerifyExport(changed, nil)
	wantError(t, err, ErrCorrupt, "", "the exported records do not end at the signed checkpoint (record 3)")
	if bad != 3 { // the checkpointed record is the one missing
		t.Fatalf("first bad %d", bad)
	}
}

func TestExportSignatureAndKey(t *testing.T) {
	v := loadAuditVector(t)
	_, err := AuditVerifyExport(v.Export, make([]byte, 32))
	wantError(t, err, ErrAuth, "$.checkpoint.public_key",
		"$.checkpoint.public_key: the export is signed by another key than the one expected")
	changed := tamper(t, v.Export, func(m map[string]interface{}) {
		m["checkpoint"].(map[string]interface{})["signature"] = hex.EncodeToString(make([]byte, 64))
	})
	_, err = AuditVerifyExport(changed, nil)
	wantError(t, err, ErrAuth, "$.checkpoint.signature",
		"$.checkpoint.signature: the checkpoint's signature does not verify")
	_, err = AuditVerifyExport(v.Export, []byte("short"))
	wantError(t, err, ErrInvalid, "expected_public_key", "expected_public_key: must be 32 bytes, got 5")
}

func TestMalformedExport(t *testing.T) {
	_, err := AuditVerifyExport([]byte("{bad"), nil)
	wantError(t, err, ErrJSON, "$", "$: malformed JSON at byte 2")
	v := loadAuditVector(t)
	changed := tamper(t, v.Export, func(m map[string]interface{}) { delete(m, "prev_hash") })
	_, err = AuditVerifyExport(changed, nil)
	wantError(t, err, ErrInvalid, "$.prev_hash", "$.prev_hash: is required")
}

func TestPublicKeyDerivesFromMasterKey(t *testing.T) {
	v := loadAuditVector(t)
	if v.MasterKey != hex.EncodeToString(testKey) {
		t.Fatalf("vector key %s", v.MasterKey)
	}
	ctx := openAdmin(t, nil)
	key, err := ctx.AuditPublicKey()
	if err != nil || hex.EncodeToString(key) != v.PublicKey {
		t.Fatalf("public key %x %v", key, err)
	}
	other, err := Open(":memory:", Options{MasterKey: bytes.Repeat([]byte{2}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if k, _ := other.AuditPublicKey(); hex.EncodeToString(k) == v.PublicKey {
		t.Fatal("another master key gives the same platform key")
	}
}

func TestEmptyAuditLog(t *testing.T) {
	ctx := openAdmin(t, nil)
	if bad, err := ctx.AuditVerify(); bad != 0 || err != nil {
		t.Fatalf("verify: %d %v", bad, err)
	}
	_, err := ctx.AuditCheckpoint()
	wantError(t, err, ErrState, "", "the audit log is empty: nothing to sign")
	_, err = ctx.AuditExport(1, 0)
	wantError(t, err, ErrState, "to_seq", "to_seq: no checkpoint covers record 0; call fw_audit_checkpoint() first")
	_, err = ctx.AuditExport(5, 2)
	wantError(t, err, ErrInvalid, "to_seq", "to_seq: must be 0 or at least from_seq (5)")
}

func TestAuditPermissions(t *testing.T) {
	ctx := openAdmin(t, nil)
	if err := ctx.SetActor(RoleEnterpriseUser, 3, ""); err != nil {
		t.Fatal(err)
	}
	_, e1 := ctx.AuditVerify()
	_, e2 := ctx.AuditCheckpoint()
	_, e3 := ctx.AuditExport(1, 0)
	for i, err := range []error{e1, e2, e3} {
		if !errors.Is(err, ErrPerm) {
			t.Errorf("call %d: %v", i, err)
		}
	}
}
