"""Two hub includes (the exchange, the class view) grant scopes and groups without undoing
each other's, whichever loads first."""

from __future__ import annotations

import pytest
from traitlets.config import Config

from classroom import hub_grants


def include(c: Config, service: str, admins: list[str]) -> None:
    scope = f"access:services!service={service}"
    hub_grants.grant_users(c, scope)
    hub_grants.grant_servers(c, scope)
    hub_grants.add_to_group(c, "formgrade-pytorch-nyumon", admins)


@pytest.mark.parametrize("order", [("exchange", "classview"), ("classview", "exchange")])
def test_both_includes_keep_each_others_grants(order):
    c = Config()
    c.JupyterHub.load_roles = [{"name": "idle-culler", "scopes": ["read:servers"]}]
    for service in order:
        include(c, service, ["instructor"])
    include(c, order[0], ["instructor", "ta"])  # loaded twice: nothing doubles
    (user,) = [r for r in c.JupyterHub.load_roles if r["name"] == "user"]
    assert user["scopes"] == ["self", *(f"access:services!service={s}" for s in order)]
    assert c.JupyterHub.load_roles[0] == {"name": "idle-culler", "scopes": ["read:servers"]}
    assert c.Spawner.server_token_scopes == [
        *hub_grants.SERVER_SCOPES, *(f"access:services!service={s}" for s in order)
    ]  # fmt: skip
    assert c.JupyterHub.load_groups == {"formgrade-pytorch-nyumon": {"users": ["instructor", "ta"]}}
