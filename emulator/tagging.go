package emulator

import (
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awstagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/schemas"
	taggingtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
)

// Limits from the Resource Groups Tagging API Reference (GetResources,
// TagResources, UntagResources).
const (
	taggingMaxPerPage     = 100
	taggingMaxTagFilters  = 50
	taggingMaxFilterVals  = 20
	taggingMaxARNs        = 100 // GetResources ResourceARNList
	taggingMaxTagARNs     = 20  // TagResources / UntagResources
	taggingMaxTagsPerCall = 50
	taggingPageSize       = 100 // GetTagKeys, GetTagValues
)

func (s *Server) taggingService() *service {
	return newService("tagging", awsJSON11, schemas.ResourceGroupsTaggingAPI_20170126, awstagging.TypeRegistry, []*operation{
		handle(schemas.GetResources, schemas.GetResourcesInput, s.taggingGetResources),
		handle(schemas.TagResources, schemas.TagResourcesInput, s.taggingTagResources),
		handle(schemas.UntagResources, schemas.UntagResourcesInput, s.taggingUntagResources),
		handle(schemas.GetTagKeys, schemas.GetTagKeysInput, s.taggingGetTagKeys),
		handle(schemas.GetTagValues, schemas.GetTagValuesInput, s.taggingGetTagValues),
	})
}

func taggingInvalid(msg string) error {
	return &taggingtypes.InvalidParameterException{Message: aws.String(msg)}
}

// arnServiceType returns the service and resource type of an ARN as
// ResourceTypeFilters name them ("ec2", "instance"; "s3", "" for buckets).
func arnServiceType(arn string) (service, typ string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return "", ""
	}
	res := parts[5]
	if i := strings.IndexAny(res, "/:"); i >= 0 {
		return parts[2], res[:i]
	}
	if parts[2] == "s3" {
		return "s3", ""
	}
	return parts[2], res
}

// taggingMatchType applies ResourceTypeFilters: "service" matches every
// resource of the service, "service:type" only that type.
func taggingMatchType(filters []string, arn string) bool {
	if len(filters) == 0 {
		return true
	}
	svc, typ := arnServiceType(arn)
	for _, f := range filters {
		fs, ft, hasType := strings.Cut(f, ":")
		if fs == svc && (!hasType || ft == typ) {
			return true
		}
	}
	return false
}

