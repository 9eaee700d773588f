package flows

import (
	"testing"
	"time"
)

func TestLastFire(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name, spec, after, now, want string // want "" means none
	}{
		{"monday 8:00, checked at 8:00", "0 8 * * 1", "2026-11-16 08:00", "2026-11-23 08:00", "2026-11-23 08:00"},
		{"monday 8:00, a server down over it catches up", "0 8 * * mon", "2026-11-20 00:00", "2026-11-24 10:30", "2026-11-23 08:00"},
		{"already ran this minute", "0 8 * * 1", "2026-11-23 08:00", "2026-11-23 08:00", ""},
		{"never ran: only now counts", "0 8 * * 1", "", "2026-11-24 10:30", ""},
		{"never ran, due now", "*/15 * * * *", "", "2026-11-24 10:30", "2026-11-24 10:30"},
		{"steps", "*/15 * * * *", "2026-11-24 10:00", "2026-11-24 10:29", "2026-11-24 10:15"},
		{"range and list", "0 9-17/4 * * 1-5", "2026-11-24 09:00", "2026-11-24 16:00", "2026-11-24 13:00"},
		{"sunday as 7", "0 0 * * 7", "2026-11-21 00:00", "2026-11-23 12:00", "2026-11-22 00:00"},
		{"day of month or day of week", "0 0 1 * 1", "2026-11-29 00:00", "2026-12-01 12:00", "2026-12-01 00:00"},
		{"macro", "@daily", "2026-11-23 00:00", "2026-11-24 00:01", "2026-11-24 00:00"},
		{"month names", "0 0 1 jan *", "2026-06-01 00:00", "2026-11-24 00:00", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var after time.Time
			if c.after != "" {
				after = at(c.after)
			}
			got, ok := LastFire(c.spec, after, at(c.now))
			switch {
			case c.want == "" && ok:
				t.Errorf("fired at %s, want none", got)
			case c.want != "" && (!ok || !got.Equal(at(c.want))):
				t.Errorf("got %s %v, want %s", got, ok, c.want)
			}
		})
	}
}
