//go:build race

package spec

// timeScale stretches time bounds in tests: the race detector makes code
// several times slower.
const timeScale = 5
