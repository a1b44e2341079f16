# Hub include for bench/bench_exchange.py: a "bench" service (token $NYUMON_BENCH_HUB_TOKEN)
# that adds users to the hub and issues each a token for the exchange, as the hub's admin
# page and a student's server would. No server is started: the bench calls the exchange
# with those tokens, through the proxy, as nbgrader's client in a server does.
import os

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

c.JupyterHub.services.append({"name": "bench", "api_token": os.environ["NYUMON_BENCH_HUB_TOKEN"]})
c.JupyterHub.load_roles.append(
    {
        "name": "bench",
        "scopes": ["admin:users", "tokens", "access:services"],
        "services": ["bench"],
    }
)
