// Command demo shows the provider at work without a Roblox account: it builds the provider and the
// Open Cloud emulator, starts the emulator on loopback and runs the scenarios in examples/ through
// the Terraform CLI, checking each result. Everything it writes stays in .demo/ of the repository.
//
// Run it from the repository root with `make demo`, or:
//
//	go run ./internal/cmd/demo -terraform "$(command -v terraform)"
package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

var (
	errInterrupted = errors.New("interrupted")
	errTerminated  = errors.New("terminated")
)

const (
	modulePath = "github.com/terraform-roblox/terraform-provider-roblox"
	// universeID is the experience the demo pretends to manage; the emulator accepts any id. The
	// import block of examples/support-edit names it, since Terraform 1.5 takes only a literal there.
	universeID = "4242424242"
)

func main() {
	tfFlag := flag.String("terraform", "", "`path` of the Terraform CLI (default: terraform on PATH)")
	keep := flag.Bool("keep", false, "leave the emulator running at the end, to try more commands against it")
	verbose := flag.Bool("v", false, "show Terraform's whole output of every command")
	flag.Parse()

	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		if <-signals == os.Interrupt {
			cancel(errInterrupted)
		} else {
			cancel(errTerminated)
		}
		signal.Stop(signals)
	}()

	start := time.Now()
	d := &demo{verbose: *verbose, keep: *keep, color: colorTerminal()}
	if err := d.run(ctx, *tfFlag); err != nil {
		if cause := context.Cause(ctx); cause != nil {
			fmt.Fprintf(os.Stderr, "\nDEMO STOPPED during %q: %v\n", d.step, cause)
			code := 130 // 128 + SIGINT, as shells report it
			if cause == errTerminated {
				code = 143
			}
			os.Exit(code)
		}
		fmt.Fprintf(os.Stderr, "\nDEMO FAILED during %q: %v\n", d.step, err)
		os.Exit(1)
	}
	fmt.Printf("\n==> Demo finished in %s\n", time.Since(start).Round(100*time.Millisecond))
}

type demo struct {
	verbose, keep, color bool

	root, dir, bin string // repository root, its .demo/ folder and .demo/bin/
	terraform      string // absolute path of the Terraform CLI
	tfEnv          []string

	apiKey, baseURL string
	supportKey      string // the least-privilege key of the support-edit scenario
	keysFile        string // the emulator's -keys file, which holds the support key
	emulator        *exec.Cmd
	emulatorDone    chan struct{}

	// players is what data store "Inventory" should hold: written by the support-edit scenario,
	// refund included, and read by the migration scenario.
	players []player

	step string // what the demo is doing, for the failure message
}

// scenario is one example folder, run in a copy under .demo/work/.
type scenario struct {
	name, dir string
	vars      []string // -var flags every plan and apply of the scenario needs
	env       []string // the environment of its Terraform commands: d.tfEnv, or that with another key
}

func (d *demo) run(ctx context.Context, tfFlag string) error {
	if err := d.locate(tfFlag); err != nil {
		return err
	}
	d.step = "building the provider and the emulator"
	d.say("==> Building the provider and the emulator into %s (minutes the first time, seconds once Go has cached the build)", d.rel(d.bin))
	if _, _, err := d.exec(ctx, d.root, os.Environ(), quiet, "go", "build", "-o", d.bin+string(filepath.Separator),
		".", "./internal/cmd/opencloud-emulator"); err != nil {
		return err
	}

	if err := d.startEmulator(); err != nil {
		return err
	}
	defer d.stopEmulator()
	if err := d.configureTerraform(ctx); err != nil {
		return err
	}

	liveops, err := d.liveOps(ctx)
	if err != nil {
		return err
	}
	support, err := d.supportEdit(ctx)
	if err != nil {
		return err
	}
	leaderboard, err := d.leaderboard(ctx)
	if err != nil {
		return err
	}
	migration, err := d.migration(ctx)
	if err != nil {
		return err
	}

	d.say("\n==> Checking that a second plan finds nothing to do in every scenario")
	for _, sc := range []*scenario{liveops, support, leaderboard, migration} {
		d.step = "second plan of " + sc.name
		if code, err := d.tf(ctx, sc, quiet, append([]string{"plan", "-detailed-exitcode"}, sc.vars...)...); err != nil {
			return err
		} else if code == 2 {
			return errors.New("the plan right after apply wants to change something; see the plan above")
		}
		d.say("    %-16s no changes", sc.name)
	}

	if err := d.drift(ctx, liveops); err != nil {
		return err
	}
	d.step = "reading the emulator's request counts"
	return d.printStats(ctx)
}

