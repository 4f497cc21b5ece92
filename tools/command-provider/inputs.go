package main

// Inputs of the two resources, decoded from the engine's property maps, with the defaults of
// the 1.2.1 schema.

import (
	"fmt"
	"math"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

const (
	localType  = "command:local:Command"
	remoteType = "command:remote:Command"
)

// Input properties of each resource type, as the Node SDK sends them.
var inputKeys = map[string][]string{
	localType: {"addPreviousOutputInEnv", "archivePaths", "assetPaths", "create", "delete", "dir",
		"environment", "interpreter", "logging", "stdin", "triggers", "update"},
	remoteType: {"addPreviousOutputInEnv", "connection", "create", "delete", "environment",
		"logging", "stdin", "triggers", "update"},
}

// Output-only properties: never part of a diff.
var outputOnlyKeys = map[resource.PropertyKey]bool{
	"stdout": true, "stderr": true, "archive": true, "assets": true,
}

// Logging modes (enum command:local:Logging / command:remote:Logging).
const (
	logStdout          = "stdout"
	logStderr          = "stderr"
	logStdoutAndStderr = "stdoutAndStderr"
	logNone            = "none"
)

func validLogging(s string) bool {
	switch s {
	case logStdout, logStderr, logStdoutAndStderr, logNone:
		return true
	}
	return false
}

// commandArgs are the inputs both resources share.
type commandArgs struct {
	Create, Update, Delete string // "" when unset
	Stdin                  *string
	Environment            map[string]string
	Logging                string // defaults to stdoutAndStderr
	AddPreviousOutputInEnv bool   // defaults to true
}

type localArgs struct {
	commandArgs
	Dir         string
	Interpreter []string // defaults to /bin/sh -c
}

type remoteArgs struct {
	commandArgs
	Connection connection
}

// connection is command:remote:Connection; a proxy is the same minus its own proxy
// (command:remote:ProxyConnection).
type connection struct {
	Host               string
	Port               int
	User               string
	Password           string
	PrivateKey         string
	PrivateKeyPassword string
	AgentSocketPath    string
	HostKey            string
	DialErrorLimit     int // -1: unlimited
	PerDialTimeout     int // seconds; 0: no limit
	Proxy              *connection
}

// Defaults of command:remote:Connection and ProxyConnection in the 1.2.1 schema.
const (
	defaultPort           = 22
	defaultUser           = "root"
	defaultDialErrorLimit = 10
	defaultPerDialTimeout = 15
)

func (c connection) address() string { return fmt.Sprintf("%s@%s:%d", c.User, c.Host, c.Port) }

// plain strips secret markers, recursively, leaving the values.
func plain(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsObject():
		out := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			out[k] = plain(e)
		}
		return resource.NewObjectProperty(out)
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]resource.PropertyValue, len(arr))
		for i, e := range arr {
			out[i] = plain(e)
		}
		return resource.NewArrayProperty(out)
	}
	return v
}

// field reads one property, secret or not; absent and null are the same.
func field(m resource.PropertyMap, key string) (resource.PropertyValue, bool) {
	v, ok := m[resource.PropertyKey(key)]
	if !ok {
		return v, false
	}
	v = plain(v)
	if v.IsNull() {
		return v, false
	}
	return v, true
}

// decoder collects the first type error so the decoding code stays linear.
type decoder struct {
	err error
}

func (d *decoder) fail(key, want string, v resource.PropertyValue) {
	if d.err == nil {
		d.err = fmt.Errorf("property %s: expected %s, got %s", key, want, v.TypeString())
	}
}

func (d *decoder) str(m resource.PropertyMap, key string) (string, bool) {
	v, ok := field(m, key)
	if !ok {
		return "", false
	}
	if !v.IsString() {
		d.fail(key, "a string", v)
		return "", false
	}
	return v.StringValue(), true
}

func (d *decoder) num(m resource.PropertyMap, key string, def int) int {
	v, ok := field(m, key)
	if !ok {
		return def
	}
	if !v.IsNumber() || v.NumberValue() != math.Trunc(v.NumberValue()) {
		d.fail(key, "an integer", v)
		return def
	}
	return int(v.NumberValue())
}

func (d *decoder) boolean(m resource.PropertyMap, key string, def bool) bool {
	v, ok := field(m, key)
	if !ok {
		return def
	}
	if !v.IsBool() {
		d.fail(key, "a boolean", v)
		return def
	}
	return v.BoolValue()
}

