package opencloud

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// RetryConfig bounds retries of failed requests.
type RetryConfig struct {
	// MaxRetries is how many times a request is sent again after the first attempt; default 5.
	// Set Disabled to send every request once.
	MaxRetries int
	// Disabled turns retries off.
	Disabled bool
	// WaitMin is the first backoff step; default 500ms.
	WaitMin time.Duration
	// WaitMax caps one wait, including one the service asks for; default 30s.
	WaitMax time.Duration
}

func (r RetryConfig) withDefaults() RetryConfig {
	if r.MaxRetries <= 0 {
		r.MaxRetries = 5
	}
	if r.Disabled {
		r.MaxRetries = 0
	}
	if r.WaitMin <= 0 {
		r.WaitMin = 500 * time.Millisecond
	}
	if r.WaitMax <= 0 {
		r.WaitMax = 30 * time.Second
	}
	if r.WaitMax < r.WaitMin {
		r.WaitMax = r.WaitMin
	}
	return r
}

// repeatPolicy says when a request may be sent again.
type repeatPolicy int

const (
	// repeatSafe: sending the request twice has the effect of sending it once (reads, deletes,
	// conditional writes the service rejects as duplicates with 412 or "already exists").
	repeatSafe repeatPolicy = iota
	// repeatNever: a second copy would apply twice (increments). Only answers that prove the
	// request was not applied (429, a refused connection) are retried.
	repeatNever
)

// send runs the attempts of one request. Waits between attempts follow Retry-After or
// x-ratelimit-reset when the service gives them, else exponential backoff with jitter, and a retry
// that could not finish before the context deadline is not started. The context is httpReq's, which
// retryablehttp hands to CheckRetry.
func (c *Client) send(req request, httpReq *http.Request) (*http.Response, error) {
	rreq, err := retryablehttp.FromRequest(httpReq)
	if err != nil {
		return nil, err
	}
	var wait time.Duration
	rc := &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryMax:     c.retry.MaxRetries,
		RetryWaitMin: c.retry.WaitMin,
		RetryWaitMax: c.retry.WaitMax,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		Backoff: func(time.Duration, time.Duration, int, *http.Response) time.Duration {
			return wait
		},
	}
	attempt := 0
	rc.CheckRetry = func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, ctxErr
		}
		if !retryable(req.repeat, resp, err) {
			return false, nil
		}
		wait = c.backoff(attempt, resp)
		attempt++
		if deadline, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(deadline) {
			return false, nil
		}
		fields := map[string]any{"operation": req.op, "attempt": attempt, "wait": wait.String()}
		if resp != nil {
			fields["status"] = resp.StatusCode
		} else {
			fields["error"] = err.Error()
		}
		c.log(ctx, "retrying Open Cloud request", fields)
		return true, nil
	}
	return rc.Do(rreq)
}

// retryable decides whether one attempt's outcome is worth another attempt.
func retryable(policy repeatPolicy, resp *http.Response, err error) bool {
	if err != nil {
		var le *limiterError
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &le) {
			return false
		}
		if policy == repeatSafe {
			return true
		}
		// A refused or failed dial proves the request never left this machine.
		var opErr *net.OpError
		return errors.As(err, &opErr) && opErr.Op == "dial"
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true // rejected before it was applied
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return policy == repeatSafe
	}
	return false
}

// backoff returns the wait before the next attempt: what the service asked for, else
// WaitMin·2^attempt with jitter in [d/2, d], capped at WaitMax.
func (c *Client) backoff(attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d := retryAfter(resp.Header, time.Now()); d > 0 {
			return min(d, c.retry.WaitMax)
		}
	}
	d := c.retry.WaitMin << min(attempt, 20)
	if d <= 0 || d > c.retry.WaitMax {
		d = c.retry.WaitMax
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads how long the service asked to wait: Retry-After in seconds or as an HTTP date,
// else x-ratelimit-reset in seconds. Zero when neither says.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
			return time.Duration(s * float64(time.Second))
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return t.Sub(now)
		}
	}
	if v := h.Get("x-ratelimit-reset"); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
			return time.Duration(s * float64(time.Second))
		}
	}
	return 0
}

// Category is a request category with its own budget per universe.
type Category string

// The request categories of the v1 API's rate limits.
const (
	StandardRead  Category = "standard-read"
	StandardWrite Category = "standard-write"
	OrderedRead   Category = "ordered-read"
	OrderedWrite  Category = "ordered-write"
)

// RateLimits are the client-side budgets in requests per minute, per universe and category.
// Zero takes the default: Roblox's published 300 requests per minute for each category. A negative
// value turns that category's limiter off.
type RateLimits struct {
	StandardRead  int
	StandardWrite int
	OrderedRead   int
	OrderedWrite  int
	// Burst is how many requests of one category may go at once; default a tenth of the
	// per-minute budget, because the budget is shared with live game servers.
	Burst int
}

// DefaultRequestsPerMinute is Roblox's published v1 budget for each category, per universe.
const DefaultRequestsPerMinute = 300

func (l RateLimits) perMinute(c Category) int {
	var n int
	switch c {
	case StandardRead:
		n = l.StandardRead
	case StandardWrite:
		n = l.StandardWrite
	case OrderedRead:
		n = l.OrderedRead
	case OrderedWrite:
		n = l.OrderedWrite
	}
	if n == 0 {
		n = DefaultRequestsPerMinute
	}
	return n
}

type routeKey struct {
	universe int64
	category Category
}

type routeCtxKey struct{}

func withRoute(ctx context.Context, universe int64, c Category) context.Context {
	return context.WithValue(ctx, routeCtxKey{}, routeKey{universe, c})
}

// limitedTransport makes every attempt, first or retried, wait for a token of its universe and
// category, so a large apply stays under the budget instead of bouncing off it.
type limitedTransport struct {
	next   http.RoundTripper
	limits RateLimits

	mu       sync.Mutex
	limiters map[routeKey]*rate.Limiter
}

func newLimitedTransport(next http.RoundTripper, limits RateLimits) *limitedTransport {
	return &limitedTransport{next: next, limits: limits, limiters: map[routeKey]*rate.Limiter{}}
}

func (t *limitedTransport) limiter(k routeKey) *rate.Limiter {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, ok := t.limiters[k]
	if !ok {
		n := t.limits.perMinute(k.category)
		if n < 0 {
			l = rate.NewLimiter(rate.Inf, 1)
		} else {
			burst := t.limits.Burst
			if burst <= 0 {
				burst = max(1, n/10)
			}
			l = rate.NewLimiter(rate.Limit(float64(n)/60), burst)
		}
		t.limiters[k] = l
	}
	return l
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if k, ok := req.Context().Value(routeCtxKey{}).(routeKey); ok {
		if err := t.limiter(k).Wait(req.Context()); err != nil {
			return nil, &limiterError{err}
		}
	}
	return t.next.RoundTrip(req)
}

// limiterError says the rate limiter's wait could not finish before the context's deadline; no
// request was sent, and another attempt would wait the same.
type limiterError struct{ err error }

func (e *limiterError) Error() string {
	return "waiting for the client-side rate limit: " + e.err.Error()
}
func (e *limiterError) Unwrap() error { return e.err }
