package emulator

import (
	"fmt"
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
	lowerAlnum  = "abcdefghijklmnopqrstuvwxyz0123456789"
)

func (g *idGen) pick(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

// uuid returns a version-4 shaped UUID.
func (g *idGen) uuid() string {
	h := g.pick(hexChars, 32)
	return fmt.Sprintf("%s-%s-4%s-a%s-%s", h[0:8], h[8:12], h[13:16], h[17:20], h[20:32])
}

func (g *idGen) upper(n int) string { return g.pick(upperDigits, n) }
func (g *idGen) alnum(n int) string { return g.pick(alnumChars, n) }
func (g *idGen) hex(n int) string   { return g.pick(hexChars, n) }
func (g *idGen) lower(n int) string { return g.pick(lowerAlnum, n) }
