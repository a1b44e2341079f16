"""What a hub include grants, added to what other includes granted instead of replacing it.

The exchange and the class view are both services that every user's server token must reach,
and both make the hub's admins their course's instructors; each include loads in its own
order, so each adds its scope and its group members with these functions.
"""

from __future__ import annotations

# JupyterHub's own scopes for a server's token (its "server" role), before any include adds.
SERVER_SCOPES = ["users:activity!user", "access:servers!server"]


def grant_users(c, *scopes: str) -> None:
    """Give every user (the hub's "user" role) ``scopes``, besides ``self``."""
    roles = c.JupyterHub.load_roles if "load_roles" in c.JupyterHub else []
    for role in roles:
        if role.get("name") == "user":
            role["scopes"] = [*role["scopes"], *(s for s in scopes if s not in role["scopes"])]
            break
    else:
        roles.append({"name": "user", "scopes": ["self", *scopes]})
    c.JupyterHub.load_roles = roles


def grant_servers(c, *scopes: str) -> None:
    """Let each server's token (its JUPYTERHUB_API_TOKEN) use ``scopes`` too."""
    current = c.Spawner.server_token_scopes if "server_token_scopes" in c.Spawner else SERVER_SCOPES
    c.Spawner.server_token_scopes = [*current, *(s for s in scopes if s not in current)]


def add_to_group(c, group: str, users: list[str]) -> None:
    """Put ``users`` into the hub group ``group`` at start (other members stay)."""
    groups = dict(c.JupyterHub.load_groups) if "load_groups" in c.JupyterHub else {}
    entry = groups.get(group, {"users": []})
    entry = {"users": list(entry)} if isinstance(entry, list) else dict(entry)
    entry["users"] = sorted({*entry.get("users", []), *users})
    groups[group] = entry
    c.JupyterHub.load_groups = groups
