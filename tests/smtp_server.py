"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the tests, and the app configured to use it."""

import socket

import pytest
from aiosmtpd.controller import Controller


class Recorder:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def recorder_class():
    """The handler class start_smtp() uses; a test module may override this fixture."""
    return Recorder


@pytest.fixture
def smtp_port(app):
    """A free port the app sends to; nothing listens there until start_smtp() is called."""
    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TLS="none", SMTP_TIMEOUT=5)
    return port


@pytest.fixture
def start_smtp(smtp_port, recorder_class):
    """Start aiosmtpd on smtp_port; returns its handler; stopped after the test."""
    controllers = []

    def start():
        controller = Controller(recorder_class(), hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return controller.handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp(start_smtp):
    """A running SMTP server that the app is configured to use."""
    return start_smtp()


@pytest.fixture
def silent_smtp(smtp_port):
    """A mail server on smtp_port that accepts connections and never answers (it hangs).

    The kernel completes each connection; no greeting ever comes, so a client waits for its
    whole SMTP_TIMEOUT. Returns stop(), which frees the port for start_smtp().
    """
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", smtp_port))
    listener.listen(64)
    yield listener.close
    listener.close()
