package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Prices is a table of AWS Backup storage prices, per GB-month (GB being
// 2^30 bytes), by region and resource type. Lookups try the exact region
// and type, then region "*" with the type, then the type "*" of the
// region, then "*"/"*". Users override it with a JSON file of the same
// shape (LoadPrices).
type Prices struct {
	// Source and AsOf say where the numbers come from and when they were
	// read.
	Source   string `json:"source"`
	AsOf     string `json:"as_of"`
	Currency string `json:"currency"`
	Rates    []Rate `json:"rates"`
}

// Rate is the storage price of one resource type in one region.
type Rate struct {
	// Region is an AWS region or "*" for any.
	Region string `json:"region"`
	// ResourceType is an AWS Backup resource type ("EBS", "RDS", ...) or
	// "*" for any.
	ResourceType string `json:"resource_type"`
	// Warm and Cold are prices per GB-month; Cold is 0 where the type has
	// no cold tier.
	Warm float64 `json:"warm_per_gb_month"`
	Cold float64 `json:"cold_per_gb_month"`
}

// DefaultPrices returns the built-in table: the US East (N. Virginia)
// list prices of AWS Backup storage from the AWS Backup pricing page
// (https://aws.amazon.com/backup/pricing/, "Backup storage pricing"), as
// of 2026-02, applied to every region. Prices differ by region and change
// over time; pass your own table for estimates that matter.
func DefaultPrices() *Prices {
	return &Prices{
		Source:   "https://aws.amazon.com/backup/pricing/ (US East (N. Virginia), backup storage), applied to all regions",
		AsOf:     "2026-02",
		Currency: "USD",
		Rates: []Rate{
			{Region: "*", ResourceType: "EBS", Warm: 0.05, Cold: 0.0125},
			{Region: "*", ResourceType: "EC2", Warm: 0.05},
			{Region: "*", ResourceType: "EFS", Warm: 0.05, Cold: 0.01},
			{Region: "*", ResourceType: "RDS", Warm: 0.095},
			{Region: "*", ResourceType: "Aurora", Warm: 0.021},
			{Region: "*", ResourceType: "DynamoDB", Warm: 0.10, Cold: 0.03},
			{Region: "*", ResourceType: "S3", Warm: 0.05},
			{Region: "*", ResourceType: "*", Warm: 0.05, Cold: 0.01},
		},
	}
}

// Rate returns the rate for a region and resource type, and whether any
// entry applies.
func (p *Prices) Rate(region, resourceType string) (Rate, bool) {
	for _, k := range [][2]string{{region, resourceType}, {"*", resourceType}, {region, "*"}, {"*", "*"}} {
		for _, r := range p.Rates {
			if r.Region == k[0] && r.ResourceType == k[1] {
				return r, true
			}
		}
	}
	return Rate{}, false
}

// ReadPrices reads a price table in the JSON shape of Prices and checks
// it: every rate needs a region and a resource type and non-negative
// prices.
func ReadPrices(r io.Reader) (*Prices, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p Prices
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("reading price table: %w", err)
	}
	var errs []error
	if len(p.Rates) == 0 {
		errs = append(errs, errors.New("rates: at least one rate is required"))
	}
	for i, r := range p.Rates {
		if r.Region == "" || r.ResourceType == "" {
			errs = append(errs, fmt.Errorf("rates[%d]: region and resource_type are required (\"*\" for any)", i))
		}
		if r.Warm < 0 || r.Cold < 0 {
			errs = append(errs, fmt.Errorf("rates[%d]: prices must not be negative", i))
		}
	}
	if p.Currency == "" {
		p.Currency = "USD"
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("reading price table: %w", err)
	}
	return &p, nil
}

// LoadPrices reads a price table from a JSON file.
func LoadPrices(path string) (*Prices, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening price table: %w", err)
	}
	defer f.Close()
	p, err := ReadPrices(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

const gib = 1 << 30

// monthly returns the monthly cost of warm and cold bytes.
func (r Rate) monthly(warm, cold int64) float64 {
	return float64(warm)/gib*r.Warm + float64(cold)/gib*r.Cold
}
