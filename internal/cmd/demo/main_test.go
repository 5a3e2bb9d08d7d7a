package main

import (
	"strings"
	"testing"
)

func TestCheckTop(t *testing.T) {
	t.Parallel()
	seeded := map[string]int64{"a": 10, "b": 30, "c": 20, "d": 5}
	tests := map[string]struct {
		top     []rank
		wantErr string
	}{
		"the top 3": {
			top: []rank{{1, "b", 30}, {2, "c", 20}, {3, "a", 10}},
		},
		"ascending instead of descending": {
			top:     []rank{{1, "d", 5}, {2, "a", 10}, {3, "c", 20}},
			wantErr: "place 1 is d with 5",
		},
		"read before the entries existed": {
			top:     nil,
			wantErr: "shows 0 places, want 3",
		},
		"a score that was not seeded": {
			top:     []rank{{1, "b", 31}, {2, "c", 20}, {3, "a", 10}},
			wantErr: "place 1 is b with 31",
		},
		"places not numbered from 1": {
			top:     []rank{{0, "b", 30}, {1, "c", 20}, {2, "a", 10}},
			wantErr: "place 1 is b",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := checkTop(seeded, tc.top, 3)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	devOverrides := "╷\n│ Warning: Provider development overrides are in effect\n│\n│ The following provider development overrides are set.\n╵\n"
	realError := "╷\n│ Error: Error Creating Data Store Entry\n│\n│ It already exists.\n╵\n"
	tests := map[string]struct {
		in, want string
		color    bool
	}{
		"drops the dev_overrides warning": {
			in:   devOverrides + "\nNo changes.\n\n",
			want: "No changes.",
		},
		"keeps other diagnostics": {
			in:   devOverrides + "Plan: 1 to add\n" + realError,
			want: "Plan: 1 to add\n" + strings.TrimSuffix(realError, "\n"),
		},
		"strips colors for a file or pipe": {
			in:   "\x1b[1m\x1b[32mApply complete!\x1b[0m\n",
			want: "Apply complete!",
		},
		"keeps colors for a terminal": {
			in:    "\x1b[32mApply complete!\x1b[0m\n",
			want:  "\x1b[32mApply complete!\x1b[0m",
			color: true,
		},
		"keeps an unterminated box": {
			in:   "╷\n│ Error: cut short\n",
			want: "╷\n│ Error: cut short",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := &demo{color: tc.color}
			if got := d.clean(tc.in); got != tc.want {
				t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
