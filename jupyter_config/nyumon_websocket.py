"""The kernel's messages reach the browser without waiting on TCP's delayed acknowledgement.

Jupyter Server's kernel websocket leaves Nagle's algorithm on (Tornado's default). A widget
answers a change with a few messages written back to back (ipywidgets' echo, the new frame, the
status line): with Nagle on, each small write after the first waits until the browser has
acknowledged the one before, and Linux delays that acknowledgement for up to 40 ms once the
connection has been busy. So the playground's answer came 40 ms late whenever a change followed
other traffic. Issue 28's probe in Chromium, an activation change the moment a run had ended,
nine times: the new picture 53–72 ms after the input (median 60); with TCP_NODELAY 22–38 ms
(median 27).

This connection class is Jupyter Server's own (ZMQ channels), with ``TCP_NODELAY`` set on the
websocket when the browser connects. Nothing else changes: authentication, XSRF checks and the
messages are the server's. Loaded by jupyter_server_config.py, for `make lab` and the classroom's
student servers alike.
"""

from __future__ import annotations

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class NoDelayConnection(ZMQChannelsWebsocketConnection):
    """A kernel websocket that sends each message at once (``TCP_NODELAY``)."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)  # no-op on a Unix socket (Tornado checks)
        return super().connect()
