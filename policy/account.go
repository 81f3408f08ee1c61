package policy

// AccountIDPattern is the pattern of an AWS account ID, as the AWS
// Organizations API model writes it for AccountId.
const AccountIDPattern = `^\d{12}$`

// IsAccountID reports whether s is an AWS account ID: exactly 12 ASCII
// digits (Organizations API model, AccountId pattern ^\d{12}$). It is the
// one account ID check of the library.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
