package emulator

import (
	"encoding/json"
	"net/http"
)

// The datastoreErrorCode values the standard data store API answers with.
const (
	codeInvalidUniverseID     = "InvalidUniverseId"
	codeInvalidDataStoreName  = "InvalidDataStoreName"
	codeInvalidDataStoreScope = "InvalidDataStoreScope"
	codeInvalidEntryKey       = "InvalidEntryKey"
	codeInvalidCursor         = "InvalidCursor"
	codeInvalidVersionID      = "InvalidVersionId"
	codeInvalidAttributes     = "InvalidAttributes"
	codeInvalidUserIDs        = "InvalidUserIds"
	codeContentTooBig         = "ContentTooBig"
	codeContentNotJSON        = "ContentNotJson"
	codeChecksumMismatch      = "ChecksumMismatch"
	codeBothConditions        = "ExclusiveCreateAndMatchVersionCannotBeSet"
	codeExistingValueNotNum   = "ExistingValueNotNumeric"
	codeInvalidSortOrder      = "InvalidSortOrder"
	codeEntryNotFound         = "EntryNotFound"
	codeVersionNotFound       = "VersionNotFound"
	codeInsufficientScope     = "InsufficientScope"
	codeTooManyRequests       = "TooManyRequests"
	// codeInvalidArgument is used for malformed parameters for which the
	// service documents no specific code (limits, times, booleans, amounts).
	codeInvalidArgument = "InvalidArgument"
)

// standardErrorBody is the v1 standard data store error shape.
type standardErrorBody struct {
	Error        string                `json:"error"`
	Message      string                `json:"message"`
	ErrorDetails []standardErrorDetail `json:"errorDetails,omitempty"`
}

type standardErrorDetail struct {
	ErrorDetailType    string `json:"errorDetailType"`
	DatastoreErrorCode string `json:"datastoreErrorCode"`
}

// orderedErrorBody is the ordered data store error shape.
type orderedErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// gatewayErrorBody is the shape the API gateway answers with, before a
// request reaches a data store service (authentication, routing).
type gatewayErrorBody struct {
	Errors []gatewayErrorItem `json:"errors"`
}

type gatewayErrorItem struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func standardStatusName(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "INSUFFICIENT_SCOPE"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusConflict:
		return "ABORTED"
	case http.StatusPreconditionFailed:
		return "FAILED_PRECONDITION"
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	default:
		return "INTERNAL"
	}
}

func orderedStatusName(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusConflict:
		return "ABORTED"
	case http.StatusPreconditionFailed:
		return "FAILED_PRECONDITION"
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	default:
		return "INTERNAL"
	}
}

// standardError builds a v1 standard data store error. An empty
// datastoreCode leaves errorDetails out, as for internal errors.
func standardError(status int, datastoreCode, message string) *reply {
	body := standardErrorBody{Error: standardStatusName(status), Message: message}
	if datastoreCode != "" {
		body.ErrorDetails = []standardErrorDetail{{ErrorDetailType: "DatastoreErrorInfo", DatastoreErrorCode: datastoreCode}}
	}
	return jsonReply(status, body)
}

func orderedError(status int, message string) *reply {
	return jsonReply(status, orderedErrorBody{Code: orderedStatusName(status), Message: message})
}

func gatewayError(status int, message string) *reply {
	return jsonReply(status, gatewayErrorBody{Errors: []gatewayErrorItem{{Code: 0, Message: message}}})
}

func jsonReply(status int, v any) *reply {
	body, err := json.Marshal(v)
	if err != nil {
		// Every value passed here is a wire struct that always marshals.
		panic("emulator: marshal reply: " + err.Error())
	}
	rep := newReply(status)
	rep.header.Set("Content-Type", "application/json")
	rep.body = body
	return rep
}
