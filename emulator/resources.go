package emulator

import (
	"fmt"
	"sort"
	"strings"
)

// ResourceType is a kind of workload resource, named as AWS Backup names
// resource types (ResourceType in the Backup API).
type ResourceType string

// The workload resource types the emulator knows.
const (
	EC2Instance   ResourceType = "EC2"
	EBSVolume     ResourceType = "EBS"
	RDSInstance   ResourceType = "RDS"
	AuroraCluster ResourceType = "Aurora"
	EFSFileSystem ResourceType = "EFS"
	DynamoDBTable ResourceType = "DynamoDB"
	S3Bucket      ResourceType = "S3"
)

// Resource is an emulated workload resource: something AWS Backup can
// protect and the Resource Groups Tagging API can find.
type Resource struct {
	// ARN is the resource's ARN.
	ARN string `json:"arn"`
	// Account and Region locate the resource (S3 buckets too, although
	// their ARNs name neither).
	Account string `json:"account"`
	Region  string `json:"region"`
	// Type is the Backup resource type.
	Type ResourceType `json:"type"`
	// ID is the resource ID or name within its ARN.
	ID string `json:"id"`
	// Name is the name Backup reports as ResourceName; default ID.
	Name string `json:"name"`
	// Tags are the resource's tags.
	Tags map[string]string `json:"tags,omitempty"`
	// SizeBytes is the amount of data a backup of the resource holds.
	SizeBytes int64 `json:"size_bytes"`
	// KMSKeyARN is the KMS key the resource is encrypted with (customer
	// or AWS managed), "" when none.
	KMSKeyARN string `json:"kms_key_arn,omitempty"`
	// RestoredBy is the ID of the restore job that created the resource,
	// "" for resources added from Go.
	RestoredBy string `json:"restored_by,omitempty"`
}

// resourceRegion holds one account-region's emulated workload resources
// other than S3 buckets, which live in the S3 state.
type resourceRegion struct {
	items      map[string]*Resource // by ARN
	everTagged map[string]bool      // GetResources without TagFilters lists only these
}

// resourceARN builds a resource's ARN in the form its service uses (the
// "Resource types defined by" sections of the Service Authorization
// Reference).
func resourceARN(account, region string, typ ResourceType, id string) (string, error) {
	switch typ {
	case EC2Instance:
		return "arn:aws:ec2:" + region + ":" + account + ":instance/" + id, nil
	case EBSVolume:
		return "arn:aws:ec2:" + region + ":" + account + ":volume/" + id, nil
	case RDSInstance:
		return "arn:aws:rds:" + region + ":" + account + ":db:" + id, nil
	case AuroraCluster:
		return "arn:aws:rds:" + region + ":" + account + ":cluster:" + id, nil
	case EFSFileSystem:
		return "arn:aws:elasticfilesystem:" + region + ":" + account + ":file-system/" + id, nil
	case DynamoDBTable:
		return "arn:aws:dynamodb:" + region + ":" + account + ":table/" + id, nil
	case S3Bucket:
		return "arn:aws:s3:::" + id, nil
	}
	return "", fmt.Errorf("unknown resource type %q", typ)
}

// resourceIDOf extracts the ID from a resource ARN of type typ.
func resourceIDOf(typ ResourceType, arn string) string {
	switch typ {
	case S3Bucket:
		return strings.TrimPrefix(arn, "arn:aws:s3:::")
	case RDSInstance, AuroraCluster:
		return arn[strings.LastIndex(arn, ":")+1:]
	}
	return arn[strings.LastIndex(arn, "/")+1:]
}

func (s *Server) newResourceIDLocked(typ ResourceType) string {
	switch typ {
	case EC2Instance:
		return "i-" + s.ids.hex(17)
	case EBSVolume:
		return "vol-" + s.ids.hex(17)
	case RDSInstance:
		return "database-" + s.ids.lower(8)
	case AuroraCluster:
		return "cluster-" + s.ids.lower(8)
	case EFSFileSystem:
		return "fs-" + s.ids.hex(17)
	case DynamoDBTable:
		return "table-" + s.ids.lower(8)
	}
	return "bucket-" + s.ids.lower(12)
}

