// Package opencloud is a client for the Roblox Open Cloud data store API (v1): standard and ordered
// data stores, with retries, client-side rate limiting and typed errors.
package opencloud

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the address of the real service.
const DefaultBaseURL = "https://apis.roblox.com"

// maxResponseBytes bounds what the client reads of one answer: a value of at most 4 MiB plus headroom.
const maxResponseBytes = 8 << 20

// LogFunc receives the client's own log lines (retries, waits). Its signature matches tflog.Debug.
type LogFunc func(ctx context.Context, msg string, fields ...map[string]any)

// Config configures a Client. Only APIKey is required.
type Config struct {
	// BaseURL is the service address; DefaultBaseURL when empty.
	BaseURL string
	// APIKey is sent in the x-api-key header and never logged.
	APIKey string
	// UserAgent is sent on every request.
	UserAgent string
	// HTTPClient is the underlying client; its Transport is wrapped with the rate limiter.
	HTTPClient *http.Client
	// Retry configures retries of failed requests.
	Retry RetryConfig
	// RateLimits sets the client-side request budgets; zero fields take Roblox's published defaults.
	RateLimits RateLimits
	// Log receives retry and wait messages; nil discards them.
	Log LogFunc
}

// Client calls the Open Cloud data store API. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	apiKey    string
	userAgent string
	http      *http.Client
	retry     RetryConfig
	log       LogFunc
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("an API key is required")
	}
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an absolute http(s) URL", raw)
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		*hc = *cfg.HTTPClient
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = newLimitedTransport(next, cfg.RateLimits)
	log := cfg.Log
	if log == nil {
		log = func(context.Context, string, ...map[string]any) {}
	}
	return &Client{
		base:      base,
		apiKey:    cfg.APIKey,
		userAgent: cfg.UserAgent,
		http:      hc,
		retry:     cfg.Retry.withDefaults(),
		log:       log,
	}, nil
}

// request describes one API call.
type request struct {
	op       string // operation name for errors and logs
	method   string
	path     string // already escaped
	query    url.Values
	header   http.Header
	body     []byte
	universe int64
	category Category
	// repeat says whether the request may be sent again after it may have reached the service.
	repeat repeatPolicy
}

// response is a successful answer, body read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends req with retries and rate limiting and returns the answer, or an *Error for a non-2xx status.
func (c *Client) do(ctx context.Context, req request) (*response, error) {
	u := *c.base
	u.RawPath = c.base.EscapedPath() + req.path
	p, err := url.PathUnescape(u.RawPath)
	if err != nil {
		return nil, fmt.Errorf("%s: bad path: %w", req.op, err)
	}
	u.Path = p
	u.RawQuery = encodeQuery(req.query)

	ctx = withRoute(ctx, req.universe, req.category)
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", req.op, err)
	}
	for k, v := range req.header {
		httpReq.Header[k] = v
	}
	httpReq.Header.Set("x-api-key", c.apiKey)
	httpReq.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		httpReq.Header.Set("User-Agent", c.userAgent)
	}
	if req.body != nil {
		httpReq.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.send(req, httpReq)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", req.op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("%s: reading the answer: %w", req.op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := parseError(req.op, resp.StatusCode, resp.Header, data)
		if resp.StatusCode == http.StatusPreconditionFailed {
			if md, err := parseMetadata(resp.Header); err == nil && md.Version != "" {
				e.Current = md
			}
		}
		return nil, e
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// contentMD5 is the base64 MD5 digest the service uses in content-md5 headers.
func contentMD5(b []byte) string {
	sum := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// verifyMD5 checks a body against its content-md5 header; an absent header is accepted.
func verifyMD5(op string, header http.Header, body []byte) error {
	want := header.Get("content-md5")
	if want == "" || want == contentMD5(body) {
		return nil
	}
	return fmt.Errorf("%s: %w", op, ErrChecksumMismatch)
}

// escapeSegment percent-encodes s for use as one path segment. Everything but RFC 3986 unreserved
// characters is encoded, so keys holding "/", ":", "@", spaces or unicode stay one segment and an
// ordered entry id can never be mistaken for the ":increment" verb.
func escapeSegment(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// encodeQuery encodes q with spaces as %20 rather than "+", which not every server decodes as a space.
// A literal "+" is already encoded as %2B, so the replacement cannot change meaning.
func encodeQuery(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "+", "%20")
}

// timeHeader parses a timestamp header; an absent or malformed one gives the zero time.
func timeHeader(h http.Header, name string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, h.Get(name))
	return t
}
