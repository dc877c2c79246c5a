"""Forms of the account pages (`accounts`: sign-in with password and one-time code) and of
the administrator's pages for units, users and roles (`administration`)."""
