// Package plan is the data model of an orgbackup plan, and its whole
// contract: what a change is, how changes are addressed, ordered, sealed
// against tampering, rendered for people and written to a file.
//
// A Plan is data. Planners (the resource kind packages) produce Changes;
// Seal orders them by their kind's Stage, then by Address, then moves each
// change after the changes it depends on, and computes the fingerprint.
// Renderers (Text, Markdown) and the plan file (Write, Read) read it;
// nothing else changes it.
//
// A resource kind is the unit of growth. A package that reconciles
// resources exports its kinds as []Kind: the kind's name, its Stage and
// its Apply function. The applier builds a Kinds table from every such
// package; Seal refuses a change of a kind the table lacks, so a plan can
// never hold a change nobody knows how to apply.
//
// The package knows no AWS service: it depends only on the standard
// library and the SDK's aws package (the aws.Config a kind's Apply gets).
package plan
