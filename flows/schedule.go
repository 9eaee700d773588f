package flows

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxDuration bounds deadlines and waits: a year.
const maxDuration = 366 * 24 * time.Hour

// ParseDuration reads a duration of a flow definition: whole numbers of days,
// hours, minutes and seconds, largest unit first, such as "48h", "2d",
// "1d12h" or "90m". It must be positive and at most a year.
//
// Example:
//
//	d, err := flows.ParseDuration("1d12h") // 36h, nil
func ParseDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration; write it like 48h, 2d, 1d12h or 90m", s)
	if s == "" {
		return 0, bad
	}
	units := map[byte]time.Duration{'d': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second}
	order := "dhms"
	var total time.Duration
	last := -1
	for rest := s; rest != ""; {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i > 6 || i == len(rest) {
			return 0, bad
		}
		n, _ := strconv.Atoi(rest[:i])
		unit, ok := units[rest[i]]
		pos := strings.IndexByte(order, rest[i])
		if !ok || pos <= last {
			return 0, bad
		}
		last = pos
		total += time.Duration(n) * unit
		rest = rest[i+1:]
	}
	if total <= 0 || total > maxDuration {
		return 0, fmt.Errorf("%q is out of range: a duration is more than 0 and at most 366d", s)
	}
	return total, nil
}

// cronField is the range of one field of a cron expression.
type cronField struct {
	name     string
	min, max int
	names    []string // names for min, min+1…
}

var cronFields = []cronField{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day of month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	{name: "day of week", min: 0, max: 7, names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}

var cronMacros = []string{"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}

// checkCron checks a 5-field cron expression (minute hour day-of-month month
// day-of-week, with *, lists, ranges, steps and month and day names) or one
// of the macros @hourly, @daily, @weekly, @monthly and @yearly.
func checkCron(s string) error {
	for _, m := range cronMacros {
		if s == m {
			return nil
		}
	}
	parts := strings.Fields(s)
	if len(parts) != len(cronFields) {
		return fmt.Errorf("%q has %d fields; a schedule has 5: minute hour day-of-month month day-of-week, e.g. \"0 8 * * 1\"", s, len(parts))
	}
	for i, p := range parts {
		if err := cronFields[i].check(p); err != nil {
			return fmt.Errorf("%q: %s field %q: %v", s, cronFields[i].name, p, err)
		}
	}
	return nil
}

func (f cronField) check(s string) error {
	for _, item := range strings.Split(s, ",") {
		rng, step, hasStep := strings.Cut(item, "/")
		if hasStep {
			n, err := strconv.Atoi(step)
			if err != nil || n < 1 || n > f.max {
				return fmt.Errorf("the step %q must be a number from 1 to %d", step, f.max)
			}
		}
		if rng == "*" {
			continue
		}
		lo, hi, isRange := strings.Cut(rng, "-")
		a, err := f.value(lo)
		if err != nil {
			return err
		}
		if !isRange {
			continue
		}
		b, err := f.value(hi)
		if err != nil {
			return err
		}
		if a > b {
			return fmt.Errorf("the range %s runs backwards", rng)
		}
	}
	return nil
}

func (f cronField) value(s string) (int, error) {
	for i, name := range f.names {
		if strings.EqualFold(s, name) {
			return f.min + i, nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < f.min || n > f.max {
		return 0, errors.New(strings.TrimSpace(fmt.Sprintf("%q is not a value from %d to %d %s", s, f.min, f.max, f.namesWords())))
	}
	return n, nil
}

func (f cronField) namesWords() string {
	if len(f.names) == 0 {
		return ""
	}
	return "or a name such as " + f.names[0]
}
