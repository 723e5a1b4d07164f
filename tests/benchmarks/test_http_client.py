"""The bench's own HTTP client, against a real server on 127.0.0.1."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bench.run import _unchunked, http


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = f"{self.headers['X-Test']}:".encode() + body
        self.send_response(201)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self):
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for part in (b"\xe9\xab\x98\xe9\x9b\x84", b"-", b"1999"):
            self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_post_sends_its_headers_and_body_and_reads_the_answer(port):
    status, body, seconds = http(port, "POST", "/x", {"X-Test": "yes"}, "高雄".encode())
    assert (status, body) == (201, "yes:高雄".encode())
    assert seconds > 0


def test_a_chunked_answer_is_read_whole_with_its_status(port):
    assert http(port, "GET", "/page", {})[:2] == (200, "高雄-1999".encode())
    assert http(port, "GET", "/missing", {})[0] == 404


def test_chunks_with_extensions_are_joined():
    assert _unchunked(b"3;name=v\r\nabc\r\n1\r\nd\r\n0\r\n\r\n") == b"abcd"
