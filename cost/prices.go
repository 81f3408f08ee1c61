package cost

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
)

// defaultPriceFile is the embedded price file; see DefaultPrices.
//
//go:embed prices/aws-backup-2026-02-01.json
var defaultPriceFile []byte

// DefaultPriceFileName names the embedded price file, for messages.
const DefaultPriceFileName = "cost/prices/aws-backup-2026-02-01.json"

// Prices is a versioned, dated price file: AWS Backup's list prices per
// region. Every region is priced on its own: a region the file does not
// list is an error (see Region), never another region's prices.
type Prices struct {
	// Version identifies the file's contents, e.g. "2026-02-01".
	Version string `json:"version"`
	// AsOf is the date the prices were read from Source.
	AsOf string `json:"as_of"`
	// Source is the page the prices come from.
	Source string `json:"source"`
	// Currency is the prices' currency, e.g. "USD".
	Currency string `json:"currency"`
	// Notes say what the numbers are and are not.
	Notes string `json:"notes,omitempty"`
	// Regions are the prices of each region, by region code.
	Regions map[string]RegionPrices `json:"regions"`

	// name is where the file was read from, for messages.
	name string
}

// RegionPrices are one region's prices.
type RegionPrices struct {
	// Storage is the price of a GB-month of backup storage by resource
	// type (GB is 2^30 bytes).
	Storage map[string]TierPrice `json:"storage_per_gb_month"`
	// Restore is the price of a GB restored, by resource type; a type
	// missing here restores at no charge for data.
	Restore map[string]TierPrice `json:"restore_per_gb,omitempty"`
	// CrossRegionTransfer is the price of a GB copied from this region to
	// another one.
	CrossRegionTransfer float64 `json:"cross_region_transfer_per_gb"`
	// RestoreTestingJob is the price of one restore testing job.
	RestoreTestingJob float64 `json:"restore_testing_per_job"`
}

// TierPrice is a price for warm and for cold storage (EBS: the archive
// tier). Cold is nil where the type has no cold storage.
type TierPrice struct {
	Warm float64  `json:"warm"`
	Cold *float64 `json:"cold,omitempty"`
}

// DefaultPrices returns the embedded price file (DefaultPriceFileName):
// AWS Backup's list prices for the regions of the example spec, us-east-1
// and us-west-2, with the date they were read and the page they come from.
func DefaultPrices() (*Prices, error) {
	return ReadPrices(DefaultPriceFileName, bytes.NewReader(defaultPriceFile))
}

// LoadPrices reads a price file from path (the CLI's --prices).
func LoadPrices(path string) (*Prices, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening price file: %w", err)
	}
	defer f.Close()
	return ReadPrices(path, f)
}

// ReadPrices reads and checks a price file: a version, a date, a source,
// at least one region, storage prices for at least one type per region and
// no negative price. name names the file in messages.
func ReadPrices(name string, r io.Reader) (*Prices, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	p := &Prices{name: name}
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("reading price file %s: %w", name, err)
	}
	var errs []error
	for field, v := range map[string]string{"version": p.Version, "as_of": p.AsOf, "source": p.Source} {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Errorf("%s is required", field))
		}
	}
	if p.Currency == "" {
		p.Currency = "USD"
	}
	if len(p.Regions) == 0 {
		errs = append(errs, errors.New("regions: at least one region is required"))
	}
	for _, region := range slices.Sorted(maps.Keys(p.Regions)) {
		rp := p.Regions[region]
		if len(rp.Storage) == 0 {
			errs = append(errs, fmt.Errorf("regions.%s.storage_per_gb_month: at least one resource type is required", region))
		}
		if rp.CrossRegionTransfer < 0 || rp.RestoreTestingJob < 0 {
			errs = append(errs, fmt.Errorf("regions.%s: prices must not be negative", region))
		}
		for field, m := range map[string]map[string]TierPrice{"storage_per_gb_month": rp.Storage, "restore_per_gb": rp.Restore} {
			for _, typ := range slices.Sorted(maps.Keys(m)) {
				tp := m[typ]
				if tp.Warm < 0 || (tp.Cold != nil && *tp.Cold < 0) {
					errs = append(errs, fmt.Errorf("regions.%s.%s.%s: prices must not be negative", region, field, typ))
				}
			}
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("reading price file %s: %w", name, err)
	}
	return p, nil
}

// Name is where the prices were read from.
func (p *Prices) Name() string { return p.name }

// Label describes the price file in one line: version, date and source.
func (p *Prices) Label() string {
	return fmt.Sprintf("prices %s as of %s (%s), %s", p.Version, p.AsOf, p.Currency, p.Source)
}

// Region returns region's prices, or an error naming the region, the file
// and the regions it does have.
func (p *Prices) Region(region string) (RegionPrices, error) {
	rp, ok := p.Regions[region]
	if !ok {
		return RegionPrices{}, fmt.Errorf("pricing region %q: price file %s (version %s) has no prices for it (it has %s); add the region to a price file and pass it with --prices",
			region, p.name, p.Version, strings.Join(slices.Sorted(maps.Keys(p.Regions)), ", "))
	}
	return rp, nil
}

// storage returns the storage price of resourceType in region.
func (p *Prices) storage(region, resourceType string) (TierPrice, error) {
	rp, err := p.Region(region)
	if err != nil {
		return TierPrice{}, err
	}
	tp, ok := rp.Storage[resourceType]
	if !ok {
		return TierPrice{}, fmt.Errorf("pricing %s storage in %s: price file %s (version %s) has no price for the type (it has %s)",
			resourceType, region, p.name, p.Version, strings.Join(slices.Sorted(maps.Keys(rp.Storage)), ", "))
	}
	return tp, nil
}
