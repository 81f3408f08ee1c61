package report

import (
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium returns the path of Debian's chromium, skipping the test when
// it is absent outside CI (.ci/chromium.sh installs it in CI).
func chromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is not installed (run .ci/chromium.sh): %v", err)
		}
		t.Skip("chromium is not installed; .ci/chromium.sh installs it")
	}
	return path
}

func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// TestHTMLRendersInChromium opens the HTML report in headless Chromium and
// checks that the charts are drawn: the DOM holds the SVG cells and bars,
// and a screenshot shows the outcome colours.
func TestHTMLRendersInChromium(t *testing.T) {
	bin := chromium(t)
	rep, err := Evaluate(testSpec(t), testInventory())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	data, err := Render(rep, FormatHTML)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "<script") || strings.Contains(string(data), "https://") && strings.Contains(string(data), "src=") {
		t.Error("the HTML report must not use scripts or external resources")
	}
	url := "file://" + page

	dom := string(runChromium(t, bin, "--dump-dom", url))
	for _, want := range []string{`<svg id="heatmap"`, `<rect class="cell ok"`, `<rect class="cell mixed"`, `<rect class="cell failed"`,
		`<rect class="cell running"`, `<svg id="coverage"`, `<rect class="bar"`, `id="headline"`} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %s", want)
		}
	}

	shot := filepath.Join(dir, "report.png")
	runChromium(t, bin, "--hide-scrollbars", "--window-size=1200,900", "--screenshot="+shot, url)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding screenshot: %v", err)
	}
	if keep := os.Getenv("REPORT_SCREENSHOT"); keep != "" {
		b, _ := os.ReadFile(shot)
		os.WriteFile(keep, b, 0o644)
	}
	for name, c := range map[string][3]uint8{"green (completed)": {0x16, 0xa3, 0x4a}, "red (failed)": {0xdc, 0x26, 0x26}, "amber (mixed)": {0xf5, 0x9e, 0x0b}} {
		if n := countColour(img, c); n < 100 {
			t.Errorf("screenshot has %d %s pixels, want the charts' cells and bars", n, name)
		}
	}
}

// countColour counts the pixels within a small distance of c.
func countColour(img image.Image, c [3]uint8) int {
	near := func(a uint32, b uint8) bool {
		d := int(a>>8) - int(b)
		return d > -8 && d < 8
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c[0]) && near(g, c[1]) && near(bl, c[2]) {
				n++
			}
		}
	}
	return n
}