// locate finds the repository root, the Terraform CLI and the paths under .demo/.
func (d *demo) locate(tfFlag string) error {
	d.step = "finding the repository and Terraform"
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	for {
		if mod, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(mod, []byte("module "+modulePath+"\n")) {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return errors.New("run the demo inside the terraform-provider-roblox repository (no go.mod of " + modulePath + " found)")
		}
		dir = parent
	}
	d.root, d.dir = dir, filepath.Join(dir, ".demo")
	d.bin = filepath.Join(d.dir, "bin")

	if tfFlag == "" {
		if tfFlag, err = exec.LookPath("terraform"); err != nil {
			return errors.New("no terraform on PATH: pass -terraform PATH, or run `make demo`, which provides one")
		}
	}
	if d.terraform, err = filepath.Abs(tfFlag); err != nil {
		return err
	}
	if _, err := os.Stat(d.terraform); err != nil {
		return fmt.Errorf("the Terraform CLI given with -terraform: %w", err)
	}
	// Start each run from fresh copies of the examples; the state of the last run goes with them.
	if err := os.RemoveAll(filepath.Join(d.dir, "work")); err != nil {
		return err
	}
	return os.MkdirAll(d.bin, 0o755)
}

// startEmulator runs the emulator on a free loopback port with two random keys: a full-access one,
// which goes by environment rather than argument so it stays out of the process list, and the
// support-edit scenario's least-privilege key, from a keys file in .demo/.
func (d *demo) startEmulator() error {
	d.step = "starting the Open Cloud emulator"
	var err error
	if d.apiKey, err = randomKey("demo-"); err != nil {
		return err
	}
	if d.supportKey, err = randomKey("support-"); err != nil {
		return err
	}
	keys, err := supportKeysFile(d.supportKey)
	if err != nil {
		return err
	}
	d.keysFile = filepath.Join(d.dir, "keys.json")
	if err := os.WriteFile(d.keysFile, keys, 0o600); err != nil {
		return err
	}
	logPath := filepath.Join(d.dir, "emulator.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close() // the child holds its own copy

	d.emulator = exec.Command(filepath.Join(d.bin, "opencloud-emulator"+exeSuffix()), "-addr", "127.0.0.1:0", "-keys", d.keysFile)
	d.emulator.Env = append(os.Environ(), "OPENCLOUD_EMULATOR_API_KEY="+d.apiKey)
	d.emulator.Stdout, d.emulator.Stderr = logFile, logFile
	if err := d.emulator.Start(); err != nil {
		return err
	}
	d.emulatorDone = make(chan struct{})
	go func() { _ = d.emulator.Wait(); close(d.emulatorDone) }()

	// The emulator logs its address once it listens; -addr 127.0.0.1:0 lets the system pick the port.
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		log, _ := os.ReadFile(logPath)
		if m := listening.FindSubmatch(log); m != nil {
			d.baseURL = string(m[1])
			d.say("==> Starting the Open Cloud emulator on %s with a full-access demo key and a support key from %s (log: %s)",
				strings.TrimPrefix(d.baseURL, "http://"), d.rel(d.keysFile), d.rel(logPath))
			return nil
		}
		select {
		case <-d.emulatorDone:
			return fmt.Errorf("the emulator exited right away:\n%s", indent(string(log)))
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("the emulator did not report its address within 15s; see " + logPath)
}

// randomKey returns prefix followed by 32 random hex digits.
func randomKey(prefix string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + hex.EncodeToString(b), nil
}

// supportPermissions are the operations of the support key: Read Entry, Update Entry and List Entry
// Keys, as the usage guide's support portal has them. Without objects:create it cannot add a player.
var supportPermissions = []string{
	"universe-datastores.objects:read",
	"universe-datastores.objects:update",
	"universe-datastores.objects:list",
}

// supportKeysFile is the emulator's -keys file holding the support key: the demo's universe, data
// store "Inventory" only, and supportPermissions.
func supportKeysFile(secret string) ([]byte, error) {
	type key struct {
		Key        string      `json:"key"`
		UniverseID json.Number `json:"universeId"`
		Datastores []string    `json:"datastores"`
		Operations []string    `json:"operations"`
	}
	file := struct {
		Keys []key `json:"keys"`
	}{[]key{{secret, json.Number(universeID), []string{"Inventory"}, supportPermissions}}}
	return json.MarshalIndent(file, "", "  ")
}

// stopEmulator asks the emulator to shut down and waits for it, unless -keep asked to leave it running.
func (d *demo) stopEmulator() {
	if d.keep {
		d.say("\n==> The emulator keeps running (pid %d). To try more commands against the demo's state:", d.emulator.Process.Pid)
		d.say("    export TF_CLI_CONFIG_FILE=%s CHECKPOINT_DISABLE=1", filepath.Join(d.dir, "terraform.rc"))
		d.say("    export ROBLOX_BASE_URL=%s ROBLOX_API_KEY=%s ROBLOX_UNIVERSE_ID=%s", d.baseURL, d.apiKey, universeID)
		d.say("    cd %s && terraform plan", d.rel(filepath.Join(d.dir, "work", "leaderboard")))
		d.say("    The support key (read, update and list entries of \"Inventory\" only) is %s; it is in %s.", d.supportKey, d.rel(d.keysFile))
		d.say("    Stop it with: kill %d", d.emulator.Process.Pid)
		return
	}
	d.say("==> Stopping the emulator")
	if err := d.emulator.Process.Signal(os.Interrupt); err != nil {
		_ = d.emulator.Process.Kill() // Windows has no interrupt for other processes
	}
	select {
	case <-d.emulatorDone:
	case <-time.After(10 * time.Second):
		_ = d.emulator.Process.Kill()
		<-d.emulatorDone
	}
}

// configureTerraform writes a CLI configuration that takes the provider from .demo/bin and sets the
// environment every Terraform command gets. The user's own CLI configuration is never read or changed.
func (d *demo) configureTerraform(ctx context.Context) error {
	d.step = "configuring Terraform"
	rc := filepath.Join(d.dir, "terraform.rc")
	config := fmt.Sprintf(`# Written by the demo: use the provider built into .demo/bin, no registry download.
provider_installation {
  dev_overrides {
    "terraform-roblox/roblox" = %q
  }
  direct {}
}
`, filepath.ToSlash(d.bin))
	if err := os.WriteFile(rc, []byte(config), 0o644); err != nil {
		return err
	}
	for _, kv := range os.Environ() {
		// Settings from the user's shell (TF_CLI_ARGS, TF_WORKSPACE, TF_VAR_..., ROBLOX_...) would change
		// what the demo does; only Terraform's logging switches pass through.
		if (strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "TF_LOG")) || strings.HasPrefix(kv, "ROBLOX_") {
			continue
		}
		d.tfEnv = append(d.tfEnv, kv)
	}
	d.tfEnv = append(d.tfEnv, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"ROBLOX_API_KEY="+d.apiKey, "ROBLOX_BASE_URL="+d.baseURL, "ROBLOX_UNIVERSE_ID="+universeID)

	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, d.terraform, "version", "-json")
	cmd.Env, cmd.Stdout = d.tfEnv, &out
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := cmd.Run(); err != nil || json.Unmarshal(out.Bytes(), &v) != nil {
		return fmt.Errorf("%s version -json did not work (%v): is it a Terraform CLI?", d.terraform, err)
	}
	d.say("==> Using Terraform %s (%s) with the provider from %s through %s; no `terraform init` needed",
		v.Version, d.terraform, d.rel(d.bin), d.rel(rc))
	return nil
}

