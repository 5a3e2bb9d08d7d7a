// Command opencloud-emulator serves a local emulator of the Roblox Open Cloud
// data store v1 APIs (standard and ordered data stores) on the same paths as
// https://apis.roblox.com, so that any Open Cloud client can be pointed at it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
)

// envAPIKey names an environment variable holding one more full-access key,
// so that a key need not appear in the process list.
const envAPIKey = "OPENCLOUD_EMULATOR_API_KEY"

// keyList collects repeated -api-key flags.
type keyList []string

// String never shows the keys, because flag prints defaults in -h.
func (k *keyList) String() string { return "" }

func (k *keyList) Set(s string) error {
	if s == "" {
		return errors.New("an API key cannot be empty")
	}
	*k = append(*k, s)
	return nil
}

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("opencloud-emulator", flag.ContinueOnError)
	var (
		apiKeys   keyList
		addr      = fs.String("addr", "127.0.0.1:8787", "`address` to listen on")
		keysFile  = fs.String("keys", "", "JSON `file` of API keys with permissions: {\"keys\":[{\"key\":\"...\",\"universeId\":123,\"datastores\":[...],\"operations\":[...],\"expiresAt\":\"...\",\"allowedCidrs\":[...]}]}")
		statePath = fs.String("state", "", "state `file`; writes survive restarts and crashes (default: memory only)")
		latency   = fs.Duration("latency", 0, "`delay` added before every API request")
		rateLimit = fs.Int("rate-limit", 0, "requests per minute per universe and category (standard-read, standard-write, ordered-read, ordered-write); 0 = off")
		fault429  = fs.Float64("fault-429", 0, "`probability` (0-1) of answering 429 without processing the request")
		fault500  = fs.Float64("fault-500", 0, "`probability` (0-1) of answering 500 without processing the request")
		faultAW   = fs.Float64("fault-500-after-write", 0, "`probability` (0-1) of storing a write, then answering 500")
		faultSeed = fs.Int64("fault-seed", 0, "`seed` of the random source that decides faults")
	)
	fs.Var(&apiKeys, "api-key", "full-access API `key` (repeatable); "+envAPIKey+", when set, adds one more")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: opencloud-emulator [flags]\n\n"+
			"Serves the Roblox Open Cloud data store v1 APIs on the paths of https://apis.roblox.com.\n"+
			"At least one API key is required: -api-key, -keys, or the %s environment variable.\n"+
			"GET /_emulator/stats answers request counts by operation and status.\n\nFlags:\n", envAPIKey)
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "opencloud-emulator: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if v := os.Getenv(envAPIKey); v != "" {
		apiKeys = append(apiKeys, v)
	}
	var keys []emulator.Key
	if *keysFile != "" {
		var err error
		if keys, err = emulator.LoadKeysFile(*keysFile); err != nil {
			fmt.Fprintf(os.Stderr, "opencloud-emulator: %v\n", err)
			return 2
		}
	}
	if len(apiKeys) == 0 && len(keys) == 0 {
		fmt.Fprintf(os.Stderr, "opencloud-emulator: no API key: pass -api-key KEY, -keys FILE or set %s\n", envAPIKey)
		return 2
	}
	for name, p := range map[string]float64{"-fault-429": *fault429, "-fault-500": *fault500, "-fault-500-after-write": *faultAW} {
		if !(p >= 0 && p <= 1) {
			fmt.Fprintf(os.Stderr, "opencloud-emulator: %s must be a probability between 0 and 1, got %v\n", name, p)
			return 2
		}
	}
	if *rateLimit < 0 {
		fmt.Fprintf(os.Stderr, "opencloud-emulator: -rate-limit must be 0 (off) or positive, got %d\n", *rateLimit)
		return 2
	}
	if *latency < 0 {
		fmt.Fprintf(os.Stderr, "opencloud-emulator: -latency must not be negative, got %s\n", *latency)
		return 2
	}

	em, err := emulator.New(emulator.Options{
		APIKeys:            apiKeys,
		Keys:               keys,
		RateLimit:          *rateLimit,
		Latency:            *latency,
		Fault429:           *fault429,
		Fault500:           *fault500,
		Fault500AfterWrite: *faultAW,
		FaultSeed:          *faultSeed,
		StatePath:          *statePath,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "opencloud-emulator: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "opencloud-emulator: %v\n", err)
		em.Close()
		return 1
	}
	srv := &http.Server{Handler: em, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Printf("opencloud-emulator listening on http://%s", ln.Addr())

	code := 0
	select {
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := srv.Shutdown(shutdownCtx); err != nil {
			log.Printf("opencloud-emulator: shutdown: %v", err)
			code = 1
		}
		cancel()
	case err := <-served:
		log.Printf("opencloud-emulator: %v", err)
		code = 1
	}
	if err := em.Close(); err != nil {
		log.Printf("opencloud-emulator: closing the state file: %v", err)
		code = 1
	}
	return code
}
