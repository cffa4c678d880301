package flexwork

import (
	"strings"
	"testing"
)

const hourMs, dayMs int64 = 3600 * 1000, 24 * 3600 * 1000

// a course requested by an enterprise, a session, enrolment, attendance,
// assessment and an expiring certificate.
func TestTrainingFlow(t *testing.T) {
	clock := &testClock{ms: clockStart}
	ctx := openAdmin(t, clock)
	p := newParties(t, ctx)
	ent := p.activeEnterprise(ent1Name, ent1USCC)
	w1 := p.verifiedWorker("张三", id1990)
	w2 := p.verifiedWorker("李四", "110105198512311232")
	var req int64
	must(t, asActor(t, ctx, RoleEnterpriseUser, ent, func() (err error) {
		req, err = ctx.TrainingCourseRequest(ent, `{"title":"高处作业培训","reason":"安装任务","headcount":20}`)
		return err
	}))
	ins, err := ctx.TrainingInstructorAdd(`{"name":"陈静","title":"高级讲师"}`)
	must(t, err)
	_, err = ctx.TrainingInstructorAdd(`{"name":""}`)
	wantError(t, err, ErrInvalid, "$.name", "")
	course, err := ctx.TrainingCourseAdd(map[string]interface{}{"code": "SAFE-1", "title": "高处作业安全", "hours": 16,
		"pass_score": 70, "validity_days": 365, "request_id": req})
	must(t, err)
	reqs, err := ctx.TrainingRequestList(ent)
	must(t, err)
	if r := decode(t, reqs); str(t, r, 0, "state_name") != "fulfilled" || num(t, r, 0, "course_id") != course {
		t.Fatalf("requests %s", reqs)
	}
	out, err := ctx.TrainingCourseGet(course)
	must(t, err)
	if m := object(t, out); str(t, m, "code") != "SAFE-1" || num(t, m, "pass_score") != 70 {
		t.Fatalf("course %s", out)
	}
	session, err := ctx.TrainingSessionAdd(map[string]interface{}{"course_id": course, "instructor_id": ins,
		"starts_ms": clock.ms + dayMs, "ends_ms": clock.ms + dayMs + 8*hourMs, "location": "杭州培训中心", "capacity": 2})
	must(t, err)
	e1, err := ctx.TrainingEnrol(session, w1)
	must(t, err)
	e2, err := ctx.TrainingEnrol(session, w2)
	must(t, err)
	_, err = ctx.TrainingEnrol(session, w1)
	wantError(t, err, ErrExists, "", "")
	err = ctx.TrainingAttend(e1, 1)
	if fe := wantError(t, err, ErrState, "", ""); !strings.Contains(fe.Message, "has not started") {
		t.Fatalf("attend before start: %v", err)
	}
	clock.ms += dayMs + hourMs
	must(t, ctx.TrainingAttend(e1, 1))
	must(t, ctx.TrainingAttend(e2, 1))
	if none, err := ctx.TrainingAssess(e2, 69); err != nil || none != 0 {
		t.Fatalf("failed assessment %d %v", none, err)
	}
	issued := clock.ms
	cert, err := ctx.TrainingAssess(e1, 70)
	must(t, err)
	certs, err := ctx.TrainingCertificates(w1)
	must(t, err)
	if c := decode(t, certs); num(t, c, 0, "id") != cert || num(t, c, 0, "expires_ms") != issued+365*dayMs || field(t, c, 0, "valid") != true {
		t.Fatalf("certificates %s", certs)
	}
	enr, err := ctx.TrainingEnrolments(w2)
	must(t, err)
	if e := decode(t, enr); str(t, e, 0, "state_name") != "failed" || num(t, e, 0, "score") != 69 {
		t.Fatalf("enrolments %s", enr)
	}
	must(t, ctx.TrainingCertificateRevoke(cert, "考核舞弊"))
	wantError(t, ctx.TrainingCertificateRevoke(cert, "again"), ErrState, "", "")
	certs, err = ctx.TrainingCertificates(w1)
	must(t, err)
	if field(t, decode(t, certs), 0, "valid") != false {
		t.Fatalf("certificates %s", certs)
	}
}
