package provider

import (
	"context"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// loggingTransport logs every Open Cloud request through tflog. Terraform gives each RPC a fresh
// logging context, so the API key is masked here on every request rather than once in Configure.
type loggingTransport struct {
	next   http.RoundTripper
	apiKey string
}

func newLoggingTransport(next http.RoundTripper, apiKey string) http.RoundTripper {
	return &loggingTransport{next: next, apiKey: apiKey}
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := maskKey(req.Context(), t.apiKey)
	fields := map[string]any{
		"http_method": req.Method,
		"http_url":    req.URL.Redacted(),
	}
	tflog.Trace(ctx, "Open Cloud request headers", map[string]any{"http_headers": redactedHeaders(req.Header)})
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		fields["error"] = err.Error()
		tflog.Debug(ctx, "Open Cloud request failed", fields)
		return nil, err
	}
	fields["http_status"] = resp.StatusCode
	tflog.Debug(ctx, "Open Cloud request", fields)
	return resp, nil
}

// clientLog routes the client's own messages (retries, waits) to tflog with the key masked.
func clientLog(apiKey string) func(ctx context.Context, msg string, fields ...map[string]any) {
	return func(ctx context.Context, msg string, fields ...map[string]any) {
		tflog.Debug(maskKey(ctx, apiKey), msg, fields...)
	}
}

func maskKey(ctx context.Context, apiKey string) context.Context {
	if apiKey == "" {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, apiKey)
	return tflog.MaskMessageStrings(ctx, apiKey)
}

func redactedHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k := range h {
		switch http.CanonicalHeaderKey(k) {
		case "X-Api-Key", "Authorization":
			out[k] = "***"
		default:
			out[k] = h.Get(k)
		}
	}
	return out
}
