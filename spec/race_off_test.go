//go:build !race

package spec

// timeScale stretches time bounds in tests: 1 without the race detector.
const timeScale = 1