func (d *decoder) strings(m resource.PropertyMap, key string) []string {
	v, ok := field(m, key)
	if !ok {
		return nil
	}
	if !v.IsArray() {
		d.fail(key, "a list of strings", v)
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if !e.IsString() {
			d.fail(key, "a list of strings", e)
			return nil
		}
		out = append(out, e.StringValue())
	}
	return out
}

func (d *decoder) stringMap(m resource.PropertyMap, key string) map[string]string {
	v, ok := field(m, key)
	if !ok {
		return nil
	}
	if !v.IsObject() {
		d.fail(key, "a map of strings", v)
		return nil
	}
	out := map[string]string{}
	for k, e := range v.ObjectValue() {
		if !e.IsString() {
			d.fail(key+"."+string(k), "a string", e)
			return nil
		}
		out[string(k)] = e.StringValue()
	}
	return out
}

func (d *decoder) common(m resource.PropertyMap) commandArgs {
	var a commandArgs
	a.Create, _ = d.str(m, "create")
	a.Update, _ = d.str(m, "update")
	a.Delete, _ = d.str(m, "delete")
	if s, ok := d.str(m, "stdin"); ok {
		a.Stdin = &s
	}
	a.Environment = d.stringMap(m, "environment")
	a.Logging = logStdoutAndStderr
	if s, ok := d.str(m, "logging"); ok {
		if !validLogging(s) {
			d.err = fmt.Errorf("property logging: %q is not one of stdout, stderr, stdoutAndStderr, none", s)
		}
		a.Logging = s
	}
	a.AddPreviousOutputInEnv = d.boolean(m, "addPreviousOutputInEnv", true)
	return a
}

func decodeLocal(m resource.PropertyMap) (localArgs, error) {
	d := &decoder{}
	a := localArgs{commandArgs: d.common(m)}
	a.Dir, _ = d.str(m, "dir")
	a.Interpreter = d.strings(m, "interpreter")
	if len(a.Interpreter) == 0 {
		a.Interpreter = []string{"/bin/sh", "-c"}
	}
	return a, d.err
}

func decodeRemote(m resource.PropertyMap) (remoteArgs, error) {
	d := &decoder{}
	a := remoteArgs{commandArgs: d.common(m)}
	v, ok := field(m, "connection")
	if !ok || !v.IsObject() {
		return a, fmt.Errorf("property connection: required")
	}
	a.Connection = d.connection(v.ObjectValue(), "connection", true)
	return a, d.err
}

func (d *decoder) connection(m resource.PropertyMap, path string, allowProxy bool) connection {
	c := connection{}
	c.Host, _ = d.str(m, "host")
	c.Port = d.num(m, "port", defaultPort)
	c.User, _ = d.str(m, "user")
	if c.User == "" {
		c.User = defaultUser
	}
	c.Password, _ = d.str(m, "password")
	c.PrivateKey, _ = d.str(m, "privateKey")
	c.PrivateKeyPassword, _ = d.str(m, "privateKeyPassword")
	c.AgentSocketPath, _ = d.str(m, "agentSocketPath")
	c.HostKey, _ = d.str(m, "hostKey")
	c.DialErrorLimit = d.num(m, "dialErrorLimit", defaultDialErrorLimit)
	c.PerDialTimeout = d.num(m, "perDialTimeout", defaultPerDialTimeout)
	if c.Host == "" && d.err == nil {
		d.err = fmt.Errorf("property %s.host: required", path)
	}
	if allowProxy {
		if p, ok := field(m, "proxy"); ok {
			if !p.IsObject() {
				d.fail(path+".proxy", "an object", p)
			} else {
				pc := d.connection(p.ObjectValue(), path+".proxy", false)
				c.Proxy = &pc
			}
		}
	}
	return c
}

