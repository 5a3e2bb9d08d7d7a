package provider

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/emulator"
)

const (
	testAPIKey   = "test-api-key-0123456789"
	testUniverse = 4242
)

// testProviders serves the provider in-process to terraform-plugin-testing.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"roblox": providerserver.NewProtocol6WithError(New("test")()),
}

// testEnv is one in-process emulator with its loopback server; every acceptance test gets its own,
// so tests are hermetic and may run in parallel.
type testEnv struct {
	emu *emulator.Emulator
	url string
}

func newTestEnv(t *testing.T, opts emulator.Options) *testEnv {
	t.Helper()
	if len(opts.APIKeys) == 0 && len(opts.Keys) == 0 {
		opts.APIKeys = []string{testAPIKey}
	}
	emu, err := emulator.New(opts)
	if err != nil {
		t.Fatalf("starting emulator: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(func() {
		srv.Close()
		_ = emu.Close()
	})
	return &testEnv{emu: emu, url: srv.URL}
}

// providerConfig is the provider block pointing at the emulator, with a short backoff so fault
// injection stays quick.
func (e *testEnv) providerConfig() string {
	return e.providerConfigWithKey(testAPIKey)
}

func (e *testEnv) providerConfigWithKey(key string) string {
	return fmt.Sprintf(`
provider "roblox" {
  api_key            = %q
  base_url           = %q
  universe_id        = %d
  min_retry_delay_ms = 5
}
`, key, e.url, testUniverse)
}
