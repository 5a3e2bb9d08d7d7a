package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

// stateMatchesEmulator compares every managed entry in Terraform's state with the emulator's
// contents, and checks that each standard entry has exactly wantVersions versions: a write retried
// after a lost answer must not have been applied twice.
type stateMatchesEmulator struct {
	env          *testEnv
	wantVersions int
	wantEntries  int
}

func (c stateMatchesEmulator) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	client, err := opencloud.New(opencloud.Config{BaseURL: c.env.url, APIKey: testAPIKey, Retry: opencloud.RetryConfig{MaxRetries: 20, WaitMin: 1}})
	if err != nil {
		resp.Error = err
		return
	}
	seen := 0
	for _, r := range req.State.Values.RootModule.Resources {
		v := r.AttributeValues
		scope, key, ds := v["scope"].(string), v["key"].(string), v["datastore_name"].(string)
		switch r.Type {
		case "roblox_datastore_entry":
			seen++
			e, ok := c.env.emu.Entry(testUniverse, ds, scope, key)
			if !ok {
				resp.Error = fmt.Errorf("%s is in state but not in the emulator", key)
				return
			}
			if string(e.Value) != v["value"].(string) || e.Version != v["version"].(string) {
				resp.Error = fmt.Errorf("%s: state has %v at %v, emulator %s at %s", key, v["value"], v["version"], e.Value, e.Version)
				return
			}
			versions, err := client.ListEntryVersions(ctx, opencloud.ListEntryVersionsInput{
				EntryRef: opencloud.EntryRef{UniverseID: testUniverse, Datastore: ds, Scope: scope, Key: key}, Limit: 100,
			})
			if err != nil {
				resp.Error = err
				return
			}
			if len(versions.Versions) != c.wantVersions {
				resp.Error = fmt.Errorf("%s has %d versions, want %d: a write was duplicated", key, len(versions.Versions), c.wantVersions)
				return
			}
		case "roblox_ordered_entry":
			seen++
			got, ok := c.env.emu.OrderedEntry(testUniverse, ds, scope, key)
			want, _ := v["value"].(json.Number).Int64()
			if !ok || got != want {
				resp.Error = fmt.Errorf("%s: state has %d, emulator %d (present %v)", key, want, got, ok)
				return
			}
		}
	}
	if seen != c.wantEntries {
		resp.Error = fmt.Errorf("state holds %d entries, want %d", seen, c.wantEntries)
	}
}

func faultyConfig(env *testEnv, round int) string {
	return fmt.Sprintf(`
provider "roblox" {
  api_key            = %q
  base_url           = %q
  universe_id        = %d
  max_retries        = 12
  min_retry_delay_ms = 2
}

resource "roblox_datastore_entry" "seed" {
  count          = 12
  datastore_name = "Inventory"
  key            = "player/${count.index}"
  value          = jsonencode({ gems = %d, slot = count.index })
  user_ids       = [1]
}

resource "roblox_ordered_entry" "score" {
  count          = 6
  datastore_name = "Scores"
  key            = "p${count.index}"
  value          = %d
}
`, testAPIKey, env.url, testUniverse, round, round*100)
}

// TestFaultsLeaveStateEqualToService applies, updates and destroys against an emulator that answers
// 429 and 500 at random and, worst of all, stores writes but answers 500: the client retries, the
// provider resolves the resulting 412 / "already exists" by reading back, and in the end state
// equals the service with nothing written twice.
func TestFaultsLeaveStateEqualToService(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{Fault429: 0.15, Fault500: 0.1, Fault500AfterWrite: 0.3, FaultSeed: 7})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy: func(*terraform.State) error {
			if left := env.emu.Entries(testUniverse, "Inventory"); len(left) != 0 {
				return fmt.Errorf("entries left: %v", left)
			}
			if left := env.emu.OrderedEntries(testUniverse, "Scores", "global"); len(left) != 0 {
				return fmt.Errorf("ordered entries left: %v", left)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:            faultyConfig(env, 1),
				ConfigStateChecks: []statecheck.StateCheck{stateMatchesEmulator{env: env, wantVersions: 1, wantEntries: 18}},
			},
			{
				Config:            faultyConfig(env, 2),
				ConfigStateChecks: []statecheck.StateCheck{stateMatchesEmulator{env: env, wantVersions: 2, wantEntries: 18}},
			},
		},
	})
	stats := env.emu.Stats()
	faults := 0
	for _, byStatus := range stats.Operations {
		for status, n := range byStatus {
			if strings.HasPrefix(status, "5") || status == "429" {
				faults += n
			}
		}
	}
	if faults == 0 {
		t.Fatal("no faults were injected; the test proves nothing")
	}
	t.Logf("%d requests, %d answered with an injected 429 or 500", stats.Total, faults)
}
