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
	// universeID is the experience the demo pretends to manage; the emulator accepts any id.
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
	emulator        *exec.Cmd
	emulatorDone    chan struct{}

	step string // what the demo is doing, for the failure message
}

// scenario is one example folder, run in a copy under .demo/work/.
type scenario struct {
	name, dir string
	vars      []string // -var flags every plan and apply of the scenario needs
}

func (d *demo) run(ctx context.Context, tfFlag string) error {
	if err := d.locate(tfFlag); err != nil {
		return err
	}
	d.step = "building the provider and the emulator"
	d.say("==> Building the provider and the emulator into %s (minutes the first time, seconds once Go has cached the build)", d.rel(d.bin))
	if _, err := d.exec(ctx, d.root, os.Environ(), quiet, "go", "build", "-o", d.bin+string(filepath.Separator),
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
	leaderboard, err := d.leaderboard(ctx)
	if err != nil {
		return err
	}
	migration, err := d.migration(ctx)
	if err != nil {
		return err
	}

	d.say("\n==> Checking that a second plan finds nothing to do in every scenario")
	for _, sc := range []*scenario{liveops, leaderboard, migration} {
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

// startEmulator runs the emulator on a free loopback port with a random full-access key. The key
// goes by environment, not argument, so it stays out of the process list.
func (d *demo) startEmulator() error {
	d.step = "starting the Open Cloud emulator"
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	d.apiKey = "demo-" + hex.EncodeToString(key)
	logPath := filepath.Join(d.dir, "emulator.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close() // the child holds its own copy

	d.emulator = exec.Command(filepath.Join(d.bin, "opencloud-emulator"+exeSuffix()), "-addr", "127.0.0.1:0")
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
			d.say("==> Starting the Open Cloud emulator on %s with a demo key (log: %s)",
				strings.TrimPrefix(d.baseURL, "http://"), d.rel(logPath))
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

// stopEmulator asks the emulator to shut down and waits for it, unless -keep asked to leave it running.
func (d *demo) stopEmulator() {
	if d.keep {
		d.say("\n==> The emulator keeps running (pid %d). To try more commands against the demo's state:", d.emulator.Process.Pid)
		d.say("    export TF_CLI_CONFIG_FILE=%s CHECKPOINT_DISABLE=1", filepath.Join(d.dir, "terraform.rc"))
		d.say("    export ROBLOX_BASE_URL=%s ROBLOX_API_KEY=%s ROBLOX_UNIVERSE_ID=%s", d.baseURL, d.apiKey, universeID)
		d.say("    cd %s && terraform plan", d.rel(filepath.Join(d.dir, "work", "leaderboard")))
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

// leaderboard seeds ordered entries, reads the top 3 back and checks them against the seeded scores.
func (d *demo) leaderboard(ctx context.Context) (*scenario, error) {
	d.step = "Scenario 2: Leaderboard"
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

// inventory is the old-schema data the migration scenario starts from, as a game would have written it.
var inventory = []struct {
	userID   int
	currency int
	weapon   string
	level    int
}{
	{1, 120, "Sword", 3},
	{2, 45, "Bow", 1},
	{3, 980, "Staff", 12},
	{4, 0, "Dagger", 2},
	{5, 310, "Axe", 7},
}

// migration seeds entries over HTTP, then lets Terraform migrate them to a new schema and store.
func (d *demo) migration(ctx context.Context) (*scenario, error) {
	d.step = "Scenario 3: Migration"
	d.say("\n==> %s (examples/migration)", d.step)
	d.say("    First the game's data: %d players in data store \"Inventory\", written over the Open Cloud API.", len(inventory))
	for _, p := range inventory {
		body := fmt.Sprintf(`{"currency":%d,"weapon":%q,"level":%d}`, p.currency, p.weapon, p.level)
		hdr := map[string]string{"roblox-entry-userids": fmt.Sprintf("[%d]", p.userID)}
		if _, _, err := d.entry(ctx, http.MethodPost, "Inventory", fmt.Sprintf("User_%d", p.userID), []byte(body), hdr); err != nil {
			return nil, err
		}
	}
	d.say("    Then Terraform reads them all, converts them to schema version 2 and writes them to \"InventoryV2\".")
	sc, err := d.prepare("migration")
	if err != nil {
		return nil, err
	}
	if _, err := d.tf(ctx, sc, summary, "apply", "-auto-approve"); err != nil {
		return nil, err
	}
	for i, p := range inventory {
		key := fmt.Sprintf("User_%d", p.userID)
		value, hdr, err := d.entry(ctx, http.MethodGet, "InventoryV2", key, nil, nil)
		if err != nil {
			return nil, err
		}
		want := fmt.Sprintf(`{"schema_version":2,"wallet":{"coins":%d,"gems":0},"loadout":{"primary":%q},"level":%d}`,
			p.currency, p.weapon, p.level)
		if !sameJSON(value, []byte(want)) {
			return nil, fmt.Errorf("InventoryV2/%s holds %s, want %s", key, value, want)
		}
		if ids := hdr.Get("roblox-entry-userids"); !sameJSON([]byte(ids), fmt.Appendf(nil, "[%d]", p.userID)) {
			return nil, fmt.Errorf("InventoryV2/%s has user ids %s, want [%d]", key, ids, p.userID)
		}
		if i == 0 {
			d.say("    %s before: {\"currency\":%d,\"weapon\":%q,\"level\":%d}", key, p.currency, p.weapon, p.level)
			d.say("    %s after:  %s", key, value)
		}
	}
	d.say("    Checked over HTTP: all %d entries of InventoryV2 hold the new schema and keep their user ids.", len(inventory))
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
	return &scenario{name: name, dir: dst}, nil
}

// show says how much of a command's output the reader sees.
type show int

const (
	quiet   show = iota // nothing, unless it fails
	summary             // the lines that say what happened ("Apply complete! ...", "No changes.")
	full                // everything but the dev_overrides warning
)

// tf runs a Terraform command in the scenario's folder and returns its exit code. Exit code 2 of
// plan -detailed-exitcode (changes present) is a result, not an error.
func (d *demo) tf(ctx context.Context, sc *scenario, show show, args ...string) (int, error) {
	d.say("--> terraform %s", strings.Join(args, " "))
	code, err := d.exec(ctx, sc.dir, d.tfEnv, show, d.terraform, args...)
	var exitErr *exec.ExitError
	if code == 2 && slices.Contains(args, "-detailed-exitcode") && errors.As(err, &exitErr) {
		return code, nil
	}
	return code, err
}

// capture runs a Terraform command quietly and returns its standard output, for commands such as
// `output -json` whose output the demo reads.
func (d *demo) capture(ctx context.Context, sc *scenario, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := d.command(ctx, sc.dir, d.tfEnv, d.terraform, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("terraform %s: %v\n%s", strings.Join(args, " "), err, indent(d.clean(stderr.String())))
	}
	return stdout.Bytes(), nil
}

// exec runs a command in dir and returns its exit code; a failure carries the command and its output.
func (d *demo) exec(ctx context.Context, dir string, env []string, show show, name string, args ...string) (int, error) {
	// One writer for both streams keeps Terraform's errors where they happened in its output.
	var out bytes.Buffer
	cmd := d.command(ctx, dir, env, name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	text := d.clean(out.String())
	if d.verbose || show == full || err != nil {
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
		if text != "" {
			err = fmt.Errorf("%w (its output is above)", err)
		}
		return code, fmt.Errorf("`%s %s` in %s failed: %w", filepath.Base(name), strings.Join(args, " "), d.rel(dir), err)
	}
	return 0, nil
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

// request sends one HTTP request and returns the body and headers of a 2xx answer; empty header
// values are left out.
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
		return nil, nil, fmt.Errorf("%s %s: %s: %s", method, strings.SplitN(target, "?", 2)[0], resp.Status, bytes.TrimSpace(data))
	}
	return data, resp.Header, nil
}

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
