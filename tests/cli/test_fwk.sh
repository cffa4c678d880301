#!/bin/sh
# Walks a platform's flow through the fwk tool on a temporary file store and checks exit
# codes and exact output fragments. Usage: test_fwk.sh PATH/TO/fwk
# FWK_WRAPPER runs every fwk under a tool, e.g.
#   FWK_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
set -u
FWK=${1:?usage: test_fwk.sh PATH/TO/fwk}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/fwk-cli.XXXXXX")
trap 'rm -rf "$DIR"; exit 130' INT TERM
STORE="$DIR/store.db"
export FWK_PASSPHRASE="cli-test-passphrase"
failures=0
n=0
: >"$DIR/in"

# input TEXT: what the next run reads on standard input (for --json -).
input() {
    printf '%s\n' "$1" >"$DIR/in"
}

# run RC ARGS...: runs fwk, keeps its stdout in $out and stderr in $errout, checks the exit code.
run() {
    want=$1
    shift
    n=$((n + 1))
    # shellcheck disable=SC2086 # the wrapper is a command line
    ${FWK_WRAPPER:-} "$FWK" "$@" <"$DIR/in" >"$DIR/out" 2>"$DIR/err"
    got=$?
    : >"$DIR/in"
    out=$(cat "$DIR/out")
    errout=$(cat "$DIR/err")
    if [ "$got" -ne "$want" ]; then
        echo "not ok $n - fwk $* exited $got, expected $want"
        sed 's/^/# /' "$DIR/out" "$DIR/err"
        failures=$((failures + 1))
    else
        echo "ok $n - fwk $* (exit $got)"
    fi
}

# expect TEXT / expect_err TEXT: the last run's stdout / stderr holds TEXT exactly.
expect() {
    n=$((n + 1))
    if printf '%s\n' "$out" | grep -qF -- "$1"; then
        echo "ok $n - output has: $1"
    else
        echo "not ok $n - output lacks: $1"
        printf '%s\n' "$out" | sed 's/^/# /'
        failures=$((failures + 1))
    fi
}
expect_err() {
    n=$((n + 1))
    if printf '%s\n' "$errout" | grep -qF -- "$1"; then
        echo "ok $n - error has: $1"
    else
        echo "not ok $n - error lacks: $1"
        printf '%s\n' "$errout" | sed 's/^/# /'
        failures=$((failures + 1))
    fi
}

cat >"$DIR/platform.json" <<'JSON'
{"operating_entity":"杭州灵工平台科技有限公司","uscc":"91350100M000100Y43",
 "licences":[{"kind":"human_resources_service","number":"330100HR2024001",
              "valid_from":"2024-01-01","valid_to":"2099-12-31"}]}
