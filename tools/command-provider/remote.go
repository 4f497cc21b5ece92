package main

// command:remote:Command: the command string runs in an SSH session (the remote user's
// shell), directly or through a proxy (bastion) host.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// dialPause is the wait before the n-th retry (n from 1): 1 s, 2 s, 4 s, then 5 s.
func dialPause(n int) time.Duration {
	if n > 3 {
		return 5 * time.Second
	}
	return time.Second << (n - 1)
}

// retryDial makes up to c.DialErrorLimit attempts (unlimited when -1), each bounded by
// c.PerDialTimeout seconds (unbounded when 0).
func retryDial[T any](ctx context.Context, c connection, attempt func(ctx context.Context) (T, error)) (T, error) {
	limit := c.DialErrorLimit
	if limit == 0 {
		limit = 1
	}
	var zero T
	var last error
	n := 0
	for ; limit < 0 || n < limit; n++ {
		if n > 0 {
			select {
			case <-ctx.Done():
				return zero, ctx.Err()
			case <-time.After(dialPause(n)):
			}
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if c.PerDialTimeout > 0 {
			actx, cancel = context.WithTimeout(ctx, time.Duration(c.PerDialTimeout)*time.Second)
		}
		v, err := attempt(actx)
		cancel()
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return zero, ctx.Err()
		}
		if errors.Is(actx.Err(), context.DeadlineExceeded) || isTimeout(err) {
			err = fmt.Errorf("timed out after %ds: %w", c.PerDialTimeout, err)
		}
		last = err
	}
	return zero, fmt.Errorf("ssh: could not reach %s after %d attempts: %w", c.address(), n, last)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// clientConfig builds the SSH client configuration: authentication by private key, then
// password, then agent; the host key is checked only when hostKey is given.
func clientConfig(c connection) (*ssh.ClientConfig, func(), error) {
	cfg := &ssh.ClientConfig{User: c.User}
	cleanup := func() {}
	if c.PrivateKey != "" {
		var signer ssh.Signer
		var err error
		if c.PrivateKeyPassword != "" {
			signer, err = ssh.ParsePrivateKeyWithPassphrase([]byte(c.PrivateKey), []byte(c.PrivateKeyPassword))
		} else {
			signer, err = ssh.ParsePrivateKey([]byte(c.PrivateKey))
		}
		if err != nil {
			// Never echo the key; the parser's messages do not contain it.
			return nil, cleanup, fmt.Errorf("ssh: cannot use privateKey for %s: %w", c.address(), err)
		}
		cfg.Auth = append(cfg.Auth, ssh.PublicKeys(signer))
	}
	if c.Password != "" {
		pw := c.Password
		cfg.Auth = append(cfg.Auth, ssh.Password(pw),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	// The agent: its socket when given, else SSH_AUTH_SOCK when there is nothing else.
	sock := c.AgentSocketPath
	if sock == "" && len(cfg.Auth) == 0 {
		sock = os.Getenv("SSH_AUTH_SOCK")
	}
	if sock != "" {
		conn, err := net.Dial("unix", sock)
		if err != nil {
			if c.AgentSocketPath != "" {
				return nil, cleanup, fmt.Errorf("ssh: cannot use the agent at agentSocketPath %s: %w", sock, err)
			}
		} else {
			cleanup = func() { conn.Close() }
			cfg.Auth = append(cfg.Auth, ssh.PublicKeysCallback(agent.NewClient(conn).Signers))
		}
	}
	if len(cfg.Auth) == 0 {
		return nil, cleanup, fmt.Errorf("ssh: no way to authenticate to %s: set privateKey, password or agentSocketPath", c.address())
	}
	if c.HostKey != "" {
		key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(c.HostKey))
		if err != nil {
			return nil, cleanup, fmt.Errorf("ssh: hostKey for %s: %w", c.address(), err)
		}
		cfg.HostKeyCallback = ssh.FixedHostKey(key)
		cfg.HostKeyAlgorithms = hostKeyAlgorithms(key)
	} else {
		cfg.HostKeyCallback = ssh.InsecureIgnoreHostKey()
	}
	return cfg, cleanup, nil
}

// hostKeyAlgorithms makes the server present the key type we expect (an RSA key may be
// offered under several signature algorithms).
func hostKeyAlgorithms(key ssh.PublicKey) []string {
	if key.Type() == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{key.Type()}
}

// handshake runs the SSH handshake over conn within ctx. Running out of time closes conn
// (a connection tunnelled through a proxy has no deadlines).
func handshake(ctx context.Context, conn net.Conn, addr string, cfg *ssh.ClientConfig) (*ssh.Client, error) {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	if !stop() {
		if err == nil {
			c.Close()
		}
		return nil, fmt.Errorf("ssh handshake: %w", ctx.Err())
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return ssh.NewClient(c, chans, reqs), nil
}

func hostPort(c connection) string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// dialSSH connects to c, through c.Proxy when set. The caller closes what it returns.
func dialSSH(ctx context.Context, c connection) (*ssh.Client, func(), error) {
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}

	cfg, cleanup, err := clientConfig(c)
	closers = append(closers, cleanup)
	if err != nil {
		closeAll()
		return nil, nil, err
	}

	// Without a proxy the TCP connection is made from here; with one, through the proxy.
	connect := func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", hostPort(c))
	}
	if c.Proxy != nil {
		proxy, closeProxy, err := dialSSH(ctx, *c.Proxy)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("via proxy: %w", err)
		}
		closers = append(closers, closeProxy)
		connect = func(ctx context.Context) (net.Conn, error) {
			return proxy.DialContext(ctx, "tcp", hostPort(c))
		}
	}

	client, err := retryDial(ctx, c, func(ctx context.Context) (*ssh.Client, error) {
		conn, err := connect(ctx)
		if err != nil {
			return nil, err
		}
		return handshake(ctx, conn, hostPort(c), cfg)
	})
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	closers = append(closers, func() { client.Close() })
	return client, closeAll, nil
}

