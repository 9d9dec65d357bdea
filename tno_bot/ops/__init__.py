"""The operating kit of `tno-bot run`: logs, metrics, the health endpoint, backups, and the settings they read
(`[service]` of the config, overridden by TNO_* variables)."""
