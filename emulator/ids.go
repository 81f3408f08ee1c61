package emulator

import (
	"math/rand/v2"
)

// idGen generates deterministic identifiers from the server's seed.
type idGen struct{ r *rand.Rand }

func newIDGen(seed int64) *idGen {
	return &idGen{r: rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))}
}

const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	alnumChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	hexChars    = "0123456789abcdef"
	upperHex    = "0123456789ABCDEF"
	lowerAlnum  = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// fill sets every byte of b to a random character of alphabet.
func (g *idGen) fill(b []byte, alphabet string) {
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
}

func (g *idGen) pick(alphabet string, n int) string {
	var small [64]byte
	var b []byte
	if n <= len(small) {
		b = small[:n]
	} else {
		b = make([]byte, n)
	}
	g.fill(b, alphabet)
	return string(b)
}

// uuid returns a version-4 shaped UUID: 32 random hex digits, of which the
// 13th and 17th give way to the version "4" and the variant "a".
func (g *idGen) uuid() string { return g.uuidOf(hexChars, 'a') }

// upperUUID is uuid in upper case, as AWS Backup's job IDs; it draws the
// same random digits.
func (g *idGen) upperUUID() string { return g.uuidOf(upperHex, 'A') }

func (g *idGen) uuidOf(digits string, variant byte) string {
	var h [32]byte
	g.fill(h[:], digits)
	var u [36]byte
	copy(u[0:8], h[0:8])
	u[8] = '-'
	copy(u[9:13], h[8:12])
	u[13], u[14] = '-', '4'
	copy(u[15:18], h[13:16])
	u[18], u[19] = '-', variant
	copy(u[20:23], h[17:20])
	u[23] = '-'
	copy(u[24:36], h[20:32])
	return string(u[:])
}

func (g *idGen) upper(n int) string { return g.pick(upperDigits, n) }
func (g *idGen) alnum(n int) string { return g.pick(alnumChars, n) }
func (g *idGen) hex(n int) string   { return g.pick(hexChars, n) }
func (g *idGen) lower(n int) string { return g.pick(lowerAlnum, n) }
