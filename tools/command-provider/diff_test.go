package main

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func str(s string) resource.PropertyValue { return resource.NewStringProperty(s) }

func inputs(kv ...any) resource.PropertyMap {
	m := resource.PropertyMap{}
	for i := 0; i < len(kv); i += 2 {
		var v resource.PropertyValue
		switch x := kv[i+1].(type) {
		case string:
			v = str(x)
		case resource.PropertyValue:
			v = x
		default:
			v = resource.NewPropertyValue(x)
		}
		m[resource.PropertyKey(kv[i].(string))] = v
	}
	return m
}

func TestDiffRules(t *testing.T) {
	triggers := func(xs ...any) resource.PropertyValue { return resource.NewPropertyValue(xs) }
	unknown := resource.MakeComputed(str(""))
	conn := func(host string) resource.PropertyValue {
		return resource.MakeSecret(resource.NewObjectProperty(inputs("host", host, "port", 22.0, "user", "root")))
	}

	cases := []struct {
		name       string
		olds, news resource.PropertyMap
		changed    []string
		replaces   []string
	}{
		{name: "equal inputs: no change",
			olds: inputs("create", "a", "triggers", triggers("x", 1.0)),
			news: inputs("create", "a", "triggers", triggers("x", 1.0))},
		{name: "outputs in the old state are not inputs",
			olds: inputs("create", "a", "stdout", "out", "stderr", ""),
			news: inputs("create", "a")},
		{name: "a secret marker alone is no change",
			olds: inputs("create", "a", "stdin", "s"),
			news: inputs("create", "a", "stdin", resource.MakeSecret(str("s")))},
		{name: "null is absent",
			olds: inputs("create", "a"),
			news: inputs("create", "a", "delete", resource.NewNullProperty())},
		{name: "change without update command: replace",
			olds:    inputs("create", "a", "stdin", "1"),
			news:    inputs("create", "a", "stdin", "2"),
			changed: []string{"stdin"}, replaces: []string{"stdin"}},
		{name: "change with update command: update",
			olds:    inputs("create", "a", "update", "u", "stdin", "1"),
			news:    inputs("create", "a", "update", "u", "stdin", "2"),
			changed: []string{"stdin"}},
		{name: "empty update command counts as none",
			olds:    inputs("create", "a", "update", "", "stdin", "1"),
			news:    inputs("create", "a", "update", "", "stdin", "2"),
			changed: []string{"stdin"}, replaces: []string{"stdin"}},
		{name: "adding an update command updates (it runs)",
			olds:    inputs("create", "a"),
			news:    inputs("create", "a", "update", "u"),
			changed: []string{"update"}},
		{name: "removing the update command replaces",
			olds:    inputs("create", "a", "update", "u"),
			news:    inputs("create", "a"),
			changed: []string{"update"}, replaces: []string{"update"}},
		{name: "triggers always replace",
			olds:    inputs("create", "a", "update", "u", "triggers", triggers("x")),
			news:    inputs("create", "a", "update", "u", "triggers", triggers("y")),
			changed: []string{"triggers"}, replaces: []string{"triggers"}},
		{name: "triggers added replace",
			olds:    inputs("create", "a", "update", "u"),
			news:    inputs("create", "a", "update", "u", "triggers", triggers("y")),
			changed: []string{"triggers"}, replaces: []string{"triggers"}},
		{name: "triggers and another input with update: only triggers replace",
			olds:    inputs("update", "u", "stdin", "1", "triggers", triggers(1.0)),
			news:    inputs("update", "u", "stdin", "2", "triggers", triggers(2.0)),
			changed: []string{"stdin", "triggers"}, replaces: []string{"triggers"}},
		{name: "unknown new value counts as changed",
			olds:    inputs("update", "u", "stdin", "1"),
			news:    inputs("update", "u", "stdin", unknown),
			changed: []string{"stdin"}},
		{name: "unknown trigger replaces",
			olds:    inputs("update", "u", "triggers", triggers("x")),
			news:    inputs("update", "u", "triggers", resource.NewPropertyValue([]resource.PropertyValue{unknown})),
			changed: []string{"triggers"}, replaces: []string{"triggers"}},
		{name: "unknown update command still updates",
			olds:    inputs("update", "u", "stdin", "1"),
			news:    inputs("update", unknown, "stdin", "2"),
			changed: []string{"stdin", "update"}},
		{name: "new connection without update: replace",
			olds:    inputs("create", "a", "connection", conn("10.0.0.1")),
			news:    inputs("create", "a", "connection", conn("10.0.0.2")),
			changed: []string{"connection"}, replaces: []string{"connection"}},
		{name: "same connection, secret or not: no change",
			olds: inputs("create", "a", "connection", conn("10.0.0.1")),
			news: inputs("create", "a", "connection", plain(conn("10.0.0.1")))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := diffInputs(c.olds, c.news)
			if got := d.keys(); !reflect.DeepEqual(got, c.changed) {
				t.Errorf("changed = %v, want %v", got, c.changed)
			}
			if got := d.replaces(); !reflect.DeepEqual(got, c.replaces) {
				t.Errorf("replaces = %v, want %v", got, c.replaces)
			}
		})
	}
}

func TestCheckFailures(t *testing.T) {
	nested := resource.NewObjectProperty(inputs("host", "c"))
	proxy := resource.NewObjectProperty(inputs("host", "b", "proxy", nested))
	conn := resource.NewObjectProperty(inputs("port", 0.0, "proxy", proxy))
	m := inputs("create", "a", "logging", "loud", "connection", conn)
	var got []string
	for _, f := range checkFailures(remoteType, m) {
		got = append(got, f.property)
	}
	want := []string{"logging", "connection.host", "connection.port", "connection.proxy.proxy"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("failures on %v, want %v", got, want)
	}
	if f := checkFailures(localType, inputs("create", "a", "archivePaths", resource.NewPropertyValue([]any{"*.txt"}))); len(f) != 1 {
		t.Errorf("archivePaths should be refused, got %v", f)
	}
}

func TestConnectionDefaults(t *testing.T) {
	proxy := resource.NewObjectProperty(inputs("host", "p"))
	conn := resource.NewObjectProperty(inputs("host", "h", "port", 2222.0, "proxy", proxy))
	m := withConnectionDefaults(inputs("connection", resource.MakeSecret(conn)))
	if !m["connection"].IsSecret() {
		t.Fatal("connection lost its secret marker")
	}
	a, err := decodeRemote(m)
	if err != nil {
		t.Fatal(err)
	}
	c := a.Connection
	if c.Port != 2222 || c.User != "root" || c.DialErrorLimit != 10 || c.PerDialTimeout != 15 ||
		c.Proxy == nil || c.Proxy.Port != 22 || c.Proxy.User != "root" {
		t.Errorf("defaults not applied: %+v proxy %+v", c, c.Proxy)
	}
	if !a.AddPreviousOutputInEnv || a.Logging != logStdoutAndStderr {
		t.Errorf("command defaults: %+v", a.commandArgs)
	}
}