// liveOps creates a configuration entry, then changes one flag through a variable and shows the plan.
func (d *demo) liveOps(ctx context.Context) (*scenario, error) {
	d.step = "Scenario 1: LiveOps config"
	d.say("\n==> %s (examples/liveops-config)", d.step)
	d.say("    Feature flags and an event schedule live in one entry of data store \"LiveOps\", key \"config\".")
	sc, err := d.prepare("liveops-config")
	if err != nil {
		return nil, err
	}
	if _, err := d.tf(ctx, sc, summary, "apply", "-auto-approve"); err != nil {
		return nil, err
	}
	d.say("\n    A pull request turns on double XP. This is the plan a reviewer sees: one line inside the JSON.")
	sc.vars = []string{"-var", "double_xp=true"}
	if _, err := d.tf(ctx, sc, full, append([]string{"plan"}, sc.vars...)...); err != nil {
		return nil, err
	}
	d.say("    Merged: the pipeline applies it.")
	if _, err := d.tf(ctx, sc, summary, append([]string{"apply", "-auto-approve"}, sc.vars...)...); err != nil {
		return nil, err
	}
	flags, err := d.liveOpsFlags(ctx)
	if err != nil {
		return nil, err
	}
	if flags["double_xp"] != true {
		return nil, fmt.Errorf("after the apply the emulator holds double_xp = %v, not true", flags["double_xp"])
	}
	d.say("    The emulator now holds double_xp = true.")
	return sc, nil
}

// player is one entry of data store "Inventory", in the schema of the usage guide's support portal.
type player struct {
	userID   int
	currency int
	weapon   string
	level    int
}

func (p player) key() string { return fmt.Sprintf("User_%d", p.userID) }

// value is the entry's JSON, keys in the order a game server would write them.
func (p player) value() string {
	return fmt.Sprintf(`{"currency":%d,"weapon":%q,"level":%d}`, p.currency, p.weapon, p.level)
}

// hcl is the value as an HCL object, for the support-edit example's inventory variable.
func (p player) hcl() string {
	return fmt.Sprintf(`{currency=%d,weapon=%q,level=%d}`, p.currency, p.weapon, p.level)
}