func (s *Server) resourceRegionLocked(account, region string) *resourceRegion {
	k := regionKey{account, region}
	r := s.res[k]
	if r == nil {
		r = &resourceRegion{items: map[string]*Resource{}, everTagged: map[string]bool{}}
		s.res[k] = r
	}
	return r
}

func cloneTags(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// AddResource adds an emulated workload resource and returns its ARN. An
// empty id gets a generated one of the type's form (i-…, vol-…, fs-…). An
// S3 bucket is a real bucket of the emulated S3, created when missing. Adding
// a resource that exists replaces it. It returns "" for unknown types and
// for buckets owned by another account.
func (s *Server) AddResource(account, region string, typ ResourceType, id string, tags map[string]string, sizeBytes int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == "" {
		id = s.newResourceIDLocked(typ)
	}
	arn, err := resourceARN(account, region, typ, id)
	if err != nil {
		return ""
	}
	if err := s.addResourceLocked(account, region, Resource{ARN: arn, Type: typ, ID: id, Tags: tags, SizeBytes: sizeBytes}); err != nil {
		return ""
	}
	return arn
}

// addResourceLocked stores r in account and region. ARN is computed from
// Type and ID when empty, ID from the ARN when empty; Name defaults to ID.
func (s *Server) addResourceLocked(account, region string, r Resource) error {
	if r.ID == "" && r.ARN != "" {
		r.ID = resourceIDOf(r.Type, r.ARN)
	}
	if r.ARN == "" {
		arn, err := resourceARN(account, region, r.Type, r.ID)
		if err != nil {
			return err
		}
		r.ARN = arn
	}
	if _, err := resourceARN(account, region, r.Type, r.ID); err != nil {
		return err
	}
	if r.Name == "" {
		r.Name = r.ID
	}
	r.Account, r.Region, r.Tags = account, region, cloneTags(r.Tags)
	if r.Type == S3Bucket {
		b := s.s3.buckets[r.ID]
		if b == nil {
			b = s.s3NewBucketLocked(r.ID, account, region)
		}
		if b.owner != account {
			return fmt.Errorf("bucket %s belongs to account %s", r.ID, b.owner)
		}
		b.tags, b.sizeBytes, b.kmsKeyARN = r.Tags, r.SizeBytes, r.KMSKeyARN
		if len(b.tags) == 0 {
			b.tags = nil
		}
		b.everTagged = b.everTagged || len(r.Tags) > 0
		return nil
	}
	rr := s.resourceRegionLocked(account, region)
	rr.items[r.ARN] = &r
	rr.everTagged[r.ARN] = len(r.Tags) > 0
	return nil
}

// resourceLocked finds a workload resource of account in region by ARN, or
// nil. Non-S3 resources are returned live; an S3 bucket as a snapshot.
func (s *Server) resourceLocked(account, region, arn string) *Resource {
	if name, ok := strings.CutPrefix(arn, "arn:aws:s3:::"); ok {
		b := s.s3.buckets[name]
		if b == nil || b.owner != account || b.region != region {
			return nil
		}
		r, _ := s.bucketResource(b)
		return &r
	}
	if rr := s.res[regionKey{account, region}]; rr != nil {
		return rr.items[arn]
	}
	return nil
}

// bucketResource describes a bucket as a workload resource, and whether it
// is or ever was tagged.
func (s *Server) bucketResource(b *s3Bucket) (Resource, bool) {
	size := b.sizeBytes
	if size == 0 {
		for _, o := range b.objects {
			size += int64(len(o.data))
		}
	}
	return Resource{ARN: "arn:aws:s3:::" + b.name, Account: b.owner, Region: b.region, Type: S3Bucket, ID: b.name, Name: b.name,
		Tags: cloneTags(b.tags), SizeBytes: size, KMSKeyARN: b.kmsKeyARN}, b.everTagged
}

// resourceAnywhereLocked finds a resource by ARN in any account and region
// (the ARN names them, except for S3 buckets).
func (s *Server) resourceAnywhereLocked(arn string) *Resource {
	if name, ok := strings.CutPrefix(arn, "arn:aws:s3:::"); ok {
		if b := s.s3.buckets[name]; b != nil {
			return s.resourceLocked(b.owner, b.region, arn)
		}
		return nil
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return nil
	}
	return s.resourceLocked(parts[4], parts[3], arn)
}

// setResourceTagsLocked adds tags to and removes keys from a resource.
func (s *Server) setResourceTagsLocked(arn string, add map[string]string, remove []string) error {
	if name, ok := strings.CutPrefix(arn, "arn:aws:s3:::"); ok {
		b := s.s3.buckets[name]
		if b == nil {
			return fmt.Errorf("resource %s not found", arn)
		}
		if b.tags == nil {
			b.tags = map[string]string{}
		}
		for k, v := range add {
			b.tags[k] = v
			b.everTagged = true
		}
		for _, k := range remove {
			delete(b.tags, k)
		}
		if len(b.tags) == 0 {
			b.tags = nil
		}
		return nil
	}
	r := s.resourceAnywhereLocked(arn)
	if r == nil {
		return fmt.Errorf("resource %s not found", arn)
	}
	for k, v := range add {
		r.Tags[k] = v
		s.res[regionKey{r.Account, r.Region}].everTagged[arn] = true
	}
	for _, k := range remove {
		delete(r.Tags, k)
	}
	return nil
}

// TagResource adds or replaces tags on the workload resource arn.
func (s *Server) TagResource(arn string, tags map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.setResourceTagsLocked(arn, tags, nil); err != nil {
		return fmt.Errorf("tagging %s: %w", arn, err)
	}
	return nil
}

// UntagResource removes tag keys from the workload resource arn.
func (s *Server) UntagResource(arn string, keys ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.setResourceTagsLocked(arn, nil, keys); err != nil {
		return fmt.Errorf("untagging %s: %w", arn, err)
	}
	return nil
}

// RemoveResource deletes the workload resource arn (an S3 bucket with its
// objects).
func (s *Server) RemoveResource(arn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.resourceAnywhereLocked(arn)
	if r == nil {
		return fmt.Errorf("removing %s: resource not found", arn)
	}
	if r.Type == S3Bucket {
		delete(s.s3.buckets, r.ID)
		return nil
	}
	rr := s.res[regionKey{r.Account, r.Region}]
	delete(rr.items, arn)
	delete(rr.everTagged, arn)
	return nil
}

// storedResourcesLocked returns account's resources in region sorted by
// ARN, S3 buckets included: the stored ones themselves, not copies, for
// callers that read them at once; buckets are described afresh.
func (s *Server) storedResourcesLocked(account, region string) []*Resource {
	var out []*Resource
	if rr := s.res[regionKey{account, region}]; rr != nil {
		out = make([]*Resource, 0, len(rr.items))
		for _, r := range rr.items {
			out = append(out, r)
		}
	}
	for _, b := range s.s3.buckets {
		if b.owner == account && b.region == region {
			r, _ := s.bucketResource(b)
			out = append(out, &r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

// Resources returns the workload resources of account in region, S3
// buckets located there included, sorted by ARN.
func (s *Server) Resources(account, region string) []Resource {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs, _ := s.resourcesLocked(account, region)
	return rs
}

// resourcesLocked lists copies of account's resources in region sorted by
// ARN, and whether each is or ever was tagged.
func (s *Server) resourcesLocked(account, region string) ([]Resource, []bool) {
	type item struct {
		r      Resource
		tagged bool
	}
	var items []item
	if rr := s.res[regionKey{account, region}]; rr != nil {
		for arn, r := range rr.items {
			c := *r
			c.Tags = cloneTags(r.Tags)
			items = append(items, item{c, rr.everTagged[arn]})
		}
	}
	for _, b := range s.s3.buckets {
		if b.owner == account && b.region == region {
			r, tagged := s.bucketResource(b)
			items = append(items, item{r, tagged})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].r.ARN < items[j].r.ARN })
	rs, tagged := make([]Resource, len(items)), make([]bool, len(items))
	for i, it := range items {
		rs[i], tagged[i] = it.r, it.tagged
	}
	return rs, tagged
}
