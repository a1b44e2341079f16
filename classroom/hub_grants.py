"""What hub includes grant, gathered and written into the hub's config once, at its end.

The exchange and the class view are services that every user's server token must reach, and
both make the hub's admins their course's instructors. Each include is loaded with a config
of its own, merged into the hub's afterwards (traitlets' ``load_subconfig``): an include
cannot see what another one set, a second "user" role stops the hub ("Role user multiply
defined") and a second list of server token scopes replaces the first. So includes only
register here (this module is shared by every config file of the hub's process), and
``jupyterhub_config.py`` calls ``apply`` after the last include.
"""

from __future__ import annotations

# JupyterHub's own scopes for a server's token (its "server" role), before any include adds.
SERVER_SCOPES = ["users:activity!user", "access:servers!server"]

_users: list[str] = []
_servers: list[str] = []
_groups: dict[str, set[str]] = {}


def reset() -> None:
    _users.clear()
    _servers.clear()
    _groups.clear()


def grant_users(*scopes: str) -> None:
    """Every user (the hub's "user" role) gets ``scopes``, besides ``self``."""
    _users.extend(s for s in scopes if s not in _users)


def grant_servers(*scopes: str) -> None:
    """Each server's token (its JUPYTERHUB_API_TOKEN) may use ``scopes`` too."""
    _servers.extend(s for s in scopes if s not in _servers)


def add_to_group(group: str, users: list[str]) -> None:
    """``users`` are put in the hub group ``group`` at start (other members stay)."""
    _groups.setdefault(group, set()).update(users)


def _list(value: object, default: list) -> list:
    return list(value) if isinstance(value, (list, tuple)) else list(default)


def apply(c) -> None:
    """Write what was registered into the hub's config ``c``, then forget it."""
    if _users:
        roles = _list(c.JupyterHub.load_roles if "load_roles" in c.JupyterHub else None, [])
        for role in roles:
            if role.get("name") == "user":
                role["scopes"] = [*role["scopes"], *(s for s in _users if s not in role["scopes"])]
                break
        else:
            roles.append({"name": "user", "scopes": ["self", *_users]})
        c.JupyterHub.load_roles = roles
    if _servers:
        current = c.Spawner.server_token_scopes if "server_token_scopes" in c.Spawner else None
        current = _list(current, SERVER_SCOPES)
        c.Spawner.server_token_scopes = [*current, *(s for s in _servers if s not in current)]
    if _groups:
        known = c.JupyterHub.load_groups if "load_groups" in c.JupyterHub else None
        groups = dict(known) if isinstance(known, dict) else {}
        for group, users in _groups.items():
            entry = groups.get(group, {"users": []})
            entry = {"users": list(entry)} if isinstance(entry, list) else dict(entry)
            entry["users"] = sorted({*entry.get("users", []), *users})
            groups[group] = entry
        c.JupyterHub.load_groups = groups
    reset()