// inventory is what the game has written to data store "Inventory" before the demo starts.
var inventory = []player{
	{1, 120, "Sword", 3},
	{2, 45, "Bow", 1},
	{3, 980, "Staff", 12},
	{4, 0, "Dagger", 2},
	{5, 310, "Axe", 7},
}

// The support ticket: a player lost coins to a failed purchase and gets them back.
const (
	supportUser   = 3
	supportRefund = 500
	supportReason = "ticket 1042: refund of 500 coins for a failed shop purchase"
	// supportNewKey is the entry the support key must not be able to create.
	supportNewKey = "User_999"
)

// supportCreateConfig tries to create an entry, which the support key is not allowed to do.
const supportCreateConfig = `terraform {
  required_providers {
    roblox = {
      source = "terraform-roblox/roblox"
    }
  }
}

provider "roblox" {}

# A new player's inventory: creating an entry needs universe-datastores.objects:create.
resource "roblox_datastore_entry" "new_player" {
  datastore_name = "Inventory"
  key            = "` + supportNewKey + `"
  value          = jsonencode({ currency = 500, weapon = "Sword", level = 1 })
}
`

// supportEdit writes the players' inventories as a game server would, then has a support engineer
// refund one of them through Terraform with a key that may read and update entries but not create
// them: the entry is imported, changed, and checked over HTTP. Last, the same key tries to create an
// entry, which must fail with the permission's name.
func (d *demo) supportEdit(ctx context.Context) (*scenario, error) {
	d.step = "Scenario 2: Support edit with a least-privilege key"
	d.say("\n==> %s (examples/support-edit)", d.step)
	d.say("    First the game's data: %d players in data store \"Inventory\", written over the Open Cloud API with the full key.", len(inventory))
	d.players = slices.Clone(inventory)
	for _, p := range d.players {
		hdr := map[string]string{"roblox-entry-userids": fmt.Sprintf("[%d]", p.userID)}
		if _, _, err := d.entry(ctx, http.MethodPost, "Inventory", p.key(), []byte(p.value()), hdr); err != nil {
			return nil, err
		}
	}
	i := slices.IndexFunc(d.players, func(p player) bool { return p.userID == supportUser })
	before := d.players[i]
	after := before
	after.currency += supportRefund
	d.say("    A ticket: %s lost %d coins to a failed purchase. Support's key may read, update and list the", before.key(), supportRefund)
	d.say("    entries of \"Inventory\" and nothing else: it cannot create an entry or touch another data store.")
	sc, err := d.prepare("support-edit")
	if err != nil {
		return nil, err
	}
	sc.env = withEnv(d.tfEnv, "ROBLOX_API_KEY", d.supportKey)
	sc.vars = []string{"-var", "inventory=" + after.hcl(), "-var", "reason=" + supportReason}

	d.say("    The import block takes over the entry the game wrote; the plan shows the refund against it:")
	out, err := d.tfOutput(ctx, sc, full, append([]string{"plan"}, sc.vars...)...)
	if err != nil {
		return nil, err
	}
	if got, want := planSummary(out), "Plan: 1 to import, 0 to add, 1 to change, 0 to destroy."; got != want {
		return nil, fmt.Errorf("the plan says %q, want %q", got, want)
	}
	if _, err := d.tf(ctx, sc, summary, append([]string{"apply", "-auto-approve"}, sc.vars...)...); err != nil {
		return nil, err
	}
	value, hdr, err := d.entry(ctx, http.MethodGet, "Inventory", before.key(), nil, nil)
	if err != nil {
		return nil, err
	}
	if !sameJSON(value, []byte(after.value())) {
		return nil, fmt.Errorf("entry Inventory/%s holds %s, want %s", before.key(), value, after.value())
	}
	wantAttrs, _ := json.Marshal(map[string]string{"reason": supportReason})
	if attrs := hdr.Get("roblox-entry-attributes"); !sameJSON([]byte(attrs), wantAttrs) {
		return nil, fmt.Errorf("entry Inventory/%s has attributes %s, want %s", before.key(), attrs, wantAttrs)
	}
	if ids := hdr.Get("roblox-entry-userids"); !sameJSON([]byte(ids), fmt.Appendf(nil, "[%d]", before.userID)) {
		return nil, fmt.Errorf("entry Inventory/%s has user ids %s, want [%d]", before.key(), ids, before.userID)
	}
	d.players[i] = after
	d.say("    %s before: %s", before.key(), before.value())
	d.say("    %s after:  %s", before.key(), value)
	d.say("    Checked over HTTP: the new value, the reason in the attributes, user id %d kept.", before.userID)

	if err := d.supportCannotCreate(ctx, sc.env); err != nil {
		return nil, err
	}
	return sc, nil
}

