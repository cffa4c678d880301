package flexwork

import (
	"testing"
)

const testSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func taskRecord(clock *testClock, ent int64, slots int) map[string]interface{} {
	return map[string]interface{}{"enterprise_id": ent, "title": "首页改版", "description": "设计首页三稿",
		"category": "DESIGN", "remote": true, "unit_price_fen": 50000, "slots": slots,
		"take_deadline_ms": clock.ms + 10*dayMs, "delivery_deadline_ms": clock.ms + 20*dayMs, "auto_accept_ms": 2 * dayMs}
}

func taskProof(clock *testClock) map[string]interface{} {
	return map[string]interface{}{"description": "三稿已交付", "completed_ms": clock.ms,
		"evidence": []map[string]string{{"name": "v1.png", "sha256": testSHA}}}
}

// R-6.c, R-3.3.e, R-7.1: a task from creation to acceptance, its payable, timers, evaluation.
func TestTaskFlow(t *testing.T) {
	clock := &testClock{ms: clockStart}
	ctx := openAdmin(t, clock)
	p := newParties(t, ctx)
	must(t, ctx.TaskCategorySet(`{"code":"DESIGN","name":"界面设计","risk_level":"low","restricted":false,`+
		`"min_unit_fen":10000,"max_unit_fen":200000,"scope_keywords":["软件","设计"]}`))
	ent := p.activeEnterprise(ent1Name, ent1USCC)
	other := p.activeEnterprise(ent2Name, ent2USCC)
	w1 := p.activeWorker(ent, "张三", id1990)
	w2 := p.activeWorker(ent, "李四", "110105198512311232")

	task, err := ctx.TaskCreate(taskRecord(clock, ent, 2))
	must(t, err)
	id := task.ID()
	if task.State() != TaskDraft || task.EnterpriseID() != ent || task.UnitPriceFen() != 50000 || task.SlotsLeft() != 2 {
		t.Fatalf("task %d %d %d %d", task.State(), task.EnterpriseID(), task.UnitPriceFen(), task.SlotsLeft())
	}
	rec, err := task.ToJSON()
	must(t, err)
	if str(t, object(t, rec), "state_name") != "draft" {
		t.Fatalf("task %s", rec)
	}
	must(t, task.Close())
	must(t, task.Close())
	if task.ID() != 0 {
		t.Fatal("a closed task answers")
	}
	_, err = ctx.TaskCreate(map[string]interface{}{"enterprise_id": ent, "title": "t", "description": "d", "category": "NOPE",
		"remote": true, "unit_price_fen": 50000, "slots": 1, "take_deadline_ms": clock.ms + dayMs, "delivery_deadline_ms": clock.ms + dayMs})
	wantError(t, err, ErrInvalid, "$.category", "")
	flags, err := ctx.TaskSubmit(id)
	must(t, err)
	if flags != 0 {
		t.Fatalf("flags %d", flags)
	}
	must(t, ctx.TaskReview(id, `{"decision":"approve"}`))
	must(t, ctx.TaskPublish(id))
	a1, err := ctx.TaskTake(id, w1)
	must(t, err)
	a2, err := ctx.TaskTake(id, w2)
	must(t, err)
	_, err = ctx.TaskTake(id, w2)
	wantError(t, err, ErrDenied, "", "ALREADY_TAKEN: worker 2 holds 1 assignment(s) of task 1, the most one worker may take")
	must(t, ctx.TaskDeliver(a1, taskProof(clock)))
	must(t, ctx.TaskDeliver(a2, taskProof(clock)))
	must(t, ctx.TaskRequestRevision(a2, "颜色不对"))
	must(t, ctx.TaskDeliver(a2, taskProof(clock)))
	p1, err := ctx.TaskAccept(a1, "accept-a1")
	must(t, err)
	if again, err := ctx.TaskAccept(a1, "accept-a1"); err != nil || again != p1 {
		t.Fatalf("replay %d %v", again, err)
	}
	_, err = ctx.TaskAccept(a2, "accept-a1")
	wantError(t, err, ErrConflict, "idempotency_key", "")
	out, err := ctx.TaskAssignmentGet(a1)
	must(t, err)
	if m := object(t, out); str(t, m, "state_name") != "accepted" || num(t, m, "payable", "amount_fen") != 50000 {
		t.Fatalf("assignment %s", out)
	}
	must(t, ctx.TaskReject(a2, "未按要求"))
	out, err = ctx.TaskGet(id)
	must(t, err)
	if num(t, object(t, out), "state") != TaskCompleted {
		t.Fatalf("task %s", out)
	}
	must(t, asActor(t, ctx, RoleWorker, w1, func() error {
		return ctx.TaskEvaluate(a1, `{"by":"worker","score":4,"task_score":5}`)
	}))
	must(t, asActor(t, ctx, RoleWorker, w2, func() error { return ctx.TaskEvaluate(a2, `{"by":"worker","score":1}`) }))
	err = asActor(t, ctx, RoleEnterpriseUser, ent, func() error { return ctx.TaskEvaluate(a1, `{"by":"enterprise","score":6}`) })
	wantError(t, err, ErrInvalid, "$.score", "")
	must(t, asActor(t, ctx, RoleEnterpriseUser, ent, func() error { return ctx.TaskEvaluate(a1, `{"by":"enterprise","score":5}`) }))
	if avg, n, err := ctx.TaskRating(TaskRatingEnterprise, ent); err != nil || avg != 250 || n != 2 {
		t.Fatalf("rating %d %d %v", avg, n, err)
	}
	if avg, n, err := ctx.TaskRating(TaskRatingWorker, w1); err != nil || avg != 500 || n != 1 {
		t.Fatalf("rating %d %d %v", avg, n, err)
	}
	err = asActor(t, ctx, RoleEnterpriseUser, other, func() error { _, err := ctx.TaskAccept(a1, "accept-a1"); return err })
	wantError(t, err, ErrPerm, "", "")

	// The review window accepts by itself; the sweep expires untaken tasks.
	t2, err := ctx.TaskCreate(taskRecord(clock, ent, 1))
	must(t, err)
	id2 := t2.ID()
	t2.Close()
	_, err = ctx.TaskSubmit(id2)
	must(t, err)
	must(t, ctx.TaskReview(id2, `{"decision":"approve"}`))
	must(t, ctx.TaskPublish(id2))
	a3, err := ctx.TaskTake(id2, w1)
	must(t, err)
	must(t, ctx.TaskDeliver(a3, taskProof(clock)))
	clock.ms += 2*dayMs - 1
	if n, err := ctx.TaskRunTimers(); err != nil || n != 0 {
		t.Fatalf("timers %d %v", n, err)
	}
	clock.ms++
	if n, err := ctx.TaskRunTimers(); err != nil || n != 2 { // accepted, and the task completes
		t.Fatalf("timers %d %v", n, err)
	}
	list, err := ctx.TaskAssignmentList(map[string]int64{"worker_id": w1})
	must(t, err)
	if items := field(t, object(t, list), "items").([]interface{}); len(items) != 2 {
		t.Fatalf("assignments %s", list)
	}
	tasks, err := ctx.TaskList(nil)
	must(t, err)
	if items := field(t, object(t, tasks), "items").([]interface{}); len(items) != 2 {
		t.Fatalf("tasks %s", tasks)
	}
	loaded, err := ctx.TaskLoad(id2)
	must(t, err)
	defer loaded.Close()
	if loaded.State() != TaskCompleted {
		t.Fatalf("state %d", loaded.State())
	}
	_, err = ctx.TaskLoad(99)
	wantError(t, err, ErrNotFound, "", "")
}
