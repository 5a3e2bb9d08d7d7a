package opencloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinel errors matched by errors.Is against an *Error, by HTTP status.
var (
	ErrInvalidArgument    = errors.New("invalid argument")
	ErrUnauthorized       = errors.New("unauthorized")
	ErrForbidden          = errors.New("forbidden")
	ErrNotFound           = errors.New("not found")
	ErrConflict           = errors.New("conflict")
	ErrPreconditionFailed = errors.New("precondition failed")
	ErrRateLimited        = errors.New("rate limited")
	ErrServer             = errors.New("server error")
	// ErrAlreadyExists matches an ordered entry create that failed because the entry exists.
	ErrAlreadyExists = errors.New("already exists")
	// ErrChecksumMismatch is returned when a body does not match its content-md5 header.
	ErrChecksumMismatch = errors.New("content-md5 does not match the response body")
)

// Error is an error answer of the Open Cloud API, whatever shape its body had.
type Error struct {
	// Operation is the client method that failed, such as "SetEntry".
	Operation string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is the service's error code, such as "INVALID_ARGUMENT"; empty for gateway errors.
	Code string
	// DatastoreErrorCode is the detail code of standard data store errors, such as "InvalidEntryKey".
	DatastoreErrorCode string
	// Message is the service's message, trimmed to a readable length.
	Message string
	// RetryAfter is how long the service asked the client to wait, when it said.
	RetryAfter time.Duration
	// Current holds the current entry's metadata on a 412 answer to a conditional write;
	// nil when the entry does not exist.
	Current *EntryMetadata
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Operation, e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.DatastoreErrorCode != "" {
		fmt.Fprintf(&b, " (%s)", e.DatastoreErrorCode)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	return b.String()
}

// Is lets errors.Is match the sentinel errors by status.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidArgument:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrPreconditionFailed:
		return e.StatusCode == http.StatusPreconditionFailed
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	case ErrAlreadyExists:
		return e.Code == "ALREADY_EXISTS" || ((e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusConflict) &&
			strings.Contains(strings.ToLower(e.Message), "already exists"))
	}
	return false
}

// IsNotFound reports whether err says the entry, version or data store does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsPreconditionFailed reports whether err is the 412 answer to a failed matchVersion or exclusiveCreate.
func IsPreconditionFailed(err error) bool { return errors.Is(err, ErrPreconditionFailed) }

// IsAlreadyExists reports whether err says an ordered entry could not be created because it exists.
func IsAlreadyExists(err error) bool { return errors.Is(err, ErrAlreadyExists) }

// IsForbidden reports whether err says the API key lacks a permission.
func IsForbidden(err error) bool { return errors.Is(err, ErrForbidden) }

// maxMessageLen bounds the service message kept in an error, so a proxy's HTML page never floods a diagnostic.
const maxMessageLen = 300

// errorBody covers the three error shapes the service answers with.
type errorBody struct {
	// {"errors":[{"code":0,"message":"..."}]} from the gateway.
	Errors []struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"errors"`
	// {"error":"INVALID_ARGUMENT","message":"...","errorDetails":[...]} from standard data stores.
	Error        string `json:"error"`
	Message      string `json:"message"`
	ErrorDetails []struct {
		ErrorDetailType    string `json:"errorDetailType"`
		DatastoreErrorCode string `json:"datastoreErrorCode"`
	} `json:"errorDetails"`
	// {"code":"INVALID_ARGUMENT","message":"..."} from other endpoints.
	Code json.RawMessage `json:"code"`
}

// parseError turns a non-2xx answer into an *Error. The body is never copied whole into the error.
func parseError(op string, status int, header http.Header, body []byte) *Error {
	e := &Error{Operation: op, StatusCode: status, RetryAfter: retryAfter(header, time.Now())}
	var b errorBody
	if json.Unmarshal(body, &b) == nil {
		switch {
		case len(b.Errors) > 0:
			e.Message = b.Errors[0].Message
		case b.Error != "":
			e.Code = b.Error
			e.Message = b.Message
		default:
			var code string
			if json.Unmarshal(b.Code, &code) == nil {
				e.Code = code
			}
			e.Message = b.Message
		}
		for _, d := range b.ErrorDetails {
			if d.DatastoreErrorCode != "" {
				e.DatastoreErrorCode = d.DatastoreErrorCode
				break
			}
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	if len(e.Message) > maxMessageLen {
		e.Message = e.Message[:maxMessageLen] + "…"
	}
	return e
}
