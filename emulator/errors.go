package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/traits"
)

// awsError is an error the emulator answers with when the SDK has no
// modeled type for it (throttling, signature and validation errors, or
// service errors that handlers prefer to build by code).
type awsError struct {
	Code    string
	Message string
	Status  int
	Sender  bool // client fault
}

func (e *awsError) Error() string                 { return e.Code + ": " + e.Message }
func (e *awsError) ErrorCode() string             { return e.Code }
func (e *awsError) ErrorMessage() string          { return e.Message }
func (e *awsError) ErrorFault() smithy.ErrorFault { return faultOf(e.Sender) }

func faultOf(sender bool) smithy.ErrorFault {
	if sender {
		return smithy.FaultClient
	}
	return smithy.FaultServer
}

// Errorf returns an AWS-shaped client error with the given code and HTTP
// status, for handlers and fault hooks.
func Errorf(status int, code, format string, args ...any) error {
	return &awsError{Code: code, Message: fmt.Sprintf(format, args...), Status: status, Sender: status < 500}
}

func errIncompleteSignature(msg string) *awsError {
	return &awsError{Code: "IncompleteSignature", Message: msg, Status: http.StatusBadRequest, Sender: true}
}

func errSignatureDoesNotMatch() *awsError {
	return &awsError{Code: "SignatureDoesNotMatch", Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.", Status: http.StatusForbidden, Sender: true}
}

func errInvalidClientTokenID() *awsError {
	return &awsError{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid.", Status: http.StatusForbidden, Sender: true}
}

func errExpiredToken() *awsError {
	return &awsError{Code: "ExpiredTokenException", Message: "The security token included in the request is expired", Status: http.StatusForbidden, Sender: true}
}

func errMissingAuth() *awsError {
	return &awsError{Code: "MissingAuthenticationTokenException", Message: "Missing Authentication Token", Status: http.StatusForbidden, Sender: true}
}

func errUnknownOperation(service, op string) *awsError {
	return &awsError{Code: "UnknownOperationException", Message: fmt.Sprintf("orgbackup emulator: %s operation %s is not implemented", service, op), Status: http.StatusBadRequest, Sender: true}
}

// ErrValidation returns AWS's generic ValidationException.
func errValidation(format string, args ...any) *awsError {
	return &awsError{Code: "ValidationException", Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest, Sender: true}
}

// errAccessDenied is AWS's AccessDeniedException.
func errAccessDenied(format string, args ...any) *awsError {
	return &awsError{Code: "AccessDeniedException", Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest, Sender: true}
}

// errorInfo resolves the code, message, HTTP status and (when the SDK models
// it) the serializable shape of err for a service.
type errorInfo struct {
	code    string
	message string
	status  int
	sender  bool
	shape   smithy.Serializable // nil for awsError and unknown errors
	schema  *smithy.Schema
}

func (svc *service) errorInfo(err error) errorInfo {
	var ae *awsError
	if errors.As(err, &ae) {
		st := ae.Status
		if st == 0 {
			st = http.StatusBadRequest
		}
		return errorInfo{code: ae.Code, message: ae.Message, status: st, sender: ae.Sender}
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		info := errorInfo{code: api.ErrorCode(), message: api.ErrorMessage(), sender: api.ErrorFault() != smithy.FaultServer}
		info.status = http.StatusBadRequest
		if !info.sender {
			info.status = http.StatusInternalServerError
		}
		if ser, ok := api.(smithy.Serializable); ok {
			info.shape = ser
		}
		if sch := svc.errorSchemas[reflect.TypeOf(api)]; sch != nil {
			info.schema = sch
			if t, ok := smithy.SchemaTrait[*traits.HTTPError](sch); ok && t.Code != 0 {
				info.status = t.Code
			}
			if t, ok := smithy.SchemaTrait[*traits.AWSQueryError](sch); ok {
				if t.StatusCode != 0 {
					info.status = t.StatusCode
				}
			}
		}
		return info
	}
	return errorInfo{code: "InternalFailure", message: err.Error(), status: http.StatusInternalServerError}
}

func itoa[T ~int | ~int64](v T) string { return strconv.FormatInt(int64(v), 10) }
