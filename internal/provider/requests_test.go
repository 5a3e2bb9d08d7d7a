package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
)

// TestOneRequestPerEntryPerPhase counts what apply, plan and destroy of 20 entries send: exactly
// one request per entry for each thing Terraform asks of it, and no read-after-write.
func TestOneRequestPerEntryPerPhase(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, emulator.Options{})
	const n = 20
	ws := newCLIWorkspace(t, map[string]string{"main.tf": requiredProvider() + env.providerConfig() + fmt.Sprintf(`
resource "roblox_datastore_entry" "seed" {
  count          = %d
  datastore_name = "Seed"
  key            = "entry-${count.index}"
  value          = jsonencode({ index = count.index, tags = ["a", "b"] })
  attributes     = jsonencode({ source = "terraform" })
}
`, n)})
	ctx := context.Background()

	phases := []struct {
		name string
		run  func() error
		want map[string]int
	}{
		{"apply", func() error { return ws.tf.Apply(ctx, ws.reattach) }, map[string]int{"SetEntry": n}},
		{"plan", func() error { _, err := ws.tf.Plan(ctx, ws.reattach); return err }, map[string]int{"GetEntry": n}},
		// Destroy refreshes first (one read per entry), then deletes (one delete per entry).
		{"destroy", func() error { return ws.tf.Destroy(ctx, ws.reattach) }, map[string]int{"GetEntry": n, "DeleteEntry": n}},
	}
	for _, p := range phases {
		env.emu.ResetStats()
		if err := p.run(); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		got := map[string]int{}
		total := 0
		for op, byStatus := range env.emu.Stats().Operations {
			for status, count := range byStatus {
				if status != "200" && status != "204" {
					t.Errorf("%s: %d %s answered %s", p.name, count, op, status)
				}
				got[op] += count
				total += count
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(p.want) {
			t.Errorf("%s sent %v, want %v", p.name, got, p.want)
		}
		t.Logf("%s of %d entries: %d requests %v", p.name, n, total, got)
	}
	if left := env.emu.Entries(testUniverse, "Seed"); len(left) != 0 {
		t.Errorf("entries left after destroy: %v", left)
	}
}
