package provider

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/terraform-roblox/terraform-provider-roblox/internal/opencloud"
)

// nameValidators enforce the service's limit on data store names, scopes and keys: 1 to 50 bytes.
func nameValidators() []validator.String {
	return []validator.String{stringvalidator.LengthBetween(1, 50)}
}

// entryID is the identity of an entry: universe_id/datastore_name/scope/key, each segment
// percent-encoded so keys may hold "/".
type entryID struct {
	UniverseID int64
	Datastore  string
	Scope      string
	Key        string
}

func (id entryID) String() string {
	return strconv.FormatInt(id.UniverseID, 10) + "/" + url.PathEscape(id.Datastore) + "/" +
		url.PathEscape(id.Scope) + "/" + url.PathEscape(id.Key)
}

func (id entryID) describe() string {
	return fmt.Sprintf("entry %q in data store %q (scope %q, universe %d)", id.Key, id.Datastore, id.Scope, id.UniverseID)
}

func (id entryID) entryRef() opencloud.EntryRef {
	return opencloud.EntryRef{UniverseID: id.UniverseID, Datastore: id.Datastore, Scope: id.Scope, Key: id.Key}
}

func (id entryID) orderedRef() opencloud.OrderedRef {
	return opencloud.OrderedRef{UniverseID: id.UniverseID, Datastore: id.Datastore, Scope: id.Scope, Key: id.Key}
}

// parseEntryID reads an import ID. The error says what was wrong; the caller adds the format.
func parseEntryID(s string) (entryID, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 4 {
		return entryID{}, fmt.Errorf("expected 4 segments separated by \"/\", got %d (encode a \"/\" inside a key as %%2F)", len(parts))
	}
	u, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || u < 1 {
		return entryID{}, fmt.Errorf("universe id %q is not a positive integer", parts[0])
	}
	var seg [3]string
	for i, name := range []string{"data store name", "scope", "key"} {
		v, err := url.PathUnescape(parts[i+1])
		if err != nil {
			return entryID{}, fmt.Errorf("%s %q is not validly percent-encoded", name, parts[i+1])
		}
		if v == "" || len(v) > 50 {
			return entryID{}, fmt.Errorf("%s %q must be 1 to 50 bytes long", name, v)
		}
		seg[i] = v
	}
	return entryID{UniverseID: u, Datastore: seg[0], Scope: seg[1], Key: seg[2]}, nil
}

// importIDFormat is shown in every import error.
const importIDFormat = "universe_id/datastore_name/scope/key, each segment percent-encoded, for example 123456/Inventory/global/User_1"

// addAPIError reports a failed Open Cloud call with wording for the common causes.
func addAPIError(diags *diag.Diagnostics, summary, what string, err error) {
	detail := fmt.Sprintf("Could not %s: %s", what, err)
	var apiErr *opencloud.Error
	switch {
	case errors.Is(err, opencloud.ErrUnauthorized):
		detail += "\n\nThe API key was refused: check api_key (or ROBLOX_API_KEY), that it has not expired, and that its IP allow list includes this machine."
	case errors.Is(err, opencloud.ErrForbidden):
		detail += "\n\nThe API key lacks a permission for this operation, universe or data store. Add it on the Creator Dashboard under Open Cloud > API Keys."
	case errors.Is(err, opencloud.ErrRateLimited):
		detail += "\n\nThe service kept answering 429 after the provider's retries. Lower requests_per_minute or -parallelism, or try again later."
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500:
		detail += "\n\nThe service failed after the provider's retries. Try again; nothing was changed beyond what the next plan shows."
	}
	diags.AddError(summary, detail)
}
