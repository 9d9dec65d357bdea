"""The use cases shared by the chat, the command line and the clock: they read and write `storage` and apply the
domain's rules. No wording, no Matrix, no i18n: a refusal is a domain `Refused` with its reason code."""
