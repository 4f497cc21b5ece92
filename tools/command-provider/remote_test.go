package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Loopback only: a port with nothing listening and one that accepts but never speaks.

func testKey(t *testing.T) string {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(block))
}

func loopbackConnection(t *testing.T, port int) connection {
	return connection{Host: "127.0.0.1", Port: port, User: "root", PrivateKey: testKey(t),
		DialErrorLimit: 2, PerDialTimeout: 1}
}

func TestDialRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	start := time.Now()
	_, _, err = dialSSH(context.Background(), loopbackConnection(t, port))
	want := "ssh: could not reach root@127.0.0.1:" + strconv.Itoa(port) + " after 2 attempts: "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("error = %v, want prefix %q and connection refused", err, want)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestDialSilentServerTimesOut(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold it open, say nothing
		}
	}()

	start := time.Now()
	_, _, err = dialSSH(context.Background(), loopbackConnection(t, l.Addr().(*net.TCPAddr).Port))
	// Two attempts of 1 s with a 1 s pause between them.
	if err == nil || !strings.Contains(err.Error(), "after 2 attempts: timed out after 1s") {
		t.Fatalf("error = %v", err)
	}
	if d := time.Since(start); d < 3*time.Second || d > 5*time.Second {
		t.Errorf("took %s, want about 3 s", d)
	}
}