// supportCannotCreate applies a configuration that creates an entry with the support key, and
// succeeds only when that apply fails for want of the create permission and wrote nothing.
func (d *demo) supportCannotCreate(ctx context.Context, env []string) error {
	d.step = "Scenario 2: the support key tries to create an entry"
	d.say("\n    The same key cannot add a player: a configuration that creates %q must fail.", supportNewKey)
	sc := &scenario{name: "support-edit-create", dir: filepath.Join(d.dir, "work", "support-edit-create"), env: env}
	if err := os.MkdirAll(sc.dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(sc.dir, "main.tf"), []byte(supportCreateConfig), 0o644); err != nil {
		return err
	}
	d.say("    Working copy: %s (written by the demo)", d.rel(sc.dir))
	out, err := d.tfOutput(ctx, sc, silent, "apply", "-auto-approve")
	if err == nil {
		fmt.Print(indent(out))
		return fmt.Errorf("the support key created Inventory/%s: the emulator should have refused it with 403", supportNewKey)
	}
	if ctx.Err() != nil {
		return err
	}
	text := diagnosticText(out)
	hint := "terraform import roblox_datastore_entry.NAME " + universeID + "/Inventory/global/" + supportNewKey
	if !strings.Contains(text, "universe-datastores.objects:create") || !strings.Contains(text, hint) {
		fmt.Print(indent(out))
		return fmt.Errorf("%w, but not with the expected error, which names universe-datastores.objects:create and says %q", err, hint)
	}
	if !d.verbose { // -v has shown all of it already
		fmt.Print(indent(expectedFailure(out)))
	}
	_, _, err = d.entry(ctx, http.MethodGet, "Inventory", supportNewKey, nil, nil)
	var status *statusError
	switch {
	case err == nil:
		return fmt.Errorf("the apply failed, yet Inventory/%s exists", supportNewKey)
	case !errors.As(err, &status) || status.code != http.StatusNotFound:
		return err
	}
	d.say("    Refused, as it should be: the error names the missing permission and how to take the entry over")
	d.say("    once the game has created it. Nothing was written: the emulator answers 404 for %s.", supportNewKey)
	return nil
}

// leaderboard seeds ordered entries, reads the top 3 back and checks them against the seeded scores.
func (d *demo) leaderboard(ctx context.Context) (*scenario, error) {
	d.step = "Scenario 3: Leaderboard"
	d.say("\n==> %s (examples/leaderboard)", d.step)
	d.say("    Seeds race scores into ordered data store \"RaceLeaderboard\" and reads the top 3, highest first.")
	sc, err := d.prepare("leaderboard")
	if err != nil {
		return nil, err
	}
	if _, err := d.tf(ctx, sc, summary, "apply", "-auto-approve"); err != nil {
		return nil, err
	}
	out, err := d.capture(ctx, sc, "output", "-json")
	if err != nil {
		return nil, err
	}
	var outputs struct {
		Seeded struct{ Value map[string]int64 } `json:"seeded"`
		Top    struct{ Value []rank }           `json:"top"`
	}
	if err := json.Unmarshal(out, &outputs); err != nil {
		return nil, fmt.Errorf("reading `terraform output -json`: %w", err)
	}
	if err := checkTop(outputs.Seeded.Value, outputs.Top.Value, 3); err != nil {
		return nil, err
	}
	d.say("    Output \"top\", checked against the seeded scores:")
	for _, r := range outputs.Top.Value {
		d.say("      %d. %-14s %6d", r.Place, r.Player, r.Score)
	}
	return sc, nil
}

// rank is one element of the leaderboard example's "top" output.
type rank struct {
	Place  int    `json:"place"`
	Player string `json:"player"`
	Score  int64  `json:"score"`
}

// checkTop reports whether top is the n highest of seeded, in order, numbered from 1.
func checkTop(seeded map[string]int64, top []rank, n int) error {
	players := slices.SortedFunc(maps.Keys(seeded), func(a, b string) int { return cmp.Compare(seeded[b], seeded[a]) })
	want := min(n, len(players))
	if len(top) != want {
		return fmt.Errorf("the leaderboard shows %d places, want %d", len(top), want)
	}
	for i, r := range top {
		if r.Place != i+1 || r.Score != seeded[players[i]] || seeded[r.Player] != r.Score {
			return fmt.Errorf("place %d is %s with %d; the seeded scores put %s with %d there",
				i+1, r.Player, r.Score, players[i], seeded[players[i]])
		}
	}
	return nil
}