// taggingMatchTags applies TagFilters: AND across filters, OR across the
// values of one filter, any value when a filter has none.
func taggingMatchTags(filters []taggingtypes.TagFilter, tags map[string]string) bool {
	for _, f := range filters {
		v, ok := tags[aws.ToString(f.Key)]
		if !ok {
			return false
		}
		if len(f.Values) == 0 {
			continue
		}
		found := false
		for _, want := range f.Values {
			if want == v {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func taggingTagList(tags map[string]string) []taggingtypes.Tag {
	out := []taggingtypes.Tag{}
	for _, k := range kmsSortedTagKeys(tags) {
		out = append(out, taggingtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func (s *Server) taggingGetResources(c *Call, in *awstagging.GetResourcesInput) (*awstagging.GetResourcesOutput, error) {
	if len(in.ResourceARNList) > 0 {
		// "You can't specify both this parameter and" the filters or the
		// pagination parameters (GetResources, ResourceARNList).
		if len(in.ResourceTypeFilters) > 0 || len(in.TagFilters) > 0 || in.ResourcesPerPage != nil || in.TagsPerPage != nil || aws.ToString(in.PaginationToken) != "" {
			return nil, taggingInvalid("ResourceARNList cannot be used with ResourceTypeFilters, TagFilters, ResourcesPerPage, TagsPerPage or PaginationToken")
		}
		if len(in.ResourceARNList) > taggingMaxARNs {
			return nil, taggingInvalid("ResourceARNList can have at most 100 ARNs")
		}
	}
	if len(in.TagFilters) > taggingMaxTagFilters {
		return nil, taggingInvalid("TagFilters can have at most 50 keys")
	}
	for _, f := range in.TagFilters {
		if aws.ToString(f.Key) == "" || len(f.Values) > taggingMaxFilterVals {
			return nil, taggingInvalid("each TagFilter needs a Key and at most 20 Values")
		}
	}
	if in.ResourcesPerPage != nil && (*in.ResourcesPerPage < 1 || *in.ResourcesPerPage > taggingMaxPerPage) {
		return nil, taggingInvalid("ResourcesPerPage must be between 1 and 100")
	}
	if in.TagsPerPage != nil && (*in.TagsPerPage < 100 || *in.TagsPerPage > 500) {
		return nil, taggingInvalid("TagsPerPage must be between 100 and 500")
	}
	if aws.ToBool(in.IncludeComplianceDetails) || aws.ToBool(in.ExcludeCompliantResources) {
		return nil, taggingInvalid("orgbackup emulator: tag policy compliance details are not emulated")
	}
	all, everTagged := s.resourcesLocked(c.Account, c.Region)
	var matched []Resource
	if len(in.ResourceARNList) > 0 {
		want := map[string]bool{}
		for _, a := range in.ResourceARNList {
			want[a] = true
		}
		for _, r := range all {
			if want[r.ARN] {
				matched = append(matched, r)
			}
		}
	} else {
		for i, r := range all {
			// Without TagFilters, GetResources returns resources that are
			// or were tagged.
			if len(in.TagFilters) == 0 && !everTagged[i] {
				continue
			}
			if taggingMatchType(in.ResourceTypeFilters, r.ARN) && taggingMatchTags(in.TagFilters, r.Tags) {
				matched = append(matched, r)
			}
		}
	}
	page, next, err := paginate(matched, in.PaginationToken, in.ResourcesPerPage, taggingMaxPerPage, "InvalidParameterException")
	if err != nil {
		return nil, err
	}
	out := &awstagging.GetResourcesOutput{ResourceTagMappingList: []taggingtypes.ResourceTagMapping{}, PaginationToken: aws.String("")}
	if next != nil {
		out.PaginationToken = next
	}
	for _, r := range page {
		out.ResourceTagMappingList = append(out.ResourceTagMappingList, taggingtypes.ResourceTagMapping{ResourceARN: aws.String(r.ARN), Tags: taggingTagList(r.Tags)})
	}
	return out, nil
}

// taggingFailure is a FailedResourcesMap entry.
func taggingFailure(status int32, msg string) taggingtypes.FailureInfo {
	return taggingtypes.FailureInfo{StatusCode: status, ErrorCode: taggingtypes.ErrorCodeInvalidParameterException, ErrorMessage: aws.String(msg)}
}

// taggingEachLocked applies fn to every listed ARN of the caller's account
// and region; the ones that fail go into the FailedResourcesMap.
func (s *Server) taggingEachLocked(c *Call, arns []string, fn func(arn string) error) map[string]taggingtypes.FailureInfo {
	failed := map[string]taggingtypes.FailureInfo{}
	for _, arn := range arns {
		if s.resourceLocked(c.Account, c.Region, arn) == nil {
			failed[arn] = taggingFailure(404, "Resource "+arn+" does not exist in account "+c.Account+" and region "+c.Region)
			continue
		}
		if err := fn(arn); err != nil {
			failed[arn] = taggingFailure(400, err.Error())
		}
	}
	return failed
}

func taggingCheckTagKey(k string) error {
	if k == "" || len(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") {
		return taggingInvalid("Invalid tag key " + k + ": keys have 1 to 128 characters and cannot start with aws:")
	}
	return nil
}

func (s *Server) taggingTagResources(c *Call, in *awstagging.TagResourcesInput) (*awstagging.TagResourcesOutput, error) {
	if len(in.ResourceARNList) == 0 || len(in.ResourceARNList) > taggingMaxTagARNs {
		return nil, taggingInvalid("ResourceARNList must have 1 to 20 ARNs")
	}
	if len(in.Tags) == 0 || len(in.Tags) > taggingMaxTagsPerCall {
		return nil, taggingInvalid("Tags must have 1 to 50 tags")
	}
	for k, v := range in.Tags {
		if err := taggingCheckTagKey(k); err != nil {
			return nil, err
		}
		if len(v) > 256 {
			return nil, taggingInvalid("Invalid tag value for key " + k + ": at most 256 characters")
		}
	}
	failed := s.taggingEachLocked(c, in.ResourceARNList, func(arn string) error {
		return s.setResourceTagsLocked(arn, in.Tags, nil)
	})
	return &awstagging.TagResourcesOutput{FailedResourcesMap: failed}, nil
}

func (s *Server) taggingUntagResources(c *Call, in *awstagging.UntagResourcesInput) (*awstagging.UntagResourcesOutput, error) {
	if len(in.ResourceARNList) == 0 || len(in.ResourceARNList) > taggingMaxTagARNs {
		return nil, taggingInvalid("ResourceARNList must have 1 to 20 ARNs")
	}
	if len(in.TagKeys) == 0 || len(in.TagKeys) > taggingMaxTagsPerCall {
		return nil, taggingInvalid("TagKeys must have 1 to 50 keys")
	}
	failed := s.taggingEachLocked(c, in.ResourceARNList, func(arn string) error {
		return s.setResourceTagsLocked(arn, nil, in.TagKeys)
	})
	return &awstagging.UntagResourcesOutput{FailedResourcesMap: failed}, nil
}

func (s *Server) taggingGetTagKeys(c *Call, in *awstagging.GetTagKeysInput) (*awstagging.GetTagKeysOutput, error) {
	rs, _ := s.resourcesLocked(c.Account, c.Region)
	seen := map[string]bool{}
	for _, r := range rs {
		for k := range r.Tags {
			seen[k] = true
		}
	}
	keys := kmsSortedTagKeys(seen)
	page, next, err := paginate(keys, in.PaginationToken, nil, taggingPageSize, "InvalidParameterException")
	if err != nil {
		return nil, err
	}
	out := &awstagging.GetTagKeysOutput{TagKeys: append([]string{}, page...), PaginationToken: aws.String("")}
	if next != nil {
		out.PaginationToken = next
	}
	return out, nil
}

func (s *Server) taggingGetTagValues(c *Call, in *awstagging.GetTagValuesInput) (*awstagging.GetTagValuesOutput, error) {
	if aws.ToString(in.Key) == "" {
		return nil, taggingInvalid("Key is required")
	}
	rs, _ := s.resourcesLocked(c.Account, c.Region)
	seen := map[string]bool{}
	for _, r := range rs {
		if v, ok := r.Tags[*in.Key]; ok {
			seen[v] = true
		}
	}
	vals := make([]string, 0, len(seen))
	for v := range seen {
		vals = append(vals, v)
	}
	sort.Strings(vals)
	page, next, err := paginate(vals, in.PaginationToken, nil, taggingPageSize, "InvalidParameterException")
	if err != nil {
		return nil, err
	}
	out := &awstagging.GetTagValuesOutput{TagValues: append([]string{}, page...), PaginationToken: aws.String("")}
	if next != nil {
		out.PaginationToken = next
	}
	return out, nil
}
