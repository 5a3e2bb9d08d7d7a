package main

import (
	"encoding/json"
	"slices"
	"strconv"
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

func TestShellJoin(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args []string
		want string
	}{
		"plain words stay as they are": {
			args: []string{"plan", "-detailed-exitcode", "-var", "double_xp=true"},
			want: "plan -detailed-exitcode -var double_xp=true",
		},
		"braces and double quotes are quoted": {
			args: []string{"-var", `inventory={currency=1480,weapon="Staff",level=12}`},
			want: `-var 'inventory={currency=1480,weapon="Staff",level=12}'`,
		},
		"spaces are quoted": {
			args: []string{"-var", "reason=ticket 1042: a refund"},
			want: "-var 'reason=ticket 1042: a refund'",
		},
		"a single quote is closed, escaped and reopened": {
			args: []string{"reason=player's refund"},
			want: `'reason=player'\''s refund'`,
		},
		"an empty argument stays visible": {
			args: []string{"output", ""},
			want: "output ''",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := shellJoin(tc.args); got != tc.want {
				t.Errorf("shellJoin(%q) = %s, want %s", tc.args, got, tc.want)
			}
		})
	}
}

func TestWithEnv(t *testing.T) {
	t.Parallel()
	env := []string{"PATH=/bin", "ROBLOX_API_KEY=full", "ROBLOX_API_KEY_FILE=x", "HOME=/root"}
	got := withEnv(env, "ROBLOX_API_KEY", "support")
	want := []string{"PATH=/bin", "ROBLOX_API_KEY_FILE=x", "HOME=/root", "ROBLOX_API_KEY=support"}
	if !slices.Equal(got, want) {
		t.Errorf("withEnv = %q, want %q", got, want)
	}
	if env[1] != "ROBLOX_API_KEY=full" {
		t.Errorf("withEnv changed its argument: %q", env)
	}
}

func TestPlanSummary(t *testing.T) {
	t.Parallel()
	out := "roblox_datastore_entry.user_3: Preparing import... [id=1/Inventory/global/User_3]\n\n" +
		"  # roblox_datastore_entry.user_3 will be updated in-place\n\n" +
		"\x1b[1mPlan:\x1b[0m 1 to import, 0 to add, 1 to change, 0 to destroy.\n\nChanges to Outputs:\n"
	if got, want := planSummary(out), "Plan: 1 to import, 0 to add, 1 to change, 0 to destroy."; got != want {
		t.Errorf("planSummary = %q, want %q", got, want)
	}
	if got := planSummary("No changes. Your infrastructure matches the configuration.\n"); got != "" {
		t.Errorf("planSummary of a plan without changes = %q, want \"\"", got)
	}
}

// createRefused is the error Terraform prints when a key without objects:create creates an entry.
const createRefused = `Plan: 1 to add, 0 to change, 0 to destroy.
roblox_datastore_entry.new_player: Creating...
╷
│ Error: Error Creating Data Store Entry
│ 
│   with roblox_datastore_entry.new_player,
│   on main.tf line 12, in resource "roblox_datastore_entry" "new_player":
│   12: resource "roblox_datastore_entry" "new_player" {
│ 
│ Could not create entry "User_999" in data store "Inventory": API key lacks permission
│ universe-datastores.objects:create
│ 
│ A key that may only read and update entries can still manage this entry
│ once it exists: import it with terraform import roblox_datastore_entry.NAME
│ 4242424242/Inventory/global/User_999
╵
`

func TestDiagnosticText(t *testing.T) {
	t.Parallel()
	text := diagnosticText(createRefused)
	for _, want := range []string{
		"Error: Error Creating Data Store Entry",
		"API key lacks permission universe-datastores.objects:create",
		"terraform import roblox_datastore_entry.NAME 4242424242/Inventory/global/User_999",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnosticText lacks %q; it is %q", want, text)
		}
	}
	if strings.Contains(text, "Creating...") || strings.Contains(text, "Plan:") {
		t.Errorf("diagnosticText holds lines outside the box: %q", text)
	}
}

func TestExpectedFailure(t *testing.T) {
	t.Parallel()
	got := expectedFailure(createRefused)
	want := strings.Replace(createRefused, "roblox_datastore_entry.new_player: Creating...\n", "", 1)
	if got != want {
		t.Errorf("expectedFailure =\n%s\nwant\n%s", got, want)
	}
}

func TestSupportKeysFile(t *testing.T) {
	t.Parallel()
	data, err := supportKeysFile("secret")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Keys []struct {
			Key        string
			UniverseID int64
			Datastores []string
			Operations []string
		}
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	if len(file.Keys) != 1 {
		t.Fatalf("%d keys, want 1: %s", len(file.Keys), data)
	}
	k := file.Keys[0]
	if k.Key != "secret" || strconv.FormatInt(k.UniverseID, 10) != universeID || !slices.Equal(k.Datastores, []string{"Inventory"}) {
		t.Errorf("key = %+v, want secret, universe %s, data store Inventory only", k, universeID)
	}
	for _, op := range k.Operations {
		if strings.HasSuffix(op, ":create") || strings.HasSuffix(op, ":delete") {
			t.Errorf("the support key holds %s", op)
		}
	}
	if !slices.Contains(k.Operations, "universe-datastores.objects:update") {
		t.Errorf("the support key cannot update entries: %q", k.Operations)
	}
}

func TestPlayer(t *testing.T) {
	t.Parallel()
	p := player{3, 980, "Staff", 12}
	if got, want := p.key(), "User_3"; got != want {
		t.Errorf("key = %q, want %q", got, want)
	}
	if got, want := p.value(), `{"currency":980,"weapon":"Staff","level":12}`; got != want {
		t.Errorf("value = %s, want %s", got, want)
	}
	if got, want := p.hcl(), `{currency=980,weapon="Staff",level=12}`; got != want {
		t.Errorf("hcl = %s, want %s", got, want)
	}
}
