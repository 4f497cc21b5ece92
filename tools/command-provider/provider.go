package main

// The gRPC resource provider: Check, Diff, Create, Read, Update and Delete for
// command:local:Command and command:remote:Command.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

type provider struct {
	pulumirpc.UnimplementedResourceProviderServer
	engine pulumirpc.EngineClient

	// Cancelled by the engine's Cancel call (or when it goes away): running commands stop.
	ctx    context.Context
	cancel context.CancelFunc
}

func newProvider(engine pulumirpc.EngineClient) *provider {
	ctx, cancel := context.WithCancel(context.Background())
	return &provider{engine: engine, ctx: ctx, cancel: cancel}
}

func (p *provider) cancelAll() { p.cancel() }

// opContext is the request's context, also cancelled by Cancel and bounded by the resource's
// custom timeout (seconds; 0 when none).
func (p *provider) opContext(ctx context.Context, timeout float64) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(p.ctx, cancel)
	if timeout > 0 {
		var cancelT context.CancelFunc
		ctx, cancelT = context.WithTimeout(ctx, time.Duration(timeout*float64(time.Second)))
		prev := cancel
		cancel = func() { cancelT(); prev() }
	}
	return ctx, func() { stop(); cancel() }
}

// --- property maps ------------------------------------------------------------------------

func unmarshal(s *structpb.Struct, label string) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, plugin.MarshalOptions{
		Label: label, KeepUnknowns: true, KeepSecrets: true, SkipNulls: true,
	})
}

func marshal(m resource.PropertyMap, label string) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, plugin.MarshalOptions{
		Label: label, KeepUnknowns: true, KeepSecrets: true, SkipNulls: true,
	})
}

func resourceType(typ, urn string) string {
	if typ != "" {
		return typ
	}
	return string(resource.URN(urn).Type())
}

func checkType(typ string) error {
	if _, ok := inputKeys[typ]; !ok {
		return status.Errorf(codes.InvalidArgument, "unknown resource type %q (haplane's command provider has %s and %s)",
			typ, localType, remoteType)
	}
	return nil
}

// inputsOf is a state without its output-only properties.
func inputsOf(state resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range state {
		if !outputOnlyKeys[k] {
			out[k] = v
		}
	}
	return out
}

func outputText(state resource.PropertyMap) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"stdout", "stderr"} {
		if v, ok := field(state, k); ok && v.IsString() {
			out[k] = v.StringValue()
		}
	}
	return out
}

// --- plugin and configuration -------------------------------------------------------------

func (p *provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

func (p *provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: schemaJSON}, nil
}

func (p *provider) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true}, nil
}

func (p *provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	// The provider has no configuration: nothing to change.
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (p *provider) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

func (p *provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	p.cancel()
	return &emptypb.Empty{}, nil
}

func (p *provider) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	return nil, status.Errorf(codes.Unimplemented, "%s is not implemented by haplane's command provider", req.GetTok())
}

// --- Check and Diff -----------------------------------------------------------------------

func (p *provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	typ := resourceType(req.GetType(), req.GetUrn())
	if err := checkType(typ); err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews(), "check.news")
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	for _, f := range checkFailures(typ, news) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: f.property, Reason: f.reason})
	}
	if typ == remoteType {
		news = withConnectionDefaults(news)
	}
	inputs, err := marshal(news, "check.inputs")
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, nil
}

func (p *provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOldInputs(), "diff.oldInputs")
	if err != nil {
		return nil, err
	}
	if len(olds) == 0 {
		// An engine that does not send old inputs: the state holds them too.
		state, err := unmarshal(req.GetOlds(), "diff.olds")
		if err != nil {
			return nil, err
		}
		olds = inputsOf(state)
	}
	news, err := unmarshal(req.GetNews(), "diff.news")
	if err != nil {
		return nil, err
	}
	d := diffInputs(olds, news)
	if !d.changed() {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true}, nil
	}
	detailed := map[string]*pulumirpc.PropertyDiff{}
	for k, c := range d.changes {
		var kind pulumirpc.PropertyDiff_Kind
		switch {
		case c.kind == changeAdd && c.replace:
			kind = pulumirpc.PropertyDiff_ADD_REPLACE
		case c.kind == changeAdd:
			kind = pulumirpc.PropertyDiff_ADD
		case c.kind == changeDelete && c.replace:
			kind = pulumirpc.PropertyDiff_DELETE_REPLACE
		case c.kind == changeDelete:
			kind = pulumirpc.PropertyDiff_DELETE
		case c.replace:
			kind = pulumirpc.PropertyDiff_UPDATE_REPLACE
		default:
			kind = pulumirpc.PropertyDiff_UPDATE
		}
		detailed[k] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	return &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_SOME,
		Replaces:        d.replaces(),
		Diffs:           d.keys(),
		DetailedDiff:    detailed,
		HasDetailedDiff: true,
	}, nil
}

// --- running commands ---------------------------------------------------------------------