// migration lets Terraform migrate the entries of "Inventory", as the support-edit scenario left
// them, to a new schema and store, and checks every copy over HTTP.
func (d *demo) migration(ctx context.Context) (*scenario, error) {
	d.step = "Scenario 4: Migration"
	d.say("\n==> %s (examples/migration)", d.step)
	d.say("    Terraform reads the %d players of data store \"Inventory\" (User_%d with the refund of scenario 2),", len(d.players), supportUser)
	d.say("    converts them to schema version 2 and writes them to \"InventoryV2\".")
	sc, err := d.prepare("migration")
	if err != nil {
		return nil, err
	}
	if _, err := d.tf(ctx, sc, summary, "apply", "-auto-approve"); err != nil {
		return nil, err
	}
	for _, p := range d.players {
		value, hdr, err := d.entry(ctx, http.MethodGet, "InventoryV2", p.key(), nil, nil)
		if err != nil {
			return nil, err
		}
		want := fmt.Sprintf(`{"schema_version":2,"wallet":{"coins":%d,"gems":0},"loadout":{"primary":%q},"level":%d}`,
			p.currency, p.weapon, p.level)
		if !sameJSON(value, []byte(want)) {
			return nil, fmt.Errorf("InventoryV2/%s holds %s, want %s", p.key(), value, want)
		}
		if ids := hdr.Get("roblox-entry-userids"); !sameJSON([]byte(ids), fmt.Appendf(nil, "[%d]", p.userID)) {
			return nil, fmt.Errorf("InventoryV2/%s has user ids %s, want [%d]", p.key(), ids, p.userID)
		}
		if p.userID == supportUser {
			d.say("    %s before: %s", p.key(), p.value())
			d.say("    %s after:  %s", p.key(), value)
		}
	}
	d.say("    Checked over HTTP: all %d entries of InventoryV2 hold the new schema and keep their user ids.", len(d.players))
	return sc, nil
}

// drift changes the LiveOps entry the way a game server would and shows that the next plan notices.
func (d *demo) drift(ctx context.Context, sc *scenario) error {
	d.step = "Drift: an in-game change to the LiveOps entry"
	d.say("\n==> %s", d.step)
	d.say("    A game server's admin command turns trading on, writing the entry directly.")
	body, hdr, err := d.entry(ctx, http.MethodGet, "LiveOps", "config", nil, nil)
	if err != nil {
		return err
	}
	var config map[string]any
	if err := json.Unmarshal(body, &config); err != nil {
		return fmt.Errorf("the LiveOps entry is not a JSON object: %w", err)
	}
	flags, _ := config["flags"].(map[string]any)
	if flags == nil {
		return errors.New(`the LiveOps entry has no "flags" object`)
	}
	flags["trading_enabled"] = true
	body, _ = json.Marshal(config)
	// A careful writer sends the attributes and user ids back: a write without them clears them.
	meta := map[string]string{"roblox-entry-attributes": hdr.Get("roblox-entry-attributes"), "roblox-entry-userids": hdr.Get("roblox-entry-userids")}
	if _, _, err := d.entry(ctx, http.MethodPost, "LiveOps", "config", body, meta); err != nil {
		return err
	}

	d.say("    The next plan notices the change and plans to put the reviewed value back:")
	code, err := d.tf(ctx, sc, full, append([]string{"plan", "-detailed-exitcode"}, sc.vars...)...)
	if err != nil {
		return err
	}
	if code != 2 {
		return fmt.Errorf("the plan after the in-game write exited with %d, want 2 (changes present)", code)
	}
	d.say("    Exit code 2: changes present, as a scheduled drift check in CI would flag. Applying puts the reviewed value back.")
	if _, err := d.tf(ctx, sc, summary, append([]string{"apply", "-auto-approve"}, sc.vars...)...); err != nil {
		return err
	}
	if flags, err = d.liveOpsFlags(ctx); err != nil {
		return err
	}
	if flags["trading_enabled"] != false {
		return fmt.Errorf("after the apply the emulator holds trading_enabled = %v, want false", flags["trading_enabled"])
	}
	d.say("    The emulator holds trading_enabled = false again.")
	return nil
}

// liveOpsFlags reads the flags of the LiveOps entry straight from the emulator.
func (d *demo) liveOpsFlags(ctx context.Context) (map[string]any, error) {
	body, _, err := d.entry(ctx, http.MethodGet, "LiveOps", "config", nil, nil)
	if err != nil {
		return nil, err
	}
	var config struct{ Flags map[string]any }
	if err := json.Unmarshal(body, &config); err != nil {
		return nil, fmt.Errorf("the LiveOps entry is not the expected JSON: %w", err)
	}
	return config.Flags, nil
}

