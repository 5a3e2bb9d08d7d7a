package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

var (
	_ resource.ResourceWithConfigure   = (*orderedEntryResource)(nil)
	_ resource.ResourceWithImportState = (*orderedEntryResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*orderedEntryResource)(nil)
)

// NewOrderedEntryResource returns the roblox_ordered_entry resource.
func NewOrderedEntryResource() resource.Resource {
	return &orderedEntryResource{}
}

type orderedEntryResource struct {
	data *providerData
}

type orderedEntryModel struct {
	ID            types.String `tfsdk:"id"`
	UniverseID    types.Int64  `tfsdk:"universe_id"`
	DatastoreName types.String `tfsdk:"datastore_name"`
	Scope         types.String `tfsdk:"scope"`
	Key           types.String `tfsdk:"key"`
	Value         types.Int64  `tfsdk:"value"`
}

func (r *orderedEntryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ordered_entry"
}

func (r *orderedEntryResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An entry of an ordered data store: an integer value kept in sorted order, as used for leaderboards. " +
			"Creating never overwrites an existing entry. Updates set the value unconditionally: ordered data stores keep no " +
			"versions, so a change made by game servers after the last refresh is overwritten.",
		Attributes: map[string]schema.Attribute{
			"id":             idAttribute(),
			"universe_id":    universeIDAttribute(),
			"datastore_name": identityStringAttribute("Name of the ordered data store, 1 to 50 bytes."),
			"scope":          scopeAttribute(),
			"key":            identityStringAttribute("Key (entry id) of the entry, 1 to 50 bytes."),
			"value": schema.Int64Attribute{
				MarkdownDescription: "The entry's value, a 64-bit signed integer.",
				Required:            true,
			},
		},
	}
}

func (r *orderedEntryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *orderedEntryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	planUniverse(ctx, r.data, req, resp)
}

func (r *orderedEntryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan orderedEntryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := plan.identity()
	value := plan.Value.ValueInt64()
	_, err := r.data.client.CreateOrderedEntry(ctx, id.orderedRef(), value)
	if opencloud.IsAlreadyExists(err) {
		// A retried create whose first answer was lost finds its own entry: that is success.
		current, getErr := r.data.client.GetOrderedEntry(ctx, id.orderedRef())
		if getErr != nil || current.Value != value {
			resp.Diagnostics.AddAttributeError(path.Root("key"), "Ordered Entry Already Exists",
				fmt.Sprintf("Could not create %s: it already exists, and Terraform never overwrites an entry it does not manage. "+
					"Import it with: terraform import roblox_ordered_entry.NAME %s", id.describe(), id))
			return
		}
		err = nil
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Creating Ordered Entry", "create "+id.describe(), err)
		return
	}
	plan.ID = types.StringValue(id.String())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *orderedEntryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state orderedEntryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.identity()
	entry, err := r.data.client.GetOrderedEntry(ctx, id.orderedRef())
	if opencloud.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Reading Ordered Entry", "read "+id.describe(), err)
		return
	}
	state.Value = types.Int64Value(entry.Value)
	state.ID = types.StringValue(id.String())
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *orderedEntryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan orderedEntryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := plan.identity()
	// allow_missing stays off: an entry deleted since the last refresh is reported, not silently re-created.
	_, err := r.data.client.UpdateOrderedEntry(ctx, id.orderedRef(), plan.Value.ValueInt64(), false)
	if opencloud.IsNotFound(err) {
		resp.Diagnostics.AddError("Ordered Entry Deleted Outside Terraform",
			fmt.Sprintf("Could not update %s: it was deleted since Terraform last read it. Run terraform apply again to create it.", id.describe()))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error Updating Ordered Entry", "update "+id.describe(), err)
		return
	}
	plan.ID = types.StringValue(id.String())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *orderedEntryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state orderedEntryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.identity()
	if err := r.data.client.DeleteOrderedEntry(ctx, id.orderedRef()); err != nil && !opencloud.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Error Deleting Ordered Entry", "delete "+id.describe(), err)
	}
}

func (r *orderedEntryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importEntryID(ctx, req, resp)
}

func (m *orderedEntryModel) identity() entryID {
	return entryID{
		UniverseID: m.UniverseID.ValueInt64(),
		Datastore:  m.DatastoreName.ValueString(),
		Scope:      m.Scope.ValueString(),
		Key:        m.Key.ValueString(),
	}
}
