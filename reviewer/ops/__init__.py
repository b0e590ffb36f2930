"""The operations layer: every change to an audit, one transaction each."""
