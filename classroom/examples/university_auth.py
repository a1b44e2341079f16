# University login for the classroom hub, instead of sign-up + approval. Not loaded by
# default: include it with
#
#     NYUMON_HUB_CONFIG_EXTRA=classroom/examples/university_auth.py make classroom
#
# and install the authenticator into the course runtime first:
#
#     /opt/pytorch-nyumon/venv/bin/pip install jupyterhub-ltiauthenticator   # LTI 1.3
#     /opt/pytorch-nyumon/venv/bin/pip install oauthenticator                # OAuth / OIDC
#
# The values come from the environment so no secret lands in the repository. Either way the
# hub needs a public HTTPS address (see README.md, "Opening the hub to the class").
# Usernames become OS account names: they must match ^[a-z][a-z0-9_-]{0,30}$ (classroom/users.py),
# so pick a claim that gives such names (a login ID rather than an e-mail address).
#
# Not tested here (no LMS or identity provider on this machine): check with a test course.
import os

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

if os.environ.get("NYUMON_AUTH") == "lti13":
    # LTI 1.3: students open the hub from the course page of Moodle, Canvas, Blackboard…
    # Register the tool in the LMS with these URLs (HUB = https://hub.example.ac.jp):
    #   login initiation URL  HUB/hub/lti13/oauth_login
    #   redirect URI          HUB/hub/lti13/oauth_callback
    #   (HUB/hub/lti13/config serves the tool's configuration as JSON for LMSs that read it)
    # and copy what the LMS shows for the tool into the variables below.
    c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
    c.LTI13Authenticator.issuer = os.environ["LTI13_ISSUER"]  # e.g. https://moodle.example.ac.jp
    c.LTI13Authenticator.client_id = set(os.environ["LTI13_CLIENT_ID"].split(","))
    c.LTI13Authenticator.authorize_url = os.environ["LTI13_AUTHORIZE_URL"]
    c.LTI13Authenticator.jwks_endpoint = os.environ["LTI13_JWKS_URL"]
    c.LTI13Authenticator.username_key = os.environ.get("LTI13_USERNAME_KEY", "preferred_username")
elif os.environ.get("NYUMON_AUTH") == "oauth":
    # OAuth 2 / OpenID Connect: the university's single sign-on (Shibboleth's OIDC, Azure AD,
    # Google Workspace, Keycloak…). Register the hub as a client with the callback URL
    # HUB/hub/oauth_callback.
    c.JupyterHub.authenticator_class = "generic-oauth"
    c.GenericOAuthenticator.client_id = os.environ["OAUTH_CLIENT_ID"]
    c.GenericOAuthenticator.client_secret = os.environ["OAUTH_CLIENT_SECRET"]
    c.GenericOAuthenticator.oauth_callback_url = os.environ["OAUTH_CALLBACK_URL"]
    c.GenericOAuthenticator.authorize_url = os.environ["OAUTH_AUTHORIZE_URL"]
    c.GenericOAuthenticator.token_url = os.environ["OAUTH_TOKEN_URL"]
    c.GenericOAuthenticator.userdata_url = os.environ["OAUTH_USERDATA_URL"]
    c.GenericOAuthenticator.scope = ["openid", "profile"]
    c.GenericOAuthenticator.username_claim = os.environ.get(
        "OAUTH_USERNAME_CLAIM", "preferred_username"
    )
    # Only members of the course's group may log in (a claim your provider sends).
    c.GenericOAuthenticator.manage_groups = True
    c.GenericOAuthenticator.auth_state_groups_key = "oauth_user.groups"
    c.GenericOAuthenticator.allowed_groups = set(os.environ["OAUTH_COURSE_GROUPS"].split(","))
    c.GenericOAuthenticator.admin_groups = set(
        os.environ.get("OAUTH_ADMIN_GROUPS", "").split(",")
    ) - {""}
