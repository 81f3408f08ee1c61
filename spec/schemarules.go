package spec

import "strings"

// Rules of Load that the JSON Schema carries beyond each field's type,
// enum and pattern: the targets' forms and the S3 bucket naming rules.

// targetSchema: a tier target is a 12-digit account ID, an OU ID, or an OU
// name, which is neither all digits nor starting with ou- (Load reads
// those as account and OU IDs).
func targetSchema(s *schema) {
	s.AnyOf = []*schema{
		{Pattern: "^[0-9]{12}$"},
		{Pattern: ouIDRE.String()},
		{MinLength: ptr(1), Not: &schema{AnyOf: []*schema{{Pattern: "^[0-9]+$"}, {Pattern: "^ou-"}}}},
	}
}

// bucketSchema: the general purpose bucket naming rules checkBucketName
// applies.
func bucketSchema(s *schema) {
	s.Pattern = bucketRE.String()
	octet := `(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])`
	var prefixes, suffixes []string
	for _, p := range bucketReservedPrefixes() {
		prefixes = append(prefixes, regexpQuote(p))
	}
	for _, sfx := range bucketReservedSuffixes() {
		suffixes = append(suffixes, regexpQuote(sfx))
	}
	s.Not = &schema{AnyOf: []*schema{
		{Pattern: `\.\.`}, // two adjacent periods
		{Pattern: "^" + octet + `(?:\.` + octet + "){3}$"}, // an IPv4 address
		{Pattern: "^" + group(prefixes)},
		{Pattern: group(suffixes) + "$"},
	}}
}

// regexpQuote escapes the metacharacters of bucket affixes (only '.').
func regexpQuote(s string) string { return strings.ReplaceAll(s, ".", `\.`) }
