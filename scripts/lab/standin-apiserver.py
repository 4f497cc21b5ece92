#!/usr/bin/env python3
"""Lab stand-in for a kube-apiserver: HTTPS on *:PORT with SO_REUSEPORT (as the real one runs
with --permit-port-sharing, so haproxy can bind <VIP>:PORT on the same host), answering
/readyz, /livez and /healthz with "ok" and /version with which host answered. The lab runs
kubeadm in dry-run mode, so no real API server exists; this stands in for its readiness only.

usage: standin-apiserver.py <port> <cert file> <key file> <host name>
"""
import http.server
import json
import socket
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        path = self.path.split("?")[0]
        if path in ("/readyz", "/livez", "/healthz"):
            body, kind = b"ok", "text/plain"
        elif path == "/version":
            body, kind = json.dumps({"standIn": True, "host": self.server.host_name}).encode(), "application/json"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    port, cert, key, host_name = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    server = Server(("0.0.0.0", port), Handler)
    server.host_name = host_name
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
