package main

// The diff rules of command 1.2.1's Command resources:
//   - inputs equal (secret markers aside): no change;
//   - `triggers` changed: replace;
//   - any other input changed: update in place when the new inputs have an `update`
//     command (which then runs), otherwise replace (so `create` runs again).
// An input whose new value is not known yet (preview) counts as changed.

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

type changeKind int

const (
	changeAdd changeKind = iota
	changeDelete
	changeUpdate
)

type propertyChange struct {
	kind    changeKind
	replace bool
}

type diffResult struct {
	changes map[string]propertyChange // by top-level input name
}

func (d diffResult) changed() bool { return len(d.changes) > 0 }

// replaces lists the properties that force a replacement, sorted.
func (d diffResult) replaces() []string {
	var out []string
	for k, c := range d.changes {
		if c.replace {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (d diffResult) keys() []string {
	var out []string
	for k := range d.changes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// diffInputs compares old and new inputs (output-only properties are ignored).
func diffInputs(olds, news resource.PropertyMap) diffResult {
	res := diffResult{changes: map[string]propertyChange{}}
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	replaceAll := !hasUpdateCommand(news)
	for k := range keys {
		if outputOnlyKeys[k] || isInternalKey(k) {
			continue
		}
		o, hadOld := field(olds, string(k))
		n, hasNew := field(news, string(k))
		var kind changeKind
		switch {
		case !hadOld && !hasNew:
			continue
		case !hadOld:
			kind = changeAdd
		case !hasNew:
			kind = changeDelete
		case n.ContainsUnknowns() || !o.DeepEquals(n):
			kind = changeUpdate
		default:
			continue
		}
		res.changes[string(k)] = propertyChange{kind: kind, replace: replaceAll || k == "triggers"}
	}
	return res
}

// hasUpdateCommand: the new inputs set a non-empty `update` (an unknown one will be set).
func hasUpdateCommand(news resource.PropertyMap) bool {
	v, ok := field(news, "update")
	if !ok {
		return false
	}
	if v.ContainsUnknowns() {
		return true
	}
	return v.IsString() && v.StringValue() != ""
}