JSON
cat >"$DIR/enterprise.json" <<'JSON'
{"name":"杭州云帆科技有限公司","uscc":"91330100799655058B",
 "legal_rep":{"name":"王建国","id_number":"11010519491231002X"},
 "contact":{"name":"李四","phone":"13812345678"},
 "bank_account":{"bank":"中国工商银行杭州分行","account_no":"1202020209000012345",
                 "account_name":"杭州云帆科技有限公司"},
 "business_scope":"软件开发；信息技术服务","industry":"I65",
 "qualifications":[{"kind":"business_licence",
   "sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}
JSON
cat >"$DIR/cooperation.json" <<'JSON'
{"kind":"cooperation","name":"平台企业合作协议","version":1,
 "body":"甲方：{{platform_name}}\n乙方：{{enterprise_name}}（{{enterprise_uscc}}）\n服务费率：{{fee_rate}}",
 "placeholders":[{"name":"fee_rate","type":"text"}]}
JSON
cat >"$DIR/worker.json" <<'JSON'
{"name":"王五","id_number":"110105199003071239","phone":"13900001111",
 "bank_card":"6222021000000000009","channel":"self"}
JSON

# --- usage errors exit 2 ---------------------------------------------------------------------
run 0 help
expect "usage: fwk COMMAND [ARGS]"
run 2
run 2 frobnicate
expect_err "fwk: unknown command 'frobnicate'"
run 2 party
expect_err "fwk party enterprise apply STORE"
run 2 ledger transfer "$STORE" 1 2
expect_err "fwk: ledger transfer: missing arguments"
run 2 party enterprise get "$STORE" one
expect_err "'one' is not a whole number"
run 2 party enterprise apply "$STORE"
expect_err "fwk: party enterprise apply: needs --json"
run 2 party enterprise get "$STORE" 1 --as emperor
expect_err "--as wants ROLE[:PARTY_ID]"

# --- the store --------------------------------------------------------------------------------
run 0 init "$STORE"
expect "store $STORE ready"

# --- platform, enterprise: apply, verify, review, sign the cooperation agreement, activate -----
run 0 party platform set "$STORE" --json "$DIR/platform.json"
run 0 contract template add "$STORE" --json "$DIR/cooperation.json"
expect '"template_id": 1'
run 0 party enterprise apply "$STORE" --json "$DIR/enterprise.json" --as operator
expect '"enterprise_id": 1'
expect '"state": "applied"'
run 0 party enterprise verify "$STORE" 1 --as operator
expect '"state": "under_review"'
echo '{"decision":"approve"}' >"$DIR/approve.json"
run 0 party enterprise review "$STORE" 1 --json "$DIR/approve.json" --as reviewer
run 1 party enterprise activate "$STORE" 1
expect_err "fwk: party enterprise activate: ENTERPRISE_NOT_SIGNED"
expect_err "(FW_EDENIED)"
echo '{"template_id":1,"enterprise_id":1,"values":{"fee_rate":"6%"}}' >"$DIR/contract.json"
run 0 contract create "$STORE" --json "$DIR/contract.json" --as operator
expect '"contract_id": 1'
expect '"state": "draft"'
run 0 contract send "$STORE" 1 --as operator
input '{"auth_method":"sms_code","ip":"203.0.113.7"}'
run 0 contract sign "$STORE" 1 --as enterprise:1 --json -
expect '"state": "partially_signed"'
run 0 contract sign "$STORE" 1
expect '"state": "signed"'
run 0 contract verify "$STORE" 1
expect '"valid": true'
run 0 party enterprise activate "$STORE" 1
expect '"state": "active"'
run 0 party enterprise get "$STORE" 1
expect '"state_name": "active"'

# --- bad input exits 1 and names the field -----------------------------------------------------
sed 's/91330100799655058B/91330100799655058X/' "$DIR/enterprise.json" >"$DIR/bad.json"
run 1 party enterprise apply "$STORE" --json "$DIR/bad.json"
expect_err "fwk: party enterprise apply: \$.uscc"
expect_err "(FW_EINVAL)"

# --- a worker registers and is verified --------------------------------------------------------
run 0 party worker register "$STORE" --json "$DIR/worker.json" --as system
expect '"worker_id": 1'
run 0 party worker verify "$STORE" 1 --liveness pass --as system
expect '"state": "registered"'
run 0 party worker review "$STORE" 1 --json "$DIR/approve.json" --as reviewer
run 0 party worker get "$STORE" 1 --as operator
expect '"state_name": "verified"'
expect '"id_number": "110***********1239"'

# --- the ledger: the enterprise's accounts were opened at activation ---------------------------
run 0 ledger account get "$STORE" 1
expect '"type": "enterprise_funds"'
echo '{"owner_kind":"platform","owner_id":0,"type":"bank_clearing"}' >"$DIR/bank.json"
run 0 ledger account open "$STORE" --json "$DIR/bank.json" --as finance
expect '"account_id": 3'
run 0 ledger transfer "$STORE" 3 1 5000000 funding.recognised --idem deposit-1 --as finance
expect '"entry_id": 1'
run 0 ledger transfer "$STORE" 3 1 5000000 funding.recognised --idem deposit-1 --as finance
expect '"entry_id": 1'
run 0 ledger balance "$STORE" 1
expect '"posted_fen": 5000000'
run 1 ledger transfer "$STORE" 1 3 5000001 funding.returned --as finance
expect_err "account 1 has 5000000 fen available, 5000001 fen needed (FW_EFUNDS)"
run 0 ledger trial-balance "$STORE"
expect '"balanced": true'
expect '"debits_fen": 5000000'
expect '"credits_fen": 5000000'
input '{"account_id":1}'
run 0 ledger entries "$STORE" --json -
expect '"reason": "funding.recognised"'

# --- fees, funding, tasks ------------------------------------------------------------------------
input '{"enterprise_id":1,"valid_from":"2026-01-01","rate_ppm":60000}'
run 0 fee schedule set "$STORE" --json - --as finance
expect '"schedule_id": 1'
run 0 fee quote "$STORE" 1 1000000
expect '"fee_fen": 60000'
expect '"enterprise_pays_fen": 1060000'
input '{"bank_txn_id":"BANK-0001","amount_fen":300000,"remark":"no reference"}'
run 0 funding notice "$STORE" --json - --as finance
expect '"state": "suspense"'
run 0 funding list "$STORE" --state suspense
expect '"bank_txn_id": "BANK-0001"'
run 1 funding assign "$STORE" 1 1 --idem assign-1 --as finance
expect_err "PLATFORM_NO_CHANNEL_AGREEMENT"
input '{"kind":"bank","counterparty":"招商银行杭州分行","agreement_no":"CMB-0001","valid_from":"2024-01-01","valid_to":"2099-12-31"}'
run 0 party platform channel "$STORE" --json -
expect '"channel_id": 1'
run 0 party platform check "$STORE"
run 0 funding assign "$STORE" 1 1 --idem assign-2 --as finance
expect '"state": "assigned"'
input '{"code":"DESIGN","name":"设计","risk_level":"low","restricted":false,"min_unit_fen":20000,"max_unit_fen":500000,"scope_keywords":["设计","软件"]}'
run 0 task category set "$STORE" --json -
input '{"enterprise_id":1,"title":"官网首页改版设计","description":"三套首页视觉稿，含移动端","category":"DESIGN","remote":true,"unit_price_fen":80000,"slots":3,"take_deadline_ms":4102444800000,"delivery_deadline_ms":4102531200000,"auto_accept_ms":259200000}'
run 0 task create "$STORE" --json - --as enterprise:1
expect '"state_name": "draft"'
run 0 task submit "$STORE" 1 --as enterprise:1
expect '"state": "submitted"'
run 0 task review "$STORE" 1 --json "$DIR/approve.json" --as reviewer
run 0 task publish "$STORE" 1 --as operator
expect '"state": "published"'
run 1 task publish "$STORE" 1 --as worker:1
expect_err "(FW_EPERM)"

# The worker signs a service agreement with the enterprise, is activated and does the task.
input '{"kind":"service","name":"灵活用工服务协议","version":1,"body":"甲方：{{enterprise_name}}\n乙方：{{worker_name}}（{{worker_id_number}}）","placeholders":[]}'
run 0 contract template add "$STORE" --json -
expect '"template_id": 2'
input '{"template_id":2,"enterprise_id":1,"worker_id":1}'
run 0 contract create "$STORE" --json - --as operator
expect '"contract_id": 2'
run 0 contract send "$STORE" 2 --as operator
run 0 contract sign "$STORE" 2 --as enterprise:1
expect '"state": "partially_signed"'
run 0 contract sign "$STORE" 2 --as worker:1
expect '"state": "signed"'
run 0 party worker activate "$STORE" 1
expect '"state": "active"'
# The worker authorises the platform as tax agent (R-5.3): declarations need it.
input '{"kind":"tax_authorisation","name":"个人所得税代扣代缴授权书","version":1,"body":"本人 {{worker_name}} 授权 {{platform_name}} 代为办理税务登记与代扣代缴。","placeholders":[]}'
run 0 contract template add "$STORE" --json -
expect '"template_id": 3'
input '{"template_id":3,"worker_id":1}'
run 0 contract create "$STORE" --json - --as operator
expect '"contract_id": 3'
run 0 contract send "$STORE" 3 --as operator
run 0 contract sign "$STORE" 3 --as worker:1
expect '"state": "signed"'
run 0 task take "$STORE" 1 1 --as worker:1
expect '"assignment_id": 1'
sleep 1 # completed_ms must not precede the take, which was within the last second
input "{\"description\":\"三套视觉稿已交付\",\"completed_ms\":$(($(date +%s) * 1000))}"
run 0 task deliver "$STORE" 1 --json - --as worker:1
expect '"state": "delivered"'
run 1 task accept "$STORE" 1 --as enterprise:2
expect_err "(FW_EPERM)"
run 0 task accept "$STORE" 1 --idem accept-1 --as enterprise:1
expect '"payable_id": 1'
run 0 task accept "$STORE" 1 --idem accept-1 --as enterprise:1
expect '"payable_id": 1'
run 0 task assignment "$STORE" 1
expect '"state_name": "accepted"'

# --- risk: the gate answers allow / deny with its reasons ----------------------------------------
input '{"action":"payout","enterprise_id":1,"worker_id":1,"amount_fen":500000,"bank_card":"6222020000000002"}'
run 0 risk check "$STORE" --json -
expect '"outcome": "allow"'
input '{"list":"black","kind":"bank_card","value":"6222020000000002","reason":"涉诈账户","source":"银行通报"}'
run 0 risk list add "$STORE" --json -
expect '"entry_id": 1'
input '{"action":"payout","enterprise_id":1,"worker_id":1,"amount_fen":500000,"bank_card":"6222020000000002"}'
run 0 risk check "$STORE" --json -
expect '"outcome": "deny"'
expect '"code": "LIST_BANK_CARD_BLACK"'
input '{"action":"payout","enterprise_id":1,"worker_id":1,"amount_fen":-1}'
run 1 risk check "$STORE" --json -
expect_err 'fwk: risk check: $.amount_fen: must be an integer'
input '{"from":"2026-03-01","to":"2026-04-01"}'
run 0 risk inspect "$STORE" --json -
expect '"run_id": 1'
run 0 risk cases "$STORE"

# --- training: a session that starts in a few seconds; enrol before, attend and assess after -----
lead=3
[ -n "${FWK_WRAPPER:-}" ] && lead=30 # slow tools need longer before the start
input '{"code":"UI-101","title":"界面设计规范","hours":8,"pass_score":60,"validity_days":365}'
run 0 training course add "$STORE" --json -
expect '"course_id": 1'
input '{"name":"陈静","title":"高级讲师","specialties":["界面设计"]}'
run 0 training instructor add "$STORE" --json -
start=$(($(date +%s) + lead))
input "{\"course_id\":1,\"instructor_id\":1,\"starts_ms\":$((start * 1000)),\"ends_ms\":$(((start + 3600) * 1000)),\"location\":\"online\",\"capacity\":30}"
run 0 training session add "$STORE" --json -
expect '"session_id": 1'
run 0 training enrol "$STORE" 1 1
expect '"enrolment_id": 1'
while [ "$(date +%s)" -le "$start" ]; do sleep 1; done
run 0 training attend "$STORE" 1 yes
expect '"state": "attended"'
run 2 training assess "$STORE" 1 101
expect_err "SCORE is 0..100, got 101"
run 0 training assess "$STORE" 1 85
expect '"passed": true'
expect '"certificate_id": 1'

# --- archive, service ----------------------------------------------------------------------------
echo "service contract text" >"$DIR/doc.txt"
input '{"party_kind":"worker","party_id":1,"category":"contract","title":"service contract","source":"fwk","retention":"labour_contract"}'
run 0 archive file "$STORE" "$DIR/doc.txt" --json -
expect '"document_id": 1'
run 2 archive read "$STORE" 1
expect_err "fwk: archive read: needs --purpose"
run 0 archive read "$STORE" 1 --purpose "labour inspection"
expect "service contract text"
input '{"kind":"complaint","party_kind":"worker","party_id":1,"channel":"app","category":"payout","title":"payment late","description":"the payment arrived three days late"}'
run 0 service complaint open "$STORE" --json - --as worker:1
expect '"state": "received"'
run 0 service complaint ack "$STORE" 1 --as operator
expect '"state": "acknowledged"'
# The short spellings: fwk complaint VERB is fwk service complaint VERB; fwk report is the month's report.
run 0 complaint get "$STORE" 1 --as operator
expect '"state": "acknowledged"'
run 1 complaint get "$STORE" 99 --as operator
expect_err '(FW_ENOTFOUND)'
run 0 report "$STORE" "$(TZ=CST-8 date +%Y-%m)"   # the complaint was opened now, in CST
expect '"complaints": 1'

# --- tax: exact quotes (docs/api/tax.md §3, tests/vectors/tax_cases.json) -----------------------
# 20,000.00 per payment: expense 20% = 4,000.00, taxable 16,000.00 x 20% = 3,200.00.
run 0 tax quote "$STORE" 2000000 --at 2026-03-15
expect '"iit_fen": 320000'
input '{"kind":"labour_payment","gross_fen":100000}'
run 0 tax quote "$STORE" --json - --at 2026-03-15
expect '"result_fen": 4000'
input '{"kind":"labour_payment","gross_fen":-5}'
run 1 tax quote "$STORE" --json -
expect_err 'fwk: tax quote: $.gross_fen: must be an integer'
expect_err '(FW_EINVAL)'
run 2 tax quote "$STORE"
run 2 tax quote "$STORE" 2000000 --at 2026-02-29
expect_err "--at wants YYYY-MM-DD (CST)"

# Withholding under the cumulative method (STA 2025 No. 16), first month: 20,000.00 less 20%
# (4,000.00) less 5,000.00 leaves 11,000.00 at 3% = 330.00; VAT below the monthly threshold is 0.
run 0 tax withhold "$STORE" 1 PAY-0001 2000000 --at 2026-03-15 --as tax_agent
expect '"withheld_fen": 33000'
run 0 tax withhold "$STORE" 1 PAY-0001 2000000 --at 2026-03-15 --as tax_agent
expect '"withheld_fen": 33000'
run 1 tax withhold "$STORE" 1 PAY-0001 2100000 --at 2026-03-15 --as tax_agent
expect_err "(FW_ECONFLICT)"
run 0 tax cumulative "$STORE" 1 2026
expect '"deduction_fen": 500000'
run 0 tax declaration build "$STORE" 2026-03 --as tax_agent
expect '"declaration_id": 1'
run 0 tax declaration submit "$STORE" 1 --as tax_agent
input '{"status":"accepted","receipt_no":"R-2026-03-0001"}'
run 0 tax declaration resolve "$STORE" 1 --json - --as tax_agent
run 0 tax declaration csv "$STORE" 1
expect "2026-03,1,1,1,20000.00,20000.00,4000.00,5000.00,330.00,330.00"
run 0 tax pay "$STORE" 1 --idem tax-2026-03 --as tax_agent
expect '"payment_id": 1'
input '{"status":"paid","bank_ref":"BANK-TAX-1"}'
run 0 tax payment resolve "$STORE" 1 --json - --as tax_agent
run 0 tax certificate issue "$STORE" 1 2026-03 --as tax_agent
expect '"certificate_id": 1'
run 0 tax certificate verify "$STORE" 1
expect '"signature": "verifies"'

# --- payout: the accepted task is paid; the statement and the vouchers show it ------------------
month=$(TZ=Asia/Shanghai date +%Y-%m)
input '{"idempotency_key":"pay-1","payable_id":1}'
run 0 payout order "$STORE" --json - --as finance
expect '"state": "held"'
expect '"amount_fen": 80000'
run 0 payout submit "$STORE" 1 --as finance
expect '"state": "submitted"'
run 2 payout result "$STORE" 1 maybe --as finance
expect_err "RESULT is success, failed or returned"
run 0 payout result "$STORE" 1 success --ref BANK-REF-1 --as finance
expect '"state": "paid"'
run 0 statement worker "$STORE" 1 "$month" --as worker:1
expect '"gross_fen": 80000'
run 0 statement enterprise "$STORE" 1 "$month" --as enterprise:1
expect '"orders": 1'
run 0 statement vouchers "$STORE" 1 "$month" --format csv
expect "voucher_no,date,summary,account_code,account_name,debit,credit"
run 0 ledger trial-balance "$STORE"
expect '"balanced": true'
expect '"consistent": true'

# --- invoice: at most what was served; issued by hand without a provider; reversed in red -------
run 0 invoice list "$STORE" 1
expect '"available_fen": 84800'
input '{"idempotency_key":"inv-1","enterprise_id":1,"kind":"vat_normal","amount_fen":84801}'
run 1 invoice request "$STORE" --json - --as enterprise:1
expect_err "(FW_ELIMIT)"
input '{"idempotency_key":"inv-2","enterprise_id":1,"kind":"vat_normal","amount_fen":84800}'
run 0 invoice request "$STORE" --json - --as enterprise:1
expect '"tax_fen": 4800'
run 1 invoice issue "$STORE" 1 --as finance
expect_err "(FW_EPENDING)"
input "{\"kind\":\"vat_normal\",\"invoice_no\":\"25330000000000000001\",\"amount_fen\":84800,\"tax_fen\":4800,\"date\":\"$(TZ=Asia/Shanghai date +%Y-%m-%d)\"}"
run 0 invoice record "$STORE" 1 --json - --as finance
expect '"invoice_no": "25330000000000000001"'
input '{"reason":"wrong title","red_invoice_no":"25330000000000000002"}'
run 0 invoice reverse "$STORE" 1 --json - --as finance
expect '"state": "reversed"'

# --- recon: today's bank statement against the ledger -------------------------------------------
today=$(TZ=Asia/Shanghai date +%Y%m%d)
{
    echo "交易日期,交易时间,交易流水号,客户业务编号,借方发生额,贷方发生额,余额,对方户名,对方账号,摘要"
    echo "$today,09:00:00,BANK-9001,,,50000.00,50000.00,杭州云帆科技有限公司,1202020209000012345,备付金"
    echo "$today,18:00:00,BANK-9002,,12.34,,49987.66,招商银行,,手续费"
} >"$DIR/statement.csv"
input '{"format":"csv","profile":"generic_bank","encoding":"utf-8"}'
run 0 recon import "$STORE" "$DIR/statement.csv" --json - --as finance
expect '"lines": 2'
input '{"format":"csv","profile":"generic_bank","encoding":"utf-8"}'
run 1 recon import "$STORE" "$DIR/statement.csv" --json - --as finance
expect_err "(FW_EEXISTS)"
run 0 recon run "$STORE" 1 --as finance
expect '"sum_fen": 5000000'
expect '"sum_fen": -1234'
expect '"cases_opened": 4'
expect '"unexplained_fen": 0'
run 0 recon cases "$STORE" --as finance
expect '"summary": "statement line 2: -12.34 yuan is not in the ledger (长款)"'
# The bank's fee is booked by an adjustment that a second person approves (four eyes).
input '{"idempotency_key":"adj-1","reason":"recon.adjust.bank_fee","postings":[{"account_id":6,"debit_fen":1234},{"account_id":3,"credit_fen":1234}]}'
run 0 recon adjust propose "$STORE" 1 --json - --as finance --by alice
expect '"adjustment_id": 1'
run 1 recon adjust approve "$STORE" 1 --as finance --by alice
expect_err "(FW_EDENIED)"
run 0 recon adjust approve "$STORE" 1 --note "bank fee confirmed" --as finance --by bob
expect '"state": "posted"'
run 0 recon case get "$STORE" 1 --as finance
expect '"state": "resolved_adjustment"'
input '{"action":"resolve_timing","note":"settles with the next statement"}'
run 0 recon case act "$STORE" 3 --json - --as finance
expect '"state": "resolved_timing"'
run 0 recon files "$STORE" 1 "$month" --as enterprise:1
expect '"days": ['
run 0 recon file "$STORE" 1 "$month" --as enterprise:1
expect "section,date,entry_id,reason,ref_kind,ref_id,account_id,account_type,amount,opening,closing"

# --- a sealed accounting period ----------------------------------------------------------------
run 0 ledger period close "$STORE" 2000-01
expect '"state": "closed"'
run 0 ledger period verify "$STORE" 2000-01
expect '"sealed": "verifies"'
run 1 ledger period close "$STORE" 2000-01
expect_err "(FW_ESTATE)"

# --- the audit log ------------------------------------------------------------------------------
run 0 audit verify "$STORE"
expect "audit chain verifies"
run 0 audit checkpoint "$STORE"
expect '"signature": "'
run 0 audit key "$STORE"
key=$out
run 0 archive export "$STORE" worker 1 "$DIR/bundle.tar" --purpose handover --format tar
run 0 archive verify-bundle "$DIR/bundle.tar" --key "$key"
expect "bundle verifies against the given key"
run 0 audit export "$STORE" --out "$DIR/audit.json"
expect "exported"
run 0 audit verify-export "$DIR/audit.json" --key "$key"
expect "exported audit log verifies against the given key"
sed 's/funding.recognised/funding.recognized/' "$DIR/audit.json" >"$DIR/audit-edited.json"
run 1 audit verify-export "$DIR/audit-edited.json" --key "$key"
expect_err "(FW_ECORRUPT)"
run 2 audit verify-export "$DIR/audit.json" --key not-hex
expect_err "--key wants 64 hex digits"

echo "1..$n"
status=0
if [ "$failures" -ne 0 ]; then
    echo "# $failures of $n checks failed"
    status=1
fi
rm -rf "$DIR"
# Under `meson test --setup valgrind` the wrapper watches this shell, not fwk (FWK_WRAPPER does
# that): leaving through exec keeps the shell's own allocations out of the report.
exec sh -c "exit $status"
