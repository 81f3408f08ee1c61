package emulator

import (
	"encoding/base64"
	"strconv"
)

// paginate returns one page of items (already in a deterministic order)
// starting at the position encoded in token, at most max items (def when
// max is nil or not positive), and the token of the next page (nil on the
// last page). A token the emulator did not issue is an error with code
// invalidCode (each service names it differently).
func paginate[T any](items []T, token *string, max *int32, def int, invalidCode string) ([]T, *string, error) {
	start := 0
	if token != nil && *token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*token)
		n, err2 := strconv.Atoi(string(raw))
		if err != nil || err2 != nil || n < 0 || n > len(items) {
			return nil, nil, &awsError{Code: invalidCode, Message: "The specified pagination token is invalid.", Status: 400, Sender: true}
		}
		start = n
	}
	size := def
	if max != nil && *max > 0 {
		size = int(*max)
	}
	end := min(start+size, len(items))
	var next *string
	if end < len(items) {
		t := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		next = &t
	}
	return items[start:end], next, nil
}
