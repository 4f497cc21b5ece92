package main

// What local and remote runs share: capturing stdout and stderr, streaming lines to the
// engine as the `logging` input allows, and the error of a failed command.

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
)

// A run is one execution of a create, update or delete command.
type run struct {
	op      string // "create", "update" or "delete"
	command string
	stdin   *string
	env     map[string]string // environment input plus PULUMI_COMMAND_STDOUT/STDERR
	logging string
	log     func(line string) // streams one output line to the engine
}

// runResult holds a finished command's output, trailing newline removed.
type runResult struct {
	stdout, stderr string
}

// previousOutputEnv is what update and delete commands see of the previous run.
func previousOutputEnv(a commandArgs, olds map[string]string) map[string]string {
	env := map[string]string{}
	for k, v := range a.Environment {
		env[k] = v
	}
	if a.AddPreviousOutputInEnv && olds != nil {
		env["PULUMI_COMMAND_STDOUT"] = olds["stdout"]
		env["PULUMI_COMMAND_STDERR"] = olds["stderr"]
	}
	return env
}

// capture buffers one stream and passes each complete line to log when logging it.
type capture struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	pending []byte
	log     func(string) // nil: do not log
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if c.log == nil {
		return len(p), nil
	}
	c.pending = append(c.pending, p...)
	for {
		i := bytes.IndexByte(c.pending, '\n')
		if i < 0 {
			break
		}
		c.log(strings.TrimSuffix(string(c.pending[:i]), "\r"))
		c.pending = c.pending[i+1:]
	}
	return len(p), nil
}

func (c *capture) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.log != nil && len(c.pending) > 0 {
		c.log(string(c.pending))
		c.pending = nil
	}
}

func (c *capture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.TrimSuffix(c.buf.String(), "\n")
}

func logsStdout(mode string) bool { return mode == logStdout || mode == logStdoutAndStderr }
func logsStderr(mode string) bool { return mode == logStderr || mode == logStdoutAndStderr }

// captures returns the writers for stdout and stderr of r.
func (r run) captures() (*capture, *capture) {
	out, errw := &capture{}, &capture{}
	if r.log != nil && logsStdout(r.logging) {
		out.log = r.log
	}
	if r.log != nil && logsStderr(r.logging) {
		errw.log = r.log
	}
	return out, errw
}

const (
	tailLines = 20
	tailBytes = 4000
)

// tail returns the last lines of s, at most tailLines and about tailBytes.
func tail(s string) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	s = strings.Join(lines, "\n")
	if len(s) > tailBytes {
		s = "..." + s[len(s)-tailBytes:]
	}
	return s
}

// failed builds the error of a command that ran and failed (how: "exit status 3"). The
// output is included only as far as `logging` allows it to be shown.
func (r run) failed(how string, res runResult) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s command failed: %s", r.op, how)
	add := func(name, s string) {
		if strings.TrimSpace(s) == "" {
			return
		}
		fmt.Fprintf(&b, "\n%s (last lines):\n%s", name, tail(s))
	}
	if logsStderr(r.logging) {
		add("stderr", res.stderr)
	}
	if logsStdout(r.logging) {
		add("stdout", res.stdout)
	}
	if r.logging == logNone {
		b.WriteString(" (output not shown: logging is \"none\")")
	}
	return fmt.Errorf("%s", b.String())
}