func runRemote(ctx context.Context, a remoteArgs, r run, warn func(string)) (runResult, error) {
	client, closeAll, err := dialSSH(ctx, a.Connection)
	if err != nil {
		return runResult{}, fmt.Errorf("%s command: %w", r.op, err)
	}
	defer closeAll()

	session, err := client.NewSession()
	if err != nil {
		return runResult{}, fmt.Errorf("%s command: ssh session on %s: %w", r.op, a.Connection.address(), err)
	}
	defer session.Close()

	// Environment through SSH "env" requests. The server applies only names its AcceptEnv
	// allows and refuses the others; a refused variable is left out, as upstream's docs say,
	// and named in a warning when it came from the `environment` input.
	var names []string
	for k := range r.env {
		names = append(names, k)
	}
	sort.Strings(names)
	var refused []string
	for _, k := range names {
		if err := session.Setenv(k, r.env[k]); err != nil && !strings.HasPrefix(k, "PULUMI_COMMAND_") {
			refused = append(refused, k)
		}
	}
	if len(refused) > 0 && warn != nil {
		warn(fmt.Sprintf("the SSH server on %s did not accept environment variable(s) %s (see AcceptEnv in sshd_config); the command runs without them",
			a.Connection.address(), strings.Join(refused, ", ")))
	}

	if r.stdin != nil {
		session.Stdin = strings.NewReader(*r.stdin)
	}
	stdout, stderr := r.captures()
	session.Stdout, session.Stderr = stdout, stderr

	done := make(chan error, 1)
	go func() { done <- session.Run(r.command) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		session.Signal(ssh.SIGKILL)
		closeAll()
		<-done
		return runResult{stdout: stdout.String(), stderr: stderr.String()},
			fmt.Errorf("%s command on %s cancelled: %w", r.op, a.Connection.address(), ctx.Err())
	}
	stdout.flush()
	stderr.flush()
	res := runResult{stdout: stdout.String(), stderr: stderr.String()}
	if err == nil {
		return res, nil
	}
	var exitErr *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case errors.As(err, &exitErr):
		how := fmt.Sprintf("exit status %d", exitErr.ExitStatus())
		if exitErr.Signal() != "" {
			how = "signal " + exitErr.Signal()
		}
		return res, r.failed(how+" on "+a.Connection.address(), res)
	case errors.As(err, &missing):
		return res, r.failed("the connection to "+a.Connection.address()+" ended without an exit status", res)
	}
	return res, fmt.Errorf("%s command on %s: %w", r.op, a.Connection.address(), err)
}
