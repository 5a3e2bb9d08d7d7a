package provider

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestLoggingTransportMasksKey(t *testing.T) {
	t.Parallel()
	const key = "very-secret-api-key"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A misbehaving proxy echoing the key must not get it into the logs either.
		w.Header().Set("X-Echo", r.Header.Get("x-api-key"))
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()

	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/datastores/v1/universes/1/standard-datastores?prefix="+key, nil)
	req.Header.Set("x-api-key", key)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := newLoggingTransport(http.DefaultTransport, key).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	clientLog(key)(ctx, "retrying after "+key, map[string]any{"detail": key})

	logs := out.String()
	if strings.Contains(logs, key) {
		t.Errorf("the API key appears in the logs:\n%s", logs)
	}
	for _, want := range []string{`"http_method":"GET"`, `"http_status":418`, `/standard-datastores`, `"X-Api-Key":"***"`, `"Authorization":"***"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}