// checkFailures validates new inputs as far as they are known (in a preview some are not).
func checkFailures(typ string, news resource.PropertyMap) []failure {
	var out []failure
	add := func(prop, reason string) { out = append(out, failure{prop, reason}) }
	known := func(key string) (resource.PropertyValue, bool) {
		v, ok := field(news, key)
		if !ok || v.ContainsUnknowns() {
			return v, false
		}
		return v, true
	}

	allowed := map[string]bool{}
	for _, k := range inputKeys[typ] {
		allowed[k] = true
	}
	var unknownKeys []string
	for k := range news {
		if !allowed[string(k)] && !outputOnlyKeys[k] && !isInternalKey(k) {
			unknownKeys = append(unknownKeys, string(k))
		}
	}
	sort.Strings(unknownKeys)
	for _, k := range unknownKeys {
		add(k, fmt.Sprintf("%s has no property %q", typ, k))
	}

	if v, ok := known("logging"); ok && (!v.IsString() || !validLogging(v.StringValue())) {
		add("logging", "must be one of stdout, stderr, stdoutAndStderr, none")
	}
	if typ == localType {
		for _, k := range []string{"archivePaths", "assetPaths"} {
			if v, ok := field(news, k); ok && (!v.IsArray() || len(v.ArrayValue()) > 0) {
				add(k, "not supported by haplane's command provider (tools/command-provider)")
			}
		}
		if v, ok := known("interpreter"); ok && v.IsArray() && len(v.ArrayValue()) == 0 {
			add("interpreter", "must name a program")
		}
	}
	if typ == remoteType {
		v, ok := field(news, "connection")
		switch {
		case !ok:
			add("connection", "required")
		case v.IsComputed() || v.IsOutput():
			// Known later.
		case !v.IsObject():
			add("connection", "must be an object")
		default:
			out = append(out, connectionFailures(v.ObjectValue(), "connection", true)...)
		}
	}
	return out
}

func connectionFailures(m resource.PropertyMap, path string, allowProxy bool) []failure {
	var out []failure
	if v, ok := field(m, "host"); !ok || (v.IsString() && v.StringValue() == "") {
		out = append(out, failure{path + ".host", "required"})
	}
	ints := []struct {
		key      string
		min, max int
	}{{"port", 1, 65535}, {"dialErrorLimit", -1, math.MaxInt32}, {"perDialTimeout", 0, math.MaxInt32}}
	for _, r := range ints {
		key := r.key
		v, ok := field(m, key)
		if !ok || v.ContainsUnknowns() {
			continue
		}
		if !v.IsNumber() || v.NumberValue() != math.Trunc(v.NumberValue()) ||
			v.NumberValue() < float64(r.min) || v.NumberValue() > float64(r.max) {
			out = append(out, failure{path + "." + key, fmt.Sprintf("must be an integer from %d to %d", r.min, r.max)})
		}
	}
	if p, ok := field(m, "proxy"); ok && !p.ContainsUnknowns() {
		if !allowProxy {
			out = append(out, failure{path + ".proxy", "a proxy cannot have a proxy of its own"})
		} else if p.IsObject() {
			out = append(out, connectionFailures(p.ObjectValue(), path+".proxy", false)...)
		}
	}
	return out
}

type failure struct{ property, reason string }

func isInternalKey(k resource.PropertyKey) bool { return len(k) > 2 && k[:2] == "__" }

// withConnectionDefaults fills in the schema defaults of a remote connection (and its proxy)
// the way the SDKs do, keeping secret markers: the state then shows the values used.
func withConnectionDefaults(news resource.PropertyMap) resource.PropertyMap {
	v, ok := news["connection"]
	if !ok {
		return news
	}
	out := news.Copy()
	out["connection"] = mapObject(v, func(m resource.PropertyMap) resource.PropertyMap {
		m = connectionDefaults(m)
		if p, ok := m["proxy"]; ok {
			m["proxy"] = mapObject(p, connectionDefaults)
		}
		return m
	})
	return out
}

func connectionDefaults(m resource.PropertyMap) resource.PropertyMap {
	set := func(k string, v resource.PropertyValue) {
		if cur, ok := m[resource.PropertyKey(k)]; !ok || cur.IsNull() {
			m[resource.PropertyKey(k)] = v
		}
	}
	set("port", resource.NewNumberProperty(defaultPort))
	set("user", resource.NewStringProperty(defaultUser))
	set("dialErrorLimit", resource.NewNumberProperty(defaultDialErrorLimit))
	set("perDialTimeout", resource.NewNumberProperty(defaultPerDialTimeout))
	return m
}

// mapObject applies f to a copy of an object value, looking through a secret marker; any
// other value (unknown, null) is returned as it is.
func mapObject(v resource.PropertyValue, f func(resource.PropertyMap) resource.PropertyMap) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return resource.MakeSecret(mapObject(v.SecretValue().Element, f))
	case v.IsObject():
		return resource.NewObjectProperty(f(v.ObjectValue().Copy()))
	}
	return v
}
