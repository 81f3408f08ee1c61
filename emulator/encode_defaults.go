package emulator

import (
	"reflect"
	"strings"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/traits"
)

// The SDK's generated Serialize methods are written for clients: they skip a
// member whose Go value is the zero value (a nil slice, map or pointer, a
// value-typed 0 or false), because a client need not send what the service
// defaults. A service does send them. AWS's responses carry:
//
//   - every member whose model shape has a default value (the SDK makes those
//     members value types: NumberOfRecoveryPoints, IsEncrypted, Truncated,
//     IsTruncated, KeyRotationEnabled...), 0 and false included. The Smithy
//     2.0 specification's @default trait
//     (smithy.io/2.0/spec/type-refinement-traits.html#default-trait) gives
//     such a member a value even when it is not set, and it is the server
//     that serializes it (smithy-lang/smithy-rs#1860); AWS's responses show
//     it (`"NumberOfRecoveryPoints": 0` from DescribeBackupVault on an empty
//     vault);
//   - the result list or map of a List operation, empty when there are no
//     items (`{"BackupVaultList": []}` from ListBackupVaults with no vaults;
//     the AWS Backup API reference's response examples list the member
//     unconditionally).
//
// completeDefaults adds those members to a tree built by treeSerializer, by
// walking the output value alongside the tree.

// completeDefaults adds the zero-valued members the SDK's serializer left out
// of tree, the encoding of out. listOp says whether the operation is a List
// operation, whose top-level lists and maps are always present.
func completeDefaults(tree *node, out any, listOp bool) {
	if tree == nil || tree.kind != kindStruct {
		return
	}
	completeStruct(tree, reflect.ValueOf(out), listOp)
}

func completeStruct(n *node, v reflect.Value, topLevelLists bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct || n.sch == nil {
		return
	}
	present := make(map[string]*node, len(n.children))
	for _, c := range n.children {
		if c.sch != nil {
			present[c.sch.MemberName()] = c
		}
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		member := n.sch.Member(f.Name)
		if member == nil || boundOutsideBody(member) {
			continue
		}
		fv := v.Field(i)
		if c, ok := present[f.Name]; ok {
			completeValue(c, fv)
			continue
		}
		switch fv.Kind() {
		case reflect.Bool:
			n.children = append(n.children, &node{sch: member, value: false})
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n.children = append(n.children, &node{sch: member, value: fv.Int()})
		case reflect.Float32, reflect.Float64:
			n.children = append(n.children, &node{sch: member, value: fv.Float()})
		case reflect.Slice:
			if topLevelLists && member.Type() == smithy.ShapeTypeList {
				n.children = append(n.children, &node{sch: member, kind: kindList})
			}
		case reflect.Map:
			if topLevelLists && member.Type() == smithy.ShapeTypeMap {
				n.children = append(n.children, &node{sch: member, kind: kindMap})
			}
		}
	}
}

// completeValue descends into a member that the serializer did write.
func completeValue(n *node, v reflect.Value) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch n.kind {
	case kindStruct:
		completeStruct(n, v, false)
	case kindList:
		if v.Kind() != reflect.Slice || v.Len() != len(n.children) {
			return
		}
		for i, c := range n.children {
			completeValue(c, v.Index(i))
		}
	case kindMap:
		if v.Kind() != reflect.Map {
			return
		}
		key := reflect.ValueOf("")
		if !key.CanConvert(v.Type().Key()) {
			return
		}
		for i, c := range n.children {
			mv := v.MapIndex(reflect.ValueOf(n.keys[i]).Convert(v.Type().Key()))
			if mv.IsValid() {
				completeValue(c, mv)
			}
		}
	}
}

// boundOutsideBody reports whether a member travels in a header or as the
// status code, where a zero value means "absent".
func boundOutsideBody(s *smithy.Schema) bool {
	if _, ok := smithy.SchemaTrait[*traits.HTTPHeader](s); ok {
		return true
	}
	if _, ok := smithy.SchemaTrait[*traits.HTTPResponseCode](s); ok {
		return true
	}
	if _, ok := smithy.SchemaTrait[*traits.HTTPPrefixHeaders](s); ok {
		return true
	}
	return false
}

// isListOperation reports whether name is a List operation, or one of the
// Resource Groups Tagging API's paginated Get operations (GetResources,
// GetTagKeys, GetTagValues: their result lists are paginators' result keys in
// the model, like a List operation's).
func isListOperation(name string) bool {
	switch name {
	case "GetResources", "GetTagKeys", "GetTagValues":
		return true
	}
	return strings.HasPrefix(name, "List")
}
