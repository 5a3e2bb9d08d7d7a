package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

var (
	_ resource.ResourceWithConfigure   = (*datastoreEntryResource)(nil)
	_ resource.ResourceWithImportState = (*datastoreEntryResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*datastoreEntryResource)(nil)
)

// maxValueBytes is the service's limit on a standard entry's value.
const maxValueBytes = 4194304

// NewDatastoreEntryResource returns the roblox_datastore_entry resource.
func NewDatastoreEntryResource() resource.Resource {
	return &datastoreEntryResource{}
}

type datastoreEntryResource struct {
	data *providerData
}

type datastoreEntryModel struct {
	ID                 types.String    `tfsdk:"id"`
	UniverseID         types.Int64     `tfsdk:"universe_id"`
	DatastoreName      types.String    `tfsdk:"datastore_name"`
	Scope              types.String    `tfsdk:"scope"`
	Key                types.String    `tfsdk:"key"`
	Value              JSONValue       `tfsdk:"value"`
	Attributes         JSONObjectValue `tfsdk:"attributes"`
	UserIDs            types.Set       `tfsdk:"user_ids"`
	Version            types.String    `tfsdk:"version"`
	CreatedTime        types.String    `tfsdk:"created_time"`
	VersionCreatedTime types.String    `tfsdk:"version_created_time"`
}

func (r *datastoreEntryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_datastore_entry"
}

func (r *datastoreEntryResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An entry of a standard data store: a JSON value with optional attributes and user ids. " +
			"Creating never overwrites an existing entry, and updates are conditional on the version Terraform last saw, " +
			"so a change made by game servers since the last refresh is reported instead of overwritten.",
		Attributes: map[string]schema.Attribute{
			"id":             idAttribute(),
			"universe_id":    universeIDAttribute(),
			"datastore_name": identityStringAttribute("Name of the standard data store, 1 to 50 bytes."),
			"scope":          scopeAttribute(),
			"key":            identityStringAttribute("Key of the entry, 1 to 50 bytes; may hold any characters, `/` included."),
			"value": schema.StringAttribute{
				MarkdownDescription: "The entry's value as JSON text, at most 4,194,304 bytes; `jsonencode(...)` is the easy way to write it. " +
					"Compared by meaning: whitespace, key order and number spelling (`1`, `1.0`, `1e0`) make no diff, while any real change does. " +
					"Numbers are compared exactly, not as 64-bit floats.",
				CustomType:    JSONType{},
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtMost(maxValueBytes)},
				PlanModifiers: []planmodifier.String{keepStateWhenSemanticallyEqual()},
			},
			"attributes": schema.StringAttribute{
				MarkdownDescription: "Attributes of the entry as JSON object text, under 300 bytes, keys up to 50 and values up to 250 characters. " +
					"Leaving it out is the same as `{}`; the provider always sends it, because the service clears attributes a write omits.",
				CustomType:    JSONObjectType{},
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString("{}"),
				Validators:    []validator.String{attributesValidator{}},
				PlanModifiers: []planmodifier.String{keepStateWhenSemanticallyEqual()},
			},
			"user_ids": schema.SetAttribute{
				MarkdownDescription: "Roblox user ids tagged on the entry (for GDPR requests), at most 4 positive numbers. " +
					"Leaving it out is the same as an empty set.",
				ElementType: types.Int64Type,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.Int64Type, nil)),
				Validators: []validator.Set{
					setvalidator.SizeAtMost(4),
					setvalidator.ValueInt64sAre(int64validator.AtLeast(1)),
				},
			},
			"version": schema.StringAttribute{
				MarkdownDescription: "Version id of the entry as last written or read; every write creates a new one.",
				Computed:            true,
			},
			"created_time": schema.StringAttribute{
				MarkdownDescription: "When the entry was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"version_created_time": schema.StringAttribute{
				MarkdownDescription: "When the current version was written (RFC 3339).",
				Computed:            true,
			},
		},
	}
}

