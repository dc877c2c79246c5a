"""Views of the orgs app: staff sign-in and two-factor pages (accounts)."""
