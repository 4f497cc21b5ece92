// pulumi-resource-command: haplane's own implementation of the part of the Pulumi command
// provider (schema of @pulumi/command 1.2.1) that haplane uses, command:local:Command and
// command:remote:Command. See README.md for what it implements and where it differs.
//
// The engine starts a provider plugin with the engine's gRPC address as its only argument
// and reads the port the plugin listens on from the plugin's first line of stdout.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Version is the command provider release whose schema this implements; the engine checks
// it against the version the Node SDK asks for (1.2.1).
const Version = "1.2.1"

func main() {
	if err := serve(); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-command: %v\n", err)
		os.Exit(1)
	}
}

func serve() error {
	// The engine sends SIGINT when it is done with the plugin.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var args []string
	for _, a := range os.Args[1:] {
		// The engine may pass flags such as --tracing or --logtostderr; none matter here.
		if len(a) > 0 && a[0] == '-' {
			continue
		}
		args = append(args, a)
	}
	if len(args) != 1 {
		return fmt.Errorf("usage: %s <engine address>", os.Args[0])
	}
	engineAddr := args[0]

	conn, err := grpc.NewClient(engineAddr,
		grpc.WithTransportCredentials(insecure.NewCredentials()), rpcutil.GrpcChannelOptions())
	if err != nil {
		return fmt.Errorf("connecting to the engine at %s: %w", engineAddr, err)
	}
	defer conn.Close()

	// Stop when the engine goes away.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := rpcutil.Healthcheck(ctx, engineAddr, 5*time.Minute, cancel); err != nil {
		return fmt.Errorf("engine health check: %w", err)
	}

	prov := newProvider(pulumirpc.NewEngineClient(conn))
	done := make(chan bool)
	go func() {
		<-ctx.Done()
		prov.cancelAll()
		close(done)
	}()

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: done,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(srv, prov)
			return nil
		},
	})
	if err != nil {
		return err
	}
	fmt.Printf("%d\n", handle.Port)
	return <-handle.Done
}
