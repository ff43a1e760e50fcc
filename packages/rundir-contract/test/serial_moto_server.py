"""moto's S3 server with requests handled one at a time.

moto_server runs werkzeug threaded, and moto's conditional put (If-None-Match: *) checks for the key and then
stores it without a lock, so two concurrent conditional puts can both succeed — unlike real S3, which makes the
check and the write one atomic step. The contract's create-if-absent tests need S3's semantics, so this wrapper
serialises every request through one lock (connections stay threaded, so HTTP keep-alive still works).

usage: python3 serial_moto_server.py HOST PORT
"""
import os
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serial_app(environ, start_response):
        with lock:
            # Materialise the body inside the lock: the response is computed lazily by some handlers.
            return [b"".join(app(environ, start_response))]

    run_simple(host, port, serial_app, threaded=True)


if __name__ == "__main__":
    main()
