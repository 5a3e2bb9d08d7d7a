package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// emulatorCheck is a state check that looks into the emulator instead of Terraform's state.
type emulatorCheck func() error

var _ statecheck.StateCheck = emulatorCheck(nil)

func (f emulatorCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}
