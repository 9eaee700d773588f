package flows

import (
	"strconv"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// cronSpec is a parsed cron expression: the values each field allows.
type cronSpec struct {
	fields [5]map[int]bool
	// anyDay records whether day of month and day of week were "*": cron
	// fires when either day field matches if both are restricted.
	domAny, dowAny bool
}

var cronMacroSpecs = map[string]string{
	"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
	"@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}

// parseCron reads an expression checkCron accepted.
func parseCron(s string) (*cronSpec, error) {
	if err := checkCron(s); err != nil {
		return nil, err
	}
	if m, ok := cronMacroSpecs[s]; ok {
		s = m
	}
	parts := strings.Fields(s)
	spec := &cronSpec{domAny: parts[2] == "*", dowAny: parts[4] == "*"}
	for i, p := range parts {
		f := cronFields[i]
		set := map[int]bool{}
		for _, item := range strings.Split(p, ",") {
			rng, stepText, hasStep := strings.Cut(item, "/")
			step := 1
			if hasStep {
				step, _ = strconv.Atoi(stepText)
			}
			lo, hi := f.min, f.max
			if rng != "*" {
				a, b, isRange := strings.Cut(rng, "-")
				lo, _ = f.value(a)
				hi = lo
				if isRange {
					hi, _ = f.value(b)
				} else if hasStep {
					hi = f.max
				}
			}
			for v := lo; v <= hi; v += step {
				set[v] = true
			}
		}
		if i == 4 && set[7] {
			set[0] = true // note: 7 is Sunday too
		}
		spec.fields[i] = set
	}
	return spec, nil
}

// matches reports whether the minute t falls on the schedule.
func (s *cronSpec) matches(t time.Time) bool {
	if !s.fields[0][t.Minute()] || !s.fields[1][t.Hour()] || !s.fields[3][int(t.Month())] {
		return false
	}
	dom, dow := s.fields[2][t.Day()], s.fields[4][int(t.Weekday())]
	if !s.domAny && !s.dowAny {
		return dom || dow
	}
	return dom && dow
}

// maxCatchUp bounds how far back a schedule looks for a firing it missed
// while no server ran: a week.
const maxCatchUp = 7 * 24 * time.Hour

// LastFire is the latest minute in (after, now] that cron expression spec
// names, in UTC; ok is false when there is none. A schedule that never ran
// (after is zero) looks at now's minute only, so that publishing a flow
// does not start a backlog of runs.
func LastFire(spec string, after, now time.Time) (time.Time, bool) {
	s, err := parseCron(spec)
	if err != nil {
		return time.Time{}, false
	}
	now = now.UTC().Truncate(time.Minute)
	floor := now.Add(-maxCatchUp)
	if after.IsZero() {
		floor = now.Add(-time.Minute)
	} else if after.After(floor) {
		floor = after.UTC()
	}
	for m := now; m.After(floor); m = m.Add(-time.Minute) {
		if s.matches(m) {
			return m, true
		}
	}
	return time.Time{}, false
}

// Schedules lists the indexes of the flow's schedule triggers.
func (c *Compiled) Schedules() []int {
	var out []int
	for i, t := range c.Flow.Triggers {
		if t.On == OnSchedule {
			out = append(out, i)
		}
	}
	return out
}

// TriggerHolds reports whether trigger i's condition holds for rec (no
// condition always holds).
func (c *Compiled) TriggerHolds(i int, rec forms.Record, actor forms.Actor, related map[string]forms.Record) (bool, error) {
	if i < 0 || i >= len(c.triggers) || c.triggers[i] == nil {
		return true, nil
	}
	return runBool(c.triggers[i], c.flowEnv(rec, forms.FlowVars{User: actor, Submitter: actor, Related: related}))
}
