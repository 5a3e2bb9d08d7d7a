package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

// idAttribute is the computed id of every resource, which is also its import ID.
func idAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "`universe_id/datastore_name/scope/key`, each segment percent-encoded; the import ID.",
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// scopeAttribute is the scope of every resource, `global` unless set.
func scopeAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Scope of the entry, 1 to 50 bytes. Defaults to `global`. Changing it replaces the entry.",
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(opencloud.DefaultScope),
		Validators:          nameValidators(),
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

// universeIDAttribute is the universe_id of every resource: optional when the provider sets one.
func universeIDAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "Universe (experience) id. Defaults to the provider's `universe_id`. Changing it replaces the entry.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.Int64{int64validator.AtLeast(1)},
		PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown(), int64planmodifier.RequiresReplace()},
	}
}

func identityStringAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description + " Changing it replaces the entry.",
		Required:            true,
		Validators:          nameValidators(),
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

// planUniverse fills universe_id from the provider's default when the configuration leaves it out,
// so the plan shows the universe that will be used, and replaces the entry when that default changes.
func planUniverse(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var configured types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("universe_id"), &configured)...)
	if resp.Diagnostics.HasError() || !configured.IsNull() || data == nil {
		return
	}
	if data.universeID == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("universe_id"), "Missing Universe ID",
			"Set universe_id on this resource, or universe_id in the provider block (or the ROBLOX_UNIVERSE_ID environment variable).")
		return
	}
	planned := types.Int64Value(data.universeID)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("universe_id"), planned)...)
	if req.State.Raw.IsNull() {
		return
	}
	var prior types.Int64
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("universe_id"), &prior)...)
	if !prior.Equal(planned) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("universe_id"))
	}
}

// importEntryID sets the identity attributes from an import ID.
func importEntryID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseEntryID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Could not import %q: %s. The import ID format is %s.", req.ID, err, importIDFormat))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("universe_id"), id.UniverseID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("datastore_name"), id.Datastore)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("scope"), id.Scope)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key"), id.Key)...)
}

// keepStateWhenSemanticallyEqual plans the prior JSON text when the configured text means the same.
// The framework applies a custom type's semantic equality after apply and read but not to plans, so
// without this a reformatted value would plan a write; Terraform accepts the prior value in place of
// the configured one because they are equivalent.
func keepStateWhenSemanticallyEqual() planmodifier.String {
	return semanticJSONModifier{}
}

type semanticJSONModifier struct{}

func (semanticJSONModifier) Description(context.Context) string {
	return "Keeps the value in state when the configured JSON means the same."
}

func (m semanticJSONModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (semanticJSONModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if eq, err := JSONSemanticallyEqual([]byte(req.StateValue.ValueString()), []byte(req.PlanValue.ValueString())); err == nil && eq {
		resp.PlanValue = req.StateValue
	}
}

// attributesValidator checks the service's limits on entry attributes: a JSON object whose
// serialized form is under 300 bytes, keys of at most 50 characters and values of at most 250.
type attributesValidator struct{}

func (attributesValidator) Description(context.Context) string {
	return "a JSON object under 300 bytes, keys up to 50 characters, values up to 250 characters"
}

func (v attributesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (attributesValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(req.ConfigValue.ValueString()), &obj) != nil {
		return // the JSON object type reports malformed text
	}
	compact, _ := json.Marshal(obj)
	if len(compact) >= 300 {
		resp.Diagnostics.AddAttributeError(req.Path, "Attributes Too Large",
			fmt.Sprintf("attributes serialize to %d bytes; the service accepts under 300. Move large data into value.", len(compact)))
	}
	for k, raw := range obj {
		if n := utf8.RuneCountInString(k); n > 50 {
			resp.Diagnostics.AddAttributeError(req.Path, "Attribute Key Too Long",
				fmt.Sprintf("attribute key %q is %d characters; the service accepts at most 50.", k, n))
		}
		text := string(raw)
		var s string
		if json.Unmarshal(raw, &s) == nil {
			text = s
		}
		if n := utf8.RuneCountInString(text); n > 250 {
			resp.Diagnostics.AddAttributeError(req.Path, "Attribute Value Too Long",
				fmt.Sprintf("the value of attribute %q is %d characters; the service accepts at most 250.", k, n))
		}
	}
}