// printStats shows how many requests of each kind the emulator answered during the demo.
func (d *demo) printStats(ctx context.Context) error {
	body, _, err := d.request(ctx, http.MethodGet, d.baseURL+"/_emulator/stats", nil, nil)
	if err != nil {
		return err
	}
	var stats struct {
		Total      int                       `json:"total"`
		Operations map[string]map[string]int `json:"operations"`
	}
	if err := json.Unmarshal(body, &stats); err != nil {
		return fmt.Errorf("reading the emulator's stats: %w", err)
	}
	d.say("\n==> The emulator answered %d requests:", stats.Total)
	for _, op := range slices.Sorted(maps.Keys(stats.Operations)) {
		var counts []string
		for _, status := range slices.Sorted(maps.Keys(stats.Operations[op])) {
			counts = append(counts, fmt.Sprintf("%d answered %s", stats.Operations[op][status], status))
		}
		d.say("    %-22s %s", op, strings.Join(counts, ", "))
	}
	return nil
}

// prepare copies an example folder to .demo/work/<name>, so that nothing is written into examples/.
func (d *demo) prepare(name string) (*scenario, error) {
	src, dst := filepath.Join(d.root, "examples", name), filepath.Join(d.dir, "work", name)
	files, err := os.ReadDir(src)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, err
	}
	for _, f := range files {
		// Only the configuration: not state or a .terraform folder left by someone running it by hand.
		if !f.Type().IsRegular() || !strings.HasSuffix(f.Name(), ".tf") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, f.Name()))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dst, f.Name()), data, 0o644); err != nil {
			return nil, err
		}
	}
	d.say("    Working copy: %s", d.rel(dst))
	return &scenario{name: name, dir: dst, env: d.tfEnv}, nil
}

// show says how much of a command's output the reader sees.
type show int

const (
	quiet   show = iota // nothing, unless it fails
	summary             // the lines that say what happened ("Apply complete! ...", "No changes.")
	full                // everything but the dev_overrides warning
	silent              // nothing, even when it fails: the caller reads the output and decides
)

// tf runs a Terraform command in the scenario's folder and returns its exit code. Exit code 2 of
// plan -detailed-exitcode (changes present) is a result, not an error.
func (d *demo) tf(ctx context.Context, sc *scenario, show show, args ...string) (int, error) {
	d.say("--> terraform %s", shellJoin(args))
	code, _, err := d.exec(ctx, sc.dir, sc.env, show, d.terraform, args...)
	var exitErr *exec.ExitError
	if code == 2 && slices.Contains(args, "-detailed-exitcode") && errors.As(err, &exitErr) {
		return code, nil
	}
	return code, err
}

// tfOutput runs a Terraform command like tf and returns its output as shown, without the
// dev_overrides warning.
func (d *demo) tfOutput(ctx context.Context, sc *scenario, show show, args ...string) (string, error) {
	d.say("--> terraform %s", shellJoin(args))
	_, out, err := d.exec(ctx, sc.dir, sc.env, show, d.terraform, args...)
	return out, err
}

// capture runs a Terraform command quietly and returns its standard output, for commands such as
// `output -json` whose output the demo reads.
func (d *demo) capture(ctx context.Context, sc *scenario, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := d.command(ctx, sc.dir, sc.env, d.terraform, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("terraform %s: %v\n%s", strings.Join(args, " "), err, indent(d.clean(stderr.String())))
	}
	return stdout.Bytes(), nil
}

