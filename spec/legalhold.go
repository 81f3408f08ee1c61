package spec

import (
	"fmt"
	"regexp"
	"time"
)

// LegalHold is a legal hold the spec declares: AWS Backup keeps every
// recovery point it selects, past its lifecycle, until the hold is
// released (with a reason, never by removing it from the spec). A hold is
// created in each account it reaches (CreateLegalHold is per account and
// Region); its selection narrows by every field given.
type LegalHold struct {
	// Title names the hold; unique in the spec.
	Title string `json:"title" yaml:"title"`
	// Description says why the points are held. Required.
	Description string `json:"description" yaml:"description"`
	// Tiers select the workload accounts of these tiers.
	Tiers []string `json:"tiers,omitempty" yaml:"tiers,omitempty"`
	// Accounts select these accounts (with Tiers: either).
	Accounts []string `json:"accounts,omitempty" yaml:"accounts,omitempty"`
	// ResourceTypes select the points of these resource types (EC2, RDS,
	// S3, ...).
	ResourceTypes []string `json:"resource_types,omitempty" yaml:"resource_types,omitempty"`
	// Tags select the points of resources carrying all these tags.
	Tags map[string]string `json:"tags,omitempty" yaml:"tags,omitempty"`
	// From and To bound the points' creation dates (YYYY-MM-DD, both
	// included).
	From string `json:"from,omitempty" yaml:"from,omitempty"`
	To   string `json:"to,omitempty" yaml:"to,omitempty"`
}

// legalHoldTitleRE keeps titles to what a CreateLegalHold Title and a plan
// address carry without escaping.
var legalHoldTitleRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,99}$`)

// legalHolds validates legal_holds.
func (v *validator) legalHolds() {
	seen := map[string]bool{}
	for i, h := range v.s.LegalHolds {
		path := fmt.Sprintf("legal_holds[%d]", i)
		if !legalHoldTitleRE.MatchString(h.Title) {
			v.add(path+".title", "%q: want 1 to 100 of letters, digits, space and ._:- starting with a letter or digit", h.Title)
		} else if seen[h.Title] {
			v.add(path+".title", "%q is declared twice", h.Title)
		}
		seen[h.Title] = true
		v.required(path+".description", h.Description)
		if len(h.Tiers) == 0 && len(h.Accounts) == 0 {
			v.add(path, "select accounts with tiers, accounts or both")
		}
		for j, t := range h.Tiers {
			if _, ok := v.s.Tiers[t]; !ok {
				v.add(fmt.Sprintf("%s.tiers[%d]", path, j), "%q is not a tier of this spec", t)
			}
		}
		for j, a := range h.Accounts {
			v.accountID(fmt.Sprintf("%s.accounts[%d]", path, j), a)
		}
		var from, to time.Time
		var err error
		if h.From != "" {
			if from, err = time.Parse(time.DateOnly, h.From); err != nil {
				v.add(path+".from", "%q is not a date (YYYY-MM-DD)", h.From)
			}
		}
		if h.To != "" {
			if to, err = time.Parse(time.DateOnly, h.To); err != nil {
				v.add(path+".to", "%q is not a date (YYYY-MM-DD)", h.To)
			}
		}
		if !from.IsZero() && !to.IsZero() && to.Before(from) {
			v.add(path+".to", "%s is before from (%s)", h.To, h.From)
		}
	}
}
