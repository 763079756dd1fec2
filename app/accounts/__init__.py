"""Accounts on the web (who manages which account) and account claims by contestants: above events, whose
panels and entries decide both; sign-in itself is app.auth, below events."""
