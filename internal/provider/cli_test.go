package provider

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// cliWorkspace runs the real Terraform CLI in a temporary directory against this provider served
// in-process, so a test can drive whole commands (apply, plan, destroy, validate) and count what
// each one sends to the emulator. terraform-plugin-testing runs several commands per step, which
// makes per-command counts impossible there.
type cliWorkspace struct {
	tf  *tfexec.Terraform
	dir string
	// reattach goes on every command: it tells Terraform where the in-process provider listens.
	reattach *tfexec.ReattachOption
}

// terraformCLI finds the CLI the acceptance tests use: TF_ACC_TERRAFORM_PATH, else PATH.
func terraformCLI(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no Terraform CLI on PATH and TF_ACC_TERRAFORM_PATH unset; `make test` provides one")
	}
	return p
}

// providerHost is the registry host Terraform resolves the provider under (OpenTofu uses its own).
func providerHost() string {
	if h := os.Getenv("TF_ACC_PROVIDER_HOST"); h != "" {
		return h
	}
	return "registry.terraform.io"
}

func newCLIWorkspace(t *testing.T, files map[string]string) *cliWorkspace {
	t.Helper()
	bin := terraformCLI(t)
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	addr := providerHost() + "/terraform-roblox/roblox"
	go func() {
		err := tf6server.Serve(addr, providerserver.NewProtocol6(New("test")()), tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()), tf6server.WithLoggingSink(t))
		if err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	cfg := <-reattach
	t.Cleanup(func() {
		cancel()
		<-closed
	})

	tf, err := tfexec.NewTerraform(dir, bin)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CHECKPOINT_DISABLE": "1"}
	if err := tf.SetEnv(env); err != nil {
		t.Fatal(err)
	}
	reattachOpt := tfexec.Reattach(tfexec.ReattachInfo{addr: tfexec.ReattachConfig{
		Protocol:        string(cfg.Protocol),
		ProtocolVersion: cfg.ProtocolVersion,
		Pid:             cfg.Pid,
		Test:            true,
		Addr:            tfexec.ReattachConfigAddr{Network: cfg.Addr.Network(), String: cfg.Addr.String()},
	}})
	if err := tf.Init(context.Background(), reattachOpt); err != nil {
		t.Fatalf("terraform init: %v", err)
	}
	return &cliWorkspace{tf: tf, dir: dir, reattach: reattachOpt}
}

// requiredProvider is the terraform block every CLI workspace needs so the in-process provider is used.
func requiredProvider() string {
	return `
terraform {
  required_providers {
    roblox = {
      source = "` + strings.TrimPrefix(providerHost()+"/terraform-roblox/roblox", "registry.terraform.io/") + `"
    }
  }
}
`
}