// exec runs a command in dir and returns its exit code and its output, cleaned; a failure carries
// the command and says where its output is.
func (d *demo) exec(ctx context.Context, dir string, env []string, show show, name string, args ...string) (int, string, error) {
	// One writer for both streams keeps Terraform's errors where they happened in its output.
	var out bytes.Buffer
	cmd := d.command(ctx, dir, env, name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	text := d.clean(out.String())
	if d.verbose || show == full || (err != nil && show != silent) {
		fmt.Print(indent(text))
	} else if show == summary {
		for line := range strings.Lines(stripANSI(text)) {
			if t := strings.TrimSpace(line); isSummary(t) {
				d.say("    %s", t)
			}
		}
	}
	if err != nil {
		code := -1
		if cmd.ProcessState != nil {
			code = cmd.ProcessState.ExitCode()
		}
		if text != "" && show != silent {
			err = fmt.Errorf("%w (its output is above)", err)
		}
		return code, text, fmt.Errorf("`%s %s` in %s failed: %w", filepath.Base(name), shellJoin(args), d.rel(dir), err)
	}
	return 0, text, nil
}

// command prepares a command that stops gracefully with the demo: Terraform, interrupted once,
// finishes the requests in flight and saves its state instead of being killed mid-write.
func (d *demo) command(ctx context.Context, dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Cancel = func() error {
		// Ctrl-C in a terminal interrupts Terraform as well, and a second interrupt would make it
		// exit at once without saving state; so only a termination is passed on.
		if errors.Is(context.Cause(ctx), errInterrupted) {
			return nil
		}
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 30 * time.Second
	return cmd
}

func isSummary(line string) bool {
	for _, p := range []string{"Apply complete!", "No changes.", "Plan:", "Destroy complete!", "Note: Objects have changed outside of Terraform"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// planSummary returns the "Plan: ..." line of a plan's output, or "" when there is none.
func planSummary(out string) string {
	for line := range strings.Lines(stripANSI(out)) {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "Plan:") {
			return t
		}
	}
	return ""
}

// diagnosticText returns the text of the diagnostic boxes in Terraform's output as one line with
// single spaces, so that a phrase can be found wherever Terraform wrapped it.
func diagnosticText(out string) string {
	var words []string
	for line := range strings.Lines(stripANSI(out)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "│"); ok {
			words = append(words, strings.Fields(rest)...)
		}
	}
	return strings.Join(words, " ")
}

// expectedFailure keeps what a reader needs of a command that failed on purpose: the plan line and
// the error boxes, without Terraform's progress lines.
func expectedFailure(out string) string {
	var keep []string
	inBox := false
	for line := range strings.Lines(out) {
		t := strings.TrimSpace(stripANSI(line))
		switch {
		case strings.HasPrefix(t, "╷"):
			inBox = true
			keep = append(keep, line)
		case inBox:
			keep = append(keep, line)
			inBox = !strings.HasPrefix(t, "╵")
		case strings.HasPrefix(t, "Plan:"):
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "")
}

// withEnv returns a copy of env with key set to value, replacing any earlier setting of key.
func withEnv(env []string, key, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}

// shellJoin joins a command's arguments for display, quoting the ones a POSIX shell would split or
// interpret, so that a line can be pasted into a shell.
func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:@%+") == "" {
			quoted[i] = a
		} else {
			quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

// clean drops the warning Terraform prints on every command while dev_overrides is in effect (the
// demo uses it on purpose), trims blank lines around the output, and drops colors when the
// output is not a terminal.
func (d *demo) clean(s string) string {
	if !d.color {
		s = stripANSI(s)
	}
	var out, box []string
	for line := range strings.Lines(s) {
		switch {
		case box == nil && strings.Contains(line, "╷"):
			box = []string{line}
		case box != nil:
			box = append(box, line)
			if strings.Contains(line, "╵") {
				if !strings.Contains(strings.Join(box, ""), "Provider development overrides are in effect") {
					out = append(out, box...)
				}
				box = nil
			}
		default:
			out = append(out, line)
		}
	}
	return strings.Trim(strings.Join(append(out, box...), ""), "\n")
}

// indent prefixes every line with four spaces and ends the text with a newline.
func indent(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	for line := range strings.Lines(strings.TrimRight(s, "\n") + "\n") {
		if line != "\n" {
			b.WriteString("    ")
		}
		b.WriteString(line)
	}
	return b.String()
}

// entry reads (GET) or writes (POST) an entry of a standard data store in the emulator with the demo
// key, as a game server or a script would, and returns the body and headers of a 2xx answer. A body
// is sent with its content-md5, as the real service requires.
func (d *demo) entry(ctx context.Context, method, datastore, key string, body []byte, hdr map[string]string) ([]byte, http.Header, error) {
	q := url.Values{"datastoreName": {datastore}, "entryKey": {key}, "scope": {"global"}}
	target := d.baseURL + "/datastores/v1/universes/" + universeID + "/standard-datastores/datastore/entries/entry?" + q.Encode()
	h := map[string]string{"x-api-key": d.apiKey}
	if body != nil {
		sum := md5.Sum(body)
		h["content-md5"] = base64.StdEncoding.EncodeToString(sum[:])
		h["content-type"] = "application/json"
	}
	for k, v := range hdr {
		h[k] = v
	}
	return d.request(ctx, method, target, body, h)
}

// request sends one HTTP request and returns the body and headers of a 2xx answer, or a
// *statusError for any other answer; empty header values are left out.
func (d *demo) request(ctx context.Context, method, target string, body []byte, hdr map[string]string) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	for k, v := range hdr {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, nil, &statusError{code: resp.StatusCode,
			msg: fmt.Sprintf("%s %s: %s: %s", method, strings.SplitN(target, "?", 2)[0], resp.Status, bytes.TrimSpace(data))}
	}
	return data, resp.Header, nil
}

// statusError is an answer outside 2xx.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

// sameJSON reports whether two JSON texts have the same meaning.
func sameJSON(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

func (d *demo) say(format string, args ...any) { fmt.Printf(format+"\n", args...) }

// rel shortens a path under the repository root for messages.
func (d *demo) rel(path string) string {
	if r, err := filepath.Rel(d.root, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// colorTerminal reports whether standard output is a terminal that wants colors.
func colorTerminal() bool {
	fi, err := os.Stdout.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}