func (r *datastoreEntryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *datastoreEntryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	planUniverse(ctx, r.data, req, resp)
	if resp.Diagnostics.HasError() || req.State.Raw.IsNull() {
		return
	}
	var plan, state datastoreEntryModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The framework marks every computed attribute unknown as soon as the raw plan differs from
	// state, even when the difference was only JSON formatting that the plan modifiers then set
	// back. When nothing will be written, the version stays what it is.
	if plan.Value.Equal(state.Value) && plan.Attributes.Equal(state.Attributes) && plan.UserIDs.Equal(state.UserIDs) {
		plan.Version = state.Version
		plan.VersionCreatedTime = state.VersionCreatedTime
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
}

func (r *datastoreEntryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan datastoreEntryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in, diags := plan.setInput()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// exclusiveCreate: an entry that exists already is reported, never overwritten.
	in.ExclusiveCreate = true
	resp.Diagnostics.Append(r.write(ctx, &plan, in, "create")...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *datastoreEntryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state datastoreEntryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.identity()
	entry, err := r.data.client.GetEntry(ctx, id.entryRef())
	if opencloud.IsNotFound(err) {
		// Gone (deleted in-game or by hand): drop it so the next plan creates it again.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading Data Store Entry", "read "+id.describe(), err)
		return
	}
	resp.Diagnostics.Append(state.fromEntry(ctx, entry)...)
	state.ID = types.StringValue(id.String())
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *datastoreEntryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state datastoreEntryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in, diags := plan.setInput()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Send the version from state so an in-game write since the last refresh fails with 412
	// instead of being overwritten.
	in.MatchVersion = state.Version.ValueString()
	resp.Diagnostics.Append(r.write(ctx, &plan, in, "update")...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *datastoreEntryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state datastoreEntryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.identity()
	err := r.data.client.DeleteEntry(ctx, id.entryRef())
	if err != nil && !opencloud.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Error Deleting Data Store Entry", "delete "+id.describe(), err)
	}
}

func (r *datastoreEntryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importEntryID(ctx, req, resp)
}

// write sends one conditional SetEntry and records the version it made in m. A 412 is resolved by
// reading the entry back: when it holds exactly what was sent, an earlier attempt whose answer was
// lost has landed, and that is success.
func (r *datastoreEntryResource) write(ctx context.Context, m *datastoreEntryModel, in opencloud.SetEntryInput, action string) diag.Diagnostics {
	var diags diag.Diagnostics
	id := m.identity()
	ver, err := r.data.client.SetEntry(ctx, in)
	if err == nil {
		m.Version = types.StringValue(ver.Version)
		m.VersionCreatedTime = timeValue(ver.CreatedTime)
		m.CreatedTime = timeValue(ver.ObjectCreatedTime)
		m.ID = types.StringValue(id.String())
		return diags
	}
	if !opencloud.IsPreconditionFailed(err) {
		summary := "Error Creating Data Store Entry"
		if action == "update" {
			summary = "Error Updating Data Store Entry"
		}
		if action == "create" && opencloud.IsForbidden(err) {
			err = fmt.Errorf("%w\n\nCreating an entry needs the universe-datastores.objects:create permission. A key that may only "+
				"read and update entries can still manage this entry once it exists: import it with terraform import roblox_datastore_entry.NAME %s", err, id)
		}
		addAPIError(&diags, summary, action+" "+id.describe(), err)
		return diags
	}
	current, getErr := r.data.client.GetEntry(ctx, id.entryRef())
	if getErr == nil && holds(current, in) {
		m.Version = types.StringValue(current.Version)
		m.VersionCreatedTime = timeValue(current.VersionCreatedTime)
		m.CreatedTime = timeValue(current.CreatedTime)
		m.ID = types.StringValue(id.String())
		return diags
	}
	if action == "create" {
		diags.AddAttributeError(path.Root("key"), "Data Store Entry Already Exists",
			fmt.Sprintf("Could not create %s: it already exists, and Terraform never overwrites an entry it does not manage. "+
				"Import it with: terraform import roblox_datastore_entry.NAME %s", id.describe(), id))
		return diags
	}
	diags.AddAttributeError(path.Root("value"), "Data Store Entry Changed Outside Terraform",
		fmt.Sprintf("Could not update %s: it changed since Terraform last read it (expected version %s), probably written by a game server, "+
			"so nothing was overwritten. Run terraform plan (or terraform apply -refresh-only) to see the current value, then apply again.",
			id.describe(), in.MatchVersion))
	return diags
}

// holds reports whether an entry is exactly what a write sent: same value bytes, attributes by
// meaning (absent = {}), same user ids.
func holds(e *opencloud.Entry, in opencloud.SetEntryInput) bool {
	if !bytes.Equal(e.Value, in.Value) {
		return false
	}
	if eq, err := JSONSemanticallyEqual(orEmptyObject(e.Attributes), orEmptyObject(in.Attributes)); err != nil || !eq {
		return false
	}
	return sameIDs(e.UserIDs, in.UserIDs)
}

// sameIDs compares user ids as sets.
func sameIDs(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func orEmptyObject(b json.RawMessage) []byte {
	if len(bytes.TrimSpace(b)) == 0 {
		return []byte("{}")
	}
	return b
}

func (m *datastoreEntryModel) identity() entryID {
	return entryID{
		UniverseID: m.UniverseID.ValueInt64(),
		Datastore:  m.DatastoreName.ValueString(),
		Scope:      m.Scope.ValueString(),
		Key:        m.Key.ValueString(),
	}
}

func (m *datastoreEntryModel) setInput() (opencloud.SetEntryInput, diag.Diagnostics) {
	in := opencloud.SetEntryInput{
		EntryRef: m.identity().entryRef(),
		Value:    []byte(m.Value.ValueString()),
	}
	if !m.Attributes.IsNull() {
		in.Attributes = json.RawMessage(m.Attributes.ValueString())
	}
	var diags diag.Diagnostics
	if !m.UserIDs.IsNull() {
		diags = m.UserIDs.ElementsAs(context.Background(), &in.UserIDs, false)
	}
	return in, diags
}

// fromEntry copies what the service holds into m, keeping m's own JSON text where the meaning is
// the same and treating absent attributes and user ids as equal to empty ones.
func (m *datastoreEntryModel) fromEntry(ctx context.Context, e *opencloud.Entry) diag.Diagnostics {
	if eq, err := JSONSemanticallyEqual([]byte(m.Value.ValueString()), e.Value); m.Value.IsNull() || err != nil || !eq {
		m.Value = NewJSONValue(string(e.Value))
	}

	remoteAttrs := orEmptyObject(e.Attributes)
	if eq, err := JSONSemanticallyEqual([]byte(m.Attributes.ValueString()), remoteAttrs); m.Attributes.IsNull() || err != nil || !eq {
		m.Attributes = NewJSONObjectValue(string(remoteAttrs))
	}

	var stateIDs []int64
	var diags diag.Diagnostics
	if !m.UserIDs.IsNull() {
		diags.Append(m.UserIDs.ElementsAs(ctx, &stateIDs, false)...)
	}
	if m.UserIDs.IsNull() || !sameIDs(stateIDs, e.UserIDs) {
		set, d := userIDsValue(e.UserIDs)
		diags.Append(d...)
		m.UserIDs = set
	}

	m.Version = types.StringValue(e.Version)
	m.CreatedTime = timeValue(e.CreatedTime)
	m.VersionCreatedTime = timeValue(e.VersionCreatedTime)
	return diags
}

func timeValue(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}