// execute runs command (of operation op) with the given inputs; prev holds the previous
// stdout and stderr for update and delete (nil for create).
func (p *provider) execute(ctx context.Context, typ, urn, op, command string,
	inputs resource.PropertyMap, prev map[string]string,
) (runResult, error) {
	logLine := func(line string) {
		_, _ = p.engine.Log(ctx, &pulumirpc.LogRequest{
			Severity: pulumirpc.LogSeverity_INFO, Message: line, Urn: urn, Ephemeral: true,
		})
	}
	warn := func(msg string) {
		_, _ = p.engine.Log(ctx, &pulumirpc.LogRequest{Severity: pulumirpc.LogSeverity_WARNING, Message: msg, Urn: urn})
	}
	switch typ {
	case localType:
		a, err := decodeLocal(inputs)
		if err != nil {
			return runResult{}, err
		}
		r := run{op: op, command: command, stdin: a.Stdin, env: previousOutputEnv(a.commandArgs, prev),
			logging: a.Logging, log: logLine}
		return runLocal(ctx, a, r)
	case remoteType:
		a, err := decodeRemote(inputs)
		if err != nil {
			return runResult{}, err
		}
		r := run{op: op, command: command, stdin: a.Stdin, env: previousOutputEnv(a.commandArgs, prev),
			logging: a.Logging, log: logLine}
		return runRemote(ctx, a, r, warn)
	}
	return runResult{}, checkType(typ)
}

// withOutputs is the state to store: the inputs plus stdout and stderr (unknown in a preview).
func withOutputs(inputs resource.PropertyMap, res *runResult) resource.PropertyMap {
	out := inputs.Copy()
	if res == nil {
		out["stdout"] = resource.MakeComputed(resource.NewStringProperty(""))
		out["stderr"] = resource.MakeComputed(resource.NewStringProperty(""))
	} else {
		out["stdout"] = resource.NewStringProperty(res.stdout)
		out["stderr"] = resource.NewStringProperty(res.stderr)
	}
	return out
}

func commandOf(inputs resource.PropertyMap, key string) string {
	if v, ok := field(inputs, key); ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

func newID(urn string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%s", resource.URN(urn).Name(), hex.EncodeToString(b))
}

func (p *provider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	typ := resourceType(req.GetType(), req.GetUrn())
	if err := checkType(typ); err != nil {
		return nil, err
	}
	inputs, err := unmarshal(req.GetProperties(), "create.properties")
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		props, err := marshal(withOutputs(inputs, nil), "create.preview")
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	ctx, cancel := p.opContext(ctx, req.GetTimeout())
	defer cancel()
	res := runResult{}
	if command := commandOf(inputs, "create"); command != "" {
		if res, err = p.execute(ctx, typ, req.GetUrn(), "create", command, inputs, nil); err != nil {
			// Nothing is recorded: the next `pulumi up` runs create again.
			return nil, err
		}
	}
	props, err := marshal(withOutputs(inputs, &res), "create.outputs")
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: newID(req.GetUrn()), Properties: props}, nil
}

func (p *provider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	typ := resourceType(req.GetType(), req.GetUrn())
	if err := checkType(typ); err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds(), "update.olds")
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews(), "update.news")
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		props, err := marshal(withOutputs(news, nil), "update.preview")
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	ctx, cancel := p.opContext(ctx, req.GetTimeout())
	defer cancel()

	// Diff makes every change without an `update` command a replacement, so `create` here is
	// only a fallback. With no command at all the previous output stays.
	prev := outputText(olds)
	res := runResult{stdout: prev["stdout"], stderr: prev["stderr"]}
	op, command := "update", commandOf(news, "update")
	if command == "" {
		op, command = "create", commandOf(news, "create")
	}
	if command != "" {
		if res, err = p.execute(ctx, typ, req.GetUrn(), op, command, news, prev); err != nil {
			// The old state stays: the next `pulumi up` tries the update again.
			return nil, err
		}
	}
	props, err := marshal(withOutputs(news, &res), "update.outputs")
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

func (p *provider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	typ := resourceType(req.GetType(), req.GetUrn())
	if err := checkType(typ); err != nil {
		return nil, err
	}
	// The stored state: the connection and environment the resource was created (or last
	// updated) with, and its last output.
	state, err := unmarshal(req.GetProperties(), "delete.properties")
	if err != nil {
		return nil, err
	}
	command := commandOf(state, "delete")
	if command == "" {
		return &emptypb.Empty{}, nil
	}
	ctx, cancel := p.opContext(ctx, req.GetTimeout())
	defer cancel()
	if _, err := p.execute(ctx, typ, req.GetUrn(), "delete", command, state, outputText(state)); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Read (refresh) keeps the state: a command has nothing to read back.
func (p *provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	inputs := req.GetInputs()
	if inputs == nil && req.GetProperties() != nil {
		state, err := unmarshal(req.GetProperties(), "read.properties")
		if err != nil {
			return nil, err
		}
		if inputs, err = marshal(inputsOf(state), "read.inputs"); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: inputs}, nil
}
