"""Typed output and input schemas, one module per domain. None of them carries an email address."""
