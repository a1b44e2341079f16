"""An nbgrader exchange as a JupyterHub service: students kept apart without a shared folder.

``service`` and ``store`` run under the hub; ``client`` is nbgrader's side (ExchangeFactory
classes) in every server; ``archive`` checks what crosses between them. The package imports
nothing from ``classroom``: the hub copies it into the course runtime as ``nyumon_exchange``
(``jupyterhub_exchange.py``), and the Kubernetes image holds it too. See README.md.
"""
