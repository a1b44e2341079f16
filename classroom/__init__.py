"""The classroom server: JupyterHub on one machine (``python -m classroom``) and on Kubernetes (``k8s/``)."""
