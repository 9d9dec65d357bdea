"""Domain results rendered as text: a plain body that reads well on its own, HTML, and JSON for the CLI."""
