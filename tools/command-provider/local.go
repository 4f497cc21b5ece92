package main

// command:local:Command: the command runs as the last argument of the interpreter
// (default /bin/sh -c) on the machine running Pulumi.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

func runLocal(ctx context.Context, a localArgs, r run) (runResult, error) {
	argv := append(append([]string{}, a.Interpreter...), r.command)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = a.Dir
	cmd.Env = os.Environ()
	var names []string
	for k := range r.env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		cmd.Env = append(cmd.Env, k+"="+r.env[k])
	}
	if r.stdin != nil {
		cmd.Stdin = strings.NewReader(*r.stdin)
	}
	stdout, stderr := r.captures()
	cmd.Stdout, cmd.Stderr = stdout, stderr

	// On cancellation stop the whole process group, not just the interpreter, and do not
	// wait forever for grandchildren holding the output pipes.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second

	err := cmd.Run()
	stdout.flush()
	stderr.flush()
	res := runResult{stdout: stdout.String(), stderr: stderr.String()}
	if err == nil {
		return res, nil
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("%s command cancelled: %w", r.op, ctx.Err())
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return res, r.failed(exitErr.ProcessState.String(), res)
	}
	// The interpreter could not start (missing program or dir).
	return res, fmt.Errorf("%s command could not run: %w", r.op, err)
}
