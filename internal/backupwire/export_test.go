package backupwire

import smithy "github.com/aws/smithy-go"

// Decodes reports whether this package, not the SDK, decodes body into
// out.
func Decodes(body []byte, out smithy.Deserializable) bool {
	return newDecoder().decode(body, out)
}
